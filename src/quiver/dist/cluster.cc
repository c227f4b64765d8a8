#include "quiver/dist/cluster.h"

#include <arrow/flight/client.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>

#include "quiver/dist/cluster_spec.h"
#include "quiver/dist/exchange_reader.h"
#include "quiver/dist/query_cancel.h"
#include "quiver/dist/task_ticket.h"
#include "quiver/dist/worker_actions.h"
#include "quiver/dist/zookeeper_channel_resolver.h"

namespace quiver::dist {

namespace flight = arrow::flight;

namespace {

// A worker that did not answer a ping is not asked again for this long.
constexpr auto kDownFor = std::chrono::seconds(5);

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Reads several readers' batches one reader after another.
class ConcatenatedReader : public arrow::RecordBatchReader {
 public:
  ConcatenatedReader(std::shared_ptr<arrow::Schema> schema,
                     std::vector<std::shared_ptr<arrow::RecordBatchReader>> parts)
      : schema_(std::move(schema)), parts_(std::move(parts)) {}
  ~ConcatenatedReader() override { (void)Close(); }
  std::shared_ptr<arrow::Schema> schema() const override { return schema_; }
  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
    while (next_ < parts_.size()) {
      ARROW_RETURN_NOT_OK(parts_[next_]->ReadNext(batch));
      if (*batch) return arrow::Status::OK();
      ++next_;
    }
    *batch = nullptr;
    return arrow::Status::OK();
  }
  arrow::Status Close() override {
    for (auto& part : parts_) (void)part->Close();
    next_ = parts_.size();
    return arrow::Status::OK();
  }

 private:
  std::shared_ptr<arrow::Schema> schema_;
  std::vector<std::shared_ptr<arrow::RecordBatchReader>> parts_;
  size_t next_ = 0;
};

}  // namespace

bool IsTaskTicket(std::string_view ticket) { return LooksLikeTaskTicket(ticket); }

arrow::Result<std::string> Cluster::StartWorker(const std::string& listen_host, int port) {
  auto worker = std::make_unique<LocalWorker>();
  WorkerContext context;
  context.secret = secret_;
  context.spill_dir = options_.spill_dir;
  context.partition_memory_bytes = options_.partition_memory_bytes;
  context.producer_timeout = options_.worker_timeout;
  context.unread_output_timeout = options_.unread_output_timeout;
  worker->registry = std::make_shared<TaskRegistry>(std::move(context));
  worker->service = std::make_unique<WorkerService>(worker->registry);
  ARROW_ASSIGN_OR_RAISE(auto location, flight::Location::ForGrpcTcp(listen_host, port));
  flight::FlightServerOptions server_options(location);
  auto listening = worker->service->Init(server_options);
  if (!listening.ok()) {
    return listening.WithMessage("cannot listen for workers on ", listen_host, ":", port, ": ", listening.message());
  }
  const std::string& advertised = options_.advertise_host.empty() ? listen_host : options_.advertise_host;
  ARROW_ASSIGN_OR_RAISE(auto bound, flight::Location::ForGrpcTcp(advertised, worker->service->port()));
  worker->url = bound.ToString();
  worker->registry->set_self_url(worker->url);
  local_workers_.push_back(std::move(worker));
  return local_workers_.back()->url;
}

arrow::Result<std::shared_ptr<Cluster>> Cluster::Start(const ClusterOptions& options) {
  ARROW_ASSIGN_OR_RAISE(auto spec, ParseClusterSpec(options.spec));
  const bool in_process = spec.kind == ClusterSpec::Kind::kLocal;
  if (!in_process && options.secret.empty()) {
    return arrow::Status::Invalid("cluster '", options.spec,
                                  "': nodes of one cluster must share a secret to sign task tickets with (give "
                                  "every node the same --cluster-secret-file, or QUIVER_CLUSTER_SECRET)");
  }
  if (spec.kind == ClusterSpec::Kind::kCustom && !options.resolver) {
    return arrow::Status::Invalid(
        "cluster 'custom' takes its members from the program's own ChannelResolver, and "
        "none was given (ClusterOptions::resolver)");
  }
  std::shared_ptr<Cluster> cluster(new Cluster());
  cluster->options_ = options;
  cluster->secret_ = options.secret.empty() ? NewClusterSecret() : options.secret;
  // local:N runs N workers here on ports the system picks; a node of a cluster of
  // processes runs one, on the port the other nodes know it by.
  std::vector<std::string> local_urls;
  for (int i = 0; i < (in_process ? spec.local_workers : 1); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto url, cluster->StartWorker(options.worker_host, in_process ? 0 : options.worker_port));
    local_urls.push_back(std::move(url));
  }
  if (options.resolver) {
    cluster->resolver_ = options.resolver;
  } else if (in_process) {
    cluster->resolver_ = std::make_shared<StaticChannelResolver>(local_urls);
  } else if (spec.kind == ClusterSpec::Kind::kZooKeeper) {
    ZooKeeperOptions zookeeper;
    for (const auto& address : spec.zookeeper) {
      zookeeper.hosts += (zookeeper.hosts.empty() ? "" : ",") + address.ToString();
    }
    zookeeper.path = spec.zookeeper_path;
    zookeeper.session_timeout = options.zookeeper_session_timeout;
    // A node waits for the ensemble as long as the ensemble would wait for the node.
    zookeeper.connect_timeout = options.zookeeper_session_timeout;
    zookeeper.log = options.log;
    auto connected = ZooKeeperChannelResolver::Connect(std::move(zookeeper));
    if (!connected.ok()) {
      return connected.status().WithMessage("cluster '", options.spec, "': ", connected.status().message());
    }
    cluster->resolver_ = *std::move(connected);
  } else {
    std::vector<std::string> urls;
    for (const auto& address : spec.workers) {
      ARROW_ASSIGN_OR_RAISE(auto location, flight::Location::ForGrpcTcp(address.host, address.port));
      urls.push_back(location.ToString());
    }
    if (std::find(urls.begin(), urls.end(), local_urls.front()) == urls.end()) {
      return arrow::Status::Invalid("cluster '", options.spec, "': this node's worker address ", local_urls.front(),
                                    " is not in the list (set --worker-port, and --advertise-host if the list "
                                    "names this node by another address)");
    }
    cluster->resolver_ = std::make_shared<StaticChannelResolver>(std::move(urls));
  }
  for (auto& worker : cluster->local_workers_) {
    worker->registry->set_resolver(cluster->resolver_);
    auto* service = worker->service.get();
    worker->serving = std::thread([service] { (void)service->Serve(); });
  }
  return cluster;
}

arrow::Status Cluster::Announce(const std::string& flight_sql_url) {
  for (const auto& worker : local_workers_) {
    ARROW_RETURN_NOT_OK(resolver_->Announce(ClusterMember{worker->url, flight_sql_url}));
  }
  return arrow::Status::OK();
}

Cluster::~Cluster() {
  // Other nodes stop sending tasks here before this node's workers go.
  if (resolver_) resolver_->Withdraw();
  for (auto& worker : local_workers_) {
    (void)worker->service->Shutdown();
    if (worker->serving.joinable()) worker->serving.join();
  }
  // A read given up on a frozen producer leaves its DoGet behind; should that producer
  // wake while this process exits, the thread would run inside gRPC and Arrow after
  // their statics are gone. Give such threads a moment to end.
  (void)ExchangeReader::WaitForThreads(std::chrono::seconds(2));
}

TaskRegistry* Cluster::LocalRegistry(const std::string& worker_url) {
  for (auto& worker : local_workers_) {
    if (worker->url == worker_url) return worker->registry.get();
  }
  return nullptr;
}

TaskRegistry* Cluster::RegistryFor(const std::string& worker_url) {
  // A final task placed elsewhere runs here all the same: its ticket is self-contained.
  if (auto* local = LocalRegistry(worker_url)) return local;
  return local_workers_.empty() ? nullptr : local_workers_[0]->registry.get();
}

namespace {

// A setting holding a number of bytes, at least `minimum`; nullopt when it is not set.
arrow::Result<std::optional<double>> BytesSetting(const std::map<std::string, std::string>& settings, const char* name,
                                                  double minimum) {
  auto setting = settings.find(name);
  if (setting == settings.end()) return std::nullopt;
  double bytes = 0;
  const auto& text = setting->second;
  const auto parsed = std::from_chars(text.data(), text.data() + text.size(), bytes);
  if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || !(bytes >= minimum)) {
    return arrow::Status::Invalid(name, " must be a number of bytes of at least ", minimum, ", not '", text, "'");
  }
  return bytes;
}

}  // namespace

arrow::Result<DistributedQuery> Cluster::Distribute(const plan::LogicalPlanPtr& root,
                                                    const std::map<std::string, std::string>& settings,
                                                    const std::string& user, const std::string& query_id,
                                                    bool analyze) {
  ARROW_ASSIGN_OR_RAISE(auto workers, LiveWorkers());
  StagePlannerOptions planner;
  planner.workers = workers.size();
  planner.estimator = options_.estimator.get();
  // A query may ask for smaller tasks than the cluster's estimator gives.
  std::optional<BytesTaskEstimator> sized;
  ARROW_ASSIGN_OR_RAISE(auto task_bytes, BytesSetting(settings, kTaskBytesSetting, 1));
  if (task_bytes) {
    sized.emplace(*task_bytes);
    planner.estimator = &*sized;
  }
  ARROW_ASSIGN_OR_RAISE(auto broadcast_bytes, BytesSetting(settings, kBroadcastBytesSetting, 0));
  if (broadcast_bytes) planner.broadcast_limit_bytes = *broadcast_bytes;
  DistributedQuery query;
  ARROW_ASSIGN_OR_RAISE(query.staged, PlanStages(root, planner));
  ++queries_placed_;

  auto& plan = query.plan;
  plan.set_query_id(query_id);
  plan.set_user(user);
  plan.set_analyze(analyze);
  for (const auto& worker : workers) plan.add_workers(worker);
  for (const auto& [name, value] : settings) (*plan.mutable_settings())[name] = value;
  for (const auto& stage : query.staged.stages) {
    auto* encoded = plan.add_stages();
    encoded->set_id(stage.id);
    ARROW_ASSIGN_OR_RAISE(*encoded->mutable_plan(), EncodePlan(*stage.plan, stage.encoding));
    encoded->mutable_output()->set_kind(stage.output.kind);
    for (const auto& key : stage.output.keys) encoded->mutable_output()->add_keys(key);
    encoded->mutable_output()->set_partitions(stage.output.partitions);
    for (uint32_t partitions : stage.broadcast_copies) encoded->add_broadcast_copies(partitions);
    std::vector<std::string> placed;
    for (size_t task = 0; task < stage.tasks; ++task) {
      auto* scans = encoded->add_tasks();
      for (const auto& units : stage.task_units[task]) {
        auto* share = scans->add_scans();
        for (uint32_t unit : units) share->add_files(unit);
      }
      // Stages start on different workers, so single-task stages spread out too.
      const auto worker = static_cast<uint32_t>((stage.id + task) % workers.size());
      encoded->add_workers(worker);
      placed.push_back(workers[worker]);
    }
    for (uint32_t input : stage.inputs) encoded->add_inputs(input);
    query.task_workers.push_back(std::move(placed));
  }
  const auto& final_stage = query.staged.final_stage();
  ARROW_ASSIGN_OR_RAISE(const SignedPlan signed_plan, SignPlan(plan, secret_));
  for (size_t task = 0; task < final_stage.tasks; ++task) {
    pb::TaskTicket ticket;
    ticket.set_stage(final_stage.id);
    ticket.set_task(static_cast<uint32_t>(task));
    ticket.set_partition(0);
    ticket.set_issued_unix_seconds(NowSeconds());
    query.final_tickets.push_back(SignTicket(signed_plan, ticket, secret_));
    query.final_workers.push_back(query.task_workers[final_stage.id][task]);
  }
  return query;
}

arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> Cluster::OpenFinalTask(std::string_view bytes,
                                                                                std::function<bool()> cancelled) {
  ARROW_ASSIGN_OR_RAISE(auto ticket, VerifyTicket(bytes, secret_));
  const auto& stage = ticket.plan().stages(static_cast<int>(ticket.stage()));
  const auto& worker = ticket.plan().workers(static_cast<int>(stage.workers(static_cast<int>(ticket.task()))));
  TaskRegistry* registry = RegistryFor(worker);
  if (registry == nullptr) return arrow::Status::IOError("this node runs no worker");
  return WorkerService::OpenPartition(*registry, ticket, std::move(cancelled));
}

arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> Cluster::OpenResult(const DistributedQuery& query,
                                                                             std::function<bool()> cancelled) {
  std::vector<std::shared_ptr<arrow::RecordBatchReader>> parts;
  for (const auto& ticket : query.final_tickets) {
    ARROW_ASSIGN_OR_RAISE(auto part, OpenFinalTask(ticket, cancelled));
    parts.push_back(std::move(part));
  }
  return std::make_shared<ConcatenatedReader>(query.staged.final_stage().plan->schema, std::move(parts));
}

arrow::Result<std::vector<std::string>> Cluster::LiveWorkers() {
  ARROW_ASSIGN_OR_RAISE(auto members, resolver_->WorkerUrls());
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::string> asked;
  {
    std::lock_guard lock(health_mutex_);
    for (const auto& url : members) {
      auto down = down_until_.find(url);
      if (LocalRegistry(url) == nullptr && (down == down_until_.end() || down->second <= now)) asked.push_back(url);
    }
  }
  const auto answered = PingWorkers(*resolver_, asked);
  std::vector<std::string> live;
  std::string lost;
  {
    std::lock_guard lock(health_mutex_);
    for (size_t i = 0; i < asked.size(); ++i) {
      if (answered[i]) {
        down_until_.erase(asked[i]);
      } else {
        down_until_[asked[i]] = now + kDownFor;
      }
    }
    for (const auto& url : members) {
      auto down = down_until_.find(url);
      if (down != down_until_.end() && down->second > now) {
        lost += (lost.empty() ? "" : ", ") + url;
      } else {
        live.push_back(url);
      }
    }
  }
  if (live.empty()) {
    return arrow::Status::IOError("no worker of the cluster answers", lost.empty() ? "" : " (" + lost + ")");
  }
  return live;
}

std::vector<pb::TaskMetrics> Cluster::CollectMetrics(const DistributedQuery& query,
                                                     std::vector<std::string>* unanswered) {
  const std::string& query_id = query.plan.query_id();
  std::vector<pb::TaskMetrics> collected;
  // Final tasks run on this node whichever worker they were placed on.
  for (const auto& worker : local_workers_) {
    for (auto& task : worker->registry->TakeMetrics(query_id)) {
      task.set_worker(worker->url);
      collected.push_back(std::move(task));
    }
  }
  std::vector<std::string> remote;
  for (const auto& url : query.plan.workers()) {
    if (LocalRegistry(url) == nullptr && std::find(remote.begin(), remote.end(), url) == remote.end()) {
      remote.push_back(url);
    }
  }
  // A worker waits up to 2 s for tasks still ending; allow for that and the call.
  const auto answers = AskWorkers(*resolver_, remote, kTaskMetricsAction, query_id, 5.0);
  for (size_t i = 0; i < remote.size(); ++i) {
    pb::QueryMetrics metrics;
    if (!answers[i].ok() || !metrics.ParseFromString(*answers[i])) {
      if (unanswered) unanswered->push_back(remote[i]);
      continue;
    }
    for (auto& task : *metrics.mutable_tasks()) {
      task.set_worker(remote[i]);
      collected.push_back(std::move(task));
    }
  }
  return collected;
}

void Cluster::CancelQuery(const std::string& query_id) {
  auto workers = resolver_->WorkerUrls();
  if (!workers.ok()) return;
  std::vector<std::string> remote;
  for (const auto& url : *workers) {
    if (auto* local = LocalRegistry(url)) {
      local->CancelQuery(query_id);
    } else {
      remote.push_back(url);
    }
  }
  CancelQueryOnWorkers(*resolver_, remote, query_id);
}

arrow::Result<std::string> Cluster::QueryIdOf(std::string_view ticket) const {
  ARROW_ASSIGN_OR_RAISE(auto verified, VerifyTicket(ticket, secret_));
  return verified.plan().query_id();
}

std::vector<std::string> Cluster::LocalWorkerUrls() const {
  std::vector<std::string> urls;
  for (const auto& worker : local_workers_) urls.push_back(worker->url);
  return urls;
}

std::vector<TaskRegistry::TaskStatus> Cluster::LocalTasks() const {
  std::vector<TaskRegistry::TaskStatus> tasks;
  for (const auto& worker : local_workers_) {
    for (auto& task : worker->registry->Tasks()) tasks.push_back(std::move(task));
  }
  return tasks;
}

}  // namespace quiver::dist
