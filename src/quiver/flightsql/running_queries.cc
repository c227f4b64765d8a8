#include "quiver/flightsql/running_queries.h"

namespace quiver::flightsql {

std::shared_ptr<RunningQueries::Run> RunningQueries::Start(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (cancelled_.count(id)) return nullptr;
  auto* run = new Run();
  running_.emplace(id, run);
  // The registry outlives every stream (it belongs to the server), so the deleter may
  // reach back into it.
  return std::shared_ptr<Run>(run, [this, id](Run* finished) {
    Finish(id, finished);
    delete finished;
  });
}

void RunningQueries::Finish(const std::string& id, Run* run) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto [begin, end] = running_.equal_range(id);
  for (auto it = begin; it != end; ++it) {
    if (it->second == run) {
      running_.erase(it);
      return;
    }
  }
}

bool RunningQueries::Cancel(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (cancelled_.insert(id).second) {
    cancelled_order_.push_back(id);
    if (cancelled_order_.size() > kRememberedCancellations) {
      cancelled_.erase(cancelled_order_.front());
      cancelled_order_.pop_front();
    }
  }
  bool running = false;
  auto [begin, end] = running_.equal_range(id);
  for (auto it = begin; it != end; ++it) {
    it->second->cancelled_.store(true);
    running = true;
  }
  return running;
}

}  // namespace quiver::flightsql
