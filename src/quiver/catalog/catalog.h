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

  const std::string& data_dir() const { return data_dir_; }

  /// KeyError naming the table if it does not exist.
  arrow::Result<std::shared_ptr<const TableEntry>> GetTable(const std::string& schema_name,
                                                            const std::string& name) const;
  std::shared_ptr<const TableEntry> FindTable(const std::string& schema_name, const std::string& name) const;
  /// All entries, ordered by schema then name.
  std::vector<std::shared_ptr<const TableEntry>> ListTables() const;
  std::vector<std::string> ListSchemas() const;

  /// Registers an entry. If one of that name exists: with `replace` it is replaced
  /// (only by the same kind), otherwise AlreadyExists.
  arrow::Status CreateTable(TableEntry entry, bool replace);
  /// Removes an entry of the given kind. KeyError if missing; Invalid if the name
  /// belongs to the other kind (DROP VIEW on a table).
  arrow::Status DropTable(const std::string& schema_name, const std::string& name, TableKind kind);

 private:
  explicit Catalog(std::string data_dir);
  arrow::Status Load();
  arrow::Status SaveLocked() const;

  std::string data_dir_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<const TableEntry>> tables_;
};

}  // namespace quiver::catalog
