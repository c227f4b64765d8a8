#include "quiver/flightsql/open_transactions.h"

#include "quiver/flightsql/statement_ticket.h"

namespace quiver::flightsql {

namespace {

arrow::Status NotOpen(const std::string& id) {
  return arrow::Status::KeyError("transaction ", HexText(id),
                                 " is not open on this server (it ended, was idle too long, or the server restarted)");
}

}  // namespace

OpenTransactions::~OpenTransactions() {
  for (auto& [id, entry] : open_) entry.transaction->Rollback();
}

std::vector<std::shared_ptr<engine::Transaction>> OpenTransactions::TakeExpiredLocked() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<engine::Transaction>> expired;
  for (auto it = open_.begin(); it != open_.end();) {
    if (now - it->second.last_used > idle_limit_) {
      expired.push_back(std::move(it->second.transaction));
      it = open_.erase(it);
    } else {
      ++it;
    }
  }
  return expired;
}

void OpenTransactions::RollBack(const std::vector<std::shared_ptr<engine::Transaction>>& transactions) {
  for (const auto& transaction : transactions) transaction->Rollback();
}

std::string OpenTransactions::Begin(const std::string& user) {
  std::string id = StatementTicket::NewQueryId();
  std::vector<std::shared_ptr<engine::Transaction>> expired;
  {
    std::lock_guard lock(mutex_);
    expired = TakeExpiredLocked();
    open_[id] = Entry{std::make_shared<engine::Transaction>(journal_path_), user, std::chrono::steady_clock::now()};
  }
  RollBack(expired);
  return id;
}

arrow::Result<std::shared_ptr<engine::Transaction>> OpenTransactions::Get(const std::string& id,
                                                                          const std::string& user) {
  std::vector<std::shared_ptr<engine::Transaction>> expired;
  std::shared_ptr<engine::Transaction> found;
  {
    std::lock_guard lock(mutex_);
    expired = TakeExpiredLocked();
    auto it = open_.find(id);
    if (it != open_.end() && it->second.user == user) {
      it->second.last_used = std::chrono::steady_clock::now();
      found = it->second.transaction;
    }
  }
  RollBack(expired);
  if (!found) return NotOpen(id);
  return found;
}

arrow::Status OpenTransactions::End(const std::string& id, const std::string& user, bool commit) {
  std::vector<std::shared_ptr<engine::Transaction>> expired;
  std::shared_ptr<engine::Transaction> transaction;
  {
    std::lock_guard lock(mutex_);
    expired = TakeExpiredLocked();
    auto it = open_.find(id);
    if (it != open_.end() && it->second.user == user) {
      transaction = std::move(it->second.transaction);
      open_.erase(it);
    }
  }
  RollBack(expired);
  if (!transaction) return NotOpen(id);
  if (commit) return transaction->Commit();
  transaction->Rollback();
  return arrow::Status::OK();
}

size_t OpenTransactions::size() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

}  // namespace quiver::flightsql
