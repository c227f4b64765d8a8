#include "quiver/storage/decoded_column_cache.h"

#include <arrow/type.h>
#include <arrow/util/byte_size.h>
#include <unistd.h>

namespace quiver::storage {

namespace {

int64_t FifthOfPhysicalMemory() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return int64_t{1} << 30;
  return static_cast<int64_t>(pages) * page_size / 5;
}

// A column may be kept in several types at once (as the file holds it, and in a
// table's types), so the type is part of the key.
std::string KeyText(const CachedColumnKey& key, const arrow::DataType& type) {
  // NUL cannot occur in a path or a column name read from a file's schema.
  std::string text = key.path;
  text.push_back('\0');
  text += std::to_string(key.file_size) + ":" + std::to_string(key.modified) + ":" + std::to_string(key.row_group);
  text.push_back('\0');
  text += key.column;
  text.push_back('\0');
  text += type.ToString();
  return text;
}

}  // namespace

DecodedColumnCache& DecodedColumnCache::Instance() {
  static DecodedColumnCache cache;
  return cache;
}

DecodedColumnCache::DecodedColumnCache() : capacity_bytes_(FifthOfPhysicalMemory()) {}

void DecodedColumnCache::set_capacity_bytes(int64_t bytes) {
  std::lock_guard lock(mutex_);
  capacity_bytes_ = bytes;
  EvictLocked(capacity_bytes_);
}

int64_t DecodedColumnCache::capacity_bytes() const {
  std::lock_guard lock(mutex_);
  return capacity_bytes_;
}

std::shared_ptr<arrow::ChunkedArray> DecodedColumnCache::Find(const CachedColumnKey& key, const arrow::DataType& type) {
  std::lock_guard lock(mutex_);
  auto found = index_.find(KeyText(key, type));
  if (found == index_.end()) {
    ++counters_.misses;
    return nullptr;
  }
  entries_.splice(entries_.begin(), entries_, found->second);
  ++counters_.hits;
  return found->second->column;
}

void DecodedColumnCache::Insert(const CachedColumnKey& key, std::shared_ptr<arrow::ChunkedArray> column) {
  const int64_t bytes = arrow::util::TotalBufferSize(*column);
  std::lock_guard lock(mutex_);
  if (bytes > capacity_bytes_) return;
  std::string text = KeyText(key, *column->type());
  if (auto found = index_.find(text); found != index_.end()) {
    counters_.bytes -= found->second->bytes;
    entries_.erase(found->second);
    index_.erase(found);
  }
  EvictLocked(capacity_bytes_ - bytes);
  entries_.push_front(Entry{text, std::move(column), bytes});
  index_.emplace(std::move(text), entries_.begin());
  counters_.bytes += bytes;
}

void DecodedColumnCache::ForgetFilesUnder(const std::string& prefix) {
  std::lock_guard lock(mutex_);
  for (auto entry = entries_.begin(); entry != entries_.end();) {
    if (entry->key.compare(0, prefix.size(), prefix) != 0) {
      ++entry;
      continue;
    }
    counters_.bytes -= entry->bytes;
    index_.erase(entry->key);
    entry = entries_.erase(entry);
  }
}

void DecodedColumnCache::EvictLocked(int64_t capacity) {
  while (!entries_.empty() && counters_.bytes > capacity) {
    counters_.bytes -= entries_.back().bytes;
    index_.erase(entries_.back().key);
    entries_.pop_back();
    ++counters_.evictions;
  }
}

DecodedColumnCache::Counters DecodedColumnCache::counters() const {
  std::lock_guard lock(mutex_);
  Counters counters = counters_;
  counters.entries = static_cast<int64_t>(entries_.size());
  return counters;
}

}  // namespace quiver::storage
