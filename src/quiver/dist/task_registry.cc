#include "quiver/dist/task_registry.h"

#include "quiver/common/hex_text.h"

namespace quiver::dist {

namespace {

// How long a cancelled query's id is remembered, so that late requests for its tasks
// do not start them again.
constexpr auto kCancelledKeptFor = std::chrono::minutes(10);

// How long metrics of an analyzed query wait for the node that planned it to collect
// them (it does so as soon as the query's result has been read).
constexpr auto kMetricsKeptFor = std::chrono::minutes(1);

arrow::Status QueryCancelled(const std::string& query_id) {
  return arrow::Status::Cancelled("query ", HexText(query_id), " was cancelled");
}

}  // namespace

TaskRegistry::TaskRegistry(WorkerContext context, std::chrono::milliseconds idle_limit)
    : context_(std::move(context)), idle_limit_(idle_limit) {
  sweeper_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      stop_changed_.wait_for(lock, std::chrono::seconds(1));
      if (stopping_) break;
      lock.unlock();
      Sweep();
      lock.lock();
    }
  });
}

TaskRegistry::~TaskRegistry() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    stop_changed_.notify_all();
  }
  if (sweeper_.joinable()) sweeper_.join();
  std::map<TaskKey, std::shared_ptr<StageTask>> tasks;
  {
    std::lock_guard lock(mutex_);
    tasks.swap(tasks_);
  }
  for (auto& [key, task] : tasks) task->Cancel();
}

arrow::Result<std::shared_ptr<StageTask>> TaskRegistry::TaskForLocked(const TaskKey& key,
                                                                      const pb::TaskTicket& ticket) {
  if (cancelled_queries_.count(key.query_id)) return QueryCancelled(key.query_id);
  if (auto found = tasks_.find(key); found != tasks_.end()) return found->second;
  // Started under the lock: a second consumer arriving meanwhile must find this one.
  auto report = [store = metrics_, query_id = key.query_id](pb::TaskMetrics measured) {
    store->Add(query_id, std::move(measured));
  };
  WorkerContext context = context_;
  if (!context.self_url.empty()) {
    // Weak: a task's exchange may outlive the registry when the worker stops.
    context.open_here =
        [registry = weak_from_this()](const pb::TaskTicket& wanted) -> arrow::Result<std::shared_ptr<PartitionBuffer>> {
      auto self = registry.lock();
      if (!self) return arrow::Status::Cancelled("the worker is stopping");
      ARROW_ASSIGN_OR_RAISE(auto open, self->Open(wanted));
      return std::move(open.buffer);
    };
  }
  ARROW_ASSIGN_OR_RAISE(auto task, StageTask::Start(ticket, key, context, std::move(report)));
  tasks_[key] = task;
  return task;
}

arrow::Result<TaskRegistry::OpenPartition> TaskRegistry::Open(const pb::TaskTicket& ticket) {
  // The first run whose partition nobody has taken yet; a new run if every one's was.
  for (uint32_t run = 0;; ++run) {
    // Found and claimed at once: a sweep must not drop the task in between.
    std::lock_guard lock(mutex_);
    ARROW_ASSIGN_OR_RAISE(auto task, TaskForLocked(TaskKey::Of(ticket, run), ticket));
    ARROW_ASSIGN_OR_RAISE(auto partition, task->partition(ticket.partition()));
    if (partition->Claim()) return OpenPartition{task->schema(), std::move(partition)};
  }
}

void TaskRegistry::CancelQuery(const std::string& query_id) {
  std::vector<std::shared_ptr<StageTask>> cancelled;
  {
    std::lock_guard lock(mutex_);
    cancelled_queries_[query_id] = std::chrono::steady_clock::now();
    for (auto it = tasks_.begin(); it != tasks_.end();) {
      if (it->first.query_id == query_id) {
        cancelled.push_back(it->second);
        it = tasks_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& task : cancelled) task->Cancel(QueryCancelled(query_id));
  // The tasks' threads are joined as the last references go, outside the lock.
}

void TaskRegistry::CancelAttemptsBefore(const std::string& query_id, uint32_t attempt) {
  std::vector<std::shared_ptr<StageTask>> replaced;
  {
    std::lock_guard lock(mutex_);
    for (auto it = tasks_.begin(); it != tasks_.end();) {
      if (it->first.query_id == query_id && it->first.attempt < attempt) {
        replaced.push_back(it->second);
        it = tasks_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& task : replaced) {
    task->Cancel(arrow::Status::Cancelled("query ", HexText(query_id), " was retried as attempt ", attempt));
  }
}

std::vector<TaskRegistry::TaskStatus> TaskRegistry::Tasks() const {
  std::lock_guard lock(mutex_);
  std::vector<TaskStatus> out;
  for (const auto& [key, task] : tasks_) {
    out.push_back(
        TaskStatus{key.ToString(), task->finished(), task->rows_out(), task->memory_bytes(), task->spilled_bytes()});
  }
  return out;
}

std::vector<pb::TaskMetrics> TaskRegistry::TakeMetrics(const std::string& query_id, std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  std::unique_lock lock(mutex_);
  auto running = [&] {
    for (const auto& [key, task] : tasks_) {
      if (key.query_id == query_id && !task->finished()) return true;
    }
    return false;
  };
  // Tasks end on their own threads, which do not signal here: look again shortly.
  while (running() && std::chrono::steady_clock::now() < deadline && !stopping_) {
    stop_changed_.wait_for(lock, std::chrono::milliseconds(10));
  }
  lock.unlock();
  return metrics_->Take(query_id);
}

void TaskRegistry::Sweep() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<StageTask>> dropped;
  {
    std::lock_guard lock(mutex_);
    for (auto it = tasks_.begin(); it != tasks_.end();) {
      const auto& task = it->second;
      const bool done = task->finished() && task->consumed();
      // Ended (or waiting for a reader to make room), with partitions no reader asked
      // for: a client fetched only some of a result's endpoints, or a consumer task was
      // never run.
      const bool abandoned = (task->finished() || task->waiting_for_reader()) && !task->being_read() &&
                             now - task->last_read() > context_.unread_output_timeout;
      if (done || abandoned || now - task->last_read() > idle_limit_) {
        dropped.push_back(task);
        it = tasks_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = cancelled_queries_.begin(); it != cancelled_queries_.end();) {
      it = now - it->second > kCancelledKeptFor ? cancelled_queries_.erase(it) : std::next(it);
    }
  }
  metrics_->DropOlderThan(now - kMetricsKeptFor);
  for (auto& task : dropped) task->Cancel(arrow::Status::Cancelled("the task was dropped: nobody read its output"));
}

}  // namespace quiver::dist
