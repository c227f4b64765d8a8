#pragma once

#include <arrow/result.h>
#include <arrow/status.h>
#include <sys/types.h>

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
  std::string log;  // its stdout and stderr
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
  };

  /// Starts the nodes, each a static-cluster member knowing every worker, and waits
  /// until all listen. AlreadyExists if the directory's cluster is running.
  static arrow::Result<LocalCluster> Up(const std::string& quiver_binary, const UpOptions& options);
  /// The cluster recorded in `dir` (IOError naming the directory if none is).
  static arrow::Result<LocalCluster> Load(const std::string& dir);

  /// Stops every node (SIGTERM, then SIGKILL after `grace_seconds`) and forgets them.
  arrow::Status Down(int grace_seconds = 10);

  const std::vector<LocalNode>& nodes() const { return nodes_; }
  const std::string& dir() const { return dir_; }

 private:
  arrow::Status Save() const;

  std::string dir_;
  std::vector<LocalNode> nodes_;
};

/// Whether process `pid` is alive (and not a zombie).
bool ProcessAlive(pid_t pid);

}  // namespace quiver::cli
