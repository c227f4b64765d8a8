#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "quiver_plan.pb.h"

namespace quiver::dist {

/// What the tasks of queries run under EXPLAIN ANALYZE measured on this worker, kept
/// until the node that planned the query collects it. Uncollected metrics (the
/// planning node went away) are dropped after a while. Thread-safe.
class TaskMetricsStore {
 public:
  void Add(const std::string& query_id, pb::TaskMetrics metrics);
  /// The query's metrics, which are no longer kept.
  std::vector<pb::TaskMetrics> Take(const std::string& query_id);
  /// Drops the metrics of queries whose last task reported before `oldest`.
  void DropOlderThan(std::chrono::steady_clock::time_point oldest);
  /// The queries with metrics kept (for leak checks).
  size_t queries() const;

 private:
  struct Kept {
    std::vector<pb::TaskMetrics> tasks;
    std::chrono::steady_clock::time_point added;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Kept> kept_;
};

}  // namespace quiver::dist
