#pragma once

#include <arrow/chunked_array.h>

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace quiver::storage {

/// One column of one Parquet row group, as a particular version of a file holds it
/// (entries are also told apart by the column's type).
struct CachedColumnKey {
  std::string path;
  int64_t file_size = 0;
  int64_t modified = 0;  // the modification time: a rewritten file is another file
  int row_group = 0;
  std::string column;
};

/// Decoded columns of the tables marked with CACHE TABLE, kept in this process's
/// memory so that later scans skip reading, decompressing and decoding them.
///
/// Entries are whole row-group columns: a scan of some columns fills exactly those,
/// and any later scan needing only cached columns reads no file. Least recently used
/// entries go first once the cache holds more than its capacity. Thread-safe.
class DecodedColumnCache {
 public:
  static DecodedColumnCache& Instance();

  /// Bytes the cache may hold; lowering it evicts at once. The default is a fifth of
  /// the machine's memory (`quiver server --cache-memory`).
  void set_capacity_bytes(int64_t bytes);
  int64_t capacity_bytes() const;

  /// The column in `type`, or null. One column may be kept in several types (as its
  /// file holds it, or converted to its table's type): each is an entry of its own.
  std::shared_ptr<arrow::ChunkedArray> Find(const CachedColumnKey& key, const arrow::DataType& type);
  /// Keeps the column, unless it alone is larger than the capacity.
  void Insert(const CachedColumnKey& key, std::shared_ptr<arrow::ChunkedArray> column);
  /// Drops every entry of a file whose path starts with `prefix` (UNCACHE TABLE).
  void ForgetFilesUnder(const std::string& prefix);

  struct Counters {
    int64_t entries = 0;
    int64_t bytes = 0;
    int64_t hits = 0;    // columns found
    int64_t misses = 0;  // columns looked for and not found
    int64_t evictions = 0;
  };
  Counters counters() const;

 private:
  DecodedColumnCache();
  struct Entry {
    std::string key;
    std::shared_ptr<arrow::ChunkedArray> column;
    int64_t bytes = 0;
  };
  void EvictLocked(int64_t capacity);

  mutable std::mutex mutex_;
  int64_t capacity_bytes_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  Counters counters_;
};

}  // namespace quiver::storage
