#pragma once

#include <arrow/buffer.h>
#include <arrow/memory_pool.h>
#include <arrow/result.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <type_traits>

namespace quiver::exec {

/// A growable array of trivially copyable values in an Arrow memory pool: it counts
/// against the query's budget, and running out of it is a Status, not an exception.
/// Growth doubles the capacity, so appending is amortized constant time.
template <typename T>
class PoolArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  explicit PoolArray(arrow::MemoryPool* pool) : pool_(pool) {}

  /// Makes the array `size` long; new elements are `fill`.
  arrow::Status Resize(int64_t size, T fill = T{}) {
    if (size > capacity_) {
      const int64_t capacity = std::max<int64_t>({size, capacity_ * 2, 64});
      if (!buffer_) {
        ARROW_ASSIGN_OR_RAISE(buffer_, arrow::AllocateResizableBuffer(capacity * sizeof(T), pool_));
      } else {
        ARROW_RETURN_NOT_OK(buffer_->Resize(capacity * sizeof(T), /*shrink_to_fit=*/false));
      }
      capacity_ = capacity;
    }
    for (int64_t i = size_; i < size; ++i) data()[i] = fill;
    size_ = size;
    return arrow::Status::OK();
  }

  T* data() { return buffer_ ? reinterpret_cast<T*>(buffer_->mutable_data()) : nullptr; }
  const T* data() const { return buffer_ ? reinterpret_cast<const T*>(buffer_->data()) : nullptr; }
  T& operator[](int64_t i) { return data()[i]; }
  const T& operator[](int64_t i) const { return data()[i]; }
  int64_t size() const { return size_; }

  /// The values as a buffer of exactly size() elements; the array is left empty.
  arrow::Result<std::shared_ptr<arrow::Buffer>> Finish() {
    if (!buffer_) {
      ARROW_ASSIGN_OR_RAISE(buffer_, arrow::AllocateResizableBuffer(0, pool_));
    }
    ARROW_RETURN_NOT_OK(buffer_->Resize(size_ * sizeof(T), /*shrink_to_fit=*/false));
    std::shared_ptr<arrow::Buffer> out = std::move(buffer_);
    size_ = capacity_ = 0;
    return out;
  }

 private:
  arrow::MemoryPool* pool_;
  std::shared_ptr<arrow::ResizableBuffer> buffer_;
  int64_t size_ = 0;
  int64_t capacity_ = 0;
};

}  // namespace quiver::exec
