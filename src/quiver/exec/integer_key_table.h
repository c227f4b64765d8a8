#pragma once

#include <arrow/memory_pool.h>
#include <arrow/status.h>

#include <algorithm>
#include <cstdint>

#include "quiver/exec/pool_array.h"

namespace quiver::exec {

/// A hash table from 64-bit integer keys to dense group numbers (0, 1, 2 … in order of
/// first appearance), for grouping on one integer column. Open addressing with linear
/// probing, at most half full; each slot holds its key and group, so a lookup usually
/// touches one cache line. Keys are spread by Fibonacci hashing (multiplying by 2^64/φ
/// and keeping the top bits), which scatters the runs of consecutive keys that
/// identifiers and dates form.
class IntegerKeyTable {
 public:
  explicit IntegerKeyTable(arrow::MemoryPool* pool) : pool_(pool), slots_(pool), keys_(pool) {}

  /// The group of `key`, a new one if the key is new.
  arrow::Result<uint32_t> Find(int64_t key) {
    if (2 * (keys_.size() + 1) > slots_.size()) ARROW_RETURN_NOT_OK(Reserve(keys_.size() + 1));
    for (uint64_t slot = SlotOf(key);; slot = (slot + 1) & mask_) {
      Slot& entry = slots_[static_cast<int64_t>(slot)];
      if (entry.group_plus_one == 0) {
        entry.key = key;
        entry.group_plus_one = static_cast<uint32_t>(keys_.size()) + 1;
        ARROW_RETURN_NOT_OK(keys_.Resize(keys_.size() + 1, key));
        return entry.group_plus_one - 1;
      }
      if (entry.key == key) return entry.group_plus_one - 1;
    }
  }

  /// The groups of `count` keys, new ones for keys not seen before. Faster than Find
  /// key by key on a table larger than the caches: it fetches slots ahead of their use.
  arrow::Status FindMany(const int64_t* keys, int64_t count, uint32_t* groups) {
    ARROW_RETURN_NOT_OK(Reserve(size() + count));
    constexpr int64_t kAhead = 16;
    for (int64_t i = 0; i < count; ++i) {
      if (i + kAhead < count) __builtin_prefetch(&slots_[static_cast<int64_t>(SlotOf(keys[i + kAhead]))]);
      ARROW_ASSIGN_OR_RAISE(groups[i], Find(keys[i]));
    }
    return arrow::Status::OK();
  }

  /// Makes room for `groups` groups in all without growing again (at least doubling
  /// when it grows, so that adding keys one by one costs amortized constant time).
  /// A failed allocation leaves the table as it was.
  arrow::Status Reserve(int64_t groups) {
    if (2 * (groups + 1) <= slots_.size()) return arrow::Status::OK();
    int64_t slots = std::max<int64_t>(1024, slots_.size() * 2);
    while (slots < 2 * (groups + 1)) slots *= 2;
    return Rehash(slots);
  }

  /// The group of the NULL key, a new one the first time.
  arrow::Result<uint32_t> FindNull() {
    if (null_group_ < 0) {
      null_group_ = keys_.size();
      ARROW_RETURN_NOT_OK(keys_.Resize(keys_.size() + 1, 0));
    }
    return static_cast<uint32_t>(null_group_);
  }
  /// The group of the NULL key, or -1 if there is none.
  int64_t null_group() const { return null_group_; }

  /// Number of groups.
  int64_t size() const { return keys_.size(); }
  /// The key of each group, by group number (0 for the NULL key's).
  const int64_t* keys() const { return keys_.data(); }

 private:
  struct Slot {
    int64_t key;
    uint32_t group_plus_one;  // 0: empty
  };

  uint64_t SlotOf(int64_t key) const { return (static_cast<uint64_t>(key) * 0x9E3779B97F4A7C15ull) >> shift_; }

  // Moves every key into a table of `slots` slots (a power of two).
  arrow::Status Rehash(int64_t slots);

  arrow::MemoryPool* pool_;
  PoolArray<Slot> slots_;
  PoolArray<int64_t> keys_;
  int64_t null_group_ = -1;
  uint64_t mask_ = 0;
  int shift_ = 64;
};

}  // namespace quiver::exec
