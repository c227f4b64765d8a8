#pragma once

#include <arrow/result.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "quiver/engine/table_access.h"

namespace quiver::flightsql {

/// The transactions clients began (ActionBeginTransaction) and have not ended, by id.
/// Commands that carry a transaction id run their statements inside it.
class OpenTransactions {
 public:
  /// A new transaction's id (random bytes).
  std::string Begin();
  /// NotFound naming the id when no such transaction is open.
  arrow::Result<std::shared_ptr<engine::Transaction>> Get(const std::string& id) const;
  /// Commits or rolls back, and forgets the transaction.
  arrow::Status End(const std::string& id, bool commit);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<engine::Transaction>> open_;
};

}  // namespace quiver::flightsql
