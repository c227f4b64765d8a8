#pragma once

#include <arrow/result.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "quiver/dist/stage_task.h"
#include "quiver/dist/task_metrics_store.h"

namespace quiver::dist {

/// The tasks running on one worker. A task starts when the first of its consumers
/// asks for a partition and is shared by the others; it is dropped once every
/// partition was read or given up, when its query is cancelled, once it has ended and
/// the rest of its output was neither read nor asked for within the context's
/// unread_output_timeout, or when nobody has read from it for `idle_limit` (a reader
/// paused mid-partition). Thread-safe.
class TaskRegistry : public std::enable_shared_from_this<TaskRegistry> {
 public:
  explicit TaskRegistry(WorkerContext context, std::chrono::milliseconds idle_limit = std::chrono::minutes(10));
  ~TaskRegistry();

  /// The partition the ticket asks for, its task started now if it is not running (or
  /// run again when the partition was read before). Cancelled when the ticket's query was
  /// cancelled here.
  struct OpenPartition {
    std::shared_ptr<arrow::Schema> schema;  // the task's output's
    std::shared_ptr<PartitionBuffer> buffer;
  };
  arrow::Result<OpenPartition> Open(const pb::TaskTicket& ticket);

  /// Stops every task of the query and refuses to start more of it.
  void CancelQuery(const std::string& query_id);
  /// Stops the query's tasks of attempts before `attempt` (a retry replaced them).
  void CancelAttemptsBefore(const std::string& query_id, uint32_t attempt);

  struct TaskStatus {
    std::string key;
    bool finished = false;
    int64_t rows_out = 0;
    int64_t memory_bytes = 0;
    int64_t spilled_bytes = 0;
  };
  std::vector<TaskStatus> Tasks() const;

  /// What the query's tasks measured here (a query run for EXPLAIN ANALYZE), once none
  /// of them runs any more, or after `wait` with what there is then. Each task's metrics
  /// are given once.
  std::vector<pb::TaskMetrics> TakeMetrics(const std::string& query_id,
                                           std::chrono::milliseconds wait = std::chrono::seconds(2));
  /// The queries whose metrics are kept uncollected.
  size_t uncollected_metrics() const { return metrics_->queries(); }

  const WorkerContext& context() const { return context_; }
  /// Sets the resolver tasks reach producers through; before the first task starts
  /// (a worker's resolver may list the worker itself, so it is made after it listens).
  void set_resolver(std::shared_ptr<ChannelResolver> resolver) { context_.resolver = std::move(resolver); }
  /// Sets the URL this worker listens on, before the first task starts: tasks read the
  /// partitions of producers placed on it from memory (WorkerContext::open_here).
  void set_self_url(std::string url) { context_.self_url = std::move(url); }

  /// Drops the tasks that are done or idle too long (also done every second).
  void Sweep();

 private:
  /// The task running as `key`, started now if there is none. The caller holds mutex_.
  arrow::Result<std::shared_ptr<StageTask>> TaskForLocked(const TaskKey& key, const pb::TaskTicket& ticket);

  WorkerContext context_;
  const std::chrono::milliseconds idle_limit_;
  mutable std::mutex mutex_;
  std::map<TaskKey, std::shared_ptr<StageTask>> tasks_;
  std::map<std::string, std::chrono::steady_clock::time_point> cancelled_queries_;
  // Shared with the tasks, which may outlive the registry.
  std::shared_ptr<TaskMetricsStore> metrics_ = std::make_shared<TaskMetricsStore>();
  std::condition_variable stop_changed_;
  bool stopping_ = false;
  std::thread sweeper_;
};

}  // namespace quiver::dist
