#pragma once

#include "quiver/dist/stage_planner.h"

namespace quiver::dist {

/// Merges each stage of one task into its consumer when that consumer has one task and
/// no input but it (no other exchange, no scan): the consumer's plan reads the
/// producer's plan directly instead of an exchange. The two would run one after the
/// other on one stream of rows anyway; merged, the rows are not encoded, sent between
/// workers and decoded, and the query waits for one task fewer. (A final aggregate and
/// the sort of its rows; a join of small inputs and the aggregate over it.) A consumer
/// with inputs of its own is left alone: its inputs are computed side by side on
/// different workers. Stages are numbered again, producers first.
void FuseSingleTaskChains(StagedPlan* staged);

}  // namespace quiver::dist
