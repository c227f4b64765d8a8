#pragma once

#include <arrow/acero/options.h>
#include <arrow/status.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>

namespace quiver::plan {
class LogicalOperator;
}

namespace quiver::exec {

/// What one logical operator's output looked like while the query ran, counted by the
/// "quiver_metrics" node placed above the operator's Acero nodes. Times are steady-clock
/// nanoseconds; a reader subtracts the moment the plan started.
struct OperatorMetrics {
  std::atomic<int64_t> rows{0};
  std::atomic<int64_t> batches{0};
  /// Bytes of the Arrow buffers the output batches reference.
  std::atomic<int64_t> bytes{0};
  /// When the first batch with rows passed (max() while none has).
  std::atomic<int64_t> first_row_ns{std::numeric_limits<int64_t>::max()};
  /// When the last batch passed, or the output ended, whichever came later.
  std::atomic<int64_t> finished_ns{0};
  /// CPU time credited to the operator's own work (see operator_cpu_time.h).
  std::atomic<int64_t> cpu_ns{0};
  /// The input (by position among the logical operator's inputs) whose rows the
  /// operator keeps until it has seen all of them — a sort's or window's input, a hash
  /// join's build side — or -1.
  int held_input = -1;
};

/// CPU time of a measured plan's tasks that no operator could be credited with.
struct UnattributedCpu {
  std::atomic<int64_t> ns{0};
};

/// The metrics of every logical operator of one plan, filled by LowerToAcero, and the
/// CPU time of the plan's tasks no operator could be credited with.
struct PlanMetrics {
  std::map<const plan::LogicalOperator*, std::shared_ptr<OperatorMetrics>> operators;
  std::shared_ptr<UnattributedCpu> unattributed;
};

/// Bytes `node` kept while its input ran: the input batches it accumulates (a sort, a
/// window, a join's build side), or for an aggregate the groups' keys and values it
/// emits at the end. None for operators that pass batches on and hold nothing.
std::optional<int64_t> HeldBytes(const plan::LogicalOperator& node, const PlanMetrics& metrics);

/// Current steady-clock time in nanoseconds, the clock of OperatorMetrics.
int64_t MetricsClockNow();

/// Options of the pass-through "quiver_metrics" Acero node, which counts the rows,
/// batches and bytes going through it into `metrics` and notes when they went. While it
/// hands them on, the thread's CPU time is credited to `consumer`, the operator above
/// (null for the plan's sink), and time of tasks no operator can be credited with to
/// `unattributed` (see operator_cpu_time.h).
class MetricsNodeOptions : public arrow::acero::ExecNodeOptions {
 public:
  static constexpr const char* kFactoryName = "quiver_metrics";
  MetricsNodeOptions(std::shared_ptr<OperatorMetrics> metrics, std::shared_ptr<OperatorMetrics> consumer,
                     std::shared_ptr<UnattributedCpu> unattributed)
      : metrics(std::move(metrics)), consumer(std::move(consumer)), unattributed(std::move(unattributed)) {}

  std::shared_ptr<OperatorMetrics> metrics;
  std::shared_ptr<OperatorMetrics> consumer;
  std::shared_ptr<UnattributedCpu> unattributed;
};

/// Adds the node to Acero's default factory registry. Idempotent.
arrow::Status RegisterMetricsNode();

}  // namespace quiver::exec
