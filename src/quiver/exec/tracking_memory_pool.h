#pragma once

#include <arrow/memory_pool.h>

#include <atomic>
#include <cstdint>
#include <string>

namespace quiver::exec {

/// A memory pool that hands every request to `target` and counts the bytes it has lent,
/// and the most it has lent at once since the last ResetPeak.
class TrackingMemoryPool : public arrow::MemoryPool {
 public:
  explicit TrackingMemoryPool(arrow::MemoryPool* target) : target_(target) {}

  using arrow::MemoryPool::Allocate;
  using arrow::MemoryPool::Free;
  using arrow::MemoryPool::Reallocate;

  arrow::Status Allocate(int64_t size, int64_t alignment, uint8_t** out) override;
  arrow::Status Reallocate(int64_t old_size, int64_t new_size, int64_t alignment, uint8_t** ptr) override;
  void Free(uint8_t* buffer, int64_t size, int64_t alignment) override;
  void ReleaseUnused() override { target_->ReleaseUnused(); }

  int64_t bytes_allocated() const override { return bytes_.load(); }
  int64_t max_memory() const override { return peak_.load(); }
  int64_t total_bytes_allocated() const override { return total_.load(); }
  int64_t num_allocations() const override { return allocations_.load(); }
  std::string backend_name() const override { return target_->backend_name(); }

  /// The peak starts again from the bytes lent now.
  void ResetPeak() { peak_.store(bytes_.load()); }

 private:
  void Grew(int64_t bytes);

  arrow::MemoryPool* target_;
  std::atomic<int64_t> bytes_{0};
  std::atomic<int64_t> peak_{0};
  std::atomic<int64_t> total_{0};
  std::atomic<int64_t> allocations_{0};
};

/// A tracking pool over the query memory pool (the budget) for the length of one measured query. A buffer of the
/// query may be freed, and a scan's read-ahead may allocate, after the query is over, so
/// pools are never destroyed: one that lends nothing when its query ends is reused by a
/// later query, one still lending is left to its buffers.
class MeasuredQueryPool {
 public:
  MeasuredQueryPool();
  ~MeasuredQueryPool();
  MeasuredQueryPool(const MeasuredQueryPool&) = delete;
  MeasuredQueryPool& operator=(const MeasuredQueryPool&) = delete;

  TrackingMemoryPool* get() const { return pool_; }

 private:
  TrackingMemoryPool* pool_;
};

}  // namespace quiver::exec
