#include "quiver/exec/operator_cpu_time.h"

#include <time.h>

#include "quiver/exec/forwarding_executor.h"

namespace quiver::exec {

namespace {

// What the current thread is doing for a measured plan.
struct ThreadCredit {
  std::shared_ptr<OperatorMetrics> current;       // the operator its CPU time goes to
  std::shared_ptr<UnattributedCpu> unattributed;  // where time of no operator goes
  int64_t mark = 0;                               // ThreadCpuNow() when last credited
  int depth = 0;                                  // open tasks and scopes; 0: not measuring
  bool in_task = false;                           // inside a task of AttributingExecutor
};

thread_local ThreadCredit credit;

// Credits the time since the last mark to the current operator.
void Settle(int64_t now) {
  const int64_t elapsed = now - credit.mark;
  credit.mark = now;
  if (credit.current) {
    credit.current->cpu_ns += elapsed;
  } else if (credit.unattributed && credit.in_task) {
    credit.unattributed->ns += elapsed;
  }
}

class Attributing : public ForwardingExecutor {
 public:
  using ForwardingExecutor::ForwardingExecutor;

 protected:
  arrow::Status SpawnReal(arrow::internal::TaskHints hints, arrow::internal::FnOnce<void()> task,
                          arrow::StopToken stop_token, StopCallback&& stop_callback) override {
    std::shared_ptr<OperatorMetrics> owner = credit.depth > 0 ? credit.current : nullptr;
    std::shared_ptr<UnattributedCpu> unattributed = credit.depth > 0 ? credit.unattributed : nullptr;
    auto run = [owner = std::move(owner), unattributed = std::move(unattributed), task = std::move(task)]() mutable {
      // A task may run inside another one (an executor running it inline): the outer
      // task's state comes back afterwards.
      ThreadCredit outer = std::move(credit);
      credit = ThreadCredit{owner, unattributed, ThreadCpuNow(), 1, true};
      std::move(task)();
      Settle(ThreadCpuNow());
      credit = std::move(outer);
      if (credit.depth > 0) credit.mark = ThreadCpuNow();
    };
    return inner()->Spawn(hints, std::move(run), std::move(stop_token), std::move(stop_callback));
  }
};

}  // namespace

int64_t ThreadCpuNow() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

CreditScope::CreditScope(const std::shared_ptr<OperatorMetrics>& producer,
                         const std::shared_ptr<OperatorMetrics>& consumer,
                         const std::shared_ptr<UnattributedCpu>& unattributed) {
  const int64_t now = ThreadCpuNow();
  if (credit.depth > 0) {
    if (!credit.current && credit.in_task) credit.current = producer;
    Settle(now);
  }
  // Once the consumer is done, the thread is back at the producer's work (in a task;
  // elsewhere nothing is credited outside scopes).
  previous_ = credit.current;
  previous_unattributed_ = credit.unattributed;
  credit.current = consumer;
  credit.unattributed = unattributed;
  credit.mark = now;
  ++credit.depth;
}

CreditScope::~CreditScope() {
  Settle(ThreadCpuNow());
  credit.current = std::move(previous_);
  credit.unattributed = std::move(previous_unattributed_);
  --credit.depth;
}

arrow::internal::Executor* AttributingExecutor() {
  // Never destroyed (see the header).
  static auto* executor = new Attributing(arrow::internal::GetCpuThreadPool());
  return executor;
}

}  // namespace quiver::exec
