#include "quiver/storage/opened_file_tables.h"

#include <arrow/type.h>

#include <algorithm>

namespace quiver::storage {

OpenedFileTables& OpenedFileTables::Instance() {
  static OpenedFileTables tables;
  return tables;
}

std::string OpenedFileTables::Key(const FileTableSpec& spec, const arrow::Schema* known_schema) {
  std::string key = spec.format + "\n" + spec.location + "\n";
  for (const auto& [name, value] : spec.options) key += name + "=" + value + "\n";
  key += (spec.declared_schema ? spec.declared_schema->ToString(true) : "") + "\n";
  return key + (known_schema ? known_schema->ToString(true) : "");
}

std::shared_ptr<FileTable> OpenedFileTables::Find(const std::string& key,
                                                  const std::vector<arrow::fs::FileInfo>& files) {
  std::lock_guard lock(mutex_);
  auto found = tables_.find(key);
  if (found == tables_.end() || found->second.files != files) return nullptr;
  found->second.last_used = ++clock_;
  return found->second.table;
}

void OpenedFileTables::Remember(const std::string& key, std::vector<arrow::fs::FileInfo> files,
                                std::shared_ptr<FileTable> table) {
  std::lock_guard lock(mutex_);
  if (tables_.size() >= kCapacity && tables_.find(key) == tables_.end()) {
    auto least_recent = std::min_element(tables_.begin(), tables_.end(), [](const auto& a, const auto& b) {
      return a.second.last_used < b.second.last_used;
    });
    tables_.erase(least_recent);
  }
  tables_[key] = Entry{std::move(files), std::move(table), ++clock_};
}

}  // namespace quiver::storage
