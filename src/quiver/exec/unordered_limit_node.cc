#include "quiver/exec/unordered_limit_node.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/map_node.h>
#include <arrow/compute/exec.h>

#include <algorithm>
#include <mutex>

#include "quiver/exec/node_registry.h"

namespace quiver::exec {

namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

// Batches arrive on several threads; a mutex hands each its share of the rows. Every
// input batch yields one output batch (possibly empty), as MapNode expects.
class UnorderedLimitNode : public ac::MapNode {
 public:
  UnorderedLimitNode(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs, int64_t offset, int64_t count)
      : MapNode(plan, inputs, inputs[0]->output_schema()), to_skip_(offset), to_pass_(count) {}

  static arrow::Result<ac::ExecNode*> Make(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs,
                                           const ac::ExecNodeOptions& options) {
    RETURN_NOT_OK(ValidateExecNodeInputs(plan, inputs, 1, kKindName));
    const auto& limit = static_cast<const UnorderedLimitNodeOptions&>(options);
    if (limit.offset < 0 || limit.count < 0) return arrow::Status::Invalid("LIMIT and OFFSET must not be negative");
    return plan->EmplaceNode<UnorderedLimitNode>(plan, std::move(inputs), limit.offset, limit.count);
  }

  const char* kind_name() const override { return kKindName; }

 protected:
  arrow::Result<cp::ExecBatch> ProcessBatch(cp::ExecBatch batch) override {
    int64_t begin = 0;
    int64_t length = 0;
    {
      std::lock_guard lock(mutex_);
      begin = std::min(to_skip_, batch.length);
      to_skip_ -= begin;
      length = std::min(to_pass_, batch.length - begin);
      to_pass_ -= length;
    }
    if (begin == 0 && length == batch.length) return batch;
    return batch.Slice(begin, length);
  }

 private:
  static constexpr const char* kKindName = "UnorderedLimitNode";
  std::mutex mutex_;
  int64_t to_skip_;
  int64_t to_pass_;
};

}  // namespace

arrow::Status RegisterUnorderedLimitNode() {
  return RegisterNodeFactory(UnorderedLimitNodeOptions::kFactoryName, UnorderedLimitNode::Make);
}

}  // namespace quiver::exec
