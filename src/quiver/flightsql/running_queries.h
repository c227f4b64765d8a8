#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace quiver::flightsql {

/// The queries whose results are being streamed, by the query id of their ticket, so
/// that CancelFlightInfo can stop them. A ticket cancelled before it is redeemed stays
/// cancelled: its DoGet fails instead of running the query.
class RunningQueries {
 public:
  /// One stream of a query. Cancelled once its query is; it stops being listed when
  /// the last copy of the handle goes (with the stream's reader).
  class Run {
   public:
    bool cancelled() const { return cancelled_.load(); }

   private:
    friend class RunningQueries;
    std::atomic<bool> cancelled_{false};
  };

  /// Lists a stream of query `id`; null when the query was cancelled already.
  std::shared_ptr<Run> Start(const std::string& id);
  /// Cancels the streams of query `id` and any it starts later. True when one was
  /// running.
  bool Cancel(const std::string& id);

 private:
  void Finish(const std::string& id, Run* run);

  // How many cancelled ids are remembered for tickets not yet redeemed.
  static constexpr size_t kRememberedCancellations = 10000;

  std::mutex mutex_;
  std::multimap<std::string, Run*> running_;
  std::set<std::string> cancelled_;
  std::deque<std::string> cancelled_order_;  // oldest first, to forget them in order
};

}  // namespace quiver::flightsql
