#include "quiver/plan/plan_builders.h"

#include <arrow/array/util.h>
#include <arrow/compute/api.h>

#include <algorithm>
#include <set>

#include "quiver/plan/expression_binder.h"

namespace quiver::plan {

arrow::Result<LogicalPlanPtr> MakeProject(LogicalPlanPtr input, std::vector<cp::Expression> expressions,
                                          std::vector<std::string> names) {
  auto project = std::make_shared<LogicalProject>();
  arrow::FieldVector fields;
  for (size_t i = 0; i < expressions.size(); ++i) {
    // Always (re)bind: an expression bound against another schema (a join's, before
    // its conjuncts moved to one side) would carry that schema's column positions.
    ARROW_ASSIGN_OR_RAISE(expressions[i], expressions[i].Bind(*input->schema));
    fields.push_back(arrow::field(names[i], expressions[i].type()->GetSharedPtr()));
  }
  project->expressions = std::move(expressions);
  project->schema = arrow::schema(std::move(fields));
  project->inputs = {std::move(input)};
  return project;
}

arrow::Result<LogicalPlanPtr> MakeFilter(LogicalPlanPtr input, cp::Expression predicate) {
  auto filter = std::make_shared<LogicalFilter>();
  ARROW_ASSIGN_OR_RAISE(predicate, predicate.Bind(*input->schema));
  filter->predicate = std::move(predicate);
  filter->schema = input->schema;
  filter->inputs = {std::move(input)};
  return filter;
}

LogicalPlanPtr MakeJoin(LogicalJoinType type, LogicalPlanPtr left, LogicalPlanPtr right,
                        std::vector<std::string> left_keys, std::vector<std::string> right_keys,
                        std::optional<cp::Expression> residual) {
  auto join = std::make_shared<LogicalJoin>();
  join->join_type = type;
  auto fields = left->schema->fields();
  if (OutputsRightColumns(type)) {
    for (const auto& field : right->schema->fields()) fields.push_back(field);
  }
  join->schema = arrow::schema(std::move(fields));
  join->left_keys = std::move(left_keys);
  join->right_keys = std::move(right_keys);
  join->residual = std::move(residual);
  join->inputs = {std::move(left), std::move(right)};
  return join;
}

namespace {

// Which side an expression reads: 0 none, 1 left only, 2 right only, 3 both.
int SideOf(const cp::Expression& expr, const std::set<std::string>& left, const std::set<std::string>& right) {
  auto columns = ReferencedColumns(expr);
  if (columns.empty()) return 0;
  bool all_left = true, all_right = true;
  for (const auto& column : columns) {
    all_left = all_left && left.count(column);
    all_right = all_right && right.count(column);
  }
  return all_left ? 1 : all_right ? 2 : 3;
}

// Names the key columns of one side, adding a projection for keys that are computed.
arrow::Result<std::vector<std::string>> KeyColumns(LogicalPlanPtr* side, const std::vector<cp::Expression>& keys,
                                                   BindContext& context) {
  std::vector<std::string> names;
  std::vector<cp::Expression> projections;
  std::vector<std::string> fields;
  for (const auto& field : (*side)->schema->fields()) {
    projections.push_back(cp::field_ref(field->name()));
    fields.push_back(field->name());
  }
  bool computed = false;
  for (const auto& key : keys) {
    if (key.field_ref() && key.field_ref()->name()) {
      names.push_back(*key.field_ref()->name());
      continue;
    }
    computed = true;
    names.push_back(context.NewColumnName("key"));
    projections.push_back(key);
    fields.push_back(names.back());
  }
  if (computed) {
    ARROW_ASSIGN_OR_RAISE(*side, MakeProject(*side, std::move(projections), std::move(fields)));
  }
  return names;
}

}  // namespace

arrow::Result<std::shared_ptr<LogicalJoin>> MakeJoinOn(LogicalJoinType type, LogicalPlanPtr left, LogicalPlanPtr right,
                                                       const std::vector<cp::Expression>& conditions,
                                                       BindContext& context) {
  std::set<std::string> left_fields, right_fields;
  for (const auto& field : left->schema->fields()) left_fields.insert(field->name());
  for (const auto& field : right->schema->fields()) right_fields.insert(field->name());
  std::vector<cp::Expression> left_keys, right_keys, residual;
  for (const auto& conjunct : conditions) {
    const auto* call = conjunct.call();
    if (type != LogicalJoinType::kCross && call && call->function_name == "equal" && call->arguments.size() == 2) {
      int a = SideOf(call->arguments[0], left_fields, right_fields);
      int b = SideOf(call->arguments[1], left_fields, right_fields);
      if (a == 1 && b == 2) {
        left_keys.push_back(call->arguments[0]);
        right_keys.push_back(call->arguments[1]);
        continue;
      }
      if (a == 2 && b == 1) {
        left_keys.push_back(call->arguments[1]);
        right_keys.push_back(call->arguments[0]);
        continue;
      }
    }
    residual.push_back(conjunct);
  }
  if (type == LogicalJoinType::kInner && left_keys.empty() && residual.empty()) type = LogicalJoinType::kCross;
  ARROW_ASSIGN_OR_RAISE(auto left_names, KeyColumns(&left, left_keys, context));
  ARROW_ASSIGN_OR_RAISE(auto right_names, KeyColumns(&right, right_keys, context));
  auto join = std::static_pointer_cast<LogicalJoin>(
      MakeJoin(type, std::move(left), std::move(right), left_names, right_names, std::nullopt));
  if (!residual.empty()) {
    // Conditions other than key equalities are checked on each matching pair (a join
    // without any equality pairs every row with every row first).
    ARROW_ASSIGN_OR_RAISE(join->residual, JoinConjunction(residual).Bind(*JoinedSchema(*join)));
  }
  return join;
}

std::shared_ptr<arrow::Schema> JoinedSchema(const LogicalJoin& join) {
  auto fields = join.inputs[0]->schema->fields();
  for (const auto& field : join.inputs[1]->schema->fields()) fields.push_back(field);
  return arrow::schema(std::move(fields));
}

arrow::Result<LogicalPlanPtr> MakeProjectAdding(LogicalPlanPtr input, std::vector<cp::Expression> extra,
                                                std::vector<std::string> names) {
  std::vector<cp::Expression> expressions;
  std::vector<std::string> all_names;
  for (const auto& field : input->schema->fields()) {
    expressions.push_back(cp::field_ref(field->name()));
    all_names.push_back(field->name());
  }
  for (size_t i = 0; i < extra.size(); ++i) {
    expressions.push_back(std::move(extra[i]));
    all_names.push_back(std::move(names[i]));
  }
  return MakeProject(std::move(input), std::move(expressions), std::move(all_names));
}

arrow::Result<LogicalPlanPtr> MakeColumnSelection(LogicalPlanPtr input, const std::vector<std::string>& names) {
  std::vector<cp::Expression> expressions;
  for (const auto& name : names) expressions.push_back(cp::field_ref(name));
  return MakeProject(std::move(input), std::move(expressions), names);
}

namespace {

void CollectColumns(const cp::Expression& expr, std::vector<std::string>* out) {
  if (const auto* ref = expr.field_ref()) {
    if (const auto* name = ref->name()) {
      if (std::find(out->begin(), out->end(), *name) == out->end()) out->push_back(*name);
    }
    return;
  }
  if (const auto* call = expr.call()) {
    for (const auto& arg : call->arguments) CollectColumns(arg, out);
  }
}

}  // namespace

std::vector<std::string> ReferencedColumns(const cp::Expression& expr) {
  std::vector<std::string> out;
  CollectColumns(expr, &out);
  return out;
}

std::vector<cp::Expression> SplitConjunction(const cp::Expression& expr) {
  const auto* call = expr.call();
  if (call && (call->function_name == "and_kleene" || call->function_name == "and")) {
    std::vector<cp::Expression> out;
    for (const auto& arg : call->arguments) {
      auto parts = SplitConjunction(arg);
      out.insert(out.end(), parts.begin(), parts.end());
    }
    return out;
  }
  return {expr};
}

std::vector<cp::Expression> SplitDisjunction(const cp::Expression& expr) {
  const auto* call = expr.call();
  if (call && (call->function_name == "or_kleene" || call->function_name == "or")) {
    std::vector<cp::Expression> out;
    for (const auto& arg : call->arguments) {
      auto parts = SplitDisjunction(arg);
      out.insert(out.end(), parts.begin(), parts.end());
    }
    return out;
  }
  return {expr};
}

cp::Expression JoinConjunction(const std::vector<cp::Expression>& conjuncts) {
  if (conjuncts.empty()) return cp::literal(true);
  cp::Expression result = conjuncts[0];
  for (size_t i = 1; i < conjuncts.size(); ++i) result = cp::call("and_kleene", {result, conjuncts[i]});
  return result;
}

cp::Expression AsFilterCondition(const cp::Expression& condition) {
  auto conjuncts = SplitConjunction(condition);
  cp::Expression result = conjuncts[0];
  for (size_t i = 1; i < conjuncts.size(); ++i) result = cp::call("and", {result, conjuncts[i]});
  return result;
}

cp::Expression RenameColumns(const cp::Expression& expr, const std::map<std::string, std::string>& renames) {
  if (const auto* ref = expr.field_ref()) {
    if (const auto* name = ref->name()) {
      auto it = renames.find(*name);
      if (it != renames.end()) return cp::field_ref(it->second);
    }
    return expr;
  }
  if (const auto* call = expr.call()) {
    std::vector<cp::Expression> args;
    args.reserve(call->arguments.size());
    for (const auto& arg : call->arguments) args.push_back(RenameColumns(arg, renames));
    return cp::call(call->function_name, std::move(args), call->options);
  }
  return expr;
}

std::optional<std::string> PassedThrough(const LogicalProject& project, const std::string& name) {
  int index = project.schema->GetFieldIndex(name);
  if (index < 0) return std::nullopt;
  const auto* ref = project.expressions[index].field_ref();
  if (!ref || !ref->name()) return std::nullopt;
  return *ref->name();
}

bool IsInnerJoin(const LogicalOperator& node) {
  if (node.kind != LogicalKind::kJoin) return false;
  const auto& join = static_cast<const LogicalJoin&>(node);
  return (join.join_type == LogicalJoinType::kInner || join.join_type == LogicalJoinType::kCross) &&
         !join.null_equal_keys;
}

// A one-row, one-column source for SELECT without FROM.
arrow::Result<LogicalPlanPtr> SingleRow(BindContext& context) {
  auto values = std::make_shared<LogicalValues>();
  std::string name = context.NewColumnName("dummy");
  values->schema = arrow::schema({arrow::field(name, arrow::int32())});
  ARROW_ASSIGN_OR_RAISE(auto array, arrow::MakeArrayFromScalar(arrow::Int32Scalar(0), 1));
  values->table = arrow::Table::Make(values->schema, arrow::ArrayVector{array});
  return values;
}

// Evaluates an expression without input columns (VALUES rows, LIMIT counts).
arrow::Result<std::shared_ptr<arrow::Scalar>> EvaluateConstant(const BoundExpression& value) {
  if (auto scalar = LiteralValue(value)) return scalar;
  ARROW_ASSIGN_OR_RAISE(auto datum, cp::ExecuteScalarExpression(value.expr, cp::ExecBatch({}, 1)));
  if (datum.is_scalar()) return datum.scalar();
  return datum.make_array()->GetScalar(0);
}

}  // namespace quiver::plan
