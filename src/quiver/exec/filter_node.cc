#include "quiver/exec/filter_node.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/map_node.h>
#include <arrow/acero/query_context.h>
#include <arrow/compute/exec.h>

#include "quiver/exec/dictionary_condition.h"
#include "quiver/exec/node_registry.h"
#include "quiver/exec/row_selection.h"

namespace quiver::exec {

namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

class FilterNode : public ac::MapNode {
 public:
  FilterNode(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs, cp::Expression condition)
      : MapNode(plan, inputs, inputs[0]->output_schema()), condition_(std::move(condition)) {
    DictionaryCondition::Split(condition_, *output_schema(), &on_dictionaries_, &others_);
  }

  static arrow::Result<ac::ExecNode*> Make(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs,
                                           const ac::ExecNodeOptions& options) {
    RETURN_NOT_OK(ValidateExecNodeInputs(plan, inputs, 1, kKindName));
    const auto& condition = static_cast<const FilterNodeOptions&>(options).condition;
    if (!condition.IsBound() || condition.type()->id() != arrow::Type::BOOL) {
      return arrow::Status::Invalid("a filter needs a bound boolean condition, got ", condition.ToString());
    }
    return plan->EmplaceNode<FilterNode>(plan, std::move(inputs), condition);
  }

  const char* kind_name() const override { return kKindName; }

 protected:
  arrow::Result<cp::ExecBatch> ProcessBatch(cp::ExecBatch batch) override {
    auto* context = plan()->query_context()->exec_context();
    ARROW_ASSIGN_OR_RAISE(auto mask, Mask(batch, context));
    if (mask.is_scalar()) {
      const auto& keep = mask.scalar_as<arrow::BooleanScalar>();
      if (keep.is_valid && keep.value) return batch;
      return batch.Slice(0, 0);
    }
    return SelectRows(batch, *mask.array(), plan()->query_context()->memory_pool());
  }

  std::string ToStringExtra(int) const override { return "condition=" + condition_.ToString(); }

 private:
  // Which rows pass: the conjuncts over dictionary columns per dictionary entry, the
  // rest row by row, the two ANDed.
  arrow::Result<arrow::Datum> Mask(const cp::ExecBatch& batch, cp::ExecContext* context) const {
    if (batch.guarantee != cp::literal(true) || on_dictionaries_.empty()) {
      // What the scan knows of the batch (its partition) may decide conjuncts outright.
      ARROW_ASSIGN_OR_RAISE(auto condition, cp::SimplifyWithGuarantee(condition_, batch.guarantee));
      return cp::ExecuteScalarExpression(condition, batch, context);
    }
    arrow::Datum mask;
    for (const auto& conjunct : on_dictionaries_) {
      ARROW_ASSIGN_OR_RAISE(auto part, conjunct.Evaluate(batch, context));
      ARROW_ASSIGN_OR_RAISE(mask, mask.is_value() ? cp::CallFunction("and", {mask, part}, context) : part);
    }
    for (const auto& conjunct : others_) {
      ARROW_ASSIGN_OR_RAISE(auto part, cp::ExecuteScalarExpression(conjunct, batch, context));
      ARROW_ASSIGN_OR_RAISE(mask, cp::CallFunction("and", {mask, part}, context));
    }
    return mask;
  }

  static constexpr const char* kKindName = "FilterNode";
  cp::Expression condition_;
  std::vector<DictionaryCondition> on_dictionaries_;
  std::vector<cp::Expression> others_;  // the other conjuncts
};

}  // namespace

arrow::Status RegisterFilterNode() { return RegisterNodeFactory(FilterNodeOptions::kFactoryName, FilterNode::Make); }

}  // namespace quiver::exec
