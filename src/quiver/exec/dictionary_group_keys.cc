#include "quiver/exec/dictionary_group_keys.h"

#include <arrow/type.h>

#include <algorithm>

#include "quiver/exec/dictionary_key_codes.h"
#include "quiver/exec/integer_key_aggregate_node.h"
#include "quiver/exec/scan_filter.h"
#include "quiver/plan/plan_builders.h"
#include "quiver/storage/file_table.h"

namespace quiver::exec {

namespace {

namespace cp = arrow::compute;
using plan::LogicalKind;

bool Reads(const cp::Expression& expression, const std::string& column) {
  const auto read = plan::ReferencedColumns(expression);
  return std::find(read.begin(), read.end(), column) != read.end();
}

// Where group key `column` of an aggregate's input comes from: the scan and file
// column that produce it, when every operator between only passes it on. Null scan
// otherwise.
std::pair<const plan::LogicalScan*, std::string> Source(const plan::LogicalOperator* node, std::string column) {
  while (true) {
    switch (node->kind) {
      case LogicalKind::kProject: {
        const auto& project = static_cast<const plan::LogicalProject&>(*node);
        const int index = project.schema->GetFieldIndex(column);
        if (index < 0) return {nullptr, ""};
        const auto* ref = project.expressions[index].field_ref();
        if (ref == nullptr || ref->name() == nullptr) return {nullptr, ""};
        const std::string input = *ref->name();
        for (size_t i = 0; i < project.expressions.size(); ++i) {
          if (static_cast<int>(i) != index && Reads(project.expressions[i], input)) return {nullptr, ""};
        }
        column = input;
        node = node->inputs[0].get();
        break;
      }
      case LogicalKind::kFilter: {
        if (Reads(static_cast<const plan::LogicalFilter&>(*node).predicate, column)) return {nullptr, ""};
        node = node->inputs[0].get();
        break;
      }
      case LogicalKind::kScan: {
        const auto& scan = static_cast<const plan::LogicalScan&>(*node);
        const int index = scan.schema->GetFieldIndex(column);
        if (index < 0) return {nullptr, ""};
        const std::string& file_column = scan.columns[index];
        const auto file_field = scan.source->file_schema()->GetFieldByName(file_column);
        if (!file_field || !DictionaryKeyCodes::Reads(*file_field->type())) return {nullptr, ""};
        // The scan must filter on the files' types, before converting columns.
        if (scan.filter && !FilterOnFileTypes(*scan.filter, *scan.source->file_schema(), *scan.source->schema()).ok()) {
          return {nullptr, ""};
        }
        return {&scan, file_column};
      }
      default:
        return {nullptr, ""};
    }
  }
}

void Visit(const plan::LogicalOperator& node,
           const std::function<std::vector<arrow::compute::Aggregate>(const plan::LogicalAggregate&)>& acero_aggregates,
           DictionaryGroupKeys* found) {
  for (const auto& input : node.inputs) Visit(*input, acero_aggregates, found);
  if (node.kind != LogicalKind::kAggregate) return;
  const auto& aggregate = static_cast<const plan::LogicalAggregate&>(node);
  if (aggregate.keys.empty()) return;
  const auto& input_schema = *aggregate.inputs[0]->schema;
  std::vector<std::pair<const plan::LogicalScan*, std::string>> sources;
  arrow::FieldVector fields = input_schema.fields();
  for (const auto& key : aggregate.keys) {
    for (const auto& call : aggregate.aggregates) {
      if (call.input == key) return;  // an aggregate of the key would see codes
    }
    auto source = Source(aggregate.inputs[0].get(), key);
    if (source.first == nullptr) return;
    auto type = source.first->source->file_schema()->GetFieldByName(source.second)->type();
    fields[input_schema.GetFieldIndex(key)] = arrow::field(key, type);
    sources.push_back(std::move(source));
  }
  if (!IntegerKeyAggregateNodeOptions::Supports(*arrow::schema(fields), aggregate.keys, acero_aggregates(aggregate))) {
    return;
  }
  for (auto& source : sources) found->scan_columns.insert(std::move(source));
  found->aggregates.insert(&aggregate);
}

}  // namespace

DictionaryGroupKeys DictionaryGroupKeys::Find(
    const plan::LogicalOperator& root,
    const std::function<std::vector<arrow::compute::Aggregate>(const plan::LogicalAggregate&)>& acero_aggregates) {
  DictionaryGroupKeys found;
  Visit(root, acero_aggregates, &found);
  return found;
}

}  // namespace quiver::exec
