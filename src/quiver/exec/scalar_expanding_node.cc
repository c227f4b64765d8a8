#include "quiver/exec/scalar_expanding_node.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/map_node.h>
#include <arrow/acero/query_context.h>
#include <arrow/array/util.h>
#include <arrow/compute/exec.h>

#include "quiver/exec/node_registry.h"

namespace quiver::exec {

namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

class ScalarExpandingNode : public ac::MapNode {
 public:
  ScalarExpandingNode(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs)
      : MapNode(plan, inputs, inputs[0]->output_schema()) {}

  static arrow::Result<ac::ExecNode*> Make(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs,
                                           const ac::ExecNodeOptions&) {
    RETURN_NOT_OK(ValidateExecNodeInputs(plan, inputs, 1, kKindName));
    return plan->EmplaceNode<ScalarExpandingNode>(plan, std::move(inputs));
  }

  const char* kind_name() const override { return kKindName; }

 protected:
  arrow::Result<cp::ExecBatch> ProcessBatch(cp::ExecBatch batch) override {
    for (auto& value : batch.values) {
      if (!value.is_scalar()) continue;
      ARROW_ASSIGN_OR_RAISE(auto array, arrow::MakeArrayFromScalar(*value.scalar(), batch.length,
                                                                   plan()->query_context()->memory_pool()));
      value = std::move(array);
    }
    return batch;
  }

 private:
  static constexpr const char* kKindName = "ScalarExpandingNode";
};

}  // namespace

arrow::Status RegisterScalarExpandingNode() {
  return RegisterNodeFactory(ScalarExpandingNodeOptions::kFactoryName, ScalarExpandingNode::Make);
}

}  // namespace quiver::exec
