#include "quiver/flightsql/prepared_statement_registry.h"

#include <arrow/status.h>

#include <random>

namespace quiver::flightsql {

std::shared_ptr<arrow::RecordBatch> OpenPreparedStatement::parameters() const {
  std::lock_guard lock(mutex_);
  return parameters_;
}

void OpenPreparedStatement::set_parameters(std::shared_ptr<arrow::RecordBatch> parameters) {
  std::lock_guard lock(mutex_);
  parameters_ = std::move(parameters);
}

namespace {

std::string NewHandle() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string handle = "ps-";
  for (int word = 0; word < 2; ++word) {
    uint64_t bits = random();
    for (int i = 0; i < 16; ++i, bits >>= 4) handle.push_back(kHex[bits & 0xF]);
  }
  return handle;
}

}  // namespace

std::string PreparedStatementRegistry::Add(std::shared_ptr<OpenPreparedStatement> statement) {
  std::lock_guard lock(mutex_);
  std::string handle;
  do {
    handle = NewHandle();
  } while (statements_.count(handle));
  statements_.emplace(handle, std::move(statement));
  return handle;
}

arrow::Result<std::shared_ptr<OpenPreparedStatement>> PreparedStatementRegistry::Get(const std::string& handle,
                                                                                     const std::string& user) const {
  std::lock_guard lock(mutex_);
  auto it = statements_.find(handle);
  if (it == statements_.end() || it->second->owner() != user) {
    return arrow::Status::KeyError(
        "unknown prepared statement handle '", handle,
        "': it was closed, the server restarted since it was prepared, or another user prepared it");
  }
  return it->second;
}

void PreparedStatementRegistry::Remove(const std::string& handle, const std::string& user) {
  std::lock_guard lock(mutex_);
  auto it = statements_.find(handle);
  if (it != statements_.end() && it->second->owner() == user) statements_.erase(it);
}

size_t PreparedStatementRegistry::size() const {
  std::lock_guard lock(mutex_);
  return statements_.size();
}

}  // namespace quiver::flightsql
