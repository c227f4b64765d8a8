#pragma once

#include <arrow/record_batch.h>
#include <arrow/result.h>
#include <arrow/util/thread_pool.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "quiver/dist/batch_coalescer.h"
#include "quiver/dist/channel_resolver.h"
#include "quiver/dist/hash_partitioner.h"
#include "quiver/dist/partition_buffer.h"
#include "quiver/plan/logical_plan.h"
#include "quiver_plan.pb.h"

namespace quiver::exec {
class MeasuredQueryPool;
struct PlanMetrics;
}  // namespace quiver::exec

namespace quiver::dist {

/// What a worker runs its tasks with.
struct WorkerContext {
  std::shared_ptr<ChannelResolver> resolver;
  std::string secret;  // signs the tickets a task sends to the producers it reads
  /// Bytes of one partition's output kept in memory for its reader before the rest
  /// goes to a spill file, or, for a final task's result, before the task waits for
  /// its client (the per-connection budget).
  int64_t partition_memory_bytes = 64LL << 20;
  std::string spill_dir;  // where spill files go
  /// How long a producer may stay silent, and then not answer a ping, before the
  /// task reading from it fails as having lost it (ExchangeOptions::producer_timeout).
  std::chrono::milliseconds producer_timeout{5000};
  /// How long a task that has ended keeps output nobody reads or asks for
  /// (ClusterOptions::unread_output_timeout).
  std::chrono::milliseconds unread_output_timeout{60000};
  /// This worker's URL, and how to open a partition of a task it runs (set by its
  /// TaskRegistry): a task reading a producer placed on this worker takes the batches
  /// from memory instead of over Flight. Unset: every read goes over Flight.
  std::string self_url;
  std::function<arrow::Result<std::shared_ptr<PartitionBuffer>>(const pb::TaskTicket&)> open_here;
};

/// Names a task's execution on a worker: equal keys share one execution, whichever
/// consumers ask for its partitions.
struct TaskKey {
  std::string query_id;
  uint32_t attempt = 0;
  uint32_t stage = 0;
  uint32_t task = 0;
  /// Counts the task's executions on this worker for the same ticket: a partition read
  /// a second time is produced again by a new run (PartitionBuffer::Claim).
  uint32_t run = 0;

  static TaskKey Of(const pb::TaskTicket& ticket, uint32_t run = 0) {
    return TaskKey{ticket.plan().query_id(), ticket.plan().attempt(), ticket.stage(), ticket.task(), run};
  }
  bool operator<(const TaskKey& other) const {
    return std::tie(query_id, attempt, stage, task, run) <
           std::tie(other.query_id, other.attempt, other.stage, other.task, other.run);
  }
  std::string ToString() const;
};

class ExchangeReader;

/// A run of a task's partitions: those of its output, or of one broadcast copy of it.
struct PartitionRange {
  uint32_t first = 0;
  uint32_t count = 1;
};

/// Where a task measured for EXPLAIN ANALYZE hands what it measured, once it has ended
/// and before its readers see the end of its output.
using TaskMetricsSink = std::function<void(pb::TaskMetrics)>;

/// One task of a stage running on this worker: its plan (the stage's plan with the
/// task's share of the scans) runs in Acero, and a thread spreads the batches over the
/// output partitions as the stage's partitioning says.
class StageTask {
 public:
  /// `key` is the ticket's TaskKey with its run number. A rerun (run > 0) exists for one
  /// reader of one partition: the others are given up from the start. When the ticket's
  /// plan is analyzed, the task measures its operators and reports to `report`.
  static arrow::Result<std::shared_ptr<StageTask>> Start(const pb::TaskTicket& ticket, const TaskKey& key,
                                                         const WorkerContext& context, TaskMetricsSink report = {});
  ~StageTask();

  const TaskKey& key() const { return key_; }
  /// The output schema.
  const std::shared_ptr<arrow::Schema>& schema() const { return schema_; }
  /// Partition `index` of the output (InvalidArgument when out of range).
  arrow::Result<std::shared_ptr<PartitionBuffer>> partition(uint32_t index) const;

  /// Stops the plan and drops what is buffered; readers still waiting fail with `reason`.
  void Cancel(const arrow::Status& reason = arrow::Status::Cancelled("the task was stopped"));
  /// Whether the plan has ended (or failed, or was cancelled).
  bool finished() const { return finished_.load(); }
  /// Whether the task can go no further until its reader takes some output (a final
  /// task whose client has not fetched its result).
  bool waiting_for_reader() const;
  /// Whether every partition was read to its end or given up.
  bool consumed() const;
  /// Whether a reader has a partition it has not read to its end.
  bool being_read() const;
  std::chrono::steady_clock::time_point last_read() const;
  int64_t memory_bytes() const;
  int64_t spilled_bytes() const;
  int64_t rows_out() const { return rows_out_.load(); }

 private:
  StageTask() = default;
  void Pump();
  /// Sends a batch of the plan's output to the partitions its rows belong to, once
  /// enough rows are gathered for each.
  arrow::Status SpreadBatch(const std::shared_ptr<arrow::RecordBatch>& batch);
  arrow::Status PushTo(const std::shared_ptr<arrow::RecordBatch>& batch, PartitionRange range);
  /// Sends gathered rows (when any) to every partition that gets all rows.
  arrow::Status PushWhole(const std::shared_ptr<arrow::RecordBatch>& batch);
  /// Sends what is still gathered, when the plan has ended.
  arrow::Status FlushGathered();
  /// What the task measured, for EXPLAIN ANALYZE; `status` is how it ended.
  pb::TaskMetrics Measured(const arrow::Status& status) const;

  TaskKey key_;
  pb::Partitioning output_;
  std::optional<HashPartitioner> partitioner_;  // for HASH output into several partitions
  uint32_t main_partitions_ = 1;                // the output's; the copies' follow
  std::vector<PartitionRange> copies_;          // the output's broadcast copies
  // Output gathered before it goes out: per partition of a hash split, and the rows
  // every other partition (of an output not split, and of every copy) gets.
  std::vector<BatchCoalescer> split_;
  std::optional<BatchCoalescer> whole_;
  bool final_ = false;
  std::shared_ptr<arrow::Schema> schema_;
  std::shared_ptr<exec::MeasuredQueryPool> pool_;
  std::shared_ptr<arrow::RecordBatchReader> reader_;
  std::vector<std::shared_ptr<PartitionBuffer>> partitions_;
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> finished_{false};
  std::atomic<int64_t> rows_out_{0};
  std::atomic<int64_t> bytes_out_{0};
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  // EXPLAIN ANALYZE only: the decoded plan the metrics point into, each operator's
  // number in the stage's plan, and the exchanges whose received bytes are counted.
  plan::LogicalPlanPtr plan_;
  std::shared_ptr<exec::PlanMetrics> metrics_;
  std::map<const plan::LogicalOperator*, uint32_t> node_numbers_;
  std::vector<std::shared_ptr<ExchangeReader>> exchanges_;
  TaskMetricsSink report_;
  int64_t start_ns_ = 0;  // exec::MetricsClockNow() when the task started
  std::thread pump_;
};

/// The thread pool exchange sources read their DoGet streams on: each blocks a thread
/// while it waits for a producer, so they get their own, larger than Arrow's I/O pool.
arrow::internal::Executor* ExchangeExecutor();

}  // namespace quiver::dist
