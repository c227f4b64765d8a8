#include "quiver/plan/correlation_domain.h"

#include <map>

#include "quiver/plan/plan_builders.h"

namespace quiver::plan {

arrow::Result<CorrelationDomain> JoinCorrelationDomain(const LogicalPlanPtr& input,
                                                       const std::vector<cp::Expression>& correlation,
                                                       const LogicalPlanPtr& outer_rows, BindContext& context) {
  // The outer columns the correlation reads, each under a new name in the domain.
  std::vector<std::string> outer_columns;
  for (const auto& condition : correlation) {
    for (const auto& name : ReferencedColumns(condition)) {
      if (input->schema->GetFieldIndex(name) >= 0) continue;
      if (std::find(outer_columns.begin(), outer_columns.end(), name) == outer_columns.end()) {
        outer_columns.push_back(name);
      }
    }
  }
  CorrelationDomain out;
  std::map<std::string, std::string> renamed;
  std::vector<cp::Expression> projections;
  std::vector<std::string> names;
  arrow::FieldVector fields;
  for (const auto& column : outer_columns) {
    auto field = outer_rows->schema->GetFieldByName(column);
    if (!field) return arrow::Status::Invalid("correlated column ", column, " is not a column of the outer rows");
    const std::string name = context.NewColumnName("domain");
    renamed[column] = name;
    projections.push_back(cp::field_ref(column));
    names.push_back(name);
    fields.push_back(arrow::field(name, field->type()));
    out.columns.push_back({"", name, name, field->type(), /*hidden=*/true});
    out.correlation.push_back(cp::call("equal", {cp::field_ref(name), cp::field_ref(column)}));
  }
  ARROW_ASSIGN_OR_RAISE(auto values, MakeProject(ClonePlan(outer_rows), std::move(projections), std::move(names)));
  auto domain = std::make_shared<LogicalAggregate>();
  for (const auto& field : fields) domain->keys.push_back(field->name());
  domain->schema = values->schema;
  domain->inputs = {values};

  std::vector<cp::Expression> conditions;
  for (const auto& condition : correlation) conditions.push_back(RenameColumns(condition, renamed));
  ARROW_ASSIGN_OR_RAISE(out.plan, MakeJoinOn(LogicalJoinType::kInner, input, domain, conditions, context));
  return out;
}

arrow::Result<std::shared_ptr<LogicalJoin>> JoinOnCorrelation(
    LogicalJoinType type, LogicalPlanPtr left, LogicalPlanPtr right, const std::vector<cp::Expression>& correlation,
    bool null_safe, const std::vector<cp::Expression>& conditions, BindContext& context) {
  if (!null_safe) {
    std::vector<cp::Expression> all = correlation;
    all.insert(all.end(), conditions.begin(), conditions.end());
    return MakeJoinOn(type, std::move(left), std::move(right), all, context);
  }
  ARROW_ASSIGN_OR_RAISE(auto join, MakeJoinOn(type, std::move(left), std::move(right), correlation, context));
  join->null_equal_keys = true;
  std::vector<cp::Expression> residual = conditions;
  if (join->residual) residual.push_back(*join->residual);
  if (!residual.empty()) {
    ARROW_ASSIGN_OR_RAISE(join->residual, JoinConjunction(residual).Bind(*JoinedSchema(*join)));
  }
  return join;
}

}  // namespace quiver::plan
