#include "quiver/exec/tracking_memory_pool.h"

#include <mutex>
#include <vector>

namespace quiver::exec {

namespace {

std::mutex free_pools_mutex;
std::vector<BudgetedMemoryPool*>& FreePools() {
  static auto* pools = new std::vector<BudgetedMemoryPool*>();
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
      pool_->set_limit(BudgetedMemoryPool::kUnlimited);
      return;
    }
  }
  pool_ = new BudgetedMemoryPool(QueryMemoryPool());
}

MeasuredQueryPool::~MeasuredQueryPool() {
  if (pool_->bytes_allocated() != 0) return;
  std::lock_guard lock(free_pools_mutex);
  FreePools().push_back(pool_);
}

}  // namespace quiver::exec
