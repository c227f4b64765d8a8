#include "quiver/exec/nested_loop_join_node.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/query_context.h>
#include <arrow/acero/util.h>
#include <arrow/compute/exec.h>
#include <arrow/table.h>

#include <mutex>
#include <optional>

#include "quiver/exec/nested_loop_joiner.h"
#include "quiver/exec/node_registry.h"
#include "quiver/exec/output_gate.h"

namespace quiver::exec {

namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

// Batches of both inputs arrive on several threads at once. Build batches are
// collected until that input is complete; probe batches that come earlier wait in a
// queue, later ones are joined on the thread that delivers them. The unmatched build
// rows go out after the last probe batch, followed by the end of the output.
class NestedLoopJoinNode : public ac::ExecNode, public StopsWhenSatisfied {
 public:
  NestedLoopJoinNode(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs, std::shared_ptr<arrow::Schema> output,
                     std::unique_ptr<nested_loop::NestedLoopJoiner> joiner, NestedLoopBuildSide build_side,
                     std::string condition)
      : ExecNode(plan, std::move(inputs), {"left", "right"}, std::move(output)),
        joiner_(std::move(joiner)),
        build_index_(build_side == NestedLoopBuildSide::kLeft ? 0 : 1),
        condition_(std::move(condition)) {}

  static arrow::Result<ac::ExecNode*> Make(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs,
                                           const ac::ExecNodeOptions& options) {
    RETURN_NOT_OK(ac::ValidateExecNodeInputs(plan, inputs, 2, kKindName));
    const auto& join_options = static_cast<const NestedLoopJoinNodeOptions&>(options);
    const auto& left = inputs[0]->output_schema();
    const auto& right = inputs[1]->output_schema();
    ARROW_ASSIGN_OR_RAISE(auto joiner, nested_loop::NestedLoopJoiner::Make(join_options, left, right,
                                                                           plan->query_context()->exec_context()));
    auto output = nested_loop::OutputSchema(join_options.join_type, *left, *right);
    return plan->EmplaceNode<NestedLoopJoinNode>(plan, std::move(inputs), std::move(output), std::move(joiner),
                                                 join_options.build_side, join_options.condition.ToString());
  }

  const char* kind_name() const override { return kKindName; }

  arrow::Status InputReceived(ac::ExecNode* input, cp::ExecBatch batch) override {
    if (input == inputs_[build_index_]) {
      bool complete;
      {
        std::lock_guard lock(mutex_);
        build_batches_.push_back(std::move(batch));
        complete = build_total_ && static_cast<int>(build_batches_.size()) == *build_total_;
      }
      return complete ? FinishBuild() : arrow::Status::OK();
    }
    {
      std::lock_guard lock(mutex_);
      if (!build_ready_) {
        waiting_probes_.push_back(std::move(batch));
        return arrow::Status::OK();
      }
    }
    return ProcessProbe(std::move(batch));
  }

  arrow::Status InputFinished(ac::ExecNode* input, int total_batches) override {
    if (input == inputs_[build_index_]) {
      bool complete;
      {
        std::lock_guard lock(mutex_);
        build_total_ = total_batches;
        complete = static_cast<int>(build_batches_.size()) == total_batches;
      }
      return complete ? FinishBuild() : arrow::Status::OK();
    }
    {
      std::lock_guard lock(mutex_);
      probe_total_ = total_batches;
    }
    return MaybeFinish();
  }

  arrow::Status StartProducing() override { return arrow::Status::OK(); }
  void OutputNotNeeded() override { gate_.Close(/*may_finish=*/true); }
  void PauseProducing(ac::ExecNode*, int32_t counter) override {
    gate_.SetPaused(true, counter);
    for (auto* input : inputs_) input->PauseProducing(this, counter);
  }
  void ResumeProducing(ac::ExecNode*, int32_t counter) override {
    gate_.SetPaused(false, counter);
    for (auto* input : inputs_) input->ResumeProducing(this, counter);
  }
  // One probe batch against a large build side can take minutes (a cross product), so
  // a stopped plan (a cancelled query, or a LIMIT that has its rows) must also end
  // the probe in progress, not only keep new batches from coming.
  arrow::Status StopProducingImpl() override {
    gate_.Close(/*may_finish=*/false);
    return arrow::Status::OK();
  }

 protected:
  std::string ToStringExtra(int) const override { return "condition=" + condition_; }

 private:
  static constexpr const char* kKindName = "NestedLoopJoinNode";

  // Runs once, on the thread that completed the build input.
  arrow::Status FinishBuild() {
    const auto& schema = inputs_[build_index_]->output_schema();
    std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
    for (const auto& batch : build_batches_) {
      ARROW_ASSIGN_OR_RAISE(auto record_batch, batch.ToRecordBatch(schema));
      batches.push_back(std::move(record_batch));
    }
    build_batches_.clear();
    ARROW_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches(schema, std::move(batches)));
    auto* pool = plan_->query_context()->exec_context()->memory_pool();
    ARROW_ASSIGN_OR_RAISE(auto build, table->CombineChunksToBatch(pool));
    ARROW_RETURN_NOT_OK(joiner_->SetBuild(std::move(build)));
    std::vector<cp::ExecBatch> waiting;
    {
      std::lock_guard lock(mutex_);
      build_ready_ = true;
      waiting.swap(waiting_probes_);
    }
    for (auto& batch : waiting) ARROW_RETURN_NOT_OK(ProcessProbe(std::move(batch)));
    return MaybeFinish();
  }

  arrow::Status ProcessProbe(cp::ExecBatch batch) {
    if (!gate_.closed()) {
      ARROW_ASSIGN_OR_RAISE(auto probe, batch.ToRecordBatch(inputs_[1 - build_index_]->output_schema()));
      ARROW_RETURN_NOT_OK(gate_.IgnoringClosed(
          joiner_->Probe(probe, [this](cp::ExecBatch out) { return gate_.Emit(this, output_, std::move(out)); })));
    }
    {
      std::lock_guard lock(mutex_);
      ++probes_done_;
    }
    return MaybeFinish();
  }

  // Ends the output once the build is in and every probe batch has been joined.
  arrow::Status MaybeFinish() {
    {
      std::lock_guard lock(mutex_);
      if (finished_ || !build_ready_ || !probe_total_ || probes_done_ != *probe_total_) return arrow::Status::OK();
      finished_ = true;
    }
    // A stopped plan must not finish its output: that would set a sort or an
    // aggregate above to work on everything received so far.
    if (!gate_.may_finish()) return arrow::Status::OK();
    ARROW_RETURN_NOT_OK(gate_.IgnoringClosed(
        joiner_->EmitUnmatchedBuild([this](cp::ExecBatch out) { return gate_.Emit(this, output_, std::move(out)); })));
    return output_->InputFinished(this, gate_.emitted());
  }

  std::unique_ptr<nested_loop::NestedLoopJoiner> joiner_;
  const int build_index_;
  const std::string condition_;
  std::mutex mutex_;
  std::vector<cp::ExecBatch> build_batches_;
  std::optional<int> build_total_;
  bool build_ready_ = false;
  std::vector<cp::ExecBatch> waiting_probes_;
  std::optional<int> probe_total_;
  int probes_done_ = 0;
  bool finished_ = false;
  OutputGate gate_;
};

}  // namespace

arrow::Status RegisterNestedLoopJoinNode() {
  return RegisterNodeFactory(NestedLoopJoinNodeOptions::kFactoryName, NestedLoopJoinNode::Make);
}

}  // namespace quiver::exec
