#pragma once

#include <arrow/flight/client.h>
#include <arrow/result.h>
#include <arrow/status.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace quiver::dist {

/// A node as the cluster knows it: where its worker listens, and where clients reach
/// its Flight SQL front door.
struct ClusterMember {
  std::string worker_url;
  std::string flight_sql_url;
  bool operator==(const ClusterMember& other) const = default;
};

/// Where a query's stages may run: the cluster's worker URLs (`grpc://host:port`), and
/// a Flight client for each. The extension point for membership: the built-ins are an
/// in-process list, a static list and ZooKeeper; a user's own is any subclass.
/// Implementations are thread-safe: many queries ask at once.
class ChannelResolver {
 public:
  virtual ~ChannelResolver() = default;

  /// The workers a query may use now, in a stable order. The list may change between
  /// calls (a worker joined or left); a query takes it once, when it is planned.
  virtual arrow::Result<std::vector<std::string>> WorkerUrls() = 0;

  /// A client connected to `url`, shared by every caller until the connection fails.
  virtual arrow::Result<std::shared_ptr<arrow::flight::FlightClient>> ClientFor(const std::string& url) = 0;

  /// A call to `url` found no connection: the next ClientFor(url) should connect
  /// afresh. (A gRPC channel whose connection failed waits out a growing back-off before
  /// it tries again, failing calls meanwhile, even once the worker is back.) A resolver
  /// that caches no clients has nothing to do.
  virtual void Reconnect(const std::string& url) {}

  /// Called once this node serves both its worker and its front door, so that a
  /// membership service can list it (ZooKeeper registers it). A fixed list has nothing
  /// to do.
  virtual arrow::Status Announce(const ClusterMember& self) { return arrow::Status::OK(); }
  /// Called when this node stops: it should no longer be given tasks.
  virtual void Withdraw() {}
};

/// Flight clients by URL, made once and shared: gRPC channels are expensive to open and
/// multiplex many calls. A client whose calls failed for lack of a connection can be
/// dropped (Forget) so the next caller reconnects. Thread-safe.
class FlightClientCache {
 public:
  /// Each client gets a connection of its own (not one shared by every client of the
  /// process to that address), so that a client made after Forget really connects
  /// afresh.
  explicit FlightClientCache(
      arrow::flight::FlightClientOptions options = arrow::flight::FlightClientOptions::Defaults());

  arrow::Result<std::shared_ptr<arrow::flight::FlightClient>> Get(const std::string& url);
  void Forget(const std::string& url);

 private:
  arrow::flight::FlightClientOptions options_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<arrow::flight::FlightClient>> clients_;
};

/// A fixed list of workers (`--cluster static:…`, and the in-process workers of
/// `--cluster local:N` once they listen).
class StaticChannelResolver : public ChannelResolver {
 public:
  explicit StaticChannelResolver(std::vector<std::string> urls, arrow::flight::FlightClientOptions options =
                                                                    arrow::flight::FlightClientOptions::Defaults())
      : urls_(std::move(urls)), clients_(std::move(options)) {}

  arrow::Result<std::vector<std::string>> WorkerUrls() override { return urls_; }
  /// Only the listed workers: a URL from elsewhere (a forged ticket) is refused.
  arrow::Result<std::shared_ptr<arrow::flight::FlightClient>> ClientFor(const std::string& url) override;
  void Reconnect(const std::string& url) override { clients_.Forget(url); }

 private:
  const std::vector<std::string> urls_;
  FlightClientCache clients_;
};

}  // namespace quiver::dist
