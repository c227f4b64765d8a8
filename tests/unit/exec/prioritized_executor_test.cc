#include "quiver/exec/prioritized_executor.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <vector>

namespace quiver::exec {
namespace {

// On a pool whose one thread is busy, queued tasks of a lower priority number run
// first, whatever order they were queued in.
TEST(PrioritizedExecutorTest, MoreUrgentQueuedTasksRunFirst) {
  auto pool = arrow::internal::ThreadPool::Make(1).ValueOrDie();
  std::mutex mutex;
  std::condition_variable released;
  bool go = false;
  std::vector<int> order;
  ASSERT_TRUE(pool->Spawn([&] {
                    std::unique_lock lock(mutex);
                    released.wait(lock, [&] { return go; });
                  })
                  .ok());
  auto* consumer = PrioritizedExecutor(pool.get(), 2);
  auto* producer = PrioritizedExecutor(pool.get(), 0);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(consumer
                    ->Spawn([&, i] {
                      std::lock_guard lock(mutex);
                      order.push_back(20 + i);
                    })
                    .ok());
  }
  ASSERT_TRUE(producer
                  ->Spawn([&] {
                    std::lock_guard lock(mutex);
                    order.push_back(0);
                  })
                  .ok());
  {
    std::lock_guard lock(mutex);
    go = true;
  }
  released.notify_all();
  pool->WaitForIdle();
  EXPECT_EQ(order, (std::vector<int>{0, 20, 21, 22}));
  // One executor per pool and priority.
  EXPECT_EQ(PrioritizedExecutor(pool.get(), 2), consumer);
}

}  // namespace
}  // namespace quiver::exec
