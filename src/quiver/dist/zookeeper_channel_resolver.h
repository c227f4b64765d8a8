#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "quiver/dist/channel_resolver.h"

typedef struct _zhandle zhandle_t;

namespace quiver::dist {

/// How a node finds its ZooKeeper ensemble and its cluster's znodes.
struct ZooKeeperOptions {
  /// The ensemble as ZooKeeper's connect string: `host:port,host:port`.
  std::string hosts;
  /// The cluster's znode (absolute, e.g. `/quiver`); created when missing. Each node
  /// registers an ephemeral child of it.
  std::string path;
  /// How long ZooKeeper keeps a silent node's registration: a node that dies leaves the
  /// membership this long after.
  std::chrono::milliseconds session_timeout{10000};
  /// How long Connect waits for the ensemble to answer.
  std::chrono::milliseconds connect_timeout{10000};
  /// Told of connection changes (lost, regained, session expired); null: silent.
  std::function<void(const std::string&)> log;
};

/// Membership through ZooKeeper: every node registers an ephemeral sequential znode
/// under the cluster's path, holding its worker and Flight SQL addresses as JSON, and
/// watches the path, so joins and leaves are seen as they happen. While the ensemble is
/// unreachable the last membership stands (pings still leave dead workers out); when
/// the session is lost, a new one is opened and the node registers again.
class ZooKeeperChannelResolver : public ChannelResolver {
 public:
  /// Connects (waiting up to options.connect_timeout) and reads the membership.
  static arrow::Result<std::shared_ptr<ZooKeeperChannelResolver>> Connect(ZooKeeperOptions options);
  ~ZooKeeperChannelResolver() override;

  /// The members' worker URLs, sorted.
  arrow::Result<std::vector<std::string>> WorkerUrls() override;
  /// Clients only for workers that have been members: a URL from elsewhere is refused.
  arrow::Result<std::shared_ptr<arrow::flight::FlightClient>> ClientFor(const std::string& url) override;
  void Reconnect(const std::string& url) override { clients_.Forget(url); }
  /// Registers this node; kept registered across lost sessions until Withdraw.
  arrow::Status Announce(const ClusterMember& self) override;
  /// Removes this node's registration at once (others see it leave without waiting for
  /// the session to time out).
  void Withdraw() override;

  /// The members as last read, sorted by worker URL.
  std::vector<ClusterMember> Members() const;

  /// The znode data a member registers, and its reading (nullopt for data that is not
  /// a member's).
  static std::string EncodeMember(const ClusterMember& member);
  static std::optional<ClusterMember> DecodeMember(std::string_view data);

 private:
  explicit ZooKeeperChannelResolver(ZooKeeperOptions options);
  static void OnEvent(zhandle_t* handle, int type, int state, const char* path, void* context);

  /// Opens a session (the old one, if any, is closed first).
  arrow::Status OpenSession();
  /// Creates the cluster's path, registers this node if it announced itself and its
  /// znode is missing, and rereads the members, leaving a watch on the path.
  arrow::Status Refresh();
  /// The maintenance thread: reacts to the events OnEvent records.
  void Maintain();
  void Log(const std::string& message) const;

  const ZooKeeperOptions options_;
  FlightClientCache clients_;

  // The handle and this node's registration: used by the maintenance thread and by
  // Announce/Withdraw, never by OnEvent (which runs on the ZooKeeper client's own
  // thread, where waiting on a call would deadlock).
  std::mutex zookeeper_mutex_;
  zhandle_t* handle_ = nullptr;
  std::optional<ClusterMember> self_;
  std::string own_znode_;  // the znode this node registered, empty when none

  // What OnEvent saw, for the maintenance thread.
  std::mutex events_mutex_;
  std::condition_variable events_changed_;
  bool connected_ = false;
  bool connection_changed_ = false;
  bool session_expired_ = false;
  bool membership_changed_ = false;
  bool stopping_ = false;

  mutable std::mutex members_mutex_;
  std::vector<ClusterMember> members_;
  std::set<std::string> ever_members_;

  std::thread maintainer_;
};

}  // namespace quiver::dist
