#pragma once

#include <arrow/flight/server.h>
#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "quiver/dist/channel_resolver.h"
#include "quiver/dist/cluster_options.h"
#include "quiver/dist/stage_planner.h"
#include "quiver/dist/task_registry.h"
#include "quiver/dist/worker_service.h"
#include "quiver_plan.pb.h"

namespace quiver::dist {

/// A query cut into stages and placed on workers, ready to run: the client fetches
/// `final_tickets` (one per task of the final stage), each from any node.
struct DistributedQuery {
  StagedPlan staged;
  pb::DistributedPlan plan;
  std::vector<std::string> final_tickets;
  std::vector<std::string> final_workers;  // the worker each final task was placed on
  /// Per stage, per task, the worker URL (for EXPLAIN).
  std::vector<std::vector<std::string>> task_workers;
};

/// A node's cluster: the workers it gives tasks to (through its ChannelResolver), the
/// workers it runs itself, and the secret task tickets are signed with.
class Cluster {
 public:
  static arrow::Result<std::shared_ptr<Cluster>> Start(const ClusterOptions& options);
  ~Cluster();

  const std::shared_ptr<ChannelResolver>& resolver() const { return resolver_; }

  /// Makes this node a member others give tasks to, once its front door serves at
  /// `flight_sql_url` (its ChannelResolver::Announce).
  arrow::Status Announce(const std::string& flight_sql_url);
  const std::string& secret() const { return secret_; }

  /// Cuts `plan` into stages over the workers there are now and places their tasks.
  /// `settings` and `user` travel with the plan. With `analyze`, its tasks measure
  /// what they do, for CollectMetrics.
  arrow::Result<DistributedQuery> Distribute(const plan::LogicalPlanPtr& plan,
                                             const std::map<std::string, std::string>& settings,
                                             const std::string& user, const std::string& query_id,
                                             bool analyze = false);

  /// The output of one final task (its ticket's bytes), run by this node.
  arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> OpenFinalTask(std::string_view ticket,
                                                                         std::function<bool()> cancelled);
  /// The outputs of all of a query's final tasks, one after another (they run at once).
  arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> OpenResult(const DistributedQuery& query,
                                                                      std::function<bool()> cancelled);

  /// What the tasks of a query distributed with `analyze` measured, from every worker
  /// that may have run them (this node's own, the plan's), each with the URL of the
  /// worker it ran on. Collect once the result has been read: a task reports when it
  /// ends. A worker that does not answer is left out, named in `unanswered`.
  std::vector<pb::TaskMetrics> CollectMetrics(const DistributedQuery& query, std::vector<std::string>* unanswered);

  /// Stops a query's tasks on every worker.
  void CancelQuery(const std::string& query_id);
  /// The query a final task's ticket belongs to (InvalidArgument/Unauthenticated for
  /// bytes this cluster did not sign).
  arrow::Result<std::string> QueryIdOf(std::string_view ticket) const;
  /// The URLs of the workers this node runs.
  std::vector<std::string> LocalWorkerUrls() const;

  /// The tasks running on this node's own workers.
  std::vector<TaskRegistry::TaskStatus> LocalTasks() const;
  /// How many queries this node has cut into stages for the cluster (Distribute) since
  /// it started.
  uint64_t queries_placed() const { return queries_placed_; }

 private:
  Cluster() = default;
  /// The members that answer now (this node's own workers always do): a worker that
  /// died or hangs is left out of new queries, and one that joined is used at once.
  arrow::Result<std::vector<std::string>> LiveWorkers();
  /// Starts a worker service in this process; returns its URL.
  arrow::Result<std::string> StartWorker(const std::string& listen_host, int port);
  /// The registry of the worker at `worker_url` when it runs in this process.
  TaskRegistry* LocalRegistry(const std::string& worker_url);
  /// Where this node runs a final task placed on `worker_url`.
  TaskRegistry* RegistryFor(const std::string& worker_url);

  ClusterOptions options_;
  std::string secret_;
  std::shared_ptr<ChannelResolver> resolver_;
  struct LocalWorker {
    std::string url;
    std::shared_ptr<TaskRegistry> registry;
    std::unique_ptr<WorkerService> service;
    std::thread serving;
  };
  std::vector<std::unique_ptr<LocalWorker>> local_workers_;
  std::atomic<uint64_t> queries_placed_{0};
  std::mutex health_mutex_;
  /// Workers that did not answer, until when they are not asked again.
  std::map<std::string, std::chrono::steady_clock::time_point> down_until_;
};

/// The setting giving the bytes each task of a distributed query should read (the
/// default estimator's figure, BytesTaskEstimator::kDefaultBytesPerTask): smaller values
/// give more, smaller tasks.
inline constexpr const char* kTaskBytesSetting = "distributed_task_bytes";

/// The setting giving the estimated bytes under which a join side is broadcast to the
/// other side's tasks (StagePlannerOptions::broadcast_limit_bytes, 10 MiB by default).
inline constexpr const char* kBroadcastBytesSetting = "distributed_broadcast_bytes";

/// True for ticket bytes a cluster made for a final task (dist::SignTicket).
bool IsTaskTicket(std::string_view ticket);

}  // namespace quiver::dist
