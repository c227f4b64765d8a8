#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <cstdint>
#include <string>

#include "quiver/lake/delta_actions.h"

namespace quiver::lake {

/// A Delta table's transaction log: the directory `<table>/_delta_log/` with one
/// file per committed version. A version exists once its file does; the file is
/// created whole and exclusively (common/durable_file.h), so a reader never sees a
/// partial commit and two writers can never both take one version.
class DeltaLog {
 public:
  explicit DeltaLog(std::string table_dir);

  const std::string& table_dir() const { return table_dir_; }
  const std::string& log_dir() const { return log_dir_; }

  /// "00000000000000000042.json".
  static std::string CommitFileName(int64_t version);
  /// "00000000000000000042.checkpoint.parquet".
  static std::string CheckpointFileName(int64_t version);

  /// The newest committed version (-1 for none). With `at_least` ≥ 0 known to exist,
  /// probes the versions after it one by one instead of listing the directory.
  arrow::Result<int64_t> LatestVersion(int64_t at_least = -1) const;

  arrow::Result<DeltaCommit> ReadCommit(int64_t version) const;

  /// Commits `commit` as `version`, durably. AlreadyExists when another writer has
  /// committed that version first.
  arrow::Status WriteCommit(int64_t version, const DeltaCommit& commit) const;
  /// The same with the commit already encoded (EncodeCommit).
  arrow::Status WriteCommitText(int64_t version, const std::string& text) const;

  /// The version of the newest checkpoint named by `_last_checkpoint`, or -1.
  int64_t LastCheckpointVersion() const;

 private:
  std::string table_dir_;
  std::string log_dir_;
};

}  // namespace quiver::lake
