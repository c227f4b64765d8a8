#include "quiver/exec/integer_key_table.h"

namespace quiver::exec {

arrow::Status IntegerKeyTable::Rehash(int64_t capacity) {
  int bits = 0;
  while ((int64_t{1} << bits) < capacity) ++bits;
  // The larger table is complete before it replaces this one, so a failed allocation
  // leaves the table as it was.
  PoolArray<Slot> slots(pool_);
  ARROW_RETURN_NOT_OK(slots.Resize(capacity, Slot{0, 0}));
  mask_ = (uint64_t{1} << bits) - 1;
  shift_ = 64 - bits;
  // Every group again, in group order, into the larger table.
  constexpr int64_t kAhead = 16;
  for (int64_t group = 0; group < keys_.size(); ++group) {
    if (group + kAhead < keys_.size()) __builtin_prefetch(&slots[static_cast<int64_t>(SlotOf(keys_[group + kAhead]))]);
    if (group == null_group_) continue;
    uint64_t slot = SlotOf(keys_[group]);
    while (slots[static_cast<int64_t>(slot)].group_plus_one != 0) slot = (slot + 1) & mask_;
    slots[static_cast<int64_t>(slot)] = Slot{keys_[group], static_cast<uint32_t>(group) + 1};
  }
  slots_ = std::move(slots);
  return arrow::Status::OK();
}

}  // namespace quiver::exec
