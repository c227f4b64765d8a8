#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "quiver/dist/channel_resolver.h"

namespace quiver::dist {

/// Asks each of `workers` to stop `query_id`'s tasks (the "quiver.cancel_query" action),
/// all at once, waiting at most a second for any of them: a worker that does not answer
/// is dead or hung, and its tasks die with it or are swept as idle.
void CancelQueryOnWorkers(ChannelResolver& resolver, const std::vector<std::string>& workers,
                          const std::string& query_id);

/// As above for the query's attempts before `attempt` only (the "quiver.cancel_attempts"
/// action): what a retried query leaves running on the workers still alive.
void CancelEarlierAttemptsOnWorkers(ChannelResolver& resolver, const std::vector<std::string>& workers,
                                    const std::string& query_id, uint32_t attempt);

/// The body of "quiver.cancel_attempts", and its reading (false for a malformed body).
std::string CancelAttemptsBody(const std::string& query_id, uint32_t attempt);
bool ParseCancelAttemptsBody(const std::string& body, std::string* query_id, uint32_t* attempt);

}  // namespace quiver::dist
