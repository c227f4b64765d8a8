#include "quiver/exec/scan_filter.h"

#include <arrow/compute/cast.h>
#include <arrow/type.h>

#include "quiver/plan/plan_builders.h"

namespace quiver::exec {

namespace {

namespace cp = arrow::compute;

// `expression` with each column whose file type differs from its table type read
// through a cast to the table type.
cp::Expression ReadAsTableTypes(const cp::Expression& expression, const arrow::Schema& file_schema,
                                const arrow::Schema& table_schema) {
  if (const auto* ref = expression.field_ref()) {
    const auto* name = ref->name();
    if (name == nullptr) return expression;
    auto file_field = file_schema.GetFieldByName(*name);
    auto table_field = table_schema.GetFieldByName(*name);
    if (!file_field || !table_field || file_field->type()->Equals(*table_field->type())) return expression;
    return cp::call("cast", {expression}, cp::CastOptions::Safe(table_field->type()));
  }
  const auto* call = expression.call();
  if (call == nullptr) return expression;
  std::vector<cp::Expression> arguments;
  for (const auto& argument : call->arguments) {
    arguments.push_back(ReadAsTableTypes(argument, file_schema, table_schema));
  }
  return cp::call(call->function_name, std::move(arguments), call->options);
}

}  // namespace

arrow::Result<cp::Expression> FilterOnFileTypes(const cp::Expression& filter, const arrow::Schema& file_schema,
                                                const arrow::Schema& table_schema) {
  std::vector<cp::Expression> conjuncts;
  for (const auto& conjunct : plan::SplitConjunction(filter)) {
    if (conjunct.Bind(file_schema).ok()) {
      conjuncts.push_back(conjunct);
    } else {
      conjuncts.push_back(ReadAsTableTypes(conjunct, file_schema, table_schema));
    }
  }
  cp::Expression on_files = plan::JoinConjunction(conjuncts);
  ARROW_RETURN_NOT_OK(on_files.Bind(file_schema).status());
  return on_files;
}

}  // namespace quiver::exec
