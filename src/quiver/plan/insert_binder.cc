// INSERT's rows: the source query or VALUES list matched to the target columns.
#include <arrow/array/builder_base.h>
#include <arrow/table.h>

#include "quiver/plan/binder.h"
#include "quiver/plan/expression_binder.h"
#include "quiver/plan/plan_builders.h"
#include "quiver/plan/sql_types.h"
#include "quiver/sql/source_text.h"

namespace quiver::plan {

namespace {

bool IsNumeric(const arrow::DataType& type) {
  return arrow::is_integer(type.id()) || arrow::is_floating(type.id()) || arrow::is_decimal(type.id());
}

bool IsDateTime(const arrow::DataType& type) {
  return type.id() == arrow::Type::DATE32 || type.id() == arrow::Type::TIMESTAMP;
}

// The conversions PostgreSQL applies when storing a value into a column of another
// type (assignment casts). Text is also accepted into any column: a SELECT's untyped
// literals reach this point as text, and a bad value still fails when converted.
bool AssignmentAllowed(const arrow::DataType& from, const arrow::DataType& to) {
  if (from.Equals(to) || from.id() == arrow::Type::NA) return true;
  if (IsNumeric(from) && IsNumeric(to)) return true;
  if (IsDateTime(from) && IsDateTime(to)) return true;
  if (to.id() == arrow::Type::STRING || from.id() == arrow::Type::STRING) return true;
  return false;
}

struct TargetColumns {
  std::vector<int> indices;  // table column per value, in the statement's order
};

arrow::Result<TargetColumns> ResolveTargets(const sql::Statement& insert, const arrow::Schema& table,
                                            const std::string& table_name, std::string_view sql) {
  TargetColumns out;
  if (insert.target_columns.empty()) {
    for (int i = 0; i < table.num_fields(); ++i) out.indices.push_back(i);
    return out;
  }
  for (const auto& name : insert.target_columns) {
    int index = table.GetFieldIndex(name);
    if (index < 0) {
      return arrow::Status::Invalid("column \"", name, "\" of relation \"", table_name, "\" does not exist");
    }
    if (std::find(out.indices.begin(), out.indices.end(), index) != out.indices.end()) {
      return arrow::Status::Invalid("column \"", name, "\" specified more than once");
    }
    out.indices.push_back(index);
  }
  return out;
}

}  // namespace

arrow::Result<LogicalPlanPtr> Binder::BindInsertRows(const sql::Statement& insert, const arrow::Schema& table,
                                                     const std::string& table_name) {
  ARROW_ASSIGN_OR_RAISE(auto targets, ResolveTargets(insert, table, table_name, context_.sql));
  const size_t width = targets.indices.size();

  // The source: its plan and one bound value per target column.
  LogicalPlanPtr source;
  std::vector<BoundExpression> values(width);
  std::vector<int> locations(width, -1);
  BindScope source_scope;
  const sql::QueryNode* query = insert.query.get();
  const bool plain_values = query && query->kind == sql::QueryKind::kValues && query->ctes.empty() &&
                            query->order_by.empty() && !query->limit && !query->offset;
  if (insert.default_values) {
    ARROW_ASSIGN_OR_RAISE(source, SingleRow(context_));
    targets.indices.clear();
  } else if (plain_values) {
    // Each value is converted to its column's type where it is written, so a quoted
    // literal becomes a date or a number there and a bad one is reported at its place.
    std::vector<std::vector<BoundExpression>> rows;
    BindScope empty;
    ExpressionBinder binder(context_, empty, "VALUES");
    for (const auto& row : query->values_rows) {
      if (row.size() > width) {
        return sql::SqlError(context_.sql, row[width]->location, "INSERT has more expressions than target columns");
      }
      if (row.size() < width) {
        return arrow::Status::Invalid("INSERT has more target columns than expressions");
      }
      std::vector<BoundExpression> bound;
      for (size_t c = 0; c < width; ++c) {
        const auto& field = table.field(targets.indices[c]);
        ARROW_ASSIGN_OR_RAISE(auto value, binder.Bind(*row[c]));
        if (!value.adapts_to_context && !AssignmentAllowed(*value.type, *field->type())) {
          return sql::SqlError(context_.sql, row[c]->location, "column \"", field->name(), "\" is of type ",
                               SqlTypeName(*field->type()), " but expression is of type ", SqlTypeName(*value.type));
        }
        ARROW_ASSIGN_OR_RAISE(value, binder.CastTo(std::move(value), field->type(), row[c]->location));
        bound.push_back(std::move(value));
      }
      rows.push_back(std::move(bound));
    }
    // The rows become one constant table, already of the columns' types.
    auto constants = std::make_shared<LogicalValues>();
    arrow::FieldVector fields;
    arrow::ArrayVector arrays;
    for (size_t c = 0; c < width; ++c) {
      const auto& type = table.field(targets.indices[c])->type();
      std::unique_ptr<arrow::ArrayBuilder> builder;
      ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), type, &builder));
      for (const auto& row : rows) {
        auto scalar = EvaluateConstant(row[c]);
        if (!scalar.ok()) {
          return sql::SqlError(context_.sql, query->values_rows.front()[c]->location, scalar.status().message());
        }
        if (!(*scalar)->type->Equals(*type)) {
          ARROW_ASSIGN_OR_RAISE(*scalar, (*scalar)->CastTo(type));
        }
        ARROW_RETURN_NOT_OK(builder->AppendScalar(**scalar));
      }
      ARROW_ASSIGN_OR_RAISE(auto array, builder->Finish());
      std::string field = context_.NewColumnName(table.field(targets.indices[c])->name());
      fields.push_back(arrow::field(field, type));
      arrays.push_back(std::move(array));
      values[c] = BoundExpression{cp::field_ref(field), type};
    }
    constants->schema = arrow::schema(fields);
    constants->table = arrow::Table::Make(constants->schema, arrays, static_cast<int64_t>(rows.size()));
    source = constants;
  } else {
    ARROW_ASSIGN_OR_RAISE(auto bound, BindQuery(*query));
    const auto& columns = bound.scope.columns();
    if (columns.size() > width) return arrow::Status::Invalid("INSERT has more expressions than target columns");
    if (columns.size() < width) return arrow::Status::Invalid("INSERT has more target columns than expressions");
    ExpressionBinder binder(context_, bound.scope, "INSERT");
    for (size_t c = 0; c < width; ++c) {
      const auto& field = table.field(targets.indices[c]);
      BoundExpression value{cp::field_ref(columns[c].field), columns[c].type};
      if (!AssignmentAllowed(*value.type, *field->type())) {
        return arrow::Status::Invalid("column \"", field->name(), "\" is of type ", SqlTypeName(*field->type()),
                                      " but expression is of type ", SqlTypeName(*value.type));
      }
      ARROW_ASSIGN_OR_RAISE(values[c], binder.CastTo(std::move(value), field->type(), -1));
    }
    source = bound.plan;
  }

  // The table's columns in order: the values given, NULL for the others.
  std::vector<cp::Expression> expressions;
  std::vector<std::string> names;
  for (int i = 0; i < table.num_fields(); ++i) {
    auto given = std::find(targets.indices.begin(), targets.indices.end(), i);
    if (given != targets.indices.end()) {
      expressions.push_back(values[given - targets.indices.begin()].expr);
    } else {
      expressions.push_back(cp::literal(arrow::MakeNullScalar(table.field(i)->type())));
    }
    names.push_back(context_.NewColumnName(table.field(i)->name()));
  }
  return MakeProject(std::move(source), std::move(expressions), std::move(names));
}

}  // namespace quiver::plan
