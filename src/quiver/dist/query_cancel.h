#pragma once

#include <string>
#include <vector>

#include "quiver/dist/channel_resolver.h"

namespace quiver::dist {

/// Asks each of `workers` to stop `query_id`'s tasks (the "quiver.cancel_query" action),
/// all at once, waiting at most a second for any of them: a worker that does not answer
/// is dead or hung, and its tasks die with it or are swept as idle.
void CancelQueryOnWorkers(ChannelResolver& resolver, const std::vector<std::string>& workers,
                          const std::string& query_id);

}  // namespace quiver::dist
