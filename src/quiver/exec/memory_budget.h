#pragma once

#include <arrow/memory_pool.h>
#include <arrow/status.h>

#include <atomic>
#include <cstdint>
#include <string>

namespace quiver::exec {

/// A memory pool that forwards to another pool while keeping the bytes it has
/// handed out under a limit. An allocation that would cross the limit fails with
/// OutOfMemory instead of reaching the allocator, so a query that grows too large
/// fails cleanly rather than drawing the operating system's OOM killer. Safe to
/// use from many threads at once; the limit may change while in use (allocations
/// already made stay). Without a limit it only counts: bytes lent now and at most.
class BudgetedMemoryPool : public arrow::MemoryPool {
 public:
  static constexpr int64_t kUnlimited = INT64_MAX;

  explicit BudgetedMemoryPool(arrow::MemoryPool* backing, int64_t limit = kUnlimited)
      : backing_(backing), limit_(limit) {}

  using arrow::MemoryPool::Allocate;
  using arrow::MemoryPool::Free;
  using arrow::MemoryPool::Reallocate;

  arrow::Status Allocate(int64_t size, int64_t alignment, uint8_t** out) override;
  arrow::Status Reallocate(int64_t old_size, int64_t new_size, int64_t alignment, uint8_t** ptr) override;
  void Free(uint8_t* buffer, int64_t size, int64_t alignment) override;
  void ReleaseUnused() override { backing_->ReleaseUnused(); }

  int64_t bytes_allocated() const override { return bytes_.load(); }
  int64_t max_memory() const override { return max_.load(); }
  int64_t total_bytes_allocated() const override { return total_.load(); }
  int64_t num_allocations() const override { return allocations_.load(); }
  std::string backend_name() const override { return backing_->backend_name(); }

  int64_t limit() const { return limit_.load(); }
  void set_limit(int64_t limit) { limit_.store(limit); }

  /// max_memory() starts again from the bytes lent now.
  void ResetPeak() { max_.store(bytes_.load()); }

 private:
  // Claims `size` more bytes of the budget, or says why it cannot.
  arrow::Status Reserve(int64_t size);
  void Unreserve(int64_t size) { bytes_.fetch_sub(size); }

  arrow::MemoryPool* backing_;
  std::atomic<int64_t> limit_;
  std::atomic<int64_t> bytes_{0};
  std::atomic<int64_t> max_{0};
  std::atomic<int64_t> total_{0};
  std::atomic<int64_t> allocations_{0};
};

/// The pool every query allocates from: one budget for the whole process, shared by
/// all running queries. Unlimited until SetQueryMemoryLimit is called (the server
/// sets it at start). It lives as long as the process, so buffers may outlive the
/// query that made them.
BudgetedMemoryPool* QueryMemoryPool();
void SetQueryMemoryLimit(int64_t bytes);

/// "64.0 MiB", "1.5 GiB", "512 bytes": sizes as error messages and logs show them.
std::string FormatByteSize(int64_t bytes);

/// True for the status an exhausted budget produces (as opposed to the allocator
/// itself running out).
bool IsMemoryLimitError(const arrow::Status& status);

/// A status for which IsMemoryLimitError holds, with `where` (what
/// DescribeBlockingOperators says) put after the limit: "query exceeded the memory
/// limit of 64.0 MiB in the hash join build (…) (…)". An empty `where` says the
/// memory was held outside the operators that keep rows.
arrow::Status AttributeMemoryLimitError(const arrow::Status& status, const std::string& where);

}  // namespace quiver::exec
