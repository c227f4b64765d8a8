#pragma once

#include <arrow/flight/client.h>

#include <functional>
#include <string>
#include <vector>

#include "quiver/dist/channel_resolver.h"

namespace quiver::dist {

/// The message of the error a read gets when `worker_url` cannot be reached.
std::string LostWorkerMessage(const std::string& worker_url, const arrow::Status& cause);

/// Whether a task failed because a worker it read from was lost (its message, made by
/// LostWorkerMessage, survives the hops between workers).
bool IsLostWorkerError(const arrow::Status& status);

/// Whether a call failed for want of the worker it was made to, rather than with an
/// error that worker sent over a working connection. A worker passing on that one of
/// its own producers was lost says so in the message, which names that producer.
bool Unreachable(const arrow::Status& status);

/// Makes `call` with the client for `url`. A call that finds no connection is made once
/// more on a new one: a worker that was down and has come back on the same address is
/// reached at once, where the old connection would still be waiting out gRPC's
/// reconnect back-off and fail every call meanwhile. A worker that is really gone
/// fails both calls as quickly as one.
template <typename T>
arrow::Result<T> CallWorker(ChannelResolver& resolver, const std::string& url,
                            const std::function<arrow::Result<T>(arrow::flight::FlightClient&)>& call) {
  ARROW_ASSIGN_OR_RAISE(auto client, resolver.ClientFor(url));
  auto result = call(*client);
  if (result.ok() || !Unreachable(result.status())) return result;
  resolver.Reconnect(url);
  ARROW_ASSIGN_OR_RAISE(client, resolver.ClientFor(url));
  return call(*client);
}

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
