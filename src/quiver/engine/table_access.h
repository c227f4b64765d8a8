#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "quiver/lake/delta_table.h"
#include "quiver/lake/managed_tables.h"

namespace quiver::engine {

/// How statements read and change managed tables: each statement on its own
/// (Autocommit), or inside a transaction whose changes other statements see only once
/// it commits (Transaction).
class TableAccess {
 public:
  virtual ~TableAccess() = default;

  /// The version of the table at `dir` that statements see.
  virtual arrow::Result<lake::TableVersion> Read(const std::string& dir) = 0;

  /// Applies one statement's change to the table at `dir`, computed against `read`
  /// (which Read returned). The change's data files are already written; if the change
  /// cannot be applied they are deleted.
  virtual arrow::Status Write(const std::string& dir, const lake::TableVersion& read, lake::TableChange change) = 0;

  virtual bool in_transaction() const = 0;
};

/// Every statement reads each table's newest version and commits its change at once.
class Autocommit : public TableAccess {
 public:
  static Autocommit& Instance();
  arrow::Result<lake::TableVersion> Read(const std::string& dir) override;
  arrow::Status Write(const std::string& dir, const lake::TableVersion& read, lake::TableChange change) override;
  bool in_transaction() const override { return false; }
};

/// A transaction over managed tables. The first statement that reads a table fixes
/// the version the transaction sees of it; the transaction's changes to a table are
/// kept aside (their data files written, nothing committed) and its own statements
/// see them. Commit makes each changed table's changes one Delta commit, checked for
/// conflicts with what others committed since the version read (the same rules as
/// single statements); Rollback deletes the files written. A transaction over several
/// tables commits them all or none (lake::CommitTables, journaled at
/// `journal_path`). Thread-safe; a transaction is finished by Commit or Rollback and
/// takes no further statements.
class Transaction : public TableAccess {
 public:
  explicit Transaction(std::string journal_path) : journal_path_(std::move(journal_path)) {}
  ~Transaction() override;

  arrow::Result<lake::TableVersion> Read(const std::string& dir) override;
  arrow::Status Write(const std::string& dir, const lake::TableVersion& read, lake::TableChange change) override;
  bool in_transaction() const override { return true; }

  arrow::Status Commit();
  void Rollback();

 private:
  struct TableState {
    lake::TableVersion base;              // the version first read
    lake::TableVersion view;              // base with this transaction's changes
    std::vector<lake::AddFile> adds;      // written, not committed
    std::set<std::string> removes;        // files of `base` this transaction removes
    std::set<std::string> read_files;     // files of `base` whose rows it read
    std::vector<std::string> operations;  // of the statements that changed the table
    std::map<std::string, std::string> metrics;
  };
  arrow::Status CheckOpen() const;
  arrow::Result<TableState*> StateOf(const std::string& dir);

  const std::string journal_path_;
  std::mutex mutex_;
  std::map<std::string, TableState> tables_;
  bool finished_ = false;
};

}  // namespace quiver::engine
