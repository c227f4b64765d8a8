#include "quiver/cli/local_cluster.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "quiver/common/durable_file.h"
#include "quiver/common/hex_text.h"
#include "quiver/dist/task_ticket.h"

namespace quiver::cli {

namespace {

namespace fs = std::filesystem;

constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr const char* kListening = "quiver server listening on ";
constexpr const char* kZooKeeperMain = "org.apache.zookeeper.server.ZooKeeperServerMain";
constexpr const char* kDebianZooKeeperClassPath = "/usr/share/java/zookeeper.jar";

std::string StateFile(const std::string& dir) { return dir + "/cluster.json"; }

// The file's text; empty if it cannot be read (a process that is gone, a log not
// written yet).
std::string ReadFile(const std::string& path) { return ReadWholeFile(path).ValueOr(""); }

std::string LastLines(const std::string& text, int count) {
  size_t start = text.size();
  for (int i = 0; i <= count && start > 0; ++i) start = text.rfind('\n', start - 1);
  return start == std::string::npos ? text : text.substr(start + 1);
}

// The address 127.0.0.1:`port`.
sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  return address;
}

// A port nobody listens on now (the system's pick for a socket bound to port 0). Another
// process could take it before the node does; the node then fails to start, saying so.
arrow::Result<int> FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return arrow::Status::IOError("cannot open a socket to find a free port");
  sockaddr_in address = Loopback(0);
  socklen_t length = sizeof(address);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  close(fd);
  if (!ok) return arrow::Status::IOError("cannot find a free port on 127.0.0.1");
  return ntohs(address.sin_port);
}

// Starts `argv` as a daemon (its own session, so a terminal's Ctrl-C does not reach
// it) writing to `log`; a bare program name is looked up on PATH. The child makes only
// system calls (and execvp's PATH search) until it execs.
// `append` keeps what the log holds (a node started again).
arrow::Result<pid_t> Spawn(const std::vector<std::string>& argv, const std::string& log, bool append = false) {
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return arrow::Status::IOError("cannot start ", argv[0], ": fork failed");
  if (pid == 0) {
    setsid();
    int out = open(log.c_str(), O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
    int in = open("/dev/null", O_RDONLY);
    if (out < 0 || in < 0) _exit(127);
    dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    close(in);
    close(out);
    execvp(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// Waits until the node says it listens (in its log after `log_offset`); fails with the
// end of its log if it exits first.
arrow::Status AwaitListening(const LocalNode& node, size_t log_offset = 0) {
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ReadFile(node.log).find(kListening, log_offset) != std::string::npos) return arrow::Status::OK();
    int status = 0;
    if (waitpid(node.pid, &status, WNOHANG) == node.pid) {
      return arrow::Status::IOError("node ", node.index, " exited while starting; the end of ", node.log, ":\n",
                                    LastLines(ReadFile(node.log), 5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return arrow::Status::IOError("node ", node.index, " did not start within ", kStartTimeout.count(), " seconds; see ",
                                node.log);
}

// Whether something accepts connections on 127.0.0.1:`port`.
bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  const sockaddr_in address = Loopback(port);
  const bool connected = connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return connected;
}

// Starts a standalone ZooKeeper server on a free loopback port, keeping its data and
// log in `dir`, and waits until it accepts connections.
arrow::Result<LocalZooKeeper> StartZooKeeper(const std::string& dir) {
  LocalZooKeeper zookeeper;
  zookeeper.dir = dir;
  zookeeper.log = dir + "/zookeeper.log";
  ARROW_ASSIGN_OR_RAISE(zookeeper.port, FreePort());
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return arrow::Status::IOError("cannot create ", dir, ": ", error.message());
  const std::string config = dir + "/zoo.cfg";
  ARROW_RETURN_NOT_OK(WriteFileReplacing(config, "tickTime=500\ndataDir=" + dir +
                                                     "/data\nclientPort=" + std::to_string(zookeeper.port) +
                                                     "\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n"));
  const char* class_path = std::getenv("QUIVER_ZOOKEEPER_CLASSPATH");
  if (class_path == nullptr) class_path = kDebianZooKeeperClassPath;
  if (std::string(class_path) == kDebianZooKeeperClassPath && !fs::exists(class_path)) {
    return arrow::Status::IOError("ZooKeeper is not installed (", class_path,
                                  " is missing): install Debian's zookeeper package, or point "
                                  "QUIVER_ZOOKEEPER_CLASSPATH at ZooKeeper's jars");
  }
  ARROW_ASSIGN_OR_RAISE(zookeeper.pid, Spawn({"java", "-cp", class_path, kZooKeeperMain, config}, zookeeper.log));
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (!Accepts(zookeeper.port)) {
    int status = 0;
    if (waitpid(zookeeper.pid, &status, WNOHANG) == zookeeper.pid) {
      return arrow::Status::IOError("ZooKeeper exited while starting; the end of ", zookeeper.log, ":\n",
                                    LastLines(ReadFile(zookeeper.log), 5));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(zookeeper.pid, SIGKILL);
      return arrow::Status::IOError("ZooKeeper did not start within ", kStartTimeout.count(), " seconds; see ",
                                    zookeeper.log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return zookeeper;
}

// Whether `pid` is a process whose command line names `own_path` (so not one that
// took over its number after it exited).
bool IsOwnProcess(pid_t pid, const std::string& own_path) {
  if (!ProcessAlive(pid)) return false;
  std::string command_line = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
  return command_line.find(own_path) != std::string::npos;
}

// Whether `pid` is still the node's server (and not a process that took over its
// number after it exited).
bool IsNodeProcess(const LocalNode& node) { return IsOwnProcess(node.pid, node.data_dir); }

// A process this cluster started: its pid, and a path its command line names.
struct OwnProcess {
  pid_t pid;
  std::string path;
  bool Running() const { return IsOwnProcess(pid, path); }
};

// Stops those of `processes` still running: SIGTERM, then SIGKILL for those not gone
// after `grace`.
void Stop(const std::vector<OwnProcess>& processes, std::chrono::seconds grace) {
  const auto deadline = std::chrono::steady_clock::now() + grace;
  for (const auto& process : processes) {
    if (process.Running()) kill(process.pid, SIGTERM);
  }
  for (const auto& process : processes) {
    while (process.Running() && std::chrono::steady_clock::now() < deadline) {
      // Reaps processes this one started (cluster up failing half-way).
      (void)waitpid(process.pid, nullptr, WNOHANG);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (process.Running()) kill(process.pid, SIGKILL);
    (void)waitpid(process.pid, nullptr, WNOHANG);
  }
}

}  // namespace

bool ProcessAlive(pid_t pid) {
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  // A zombie (exited, not yet reaped by its parent) is not alive.
  const std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  const size_t close_paren = stat.rfind(')');
  return close_paren == std::string::npos || close_paren + 2 >= stat.size() || stat[close_paren + 2] != 'Z';
}

arrow::Result<LocalCluster> LocalCluster::Up(const std::string& quiver_binary, const UpOptions& options) {
  if (options.nodes < 1) return arrow::Status::Invalid("a cluster needs at least one node, not ", options.nodes);
  if (auto running = Load(options.dir); running.ok()) {
    const auto& zookeeper = running->zookeeper();
    if (zookeeper && IsOwnProcess(zookeeper->pid, zookeeper->dir)) {
      return arrow::Status::AlreadyExists("a cluster's ZooKeeper is already running in ", options.dir,
                                          " (quiver cluster down --dir ", options.dir, " stops it)");
    }
    for (const auto& node : running->nodes()) {
      if (IsNodeProcess(node)) {
        return arrow::Status::AlreadyExists("a cluster is already running in ", options.dir, " (quiver cluster down",
                                            " --dir ", options.dir, " stops it)");
      }
    }
  }
  std::error_code error;
  fs::create_directories(options.dir, error);
  if (error) return arrow::Status::IOError("cannot create ", options.dir, ": ", error.message());
  LocalCluster cluster;
  cluster.dir_ = fs::absolute(options.dir).lexically_normal().string();
  const std::string secret = cluster.dir_ + "/secret";
  ARROW_RETURN_NOT_OK(WriteFileReplacing(secret, HexText(dist::NewClusterSecret()), 0600));

  auto stop_started = [&cluster](const arrow::Status& status) {
    (void)cluster.Down(2);
    return status;
  };
  std::string spec = "static:";
  if (options.zookeeper) {
    ARROW_ASSIGN_OR_RAISE(cluster.zookeeper_, StartZooKeeper(cluster.dir_ + "/zookeeper"));
    if (auto status = cluster.Save(); !status.ok()) return stop_started(status);
    spec = "zookeeper://127.0.0.1:" + std::to_string(cluster.zookeeper_->port) + "/quiver";
  }
  for (int i = 0; i < options.nodes; ++i) {
    LocalNode node;
    node.index = i;
    if (options.first_port == 0) {
      ARROW_ASSIGN_OR_RAISE(node.port, FreePort());
    } else {
      node.port = options.first_port + i;
    }
    ARROW_ASSIGN_OR_RAISE(node.worker_port, FreePort());
    node.data_dir = cluster.dir_ + "/node" + std::to_string(i);
    node.log = cluster.dir_ + "/node" + std::to_string(i) + ".log";
    if (!options.zookeeper) spec += (i ? ",127.0.0.1:" : "127.0.0.1:") + std::to_string(node.worker_port);
    cluster.nodes_.push_back(std::move(node));
  }
  for (auto& node : cluster.nodes_) {
    std::vector<std::string> argv = {quiver_binary,
                                     "server",
                                     "--host",
                                     "127.0.0.1",
                                     "--port",
                                     std::to_string(node.port),
                                     "--data-dir",
                                     node.data_dir,
                                     "--cluster",
                                     spec,
                                     "--worker-port",
                                     std::to_string(node.worker_port),
                                     "--cluster-secret-file",
                                     secret,
                                     options.demo ? "--demo" : "--no-demo"};
    if (options.threads > 0) {
      argv.push_back("--threads");
      argv.push_back(std::to_string(options.threads));
    }
    argv.insert(argv.end(), options.server_args.begin(), options.server_args.end());
    auto pid = Spawn(argv, node.log);
    if (!pid.ok()) return stop_started(pid.status());
    node.pid = *pid;
    node.argv = std::move(argv);
  }
  // Recorded before waiting, so that `cluster down` finds nodes an interrupted `up` left.
  if (auto status = cluster.Save(); !status.ok()) return stop_started(status);
  for (const auto& node : cluster.nodes_) {
    if (auto status = AwaitListening(node); !status.ok()) return stop_started(status);
  }
  return cluster;
}

arrow::Status LocalCluster::Save() const {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& node : nodes_) {
    nodes.push_back({{"index", node.index},
                     {"pid", node.pid},
                     {"port", node.port},
                     {"worker_port", node.worker_port},
                     {"data_dir", node.data_dir},
                     {"log", node.log},
                     {"argv", node.argv}});
  }
  nlohmann::json state{{"nodes", nodes}};
  if (zookeeper_) {
    state["zookeeper"] = {
        {"pid", zookeeper_->pid}, {"port", zookeeper_->port}, {"dir", zookeeper_->dir}, {"log", zookeeper_->log}};
  }
  return WriteFileReplacing(StateFile(dir_), state.dump(2) + "\n");
}

arrow::Result<LocalCluster> LocalCluster::Load(const std::string& dir) {
  const std::string path = StateFile(dir);
  if (!fs::exists(path)) return arrow::Status::IOError("no cluster in ", dir, " (quiver cluster up starts one)");
  auto state = nlohmann::json::parse(ReadFile(path), nullptr, /*allow_exceptions=*/false);
  if (state.is_discarded() || !state.contains("nodes")) return arrow::Status::IOError(path, " is not a cluster file");
  LocalCluster cluster;
  cluster.dir_ = dir;
  for (const auto& entry : state["nodes"]) {
    LocalNode node;
    node.index = entry.value("index", 0);
    node.pid = entry.value("pid", 0);
    node.port = entry.value("port", 0);
    node.worker_port = entry.value("worker_port", 0);
    node.data_dir = entry.value("data_dir", "");
    node.log = entry.value("log", "");
    node.argv = entry.value("argv", std::vector<std::string>{});
    cluster.nodes_.push_back(std::move(node));
  }
  if (state.contains("zookeeper")) {
    const auto& entry = state["zookeeper"];
    LocalZooKeeper zookeeper;
    zookeeper.pid = entry.value("pid", 0);
    zookeeper.port = entry.value("port", 0);
    zookeeper.dir = entry.value("dir", "");
    zookeeper.log = entry.value("log", "");
    cluster.zookeeper_ = std::move(zookeeper);
  }
  return cluster;
}

arrow::Result<int> LocalCluster::RestartDown() {
  std::vector<std::pair<LocalNode*, size_t>> started;  // with where their logs went on
  for (auto& node : nodes_) {
    if (IsNodeProcess(node)) continue;
    if (node.argv.empty()) return arrow::Status::Invalid("node ", node.index, " has no recorded command line");
    waitpid(node.pid, nullptr, WNOHANG);  // reaped if it was this process's child
    const size_t log_offset = ReadFile(node.log).size();
    ARROW_ASSIGN_OR_RAISE(node.pid, Spawn(node.argv, node.log, /*append=*/true));
    started.emplace_back(&node, log_offset);
  }
  ARROW_RETURN_NOT_OK(Save());
  for (const auto& [node, log_offset] : started) ARROW_RETURN_NOT_OK(AwaitListening(*node, log_offset));
  return static_cast<int>(started.size());
}

arrow::Status LocalCluster::Down(int grace_seconds) {
  std::vector<OwnProcess> nodes;
  for (const auto& node : nodes_) nodes.push_back({node.pid, node.data_dir});
  Stop(nodes, std::chrono::seconds(grace_seconds));
  // The nodes first: they withdraw from ZooKeeper as they stop.
  if (zookeeper_) Stop({{zookeeper_->pid, zookeeper_->dir}}, std::chrono::seconds(grace_seconds));
  std::error_code ignored;
  fs::remove(StateFile(dir_), ignored);
  return arrow::Status::OK();
}

}  // namespace quiver::cli
