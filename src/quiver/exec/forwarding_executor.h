#pragma once

#include <arrow/util/thread_pool.h>

#include <memory>
#include <utility>

namespace quiver::exec {

/// An executor running every task on `inner`, for wrappers that change how a task is
/// spawned (SpawnReal) and nothing else: capacity, thread ownership and kept resources
/// are the inner executor's.
class ForwardingExecutor : public arrow::internal::Executor {
 public:
  explicit ForwardingExecutor(arrow::internal::Executor* inner) : inner_(inner) {}

  int GetCapacity() override { return inner_->GetCapacity(); }
  bool OwnsThisThread() override { return inner_->OwnsThisThread(); }
  void KeepAlive(std::shared_ptr<Resource> resource) override { inner_->KeepAlive(std::move(resource)); }

 protected:
  arrow::internal::Executor* inner() const { return inner_; }

 private:
  arrow::internal::Executor* const inner_;
};

}  // namespace quiver::exec
