#include "quiver/exec/prioritized_executor.h"

#include <map>
#include <mutex>
#include <utility>

#include "quiver/exec/forwarding_executor.h"

namespace quiver::exec {

namespace {

class Prioritized : public ForwardingExecutor {
 public:
  Prioritized(arrow::internal::Executor* inner, int32_t priority) : ForwardingExecutor(inner), priority_(priority) {}

 protected:
  arrow::Status SpawnReal(arrow::internal::TaskHints hints, arrow::internal::FnOnce<void()> task,
                          arrow::StopToken stop_token, StopCallback&& stop_callback) override {
    hints.priority = priority_;
    return inner()->Spawn(hints, std::move(task), std::move(stop_token), std::move(stop_callback));
  }

 private:
  const int32_t priority_;
};

}  // namespace

arrow::internal::Executor* PrioritizedExecutor(arrow::internal::Executor* inner, int32_t priority) {
  static std::mutex mutex;
  static auto* executors = new std::map<std::pair<arrow::internal::Executor*, int32_t>, Prioritized*>();
  std::lock_guard lock(mutex);
  auto& executor = (*executors)[{inner, priority}];
  if (executor == nullptr) executor = new Prioritized(inner, priority);
  return executor;
}

}  // namespace quiver::exec
