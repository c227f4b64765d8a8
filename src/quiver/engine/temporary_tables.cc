#include "quiver/engine/temporary_tables.h"

#include <filesystem>

#include "quiver/lake/delta_actions.h"
#include "quiver/lake/managed_tables.h"
#include "quiver/sql/ast.h"

namespace quiver::engine {

namespace fs = std::filesystem;

std::string TemporaryTables::RootDirectory(const std::string& data_dir) {
  return (fs::path(data_dir) / "temp").string();
}

TemporaryTables::TemporaryTables(const std::string& data_dir)
    : catalog_(catalog::Catalog::InMemory((fs::path(RootDirectory(data_dir)) / lake::NewUuid()).string(),
                                          sql::kTemporarySchema)) {}

TemporaryTables::~TemporaryTables() {
  for (const auto& entry : catalog_->ListTables()) lake::ManagedTables::Instance().Forget(entry->location);
  std::error_code ec;
  fs::remove_all(catalog_->data_dir(), ec);
}

}  // namespace quiver::engine
