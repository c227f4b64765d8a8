#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "quiver/catalog/table_entry.h"

namespace quiver::catalog {

/// The names of tables and views, persisted as one JSON document under the data
/// directory. Every change is written to a temporary file, fsynced and renamed over
/// the old document, so a crash leaves either the old or the new catalog.
/// Names are case-insensitive (stored lower-case unless created quoted). Thread-safe.
class Catalog {
 public:
  static constexpr const char* kCatalogName = "quiver";
  static constexpr const char* kDefaultSchema = "public";

  /// Loads `<data_dir>/catalog.json`, creating an empty catalog if absent.
  static arrow::Result<std::shared_ptr<Catalog>> Open(const std::string& data_dir);

  /// A catalog kept in memory only, for one session's temporary tables: its managed
  /// tables live under `data_dir`, and `schema` is its only schema besides "public".
  static std::shared_ptr<Catalog> InMemory(const std::string& data_dir, const std::string& schema);

  const std::string& data_dir() const { return data_dir_; }

  /// KeyError naming the table if it does not exist.
  arrow::Result<std::shared_ptr<const TableEntry>> GetTable(const std::string& schema_name,
                                                            const std::string& name) const;
  std::shared_ptr<const TableEntry> FindTable(const std::string& schema_name, const std::string& name) const;
  /// All entries, ordered by schema then name.
  std::vector<std::shared_ptr<const TableEntry>> ListTables() const;
  /// Schema names, sorted; "public" always exists.
  std::vector<std::string> ListSchemas() const;
  bool HasSchema(const std::string& name) const;
  /// AlreadyExists unless `if_not_exists`.
  arrow::Status CreateSchema(const std::string& name, bool if_not_exists);
  /// Removes a schema. Without `cascade` a schema holding tables or views is refused;
  /// with it they are removed too and returned (the caller deletes managed tables' data).
  arrow::Result<std::vector<std::shared_ptr<const TableEntry>>> DropSchema(const std::string& name, bool cascade);

  /// Registers an entry. If one of that name exists: with `replace` it is replaced
  /// (only by the same kind), otherwise AlreadyExists.
  arrow::Status CreateTable(TableEntry entry, bool replace);
  /// Removes an entry of the given kind. KeyError if missing; Invalid if the name
  /// belongs to the other kind (DROP VIEW on a table).
  /// TableKind::kExternal also matches managed tables (both are dropped by DROP TABLE).
  /// Returns the entry removed.
  arrow::Result<std::shared_ptr<const TableEntry>> DropTable(const std::string& schema_name, const std::string& name,
                                                             TableKind kind);
  /// Replaces the entry of the same schema and name (a managed table's new columns).
  arrow::Status UpdateTable(TableEntry entry);
  /// Renames a table or view within its schema. AlreadyExists if the new name is taken.
  arrow::Status RenameTable(const std::string& schema_name, const std::string& name, const std::string& new_name);

 private:
  Catalog(std::string data_dir, bool persistent);
  arrow::Status Load();
  arrow::Status SaveLocked() const;

  std::string data_dir_;
  bool persistent_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<const TableEntry>> tables_;
  std::vector<std::string> schemas_;  // besides "public"
};

}  // namespace quiver::catalog
