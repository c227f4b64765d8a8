#pragma once

#include <arrow/filesystem/filesystem.h>
#include <arrow/type_fwd.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "quiver/storage/file_table.h"

namespace quiver::storage {

/// The file tables opened in this process, by what opened them (format, location,
/// options, schema). Every statement that names a table opens it: listing its files
/// is cheap, but reading a footer for the schema is not, and a fresh dataset reads
/// every file's footer again when scanned. While a table's files are unchanged
/// (paths, sizes, modification times) the table opened before is reused.
class OpenedFileTables {
 public:
  static OpenedFileTables& Instance();

  static std::string Key(const FileTableSpec& spec, const arrow::Schema* known_schema);

  /// The table opened with `key` if its files are still `files`; null otherwise.
  std::shared_ptr<FileTable> Find(const std::string& key, const std::vector<arrow::fs::FileInfo>& files);

  /// Keeps `table`, opened with `key` over `files`; the least recently used of
  /// kCapacity tables is forgotten.
  void Remember(const std::string& key, std::vector<arrow::fs::FileInfo> files, std::shared_ptr<FileTable> table);

 private:
  static constexpr size_t kCapacity = 256;
  struct Entry {
    std::vector<arrow::fs::FileInfo> files;
    std::shared_ptr<FileTable> table;
    uint64_t last_used = 0;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> tables_;
  uint64_t clock_ = 0;
};

}  // namespace quiver::storage
