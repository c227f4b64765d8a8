#include "quiver/exec/executor.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/options.h>
#include <arrow/compute/exec.h>
#include <arrow/util/async_generator.h>

#include "quiver/exec/blocking_operators.h"
#include "quiver/exec/memory_budget.h"

namespace quiver::exec {

namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

// How long a read waits for the plan before asking whether it is still wanted: the
// bound on how late a cancellation is noticed.
constexpr double kInterruptPollSeconds = 0.05;

// Result batches a plan may queue ahead of its reader. Acero's default (pause above
// 1 GiB) would let one slow client hold a large part of the memory budget.
constexpr uint64_t kPauseAboveBytes = 64 << 20;
constexpr uint64_t kResumeBelowBytes = 16 << 20;

// Owns a running plan and reads its sink. Acero's own reader stops a plan on Close
// whatever its state, and stopping a plan whose start failed (a node refusing its
// input, say) aborts the process inside Arrow's tracing code. This reader stops only
// plans that are still producing, and lets failed ones finish by themselves.
class PlanBatchReader : public arrow::RecordBatchReader {
 public:
  PlanBatchReader(std::shared_ptr<ac::ExecPlan> plan, std::shared_ptr<arrow::Schema> schema,
                  arrow::AsyncGenerator<std::optional<cp::ExecBatch>> batches, InterruptCheck interrupted,
                  std::string holders)
      : plan_(std::move(plan)),
        schema_(std::move(schema)),
        batches_(std::move(batches)),
        interrupted_(std::move(interrupted)),
        holders_(std::move(holders)) {}
  ~PlanBatchReader() override { (void)Close(); }

  std::shared_ptr<arrow::Schema> schema() const override { return schema_; }

  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
    batch->reset();
    if (!plan_ || done_) return arrow::Status::OK();
    auto status = Next(batch);
    if (!status.ok() || *batch == nullptr) done_ = true;
    if (!status.ok()) {
      // Only the plan's own failure lets it finish by itself; an error here (the batch
      // could not be copied within the budget, say) leaves it running until stopped.
      failed_ = !status.IsCancelled() && plan_->finished().is_finished();
      if (IsMemoryLimitError(status)) status = AttributeMemoryLimitError(status, holders_);
    }
    return status;
  }

  arrow::Status Close() override {
    if (!plan_) return arrow::Status::OK();
    // A plan stopped before its end (the client went away) reports Cancelled; that is
    // not an error of the query.
    bool cut_short = failed_ || !done_;
    if (!failed_ && !stopped_ && !plan_->finished().is_finished()) plan_->StopProducing();
    plan_->finished().Wait();
    plan_.reset();
    batches_ = nullptr;
    // A query stopped midway or failed (over its budget, say) may leave much memory
    // free inside the allocator; hand it back to the system rather than keep the
    // process at its peak.
    if (cut_short) QueryMemoryPool()->ReleaseUnused();
    return arrow::Status::OK();
  }

 private:
  arrow::Status Next(std::shared_ptr<arrow::RecordBatch>* batch) {
    auto next = batches_();
    while (!next.Wait(kInterruptPollSeconds)) {
      if (interrupted_ && interrupted_()) {
        if (!plan_->finished().is_finished()) plan_->StopProducing();
        stopped_ = true;
        return arrow::Status::Cancelled("the query was cancelled: its client cancelled it or went away");
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto produced, next.result());
    if (!produced) {
      // The sink just ends when the plan fails: the plan says how it finished.
      return plan_->finished().status();
    }
    ARROW_ASSIGN_OR_RAISE(*batch, produced->ToRecordBatch(schema_, QueryMemoryPool()));
    return arrow::Status::OK();
  }

  std::shared_ptr<ac::ExecPlan> plan_;
  std::shared_ptr<arrow::Schema> schema_;
  arrow::AsyncGenerator<std::optional<cp::ExecBatch>> batches_;
  InterruptCheck interrupted_;
  std::string holders_;
  bool failed_ = false;
  bool stopped_ = false;
  bool done_ = false;
};

}  // namespace

arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> StartPlan(ac::Declaration declaration,
                                                                   InterruptCheck interrupted, arrow::MemoryPool* pool,
                                                                   arrow::internal::Executor* executor) {
  ac::QueryOptions options;
  options.use_threads = true;
  const cp::ExecContext& threaded = *cp::threaded_exec_context();
  cp::ExecContext context(pool ? pool : QueryMemoryPool(), executor ? executor : threaded.executor(),
                          threaded.func_registry());
  ARROW_ASSIGN_OR_RAISE(auto plan, ac::ExecPlan::Make(options, context));
  std::string holders = DescribeBlockingOperators(declaration);
  std::shared_ptr<arrow::Schema> schema;
  arrow::AsyncGenerator<std::optional<cp::ExecBatch>> batches;
  // The sink keeps the order of sorted input, and pauses the plan while a slow reader
  // (a client fetching over the network) lets batches pile up.
  auto sink = ac::Declaration::Sequence(
      {std::move(declaration),
       {"sink", ac::SinkNodeOptions(&batches, &schema, ac::BackpressureOptions(kResumeBelowBytes, kPauseAboveBytes))}});
  ARROW_RETURN_NOT_OK(sink.AddToPlan(plan.get()));
  ARROW_RETURN_NOT_OK(plan->Validate());
  plan->StartProducing();
  return std::make_shared<PlanBatchReader>(std::move(plan), std::move(schema), std::move(batches),
                                           std::move(interrupted), std::move(holders));
}

}  // namespace quiver::exec
