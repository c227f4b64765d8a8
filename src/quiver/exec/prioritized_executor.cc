#include "quiver/exec/prioritized_executor.h"

#include <map>
#include <mutex>
#include <utility>

namespace quiver::exec {

namespace {

class Prioritized : public arrow::internal::Executor {
 public:
  Prioritized(arrow::internal::Executor* inner, int32_t priority) : inner_(inner), priority_(priority) {}

  int GetCapacity() override { return inner_->GetCapacity(); }
  bool OwnsThisThread() override { return inner_->OwnsThisThread(); }
  void KeepAlive(std::shared_ptr<Resource> resource) override { inner_->KeepAlive(std::move(resource)); }

 protected:
  arrow::Status SpawnReal(arrow::internal::TaskHints hints, arrow::internal::FnOnce<void()> task,
                          arrow::StopToken stop_token, StopCallback&& stop_callback) override {
    hints.priority = priority_;
    return inner_->Spawn(hints, std::move(task), std::move(stop_token), std::move(stop_callback));
  }

 private:
  arrow::internal::Executor* const inner_;
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
