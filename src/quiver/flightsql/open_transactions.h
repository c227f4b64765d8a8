#pragma once

#include <arrow/result.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "quiver/engine/table_access.h"

namespace quiver::flightsql {

/// The transactions clients began (ActionBeginTransaction) and have not ended, by id.
/// Commands that carry a transaction id run their statements inside it. A transaction
/// belongs to the user who began it: to anyone else its id is unknown. One left idle
/// for `idle_limit` (a client that went away without ending it) is rolled back, so its
/// written files do not wait for a restart.
class OpenTransactions {
 public:
  static constexpr std::chrono::milliseconds kDefaultIdleLimit = std::chrono::hours(1);

  /// Transactions commit over several tables through the journal at `journal_path`.
  explicit OpenTransactions(std::string journal_path, std::chrono::milliseconds idle_limit = kDefaultIdleLimit)
      : journal_path_(std::move(journal_path)), idle_limit_(idle_limit) {}
  ~OpenTransactions();

  /// A new transaction of `user` (empty: unrestricted); returns its id (random bytes).
  std::string Begin(const std::string& user);
  /// KeyError naming the id when `user` has no such transaction open.
  arrow::Result<std::shared_ptr<engine::Transaction>> Get(const std::string& id, const std::string& user);
  /// Commits or rolls back, and forgets the transaction.
  arrow::Status End(const std::string& id, const std::string& user, bool commit);
  /// How many are open.
  size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<engine::Transaction> transaction;
    std::string user;
    std::chrono::steady_clock::time_point last_used;
  };
  /// Takes out the transactions idle too long (the caller rolls them back, unlocked).
  std::vector<std::shared_ptr<engine::Transaction>> TakeExpiredLocked();
  static void RollBack(const std::vector<std::shared_ptr<engine::Transaction>>& transactions);

  const std::string journal_path_;
  const std::chrono::milliseconds idle_limit_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> open_;
};

}  // namespace quiver::flightsql
