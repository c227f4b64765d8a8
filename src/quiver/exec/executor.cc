#include "quiver/exec/executor.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/options.h>
#include <arrow/compute/exec.h>
#include <arrow/util/async_generator.h>

namespace quiver::exec {

namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

// Owns a running plan and reads its sink. Acero's own reader stops a plan on Close
// whatever its state, and stopping a plan whose start failed (a node refusing its
// input, say) aborts the process inside Arrow's tracing code. This reader stops only
// plans that are still producing, and lets failed ones finish by themselves.
class PlanBatchReader : public arrow::RecordBatchReader {
 public:
  PlanBatchReader(std::shared_ptr<ac::ExecPlan> plan, std::shared_ptr<arrow::RecordBatchReader> sink)
      : plan_(std::move(plan)), sink_(std::move(sink)) {}
  ~PlanBatchReader() override { (void)Close(); }

  std::shared_ptr<arrow::Schema> schema() const override { return sink_->schema(); }

  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
    auto status = sink_->ReadNext(batch);
    if (status.ok() && *batch == nullptr && plan_) {
      // The sink just ends when the plan fails: the plan says how it finished.
      status = plan_->finished().status();
    }
    if (!status.ok()) failed_ = true;
    return status;
  }

  arrow::Status Close() override {
    if (!plan_) return arrow::Status::OK();
    // A plan stopped before its end (the client went away) reports Cancelled; that is
    // not an error of the query.
    if (!failed_ && !plan_->finished().is_finished()) plan_->StopProducing();
    plan_->finished().Wait();
    plan_.reset();
    return arrow::Status::OK();
  }

 private:
  std::shared_ptr<ac::ExecPlan> plan_;
  std::shared_ptr<arrow::RecordBatchReader> sink_;
  bool failed_ = false;
};

}  // namespace

arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> StartPlan(ac::Declaration declaration, arrow::MemoryPool* pool,
                                                                   arrow::internal::Executor* executor) {
  ac::QueryOptions options;
  options.use_threads = true;
  cp::ExecContext context = *cp::threaded_exec_context();
  if (pool || executor) {
    context = cp::ExecContext(pool ? pool : context.memory_pool(), executor ? executor : context.executor(),
                              context.func_registry());
  }
  ARROW_ASSIGN_OR_RAISE(auto plan, ac::ExecPlan::Make(options, context));
  std::shared_ptr<arrow::Schema> schema;
  arrow::AsyncGenerator<std::optional<cp::ExecBatch>> batches;
  // The sink keeps the order of sorted input, and pauses the plan while a slow reader
  // (a client fetching over the network) lets batches pile up.
  auto sink = ac::Declaration::Sequence(
      {std::move(declaration),
       {"sink", ac::SinkNodeOptions(&batches, &schema, ac::BackpressureOptions::DefaultBackpressure())}});
  ARROW_RETURN_NOT_OK(sink.AddToPlan(plan.get()));
  ARROW_RETURN_NOT_OK(plan->Validate());
  plan->StartProducing();
  std::shared_ptr<arrow::RecordBatchReader> reader =
      ac::MakeGeneratorReader(schema, std::move(batches), context.memory_pool());
  return std::make_shared<PlanBatchReader>(std::move(plan), std::move(reader));
}

}  // namespace quiver::exec
