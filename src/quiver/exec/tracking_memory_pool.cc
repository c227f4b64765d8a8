#include "quiver/exec/tracking_memory_pool.h"

#include <mutex>
#include <vector>

#include "quiver/exec/memory_budget.h"

namespace quiver::exec {

void TrackingMemoryPool::Grew(int64_t bytes) {
  const int64_t now = bytes_.fetch_add(bytes) + bytes;
  int64_t peak = peak_.load();
  while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
  }
}

arrow::Status TrackingMemoryPool::Allocate(int64_t size, int64_t alignment, uint8_t** out) {
  ARROW_RETURN_NOT_OK(target_->Allocate(size, alignment, out));
  allocations_ += 1;
  total_ += size;
  Grew(size);
  return arrow::Status::OK();
}

arrow::Status TrackingMemoryPool::Reallocate(int64_t old_size, int64_t new_size, int64_t alignment, uint8_t** ptr) {
  ARROW_RETURN_NOT_OK(target_->Reallocate(old_size, new_size, alignment, ptr));
  if (new_size > old_size) total_ += new_size - old_size;
  Grew(new_size - old_size);
  return arrow::Status::OK();
}

void TrackingMemoryPool::Free(uint8_t* buffer, int64_t size, int64_t alignment) {
  target_->Free(buffer, size, alignment);
  bytes_ -= size;
}

namespace {

std::mutex free_pools_mutex;
std::vector<TrackingMemoryPool*>& FreePools() {
  static auto* pools = new std::vector<TrackingMemoryPool*>();
  return *pools;
}

}  // namespace

MeasuredQueryPool::MeasuredQueryPool() {
  {
    std::lock_guard lock(free_pools_mutex);
    if (!FreePools().empty()) {
      pool_ = FreePools().back();
      FreePools().pop_back();
      pool_->ResetPeak();
      return;
    }
  }
  pool_ = new TrackingMemoryPool(QueryMemoryPool());
}

MeasuredQueryPool::~MeasuredQueryPool() {
  if (pool_->bytes_allocated() != 0) return;
  std::lock_guard lock(free_pools_mutex);
  FreePools().push_back(pool_);
}

}  // namespace quiver::exec
