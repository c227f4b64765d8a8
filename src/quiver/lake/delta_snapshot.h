#pragma once

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "quiver/lake/delta_actions.h"
#include "quiver/lake/delta_log.h"

namespace quiver::lake {

/// A Delta table as of one version: the state its log's actions add up to.
/// Immutable once loaded; a newer version is a new snapshot.
struct DeltaSnapshot {
  int64_t version = -1;
  DeltaProtocol protocol;
  DeltaMetadata metadata;
  std::shared_ptr<arrow::Schema> schema;  // parsed from metadata.schema_string
  /// The table's data files, by path (relative to the table directory).
  std::map<std::string, AddFile> files;
  /// Files removed and not yet vacuumed, by path.
  std::map<std::string, RemoveFile> tombstones;

  /// Applies one commit's actions on top of this state.
  arrow::Status Apply(const DeltaCommit& commit);

  int64_t RowCount() const;  // from the files' statistics; -1 when one has none
};

/// The table as of `version` (the newest when absent). Starts from the newest
/// checkpoint at or before it when one is readable, else replays every commit.
/// NotImplemented for tables using features Quiver cannot read (deletion vectors,
/// column mapping …).
arrow::Result<std::shared_ptr<const DeltaSnapshot>> LoadSnapshot(const DeltaLog& log,
                                                                 std::optional<int64_t> version = std::nullopt);

/// `previous` brought up to the newest version by applying the commits after it;
/// `previous` itself when nothing was committed since.
arrow::Result<std::shared_ptr<const DeltaSnapshot>> RefreshSnapshot(const DeltaLog& log,
                                                                    std::shared_ptr<const DeltaSnapshot> previous);

}  // namespace quiver::lake
