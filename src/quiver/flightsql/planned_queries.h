#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "quiver/engine/planned_query.h"

namespace quiver::flightsql {

/// Plans made for FlightInfos, by their ticket's query id, for the ticket's first
/// DoGet on this server to run without planning the query again. Tickets stay
/// self-contained: one redeemed elsewhere, again, or after its plan was dropped is
/// planned from its SQL as before.
class PlannedQueries {
 public:
  void Put(const std::string& query_id, std::shared_ptr<engine::PlannedQuery> planned);
  /// The plan kept for `query_id`, no longer kept; null when there is none.
  std::shared_ptr<engine::PlannedQuery> Take(const std::string& query_id);

 private:
  using Clock = std::chrono::steady_clock;
  // A FlightInfo whose ticket is never redeemed must not hold its plan for long.
  static constexpr auto kKeptFor = std::chrono::seconds(60);
  static constexpr size_t kCapacity = 256;

  struct Entry {
    std::shared_ptr<engine::PlannedQuery> planned;
    Clock::time_point made;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> plans_;
};

}  // namespace quiver::flightsql
