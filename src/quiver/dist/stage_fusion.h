#pragma once

#include "quiver/dist/stage_planner.h"

namespace quiver::dist {

/// Merges each stage of one task into its consumer when that consumer has one task and
/// no other exchange: the consumer's plan reads the producer's plan directly instead of
/// an exchange. Taken in are producers whose consumer scans nothing (it would wait for
/// their rows anyway: a final aggregate and the sort of its rows, a join of small inputs
/// and the aggregate over it), and producers reading at most kTinyStageBytes of files
/// (the region and nation tables joined on the way to a larger one). Merged, the rows
/// are not encoded, sent between workers and decoded, and the query waits for one task
/// fewer. A consumer's other inputs stay stages, computed side by side on different
/// workers. Stages are numbered again, producers first.
void FuseSingleTaskChains(StagedPlan* staged);

/// Files a producer may read and still be merged into a consumer that scans too.
inline constexpr double kTinyStageBytes = 1 << 20;

}  // namespace quiver::dist
