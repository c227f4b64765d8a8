#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace quiver::dist {

class ChannelResolver;
class TaskEstimator;

/// How a node joins its cluster (Cluster::Start).
struct ClusterOptions {
  /// `local:N` (N workers in this process), `static:host:port,…` (this node is one of
  /// the listed workers) or `zookeeper://host:port/path` (members register under
  /// path); see ParseClusterSpec. Empty: no cluster.
  std::string spec;
  /// Signs task tickets; every node of a cluster needs the same. Empty: a new random
  /// one, enough for local:N only.
  std::string secret;
  /// Where this node's worker service listens: the host, and for a node of a cluster
  /// of processes the port (local:N workers take free ports; 0 picks one, which only a
  /// ZooKeeper cluster can learn).
  std::string worker_host = "127.0.0.1";
  int worker_port = 0;
  /// The host other nodes and clients reach this node's workers by; empty: worker_host.
  std::string advertise_host;
  /// Membership of the user's own making (the ChannelResolver extension point), which
  /// the spec `custom` requires; null: the one the spec names.
  std::shared_ptr<ChannelResolver> resolver;
  /// Where task outputs their readers have not taken yet spill once a partition holds
  /// `partition_memory_bytes` in memory (a final task's result instead waits for its
  /// client there).
  std::string spill_dir;
  int64_t partition_memory_bytes = 64LL << 20;
  /// Decides stage task counts; null: BytesTaskEstimator.
  std::shared_ptr<TaskEstimator> estimator;
  /// ZooKeeper clusters: how long after a node dies its registration goes.
  std::chrono::milliseconds zookeeper_session_timeout{10000};
  /// A worker a task reads from that sends nothing for this long, and then does not
  /// answer a ping within it either, is taken for lost (frozen, or cut off without its
  /// connection breaking): the task fails naming it, and the query runs again without
  /// it if nothing reached the client yet.
  std::chrono::milliseconds worker_timeout{5000};
  /// A task that has ended, whose output nobody is reading and nobody has asked for in
  /// this long, is dropped (a client fetched some of a result's endpoints and never the
  /// others). A partition asked for later is computed again.
  std::chrono::milliseconds unread_output_timeout{60000};
  /// Told what an operator should know of the cluster's membership (ZooKeeper lost or
  /// regained); null: silent.
  std::function<void(const std::string&)> log;
};

}  // namespace quiver::dist
