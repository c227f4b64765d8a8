#include "quiver/exec/memory_budget.h"

#include <cstdio>
#include <cstdlib>

namespace quiver::exec {

namespace {

// Marks the statuses made here, so callers can tell a budget refusal from others.
constexpr const char* kLimitMessage = "query exceeded the memory limit of ";

constexpr int kFreedPagesDecayMilliseconds = 3000;

// Queries allocate from jemalloc where Arrow has it (unless ARROW_DEFAULT_MEMORY_POOL
// chooses): it hands freed memory back to the system within about a second, whichever
// thread frees it. mimalloc, Arrow's default in this build, keeps pages freed by other
// threads until their owning worker thread runs again, so a cancelled or failed query
// would leave the server at its peak size.
arrow::MemoryPool* BackingPool() {
  if (std::getenv("ARROW_DEFAULT_MEMORY_POOL") == nullptr) {
    arrow::MemoryPool* jemalloc = nullptr;
    if (arrow::jemalloc_memory_pool(&jemalloc).ok() && jemalloc != nullptr) {
      // Freed pages stay a few seconds for the next allocation to reuse (Arrow sets
      // one second): a query that frees and allocates as it goes (growing hash tables,
      // batches) otherwise keeps faulting in and zeroing fresh pages. Idle, the server
      // still shrinks back within seconds.
      (void)arrow::jemalloc_set_decay_ms(kFreedPagesDecayMilliseconds);
      return jemalloc;
    }
  }
  return arrow::default_memory_pool();
}

}  // namespace

arrow::Status BudgetedMemoryPool::Reserve(int64_t size) {
  int64_t limit = limit_.load();
  int64_t current = bytes_.load();
  do {
    if (size > limit - current) {
      return arrow::Status::OutOfMemory(kLimitMessage, FormatByteSize(limit), " (", FormatByteSize(current),
                                        " in use by running queries, ", FormatByteSize(size), " more requested)");
    }
  } while (!bytes_.compare_exchange_weak(current, current + size));
  int64_t now = current + size;
  int64_t peak = max_.load();
  while (now > peak && !max_.compare_exchange_weak(peak, now)) {
  }
  return arrow::Status::OK();
}

arrow::Status BudgetedMemoryPool::Allocate(int64_t size, int64_t alignment, uint8_t** out) {
  ARROW_RETURN_NOT_OK(Reserve(size));
  auto status = backing_->Allocate(size, alignment, out);
  if (!status.ok()) {
    Unreserve(size);
    return status;
  }
  total_.fetch_add(size);
  allocations_.fetch_add(1);
  return status;
}

arrow::Status BudgetedMemoryPool::Reallocate(int64_t old_size, int64_t new_size, int64_t alignment, uint8_t** ptr) {
  int64_t growth = new_size - old_size;
  if (growth > 0) ARROW_RETURN_NOT_OK(Reserve(growth));
  auto status = backing_->Reallocate(old_size, new_size, alignment, ptr);
  if (!status.ok()) {
    if (growth > 0) Unreserve(growth);
    return status;
  }
  if (growth < 0) Unreserve(-growth);
  if (growth > 0) total_.fetch_add(growth);
  allocations_.fetch_add(1);
  return status;
}

void BudgetedMemoryPool::Free(uint8_t* buffer, int64_t size, int64_t alignment) {
  backing_->Free(buffer, size, alignment);
  Unreserve(size);
}

BudgetedMemoryPool* QueryMemoryPool() {
  // Never destroyed: result buffers handed to clients may be freed at any time,
  // even while the process exits.
  static auto* pool = new BudgetedMemoryPool(BackingPool());
  return pool;
}

void SetQueryMemoryLimit(int64_t bytes) { QueryMemoryPool()->set_limit(bytes); }

std::string FormatByteSize(int64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1024 && unit < 5) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f %s", value, kUnits[unit]);
  return text;
}

bool IsMemoryLimitError(const arrow::Status& status) {
  return status.IsOutOfMemory() && status.message().find(kLimitMessage) != std::string::npos;
}

arrow::Status AttributeMemoryLimitError(const arrow::Status& status, const std::string& where) {
  const std::string& message = status.message();
  size_t start = message.find(kLimitMessage);
  if (start == std::string::npos) return status;
  // The limit's amount ends at the parenthesis that explains it.
  size_t insert_at = message.find(" (", start);
  if (insert_at == std::string::npos) insert_at = message.size();
  std::string place = where.empty() ? " while streaming rows (no operator of this plan holds rows)" : " in " + where;
  return arrow::Status::OutOfMemory(message.substr(0, insert_at), place, message.substr(insert_at));
}

}  // namespace quiver::exec
