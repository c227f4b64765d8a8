#pragma once

#include <string>
#include <vector>

#include "quiver/dist/channel_resolver.h"

namespace quiver::dist {

/// Asks every worker of `urls` at once whether it is alive (the "quiver.ping" action);
/// element i says whether urls[i] answered within `timeout_seconds`.
std::vector<bool> PingWorkers(ChannelResolver& resolver, const std::vector<std::string>& urls, double timeout_seconds);

}  // namespace quiver::dist
