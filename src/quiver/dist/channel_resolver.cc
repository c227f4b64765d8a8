#include "quiver/dist/channel_resolver.h"

#include <algorithm>

namespace quiver::dist {

FlightClientCache::FlightClientCache(arrow::flight::FlightClientOptions options) : options_(std::move(options)) {
  options_.generic_options.emplace_back("grpc.use_local_subchannel_pool", 1);
}

arrow::Result<std::shared_ptr<arrow::flight::FlightClient>> FlightClientCache::Get(const std::string& url) {
  std::lock_guard lock(mutex_);
  auto it = clients_.find(url);
  if (it != clients_.end()) return it->second;
  auto location = arrow::flight::Location::Parse(url);
  if (!location.ok()) {
    return arrow::Status::Invalid("worker URL '", url, "' is not a Flight location: ", location.status().message());
  }
  ARROW_ASSIGN_OR_RAISE(auto client, arrow::flight::FlightClient::Connect(*location, options_));
  std::shared_ptr<arrow::flight::FlightClient> shared = std::move(client);
  clients_.emplace(url, shared);
  return shared;
}

void FlightClientCache::Forget(const std::string& url) {
  std::lock_guard lock(mutex_);
  clients_.erase(url);
}

arrow::Result<std::shared_ptr<arrow::flight::FlightClient>> StaticChannelResolver::ClientFor(const std::string& url) {
  if (std::find(urls_.begin(), urls_.end(), url) == urls_.end()) {
    return arrow::Status::KeyError("worker ", url, " is not a member of this cluster");
  }
  return clients_.Get(url);
}

}  // namespace quiver::dist
