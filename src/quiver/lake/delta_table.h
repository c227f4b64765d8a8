#pragma once

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "quiver/lake/delta_actions.h"
#include "quiver/lake/delta_log.h"
#include "quiver/lake/delta_snapshot.h"

namespace quiver::lake {

/// What one statement changes in a table, made against the snapshot it read.
struct TableChange {
  std::string operation;  // commitInfo's operation: "WRITE", "DELETE", "UPDATE" …
  std::map<std::string, std::string> parameters;
  std::map<std::string, std::string> metrics;
  std::vector<AddFile> adds;
  std::vector<std::string> removes;  // paths of the read snapshot's files
  /// Files whose rows the statement read to decide what to write; if a concurrent
  /// commit removed one of them, this change was computed from rows that are gone.
  std::set<std::string> read_files;
  /// A new schema (ALTER TABLE); data files written before it are incompatible with
  /// rows appended concurrently under the old one, so any concurrent commit conflicts.
  std::optional<std::shared_ptr<arrow::Schema>> new_schema;
  std::optional<std::map<std::string, std::string>> new_configuration;
};

/// A change checked against a table's newest version and encoded as the next one,
/// ready to be written.
struct PreparedCommit {
  int64_t version = -1;
  std::string text;  // the commit file's contents
};

/// Held by every commit this process makes, for as long as it takes to check a change
/// against the newest versions and write it: a commit over several tables
/// (multi_table_commit.h) checks them all before writing any, and no other commit
/// may take one of their versions in between.
std::mutex& CommitLock();

/// Properties a new table starts with.
struct NewTableOptions {
  std::string name;  // recorded in the metaData action
  std::map<std::string, std::string> configuration;
};

/// One table stored as a Delta Lake table in a directory: Parquet data files and the
/// `_delta_log`. Statements read a snapshot and commit a TableChange against it with
/// optimistic concurrency: the change takes the next version if no other writer took
/// it; otherwise the commits made since are checked for conflicts (they removed a
/// file this change read or removes, or changed the table's definition) and the
/// change is retried on top of them, or fails with a conflict error. Every commit is
/// durable before Commit returns; every tenth (delta.checkpointInterval) version is
/// followed by a checkpoint. Thread-safe.
class DeltaTable {
 public:
  /// Opens an existing table. KeyError if the directory holds none.
  static arrow::Result<std::shared_ptr<DeltaTable>> Open(const std::string& dir);

  /// Creates a table at version 0 with the given columns and, for CREATE TABLE AS, data
  /// files already written into `dir` — one commit, so the table appears whole or
  /// not at all. AlreadyExists if the directory has a table.
  static arrow::Result<std::shared_ptr<DeltaTable>> Create(const std::string& dir,
                                                           const std::shared_ptr<arrow::Schema>& schema,
                                                           const NewTableOptions& options, std::vector<AddFile> adds,
                                                           std::map<std::string, std::string> metrics = {});

  const std::string& dir() const { return log_.table_dir(); }

  /// The newest snapshot.
  arrow::Result<std::shared_ptr<const DeltaSnapshot>> Snapshot();

  /// Commits `change` made against `read`; returns the version committed. IOError
  /// with "conflict" in the message when a concurrent commit makes the change invalid
  /// (the caller's statement fails and nothing of it is visible).
  arrow::Result<int64_t> Commit(const DeltaSnapshot& read, const TableChange& change);

  /// Checks `change` against every version committed after `read` (the conflict
  /// error Commit gives) and encodes it as the version after the newest, without
  /// writing it. The caller holds CommitLock() until the commit is published.
  arrow::Result<PreparedCommit> Prepare(const DeltaSnapshot& read, const TableChange& change);
  /// Writes a prepared commit durably (AlreadyExists if its version was taken).
  arrow::Status Publish(const PreparedCommit& commit);
  /// Writes the checkpoint due at `version`, if one is; a failure loses nothing.
  void CheckpointIfDue(int64_t version);

 private:
  explicit DeltaTable(const std::string& dir) : log_(dir) {}

  DeltaLog log_;
  std::mutex mutex_;
  std::shared_ptr<const DeltaSnapshot> latest_;
};

/// The data files of a failed statement, deleted (they were never committed).
void DeleteUncommitted(const std::string& table_dir, const std::vector<AddFile>& adds);

/// Deletes what crashed writes left in a table directory: data files `latest` (the
/// table's newest snapshot) neither holds nor remembers removing, and temporary files.
/// Only safe while no statement writes to the table (at server start). Returns how
/// many files were deleted.
arrow::Result<int64_t> RemoveUncommittedFiles(const std::string& table_dir, const DeltaSnapshot& latest);

/// What VacuumRemovedFiles deleted.
struct VacuumResult {
  int64_t files = 0;
  int64_t bytes = 0;
};

/// Deletes the data files `latest` (the table's newest snapshot) remembers removing
/// before `removed_before` (milliseconds since the epoch): no version newer than
/// their removal reads them, and readers of older versions have had the retention
/// period to finish. Files of statements not yet committed are left alone.
arrow::Result<VacuumResult> VacuumRemovedFiles(const std::string& table_dir, const DeltaSnapshot& latest,
                                               int64_t removed_before);

}  // namespace quiver::lake
