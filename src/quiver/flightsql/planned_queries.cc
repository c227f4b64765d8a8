#include "quiver/flightsql/planned_queries.h"

#include <algorithm>

namespace quiver::flightsql {

void PlannedQueries::Put(const std::string& query_id, std::shared_ptr<engine::PlannedQuery> planned) {
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  std::erase_if(plans_, [&](const auto& entry) { return now - entry.second.made > kKeptFor; });
  if (plans_.size() >= kCapacity) {
    auto oldest = std::min_element(plans_.begin(), plans_.end(),
                                   [](const auto& a, const auto& b) { return a.second.made < b.second.made; });
    plans_.erase(oldest);
  }
  plans_[query_id] = Entry{std::move(planned), now};
}

std::shared_ptr<engine::PlannedQuery> PlannedQueries::Take(const std::string& query_id) {
  std::lock_guard lock(mutex_);
  auto found = plans_.find(query_id);
  if (found == plans_.end()) return nullptr;
  auto planned = std::move(found->second.planned);
  const bool fresh = Clock::now() - found->second.made <= kKeptFor;
  plans_.erase(found);
  return fresh ? planned : nullptr;
}

}  // namespace quiver::flightsql
