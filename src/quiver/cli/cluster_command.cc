// `quiver cluster up/status/down`: a cluster of `quiver server` processes on this
// machine, for trying distributed queries out.
#include <arrow/buffer.h>
#include <arrow/flight/client.h>

#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "quiver/cli/commands.h"
#include "quiver/cli/default_paths.h"
#include "quiver/cli/local_cluster.h"
#include "quiver/dist/worker_service.h"
#include "quiver/exec/memory_budget.h"

namespace quiver::cli {

namespace {

namespace flight = arrow::flight;

struct ClusterFlags {
  std::string dir;
  int workers = 3;
  int port = 32010;
  int threads = 0;
  bool no_demo = false;
  bool zookeeper = false;
  std::vector<std::string> server_args;
};

// What a node's worker service says about itself.
struct WorkerHealth {
  bool answers = false;
  std::string problem;
  int tasks = 0;
  int64_t streams = 0;       // served and read
  int64_t query_memory = 0;  // what the process's queries hold, output buffers included
  int64_t spilled_bytes = 0;
  int64_t uncollected_metrics = 0;
};

WorkerHealth AskWorker(int worker_port) {
  WorkerHealth health;
  auto location = flight::Location::ForGrpcTcp("127.0.0.1", worker_port);
  if (!location.ok()) return health;
  auto client = flight::FlightClient::Connect(*location);
  if (!client.ok()) {
    health.problem = client.status().message();
    return health;
  }
  flight::FlightCallOptions call;
  call.timeout = flight::TimeoutDuration{2.0};
  auto results = (*client)->DoAction(call, flight::Action{dist::kStatusAction, arrow::Buffer::FromString("")});
  if (!results.ok()) {
    health.problem = results.status().message();
    return health;
  }
  auto first = (*results)->Next();
  if (!first.ok() || !*first) {
    health.problem = first.ok() ? "no answer" : first.status().message();
    return health;
  }
  auto status = nlohmann::json::parse((*first)->body->ToString(), nullptr, /*allow_exceptions=*/false);
  if (!status.is_object() || !status.contains("tasks") || !status["tasks"].is_array()) {
    health.problem = "unreadable status";
    return health;
  }
  health.answers = true;
  for (const auto& task : status["tasks"]) {
    ++health.tasks;
    health.spilled_bytes += task.value("spilled_bytes", int64_t{0});
  }
  health.streams = status.value("served_streams", int64_t{0}) + status.value("read_streams", int64_t{0});
  health.query_memory = status.value("query_memory_bytes", int64_t{0});
  health.uncollected_metrics = status.value("uncollected_metrics", int64_t{0});
  return health;
}

std::string ClusterDir(const ClusterFlags& flags) { return flags.dir.empty() ? DefaultClusterDir() : flags.dir; }

void PrintNodes(const LocalCluster& cluster) {
  if (const auto& zookeeper = cluster.zookeeper()) {
    std::cout << "zookeeper: 127.0.0.1:" << zookeeper->port << " (pid " << zookeeper->pid << ", log " << zookeeper->log
              << ")\n";
  }
  for (const auto& node : cluster.nodes()) {
    std::cout << "node " << node.index << ": grpc://127.0.0.1:" << node.port << " (worker port " << node.worker_port
              << ", pid " << node.pid << ", log " << node.log << ")\n";
  }
}

int Up(const ClusterFlags& flags) {
  LocalCluster::UpOptions options;
  options.dir = ClusterDir(flags);
  options.nodes = flags.workers;
  options.first_port = flags.port;
  options.threads = flags.threads;
  options.demo = !flags.no_demo;
  options.zookeeper = flags.zookeeper;
  options.server_args = flags.server_args;
  auto cluster = LocalCluster::Up(SelfPath(), options);
  if (!cluster.ok()) {
    std::cerr << "quiver cluster up: " << cluster.status().message() << "\n";
    return 1;
  }
  std::cout << "quiver cluster of " << cluster->nodes().size() << " nodes in " << cluster->dir() << "\n";
  PrintNodes(*cluster);
  std::cout << "any node answers SQL, e.g.: quiver sql --port " << cluster->nodes().front().port << " -c \"…\"\n";
  return 0;
}

// One line per node: whether its process runs and its worker answers, and what the
// worker holds. Exit status 0 only when every node is healthy.
int Status(const ClusterFlags& flags) {
  auto cluster = LocalCluster::Load(ClusterDir(flags));
  if (!cluster.ok()) {
    std::cerr << "quiver cluster status: " << cluster.status().message() << "\n";
    return 1;
  }
  bool healthy = true;
  if (const auto& zookeeper = cluster->zookeeper()) {
    const bool up = ProcessAlive(zookeeper->pid);
    healthy = healthy && up;
    std::cout << "zookeeper 127.0.0.1:" << zookeeper->port << " pid " << zookeeper->pid << " " << (up ? "up" : "down")
              << "\n";
  }
  std::cout << std::left << std::setw(6) << "node" << std::setw(9) << "pid" << std::setw(24) << "address"
            << std::setw(13) << "worker port" << std::setw(9) << "state" << std::setw(7) << "tasks" << std::setw(9)
            << "streams" << std::setw(13) << "query memory"
            << "spilled\n";
  for (const auto& node : cluster->nodes()) {
    std::string state = "up";
    WorkerHealth health;
    if (!ProcessAlive(node.pid)) {
      state = "down";
    } else {
      health = AskWorker(node.worker_port);
      if (!health.answers) state = "silent";
    }
    healthy = healthy && state == "up";
    std::cout << std::setw(6) << node.index << std::setw(9) << node.pid << std::setw(24)
              << ("grpc://127.0.0.1:" + std::to_string(node.port)) << std::setw(13) << node.worker_port << std::setw(9)
              << state << std::setw(7) << health.tasks << std::setw(9) << health.streams << std::setw(13)
              << exec::FormatByteSize(health.query_memory) << exec::FormatByteSize(health.spilled_bytes);
    if (!health.problem.empty()) std::cout << "  (" << health.problem << ")";
    if (health.uncollected_metrics > 0) {
      std::cout << "  (" << health.uncollected_metrics << " EXPLAIN ANALYZE metrics not collected)";
    }
    std::cout << "\n";
  }
  return healthy ? 0 : 1;
}

int Restart(const ClusterFlags& flags) {
  auto cluster = LocalCluster::Load(ClusterDir(flags));
  if (!cluster.ok()) {
    std::cerr << "quiver cluster restart: " << cluster.status().message() << "\n";
    return 1;
  }
  auto restarted = cluster->RestartDown();
  if (!restarted.ok()) {
    std::cerr << "quiver cluster restart: " << restarted.status().message() << "\n";
    return 1;
  }
  std::cout << "restarted " << *restarted << (*restarted == 1 ? " node" : " nodes") << " of " << cluster->nodes().size()
            << "\n";
  return 0;
}

int Down(const ClusterFlags& flags) {
  auto cluster = LocalCluster::Load(ClusterDir(flags));
  if (!cluster.ok()) {
    std::cerr << "quiver cluster down: " << cluster.status().message() << "\n";
    return 1;
  }
  if (auto status = cluster->Down(); !status.ok()) {
    std::cerr << "quiver cluster down: " << status.message() << "\n";
    return 1;
  }
  std::cout << "quiver cluster in " << cluster->dir() << " stopped (" << cluster->nodes().size() << " nodes)\n";
  return 0;
}

}  // namespace

CommandRunner AddClusterCommand(CLI::App& app) {
  auto flags = std::make_shared<ClusterFlags>();
  auto* command = app.add_subcommand("cluster", "A cluster of quiver server processes on this machine");
  command->require_subcommand(1);
  auto add_dir = [flags](CLI::App* sub) {
    sub->add_option("--dir", flags->dir,
                    "Where the cluster keeps its nodes' data, logs and state (default: var/cluster in the checkout)");
  };
  auto* up =
      command->add_subcommand("up", "Start the nodes (each a front door and a worker) and wait until they listen");
  add_dir(up);
  up->add_option("--workers", flags->workers, "How many nodes")->capture_default_str()->check(CLI::Range(1, 64));
  up->add_option("--port", flags->port, "The first node's Flight SQL port; the others count up; 0 picks free ports")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  up->add_option("--threads", flags->threads, "Query threads per node; 0 means one per core")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  up->add_flag("--no-demo", flags->no_demo, "Do not install the demo tables on each node");
  up->add_flag("--zookeeper", flags->zookeeper,
               "Start a ZooKeeper server too and let the nodes find each other through it (Debian's zookeeper "
               "package)");
  up->add_option("server-args", flags->server_args,
                 "After --: more options for every node's quiver server (e.g. -- --worker-timeout-ms 2000)");
  auto* status = command->add_subcommand("status", "List the nodes, their health and the tasks they run");
  add_dir(status);
  auto* restart =
      command->add_subcommand("restart", "Start again the nodes that are down, with the ports and options they had");
  add_dir(restart);
  auto* down = command->add_subcommand("down", "Stop every node");
  add_dir(down);
  return [flags, up, status, restart, down]() {
    if (up->parsed()) return Up(*flags);
    if (status->parsed()) return Status(*flags);
    if (restart->parsed()) return Restart(*flags);
    if (down->parsed()) return Down(*flags);
    return 2;
  };
}

}  // namespace quiver::cli
