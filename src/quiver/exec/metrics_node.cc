#include "quiver/exec/metrics_node.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/map_node.h>
#include <arrow/compute/exec.h>
#include <arrow/util/byte_size.h>

#include <chrono>

#include "quiver/exec/node_registry.h"
#include "quiver/exec/operator_cpu_time.h"
#include "quiver/plan/logical_plan.h"

namespace quiver::exec {

namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

void StoreMin(std::atomic<int64_t>& target, int64_t value) {
  int64_t current = target.load();
  while (value < current && !target.compare_exchange_weak(current, value)) {
  }
}

void StoreMax(std::atomic<int64_t>& target, int64_t value) {
  int64_t current = target.load();
  while (value > current && !target.compare_exchange_weak(current, value)) {
  }
}

// Passes every batch on unchanged (ordering and batch indices included, so a fetch or
// sink above still sees ordered input). Counting happens before a batch moves up, as
// Acero pushes batches synchronously: the time noted is when the operator below
// produced the batch, not when the operators above were done with it.
// The bytes a batch's columns refer to. An aggregate emits its result as slices of
// whole-result arrays, so counting whole buffers (ExecBatch::TotalBufferSize) would
// count the result once per slice.
int64_t ReferencedBytes(const cp::ExecBatch& batch) {
  int64_t bytes = 0;
  for (const auto& value : batch.values) {
    if (!value.is_array()) continue;
    auto referenced = arrow::util::ReferencedBufferSize(*value.array());
    bytes += referenced.ok() ? *referenced : arrow::util::TotalBufferSize(*value.array());
  }
  return bytes;
}

class MetricsNode : public ac::MapNode {
 public:
  MetricsNode(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs, const MetricsNodeOptions& options)
      : MapNode(plan, inputs, inputs[0]->output_schema()),
        metrics_(options.metrics),
        consumer_(options.consumer),
        unattributed_(options.unattributed) {}

  static arrow::Result<ac::ExecNode*> Make(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs,
                                           const ac::ExecNodeOptions& options) {
    RETURN_NOT_OK(ValidateExecNodeInputs(plan, inputs, 1, kKindName));
    const auto& metrics_options = static_cast<const MetricsNodeOptions&>(options);
    if (!metrics_options.metrics) return arrow::Status::Invalid("quiver_metrics needs a metrics record");
    return plan->EmplaceNode<MetricsNode>(plan, std::move(inputs), metrics_options);
  }

  const char* kind_name() const override { return kKindName; }

  arrow::Status InputReceived(ac::ExecNode* input, cp::ExecBatch batch) override {
    CreditScope scope(metrics_, consumer_, unattributed_);
    return MapNode::InputReceived(input, std::move(batch));
  }

 protected:
  arrow::Result<cp::ExecBatch> ProcessBatch(cp::ExecBatch batch) override {
    const int64_t now = MetricsClockNow();
    metrics_->rows += batch.length;
    metrics_->batches += 1;
    metrics_->bytes += ReferencedBytes(batch);
    if (batch.length > 0) StoreMin(metrics_->first_row_ns, now);
    StoreMax(metrics_->finished_ns, now);
    return batch;
  }

  // Noted before passing the end on: the node above may do its own work (a sort) in
  // that call. Acero may report the end before the last batches arrive; the later
  // of the two moments counts.
  arrow::Status InputFinished(ac::ExecNode* input, int total_batches) override {
    StoreMax(metrics_->finished_ns, MetricsClockNow());
    CreditScope scope(metrics_, consumer_, unattributed_);
    return MapNode::InputFinished(input, total_batches);
  }

 private:
  static constexpr const char* kKindName = "MetricsNode";
  std::shared_ptr<OperatorMetrics> metrics_;
  std::shared_ptr<OperatorMetrics> consumer_;
  std::shared_ptr<UnattributedCpu> unattributed_;
};

}  // namespace

int64_t MetricsClockNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::optional<int64_t> HeldBytes(const plan::LogicalOperator& node, const PlanMetrics& metrics) {
  const auto& own = *metrics.operators.at(&node);
  if (node.kind == plan::LogicalKind::kAggregate) return own.bytes.load();
  if (own.held_input < 0) return std::nullopt;
  return metrics.operators.at(node.inputs[own.held_input].get())->bytes.load();
}

arrow::Status RegisterMetricsNode() { return RegisterNodeFactory(MetricsNodeOptions::kFactoryName, MetricsNode::Make); }

}  // namespace quiver::exec
