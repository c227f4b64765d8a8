#include "quiver/plan/simplify_plan.h"

#include <arrow/scalar.h>

#include "quiver/plan/expression_simplifier.h"
#include "quiver/plan/plan_builders.h"

namespace quiver::plan {

namespace {

// How a constant filter condition decides rows: all pass, none pass, or it is not constant.
enum class ConstantTruth { kAlways, kNever, kDepends };

ConstantTruth Truth(const cp::Expression& predicate) {
  const auto* datum = predicate.literal();
  if (!datum || !datum->is_scalar()) return ConstantTruth::kDepends;
  const auto& scalar = *datum->scalar();
  if (!scalar.is_valid) return ConstantTruth::kNever;  // NULL keeps no row
  if (scalar.type->id() != arrow::Type::BOOL) return ConstantTruth::kDepends;
  return static_cast<const arrow::BooleanScalar&>(scalar).value ? ConstantTruth::kAlways : ConstantTruth::kNever;
}

bool IsEmpty(const LogicalOperator& node) {
  return node.kind == LogicalKind::kValues && static_cast<const LogicalValues&>(node).table->num_rows() == 0;
}

arrow::Result<LogicalPlanPtr> EmptyRelation(const std::shared_ptr<arrow::Schema>& schema) {
  auto values = std::make_shared<LogicalValues>();
  values->schema = schema;
  ARROW_ASSIGN_OR_RAISE(values->table, arrow::Table::MakeEmpty(schema));
  return values;
}

// Whether an operator's output is necessarily empty once its inputs are known to be.
bool OutputIsEmpty(const LogicalOperator& node) {
  switch (node.kind) {
    case LogicalKind::kFilter:
    case LogicalKind::kProject:
    case LogicalKind::kSort:
    case LogicalKind::kLimit:
    case LogicalKind::kWindow:
    case LogicalKind::kSetFunction:
      return IsEmpty(*node.inputs[0]);
    case LogicalKind::kAggregate:
      // Without keys an aggregate answers one row even over no rows.
      return !static_cast<const LogicalAggregate&>(node).keys.empty() && IsEmpty(*node.inputs[0]);
    case LogicalKind::kUnion:
      return std::all_of(node.inputs.begin(), node.inputs.end(),
                         [](const LogicalPlanPtr& input) { return IsEmpty(*input); });
    case LogicalKind::kJoin: {
      const bool left = IsEmpty(*node.inputs[0]);
      const bool right = IsEmpty(*node.inputs[1]);
      switch (static_cast<const LogicalJoin&>(node).join_type) {
        case LogicalJoinType::kInner:
        case LogicalJoinType::kCross:
        case LogicalJoinType::kSemi:
          return left || right;
        case LogicalJoinType::kLeft:
        case LogicalJoinType::kAnti:
          return left;
        case LogicalJoinType::kRight:
          return right;
        case LogicalJoinType::kFull:
          return left && right;
      }
      return false;
    }
    case LogicalKind::kScan:
    case LogicalKind::kValues:
    case LogicalKind::kMaterialized:
    case LogicalKind::kExchange:
    case LogicalKind::kExtension:  // a user's operator may make rows of nothing
      return false;
  }
  return false;
}

arrow::Status SimplifyExpressions(LogicalOperator& node) {
  switch (node.kind) {
    case LogicalKind::kFilter: {
      auto& filter = static_cast<LogicalFilter&>(node);
      filter.predicate = SimplifyExpression(filter.predicate, *node.inputs[0]->schema);
      break;
    }
    case LogicalKind::kProject: {
      auto& project = static_cast<LogicalProject&>(node);
      for (auto& expression : project.expressions) expression = SimplifyExpression(expression, *node.inputs[0]->schema);
      break;
    }
    case LogicalKind::kJoin: {
      auto& join = static_cast<LogicalJoin&>(node);
      if (join.residual) join.residual = SimplifyExpression(*join.residual, *JoinedSchema(join));
      break;
    }
    case LogicalKind::kScan: {
      auto& scan = static_cast<LogicalScan&>(node);
      if (scan.filter) scan.filter = SimplifyExpression(*scan.filter, *scan.source->schema());
      break;
    }
    default:
      break;
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Status SimplifyPlan(LogicalPlanPtr& node) {
  for (auto& input : node->inputs) ARROW_RETURN_NOT_OK(SimplifyPlan(input));
  ARROW_RETURN_NOT_OK(SimplifyExpressions(*node));
  if (node->kind == LogicalKind::kFilter) {
    switch (Truth(static_cast<LogicalFilter&>(*node).predicate)) {
      case ConstantTruth::kAlways:
        node = node->inputs[0];
        return arrow::Status::OK();
      case ConstantTruth::kNever: {
        ARROW_ASSIGN_OR_RAISE(node, EmptyRelation(node->schema));
        return arrow::Status::OK();
      }
      case ConstantTruth::kDepends:
        break;
    }
  }
  if (node->kind == LogicalKind::kScan) {
    const auto& filter = static_cast<LogicalScan&>(*node).filter;
    if (filter && Truth(*filter) == ConstantTruth::kNever) {
      ARROW_ASSIGN_OR_RAISE(node, EmptyRelation(node->schema));
      return arrow::Status::OK();
    }
  }
  if (OutputIsEmpty(*node)) {
    ARROW_ASSIGN_OR_RAISE(node, EmptyRelation(node->schema));
  }
  return arrow::Status::OK();
}

}  // namespace quiver::plan
