#pragma once

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "quiver/engine/session.h"

namespace quiver::flightsql {

/// A statement a client prepared and may run many times, with the parameters it
/// bound last (DoPut on CommandPreparedStatementQuery).
class OpenPreparedStatement {
 public:
  OpenPreparedStatement(std::shared_ptr<engine::Session> session, std::shared_ptr<engine::PreparedStatement> statement,
                        std::string transaction_id = "")
      : session_(std::move(session)), statement_(std::move(statement)), transaction_id_(std::move(transaction_id)) {}

  engine::Session& session() { return *session_; }
  engine::PreparedStatement& statement() { return *statement_; }
  /// The user who prepared it (empty: unrestricted).
  const std::string& owner() const { return session_->principal().user; }
  /// The transaction the statement was prepared in; empty for none.
  const std::string& transaction_id() const { return transaction_id_; }

  std::shared_ptr<arrow::RecordBatch> parameters() const;
  void set_parameters(std::shared_ptr<arrow::RecordBatch> parameters);

 private:
  std::shared_ptr<engine::Session> session_;
  std::shared_ptr<engine::PreparedStatement> statement_;
  std::string transaction_id_;
  mutable std::mutex mutex_;
  std::shared_ptr<arrow::RecordBatch> parameters_;
};

/// The server's open prepared statements, by handle. Handles are random, so one
/// client cannot guess another's, and a statement belongs to the user who prepared
/// it: to anyone else its handle is unknown. Thread-safe.
class PreparedStatementRegistry {
 public:
  /// Registers a statement and returns its new handle.
  std::string Add(std::shared_ptr<OpenPreparedStatement> statement);
  /// KeyError (NOT_FOUND for the client) for a handle that was closed, never issued,
  /// or is another user's (`user` empty: unrestricted).
  arrow::Result<std::shared_ptr<OpenPreparedStatement>> Get(const std::string& handle, const std::string& user) const;
  /// Forgets a statement of `user`. Closing an unknown handle is not an error: a
  /// client tidying up after a server restart should not fail.
  void Remove(const std::string& handle, const std::string& user);
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<OpenPreparedStatement>> statements_;
};

}  // namespace quiver::flightsql
