#include "quiver/flightsql/open_transactions.h"

#include "quiver/flightsql/statement_ticket.h"

namespace quiver::flightsql {

namespace {

arrow::Status NotOpen(const std::string& id) {
  return arrow::Status::KeyError("transaction ", HexText(id),
                                 " is not open on this server (it ended, or the server restarted)");
}

}  // namespace

std::string OpenTransactions::Begin() {
  std::string id = StatementTicket::NewQueryId();
  std::lock_guard lock(mutex_);
  open_[id] = std::make_shared<engine::Transaction>();
  return id;
}

arrow::Result<std::shared_ptr<engine::Transaction>> OpenTransactions::Get(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = open_.find(id);
  if (it == open_.end()) return NotOpen(id);
  return it->second;
}

arrow::Status OpenTransactions::End(const std::string& id, bool commit) {
  std::shared_ptr<engine::Transaction> transaction;
  {
    std::lock_guard lock(mutex_);
    auto it = open_.find(id);
    if (it == open_.end()) return NotOpen(id);
    transaction = std::move(it->second);
    open_.erase(it);
  }
  if (commit) return transaction->Commit();
  transaction->Rollback();
  return arrow::Status::OK();
}

}  // namespace quiver::flightsql
