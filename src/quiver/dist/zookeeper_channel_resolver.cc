#include "quiver/dist/zookeeper_channel_resolver.h"

// The synchronous calls are declared only for the multi-threaded client (zookeeper_mt).
#define THREADED
#include <zookeeper/zookeeper.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>

namespace quiver::dist {

namespace {

// Without a watch event, the membership is read again this often: a safety net for
// an event lost between a watch firing and the next being set.
constexpr auto kResyncEvery = std::chrono::seconds(10);
// After a failed ZooKeeper call, the maintenance thread tries again this soon.
constexpr auto kRetryAfter = std::chrono::milliseconds(500);
// The most a member's znode holds: two URLs as JSON.
constexpr int kMaxMemberBytes = 4096;

// The client library's own log lines (every failed reconnect) would flood the
// server's output while the ensemble is down; Log reports the changes that matter.
void DiscardClientLog(const char*) {}

arrow::Status ZooKeeperError(int code, const std::string& what) {
  return arrow::Status::IOError(what, ": ", zerror(code));
}

std::string LastComponent(const std::string& path) { return path.substr(path.rfind('/') + 1); }

}  // namespace

std::string ZooKeeperChannelResolver::EncodeMember(const ClusterMember& member) {
  return nlohmann::json{{"worker", member.worker_url}, {"flight_sql", member.flight_sql_url}}.dump();
}

std::optional<ClusterMember> ZooKeeperChannelResolver::DecodeMember(std::string_view data) {
  auto json = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  auto worker = json.find("worker");
  auto flight_sql = json.find("flight_sql");
  if (worker == json.end() || !worker->is_string() || worker->get<std::string>().empty()) return std::nullopt;
  ClusterMember member;
  member.worker_url = worker->get<std::string>();
  if (flight_sql != json.end() && flight_sql->is_string()) member.flight_sql_url = flight_sql->get<std::string>();
  return member;
}

ZooKeeperChannelResolver::ZooKeeperChannelResolver(ZooKeeperOptions options) : options_(std::move(options)) {}

arrow::Result<std::shared_ptr<ZooKeeperChannelResolver>> ZooKeeperChannelResolver::Connect(ZooKeeperOptions options) {
  zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
  std::shared_ptr<ZooKeeperChannelResolver> resolver(new ZooKeeperChannelResolver(std::move(options)));
  const auto& hosts = resolver->options_.hosts;
  {
    std::lock_guard lock(resolver->zookeeper_mutex_);
    ARROW_RETURN_NOT_OK(resolver->OpenSession());
  }
  {
    std::unique_lock lock(resolver->events_mutex_);
    if (!resolver->events_changed_.wait_for(lock, resolver->options_.connect_timeout,
                                            [&] { return resolver->connected_; })) {
      return arrow::Status::IOError("cannot reach ZooKeeper at ", hosts, " within ",
                                    resolver->options_.connect_timeout.count(), " ms");
    }
  }
  {
    std::lock_guard lock(resolver->zookeeper_mutex_);
    auto read = resolver->Refresh();
    if (!read.ok()) return read.WithMessage("ZooKeeper at ", hosts, ": ", read.message());
  }
  resolver->maintainer_ = std::thread([raw = resolver.get()] { raw->Maintain(); });
  return resolver;
}

ZooKeeperChannelResolver::~ZooKeeperChannelResolver() {
  {
    std::lock_guard lock(events_mutex_);
    stopping_ = true;
    events_changed_.notify_all();
  }
  if (maintainer_.joinable()) maintainer_.join();
  Withdraw();
  std::lock_guard lock(zookeeper_mutex_);
  // Closing ends the session, so any registration left goes with it.
  if (handle_ != nullptr) zookeeper_close(handle_);
}

void ZooKeeperChannelResolver::OnEvent(zhandle_t*, int type, int state, const char*, void* context) {
  auto* resolver = static_cast<ZooKeeperChannelResolver*>(context);
  std::lock_guard lock(resolver->events_mutex_);
  if (type == ZOO_SESSION_EVENT) {
    const bool connected = state == ZOO_CONNECTED_STATE;
    resolver->connection_changed_ = resolver->connection_changed_ || connected != resolver->connected_;
    resolver->connected_ = connected;
    // Members may have come and gone while this node could not see them.
    if (connected) resolver->membership_changed_ = true;
    if (state == ZOO_EXPIRED_SESSION_STATE) resolver->session_expired_ = true;
  } else {
    // The path's children changed, or the watch on them was dropped: read again.
    resolver->membership_changed_ = true;
  }
  resolver->events_changed_.notify_all();
}

arrow::Status ZooKeeperChannelResolver::OpenSession() {
  if (handle_ != nullptr) {
    zookeeper_close(handle_);
    handle_ = nullptr;
    own_znode_.clear();
  }
  {
    std::lock_guard lock(events_mutex_);
    connected_ = false;
    session_expired_ = false;
  }
  handle_ = zookeeper_init2(options_.hosts.c_str(), &OnEvent, static_cast<int>(options_.session_timeout.count()),
                            nullptr, this, 0, &DiscardClientLog);
  if (handle_ == nullptr) {
    return arrow::Status::IOError("cannot start a ZooKeeper client for ", options_.hosts, ": ", std::strerror(errno));
  }
  return arrow::Status::OK();
}

arrow::Status ZooKeeperChannelResolver::Refresh() {
  if (handle_ == nullptr) return arrow::Status::IOError("no ZooKeeper session");
  // The cluster's path and its parents; another node may be creating them too.
  for (size_t slash = 1; slash <= options_.path.size(); ++slash) {
    if (slash < options_.path.size() && options_.path[slash] != '/') continue;
    const std::string prefix = options_.path.substr(0, slash);
    const int created = zoo_create(handle_, prefix.c_str(), nullptr, -1, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
    if (created != ZOK && created != ZNODEEXISTS) return ZooKeeperError(created, "cannot create " + prefix);
  }
  String_vector children{};
  const int listed = zoo_wget_children(handle_, options_.path.c_str(), &OnEvent, this, &children);
  if (listed != ZOK) return ZooKeeperError(listed, "cannot list " + options_.path);
  std::vector<std::string> names;
  for (int i = 0; i < children.count; ++i) names.emplace_back(children.data[i]);
  deallocate_String_vector(&children);

  // Registered before, but gone: a new session, or the znode was deleted by hand.
  if (self_ && std::find(names.begin(), names.end(), LastComponent(own_znode_)) == names.end()) {
    const std::string data = EncodeMember(*self_);
    const std::string prefix = options_.path + "/node-";
    char created[512];
    const int registered = zoo_create(handle_, prefix.c_str(), data.data(), static_cast<int>(data.size()),
                                      &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL_SEQUENTIAL, created, sizeof created);
    if (registered != ZOK) return ZooKeeperError(registered, "cannot register this node under " + options_.path);
    own_znode_ = created;
    names.push_back(LastComponent(own_znode_));
  }

  std::vector<ClusterMember> members;
  for (const auto& name : names) {
    const std::string znode = options_.path + "/" + name;
    char data[kMaxMemberBytes];
    int length = sizeof data;
    const int read = zoo_get(handle_, znode.c_str(), 0, data, &length, nullptr);
    if (read == ZNONODE) continue;  // left since the listing
    if (read != ZOK) return ZooKeeperError(read, "cannot read " + znode);
    if (length < 0) continue;
    // Anything else under the path is not a member.
    if (auto member = DecodeMember(std::string_view(data, static_cast<size_t>(length)))) {
      members.push_back(*std::move(member));
    }
  }
  std::sort(members.begin(), members.end(),
            [](const ClusterMember& a, const ClusterMember& b) { return a.worker_url < b.worker_url; });
  // A node that restarted before its old session timed out is listed twice for a while.
  members.erase(
      std::unique(members.begin(), members.end(),
                  [](const ClusterMember& a, const ClusterMember& b) { return a.worker_url == b.worker_url; }),
      members.end());
  std::lock_guard lock(members_mutex_);
  for (const auto& member : members) ever_members_.insert(member.worker_url);
  members_ = std::move(members);
  return arrow::Status::OK();
}

void ZooKeeperChannelResolver::Maintain() {
  std::unique_lock events(events_mutex_);
  bool was_connected = connected_;
  while (true) {
    const bool woken = events_changed_.wait_for(events, kResyncEvery, [&] {
      return stopping_ || session_expired_ || connection_changed_ || (connected_ && membership_changed_);
    });
    if (stopping_) return;
    const bool expired = std::exchange(session_expired_, false);
    const bool connected = connected_;
    connection_changed_ = false;
    const bool read = connected && (std::exchange(membership_changed_, false) || !woken);
    events.unlock();

    if (connected != was_connected && !expired) {
      Log(connected ? "ZooKeeper at " + options_.hosts + " is reachable again"
                    : "lost ZooKeeper at " + options_.hosts + "; keeping the last membership");
    }
    was_connected = connected;
    arrow::Status status;
    {
      std::lock_guard lock(zookeeper_mutex_);
      if (expired) {
        Log("ZooKeeper session expired; opening a new one and registering again");
        status = OpenSession();
      } else if (read) {
        status = Refresh();
      }
    }
    events.lock();
    if (!status.ok()) {
      Log(status.message());
      events_changed_.wait_for(events, kRetryAfter, [&] { return stopping_; });
      (expired ? session_expired_ : membership_changed_) = true;
    }
  }
}

arrow::Result<std::vector<std::string>> ZooKeeperChannelResolver::WorkerUrls() {
  std::vector<std::string> urls;
  std::lock_guard lock(members_mutex_);
  for (const auto& member : members_) urls.push_back(member.worker_url);
  return urls;
}

std::vector<ClusterMember> ZooKeeperChannelResolver::Members() const {
  std::lock_guard lock(members_mutex_);
  return members_;
}

arrow::Result<std::shared_ptr<arrow::flight::FlightClient>> ZooKeeperChannelResolver::ClientFor(
    const std::string& url) {
  {
    std::lock_guard lock(members_mutex_);
    if (ever_members_.count(url) == 0) {
      return arrow::Status::KeyError("worker ", url, " is not a member of this cluster");
    }
  }
  return clients_.Get(url);
}

arrow::Status ZooKeeperChannelResolver::Announce(const ClusterMember& self) {
  std::lock_guard lock(zookeeper_mutex_);
  self_ = self;
  auto registered = Refresh();
  if (!registered.ok()) {
    return registered.WithMessage("ZooKeeper at ", options_.hosts, ": ", registered.message());
  }
  return arrow::Status::OK();
}

void ZooKeeperChannelResolver::Withdraw() {
  std::lock_guard lock(zookeeper_mutex_);
  self_.reset();
  // A call on a lost connection would wait for it; the session's end removes it then.
  if (handle_ != nullptr && !own_znode_.empty() && zoo_state(handle_) == ZOO_CONNECTED_STATE) {
    (void)zoo_delete(handle_, own_znode_.c_str(), -1);
  }
  own_znode_.clear();
}

void ZooKeeperChannelResolver::Log(const std::string& message) const {
  if (options_.log) options_.log(message);
}

}  // namespace quiver::dist
