#pragma once

#include "quiver/dist/stage_planner.h"

namespace quiver::dist {

/// Merges stages of one task into the stage reading them: the consumer's plan computes
/// the producer's plan where it read its exchange. Taken in are:
///  - into a consumer of one task whose only input the producer is: producers whose
///    consumer scans nothing (it would wait for their rows anyway: a final aggregate
///    and the sort of its rows, a join of small inputs and the aggregate over it), and
///    producers reading at most kTinyStageBytes of files (the region and nation tables
///    joined on the way to a larger one);
///  - into any consumer: producers with no input of their own that read at most
///    kTinyStageBytes, when the consumer has one task or the producer broadcasts (each
///    consumer task then reads the tiny files itself).
/// Merged, the rows are not encoded, sent between workers and decoded, and the query
/// waits for one task fewer. Other producers stay stages, computed side by side on
/// different workers. Stages are numbered again, producers first.
void FuseSingleTaskChains(StagedPlan* staged);

/// Files a producer may read and still be merged into a consumer that scans too.
inline constexpr double kTinyStageBytes = 1 << 20;

}  // namespace quiver::dist
