#pragma once

#include <arrow/result.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "quiver/lake/delta_snapshot.h"
#include "quiver/lake/delta_table.h"
#include "quiver/storage/file_table.h"

namespace quiver::lake {

/// A managed table as of one version, ready to scan.
struct TableVersion {
  std::shared_ptr<DeltaTable> table;
  std::shared_ptr<const DeltaSnapshot> snapshot;
  /// The snapshot's files as a scannable table; each file's fragment carries what its
  /// statistics guarantee (`x >= min and x <= max`), so scans skip files that cannot
  /// match their filter.
  std::shared_ptr<storage::FileTable> files;
};

/// The snapshot's files, or only `subset` of them (paths), as a scannable table.
arrow::Result<std::shared_ptr<storage::FileTable>> SnapshotFileTable(const std::string& dir,
                                                                     const DeltaSnapshot& snapshot,
                                                                     const std::set<std::string>* subset = nullptr);

/// The managed tables this process has opened, by directory. A table's DeltaTable
/// object (with its cached snapshot) is shared by every statement, and so is the
/// scannable table of its newest version, so Parquet footers are read once per file.
class ManagedTables {
 public:
  static ManagedTables& Instance();

  /// The table's newest version.
  arrow::Result<TableVersion> Latest(const std::string& dir);

  /// The table object, opened once.
  arrow::Result<std::shared_ptr<DeltaTable>> Table(const std::string& dir);

  /// Forgets a table whose directory was deleted.
  void Forget(const std::string& dir);

 private:
  struct Entry {
    std::shared_ptr<DeltaTable> table;
    std::shared_ptr<const DeltaSnapshot> snapshot;  // that `files` shows
    std::shared_ptr<storage::FileTable> files;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> tables_;
};

}  // namespace quiver::lake
