#pragma once

#include <arrow/result.h>
#include <arrow/status.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace quiver::cli {

/// One `quiver server` process of a local cluster.
struct LocalNode {
  int index = 0;
  pid_t pid = 0;
  int port = 0;         // its Flight SQL front door, on 127.0.0.1
  int worker_port = 0;  // its worker service
  std::string data_dir;
  std::string log;                // its stdout and stderr
  std::vector<std::string> argv;  // how it was started, to start it again
};

/// The ZooKeeper server of a local cluster started with `--zookeeper`.
struct LocalZooKeeper {
  pid_t pid = 0;
  int port = 0;  // on 127.0.0.1
  std::string dir;
  std::string log;
};

/// A cluster of `quiver server` processes on this machine, for trying distribution out
/// (`quiver cluster up/status/down`). It lives in a directory: the nodes' data
/// directories and logs, the secret they share, and `cluster.json` naming them.
class LocalCluster {
 public:
  struct UpOptions {
    std::string dir;
    int nodes = 3;
    /// The first node's front door port; the others count up from it. 0: free ports.
    int first_port = 32010;
    int threads = 0;  // per node; 0: one per core
    bool demo = true;
    /// Membership through a ZooKeeper server started for the cluster (the Java class
    /// path of Debian's zookeeper package unless $QUIVER_ZOOKEEPER_CLASSPATH says
    /// otherwise) rather than a static list.
    bool zookeeper = false;
    /// More arguments for every node's `quiver server`, after the ones the cluster sets.
    std::vector<std::string> server_args;
  };

  /// Starts the nodes, each a member of a static cluster knowing every worker (or of a
  /// ZooKeeper cluster), and waits until all listen. AlreadyExists if the directory's
  /// cluster is running.
  static arrow::Result<LocalCluster> Up(const std::string& quiver_binary, const UpOptions& options);
  /// The cluster recorded in `dir` (IOError naming the directory if none is).
  static arrow::Result<LocalCluster> Load(const std::string& dir);

  /// Stops every node (SIGTERM, then SIGKILL after `grace_seconds`) and forgets them.
  arrow::Status Down(int grace_seconds = 10);
  /// Starts again, as before (same ports and options), the nodes whose process is gone,
  /// and waits until they listen; their logs go on after the old ones. Returns how many.
  arrow::Result<int> RestartDown();

  const std::vector<LocalNode>& nodes() const { return nodes_; }
  const std::optional<LocalZooKeeper>& zookeeper() const { return zookeeper_; }
  const std::string& dir() const { return dir_; }

 private:
  arrow::Status Save() const;

  std::string dir_;
  std::vector<LocalNode> nodes_;
  std::optional<LocalZooKeeper> zookeeper_;
};

/// Whether process `pid` is alive (and not a zombie).
bool ProcessAlive(pid_t pid);

}  // namespace quiver::cli
