#include "quiver/exec/filter_node.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/map_node.h>
#include <arrow/acero/query_context.h>
#include <arrow/compute/exec.h>

#include "quiver/exec/node_registry.h"
#include "quiver/exec/row_selection.h"

namespace quiver::exec {

namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

class FilterNode : public ac::MapNode {
 public:
  FilterNode(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs, cp::Expression condition)
      : MapNode(plan, inputs, inputs[0]->output_schema()), condition_(std::move(condition)) {}

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
    cp::Expression condition = condition_;
    if (batch.guarantee != cp::literal(true)) {
      // What the scan knows of the batch (its partition) may decide conjuncts outright.
      ARROW_ASSIGN_OR_RAISE(condition, cp::SimplifyWithGuarantee(condition_, batch.guarantee));
    }
    auto* context = plan()->query_context()->exec_context();
    ARROW_ASSIGN_OR_RAISE(auto mask, cp::ExecuteScalarExpression(condition, batch, context));
    if (mask.is_scalar()) {
      const auto& keep = mask.scalar_as<arrow::BooleanScalar>();
      if (keep.is_valid && keep.value) return batch;
      return batch.Slice(0, 0);
    }
    return SelectRows(batch, *mask.array(), plan()->query_context()->memory_pool());
  }

  std::string ToStringExtra(int) const override { return "condition=" + condition_.ToString(); }

 private:
  static constexpr const char* kKindName = "FilterNode";
  cp::Expression condition_;
};

}  // namespace

arrow::Status RegisterFilterNode() { return RegisterNodeFactory(FilterNodeOptions::kFactoryName, FilterNode::Make); }

}  // namespace quiver::exec
