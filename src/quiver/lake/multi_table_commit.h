#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <memory>
#include <string>
#include <vector>

#include "quiver/lake/delta_table.h"

namespace quiver::lake {

/// One table's part of a commit over several tables.
struct TableCommit {
  std::shared_ptr<DeltaTable> table;
  std::shared_ptr<const DeltaSnapshot> read;  // the version the change was made against
  TableChange change;
};

/// Commits changes to several tables all or nothing, though Delta Lake commits one
/// table at a time. Under CommitLock(), every change is checked against its table's
/// newest version; if one conflicts, nothing is written and the conflict error names
/// the table. Otherwise the encoded commits go into the journal at `journal_path`
/// (fsynced), then into each table's log, and the journal is deleted. A crash after
/// the journal is written leaves it behind for CompleteJournaledCommit, which the
/// next start runs first: so each table ends with its commit, or none does.
/// The data files the changes add must be written (and fsynced) before this is called;
/// when nothing is committed they are deleted.
arrow::Status CommitTables(const std::string& journal_path, const std::vector<TableCommit>& commits);

/// Writes whatever commits of an interrupted CommitTables are missing from their
/// tables' logs, then deletes the journal. Run at start, before any statement and
/// before uncommitted files are cleaned up. Returns how many commits it wrote.
arrow::Result<int> CompleteJournaledCommit(const std::string& journal_path);

}  // namespace quiver::lake
