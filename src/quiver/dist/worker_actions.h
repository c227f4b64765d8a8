#pragma once

#include <string>
#include <vector>

#include "quiver/dist/channel_resolver.h"

namespace quiver::dist {

/// A worker that does not answer a ping within this long is taken for lost.
inline constexpr double kPingTimeoutSeconds = 1.0;

/// Sends one Flight action to every worker of `urls` at once and waits for all of them;
/// element i is the body of urls[i]'s first result (empty when it gave none), or why it
/// did not answer within `timeout_seconds`.
std::vector<arrow::Result<std::string>> AskWorkers(ChannelResolver& resolver, const std::vector<std::string>& urls,
                                                   const std::string& action, const std::string& body,
                                                   double timeout_seconds);

/// AskWorkers when only the answering matters: element i says whether urls[i] answered.
std::vector<bool> DoActionOnWorkers(ChannelResolver& resolver, const std::vector<std::string>& urls,
                                    const std::string& action, const std::string& body, double timeout_seconds);

/// Whether each worker of `urls` is alive (the "quiver.ping" action).
std::vector<bool> PingWorkers(ChannelResolver& resolver, const std::vector<std::string>& urls);

}  // namespace quiver::dist
