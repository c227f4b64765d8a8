#pragma once

#include <memory>
#include <string>

#include "quiver/catalog/catalog.h"

namespace quiver::engine {

/// A session's temporary tables: managed tables that only the session sees, named in
/// its own schema `pg_temp` (sql::kTemporarySchema), which unqualified names search
/// before the search_path. Their catalog is kept in memory; their data lives under
/// `<data_dir>/temp/<random id>/` and is deleted when the session ends (the last
/// reference to this object goes), or at the next start after a crash.
class TemporaryTables {
 public:
  explicit TemporaryTables(const std::string& data_dir);
  ~TemporaryTables();
  TemporaryTables(const TemporaryTables&) = delete;
  TemporaryTables& operator=(const TemporaryTables&) = delete;

  catalog::Catalog& catalog() { return *catalog_; }
  bool empty() const { return catalog_->ListTables().empty(); }

  /// The directory temporary tables of every session live under.
  static std::string RootDirectory(const std::string& data_dir);

 private:
  std::shared_ptr<catalog::Catalog> catalog_;
};

}  // namespace quiver::engine
