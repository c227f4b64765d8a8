#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include "quiver/lake/delta_log.h"
#include "quiver/lake/delta_snapshot.h"

namespace quiver::lake {

/// Checkpoints: a snapshot's whole state in one Parquet file
/// (`<version>.checkpoint.parquet`, one action per row in the columns txn, add,
/// remove, metaData, protocol), so readers need not replay every commit. Delta's
/// `delta.checkpointInterval` (default 10) says how often writers make one.

/// Writes the checkpoint of `snapshot` and then points `_last_checkpoint` at it. The
/// Parquet file is written under a temporary name and renamed, so a crash leaves no
/// partial checkpoint behind a name readers trust.
arrow::Status WriteCheckpoint(const DeltaLog& log, const DeltaSnapshot& snapshot);

/// The state a checkpoint records, as one commit's worth of actions.
arrow::Result<DeltaCommit> ReadCheckpoint(const DeltaLog& log, int64_t version);

/// The interval a table's configuration asks for (delta.checkpointInterval), else 10.
int64_t CheckpointInterval(const DeltaMetadata& metadata);

}  // namespace quiver::lake
