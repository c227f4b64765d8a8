#pragma once

#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <functional>
#include <memory>

#include "quiver/dist/channel_resolver.h"
#include "quiver_plan.pb.h"

namespace quiver::dist {

/// The ticket for its query's next attempt: the plan's workers that do not answer a ping
/// replaced, round robin, by those that do, and every task keyed anew (so nothing of the
/// failed attempt is read again). IOError naming the workers when none answers.
arrow::Result<pb::TaskTicket> NextAttempt(const pb::TaskTicket& ticket, ChannelResolver& resolver);

/// How many times a result is run again after losing a worker.
inline constexpr int kMaxResultRetries = 2;

/// Opens the output of a final task for a ticket (one attempt).
using ResultOpener = std::function<arrow::Result<std::shared_ptr<arrow::RecordBatchReader>>(const pb::TaskTicket&)>;

/// A final task's output that survives losing a worker before anything was delivered:
/// the query runs again over the workers still alive (NextAttempt), at most
/// kMaxResultRetries times, and the reader never sees the failed attempt. Once batches
/// have gone out, a lost worker fails the read with a Flight Unavailable error naming
/// it; the endpoint can be fetched again (from any of its locations), which runs the
/// task anew.
arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> OpenRetryingResult(const pb::TaskTicket& ticket,
                                                                            ResultOpener open,
                                                                            std::shared_ptr<ChannelResolver> resolver,
                                                                            std::function<bool()> cancelled);

}  // namespace quiver::dist
