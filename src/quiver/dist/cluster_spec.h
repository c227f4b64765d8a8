#pragma once

#include <arrow/result.h>

#include <string>
#include <vector>

namespace quiver::dist {

/// A worker's address as `host:port`.
struct WorkerAddress {
  std::string host;
  int port = 0;
  /// `host:port`, an IPv6 host in brackets (as ParseWorkerAddress reads it back).
  std::string ToString() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
  }
  bool operator==(const WorkerAddress& other) const { return host == other.host && port == other.port; }
};

/// How a node finds the cluster's workers, as `quiver server --cluster` spells it:
///   local:N                        N workers inside this process
///   static:host:port,host:port …   a fixed list
///   zookeeper://host:port[,host:port …]/path
///                                  membership through ephemeral znodes under path
///   custom                         one worker here; membership from the program's own
///                                  ChannelResolver (ClusterOptions::resolver)
struct ClusterSpec {
  enum class Kind { kLocal, kStatic, kZooKeeper, kCustom } kind = Kind::kLocal;
  int local_workers = 1;                 // kLocal
  std::vector<WorkerAddress> workers;    // kStatic
  std::vector<WorkerAddress> zookeeper;  // kZooKeeper: the ensemble
  std::string zookeeper_path;            // kZooKeeper: absolute, without a trailing '/'
};

/// Parses a --cluster value. Invalid naming the part that is wrong and what was
/// expected.
arrow::Result<ClusterSpec> ParseClusterSpec(const std::string& text);

/// Parses `host:port` (IPv6 hosts in brackets: `[::1]:9000`); `what` names the value
/// in errors.
arrow::Result<WorkerAddress> ParseWorkerAddress(const std::string& text, const std::string& what);

}  // namespace quiver::dist
