#include "quiver/dist/task_metrics_store.h"

namespace quiver::dist {

void TaskMetricsStore::Add(const std::string& query_id, pb::TaskMetrics metrics) {
  std::lock_guard lock(mutex_);
  auto& kept = kept_[query_id];
  kept.tasks.push_back(std::move(metrics));
  kept.added = std::chrono::steady_clock::now();
}

std::vector<pb::TaskMetrics> TaskMetricsStore::Take(const std::string& query_id) {
  std::lock_guard lock(mutex_);
  auto found = kept_.find(query_id);
  if (found == kept_.end()) return {};
  auto tasks = std::move(found->second.tasks);
  kept_.erase(found);
  return tasks;
}

void TaskMetricsStore::DropOlderThan(std::chrono::steady_clock::time_point oldest) {
  std::lock_guard lock(mutex_);
  std::erase_if(kept_, [oldest](const auto& entry) { return entry.second.added < oldest; });
}

size_t TaskMetricsStore::queries() const {
  std::lock_guard lock(mutex_);
  return kept_.size();
}

}  // namespace quiver::dist
