#pragma once

#include "quiver/exec/memory_budget.h"

namespace quiver::exec {

/// A counting pool (an unlimited BudgetedMemoryPool) over the query memory pool, for
/// the length of one measured query. A buffer of the
/// query may be freed, and a scan's read-ahead may allocate, after the query is over, so
/// pools are never destroyed: one that lends nothing when its query ends is reused by a
/// later query, one still lending is left to its buffers.
class MeasuredQueryPool {
 public:
  MeasuredQueryPool();
  ~MeasuredQueryPool();
  MeasuredQueryPool(const MeasuredQueryPool&) = delete;
  MeasuredQueryPool& operator=(const MeasuredQueryPool&) = delete;

  BudgetedMemoryPool* get() const { return pool_; }

 private:
  BudgetedMemoryPool* pool_;
};

}  // namespace quiver::exec
