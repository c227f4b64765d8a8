#include "quiver/engine/managed_table_storage.h"

#include <arrow/type.h>

#include <filesystem>
#include <set>

#include "quiver/engine/temporary_tables.h"
#include "quiver/lake/delta_table.h"
#include "quiver/lake/managed_tables.h"

namespace quiver::engine {

namespace {

namespace fs = std::filesystem;

// Table names may hold any character when quoted; directory names keep a readable part.
std::string DirectoryPart(const std::string& name) {
  std::string out;
  for (char c : name) {
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
    if (out.size() >= 48) break;
  }
  return out.empty() ? "table" : out;
}

}  // namespace

std::string NewTableDirectory(const std::string& data_dir, const std::string& schema, const std::string& name) {
  return (fs::path(data_dir) / "tables" / DirectoryPart(schema) /
          (DirectoryPart(name) + "-" + lake::NewUuid().substr(0, 8)))
      .string();
}

catalog::TableEntry ManagedTableEntryOf(const std::string& schema_name, const std::string& name,
                                        std::shared_ptr<arrow::Schema> columns, const std::string& dir,
                                        std::vector<std::string> primary_key) {
  catalog::TableEntry entry;
  entry.schema_name = schema_name;
  entry.name = name;
  entry.kind = catalog::TableKind::kManaged;
  entry.schema = std::move(columns);
  entry.location = dir;
  entry.primary_key = std::move(primary_key);
  return entry;
}

void DeleteManagedTableData(const std::string& dir) {
  lake::ManagedTables::Instance().Forget(dir);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

arrow::Result<std::string> RecoverManagedTables(catalog::Catalog& catalog) {
  std::set<std::string> known;
  int64_t files_removed = 0;
  for (const auto& entry : catalog.ListTables()) {
    if (entry->kind != catalog::TableKind::kManaged) continue;
    known.insert(fs::path(entry->location).lexically_normal().string());
    // One read of the log serves the cleanup and, cached, the first statements.
    auto latest = lake::ManagedTables::Instance().Latest(entry->location);
    auto removed = latest.ok() ? lake::RemoveUncommittedFiles(entry->location, *latest->snapshot)
                               : arrow::Result<int64_t>(latest.status());
    if (!removed.ok()) {
      return removed.status().WithMessage("table \"", entry->name, "\" at ", entry->location, ": ",
                                          removed.status().message());
    }
    files_removed += *removed;
    // The Delta log decides a table's columns; the catalog keeps a copy for metadata.
    if (!latest->snapshot->schema->Equals(*entry->schema)) {
      catalog::TableEntry updated = *entry;
      updated.schema = latest->snapshot->schema;
      ARROW_RETURN_NOT_OK(catalog.UpdateTable(std::move(updated)));
    }
  }
  int64_t directories_removed = 0;
  std::error_code ec;
  const fs::path root = fs::path(catalog.data_dir()) / "tables";
  for (const auto& schema_dir : fs::directory_iterator(root, ec)) {
    if (!schema_dir.is_directory()) continue;
    for (const auto& table_dir : fs::directory_iterator(schema_dir.path(), ec)) {
      if (!table_dir.is_directory() || known.count(table_dir.path().lexically_normal().string()) > 0) continue;
      fs::remove_all(table_dir.path(), ec);
      ++directories_removed;
    }
  }
  // Temporary tables belong to sessions of an earlier run, which are gone.
  const fs::path temporary = TemporaryTables::RootDirectory(catalog.data_dir());
  for (const auto& session_dir : fs::directory_iterator(temporary, ec)) {
    fs::remove_all(session_dir.path(), ec);
    ++directories_removed;
  }
  if (files_removed == 0 && directories_removed == 0) return std::string();
  return "recovered managed tables: removed " + std::to_string(files_removed) + " uncommitted file(s) and " +
         std::to_string(directories_removed) + " unregistered or temporary table directory(ies)";
}

}  // namespace quiver::engine
