#include "quiver/exec/unordered_limit_node.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/util.h>
#include <arrow/compute/exec.h>

#include <algorithm>
#include <mutex>
#include <optional>

#include "quiver/exec/node_registry.h"
#include "quiver/exec/output_gate.h"

namespace quiver::exec {

namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

// Batches arrive on several threads; a mutex hands each its share of the rows. Only
// non-empty shares go out, so the output's batch count is counted here.
class UnorderedLimitNode : public ac::ExecNode {
 public:
  UnorderedLimitNode(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs, int64_t offset, int64_t count)
      : ExecNode(plan, inputs, {"input"}, inputs[0]->output_schema()), to_skip_(offset), to_pass_(count) {}

  static arrow::Result<ac::ExecNode*> Make(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs,
                                           const ac::ExecNodeOptions& options) {
    RETURN_NOT_OK(ac::ValidateExecNodeInputs(plan, inputs, 1, kKindName));
    const auto& limit = static_cast<const UnorderedLimitNodeOptions&>(options);
    if (limit.offset < 0 || limit.count < 0) return arrow::Status::Invalid("LIMIT and OFFSET must not be negative");
    return plan->EmplaceNode<UnorderedLimitNode>(plan, std::move(inputs), limit.offset, limit.count);
  }

  const char* kind_name() const override { return kKindName; }

  arrow::Status InputReceived(ac::ExecNode*, cp::ExecBatch batch) override {
    int64_t begin = 0;
    int64_t length = 0;
    std::optional<int> finish_with;  // the output's batch count, when this batch ends it
    bool satisfied = false;
    {
      std::lock_guard lock(mutex_);
      ++received_;
      if (finished_) return arrow::Status::OK();
      begin = std::min(to_skip_, batch.length);
      to_skip_ -= begin;
      length = std::min(to_pass_, batch.length - begin);
      to_pass_ -= length;
      if (length > 0) ++emitted_;
      satisfied = to_pass_ == 0;
      if (satisfied || (input_total_ && received_ == *input_total_)) {
        finished_ = true;
        finish_with = emitted_;
      }
    }
    if (length > 0) {
      ARROW_RETURN_NOT_OK(output_->InputReceived(
          this, begin == 0 && length == batch.length ? std::move(batch) : batch.Slice(begin, length)));
    }
    if (!finish_with) return arrow::Status::OK();
    if (satisfied) TellOutputNotNeeded(this);
    return output_->InputFinished(this, *finish_with);
  }

  arrow::Status InputFinished(ac::ExecNode*, int total_batches) override {
    int finish_with;
    {
      std::lock_guard lock(mutex_);
      input_total_ = total_batches;
      if (finished_ || received_ != total_batches) return arrow::Status::OK();
      finished_ = true;
      finish_with = emitted_;
    }
    return output_->InputFinished(this, finish_with);
  }

  arrow::Status StartProducing() override { return arrow::Status::OK(); }
  void PauseProducing(ac::ExecNode*, int32_t counter) override { inputs_[0]->PauseProducing(this, counter); }
  void ResumeProducing(ac::ExecNode*, int32_t counter) override { inputs_[0]->ResumeProducing(this, counter); }
  arrow::Status StopProducingImpl() override { return arrow::Status::OK(); }

 private:
  static constexpr const char* kKindName = "UnorderedLimitNode";
  std::mutex mutex_;
  int64_t to_skip_;
  int64_t to_pass_;
  int received_ = 0;
  int emitted_ = 0;
  std::optional<int> input_total_;
  bool finished_ = false;
};

}  // namespace

arrow::Status RegisterUnorderedLimitNode() {
  return RegisterNodeFactory(UnorderedLimitNodeOptions::kFactoryName, UnorderedLimitNode::Make);
}

}  // namespace quiver::exec
