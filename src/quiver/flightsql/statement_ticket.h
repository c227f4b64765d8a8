#pragma once

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "quiver/common/hex_text.h"

namespace quiver::flightsql {

/// Everything DoGet needs to produce a statement's result, carried inside the
/// ticket (TicketStatementQuery.statement_handle) instead of in server memory: any
/// node can redeem it, a restarted server still can, and nothing leaks when a
/// client never calls DoGet.
struct StatementTicket {
  std::string sql;
  /// Bound parameter rows (one column per placeholder); null when there are none.
  /// A query bound to several rows runs once per row.
  std::shared_ptr<arrow::RecordBatch> parameters;
  /// Statements that return no rows run when their FlightInfo is requested; their
  /// ticket only says so, so that DoGet yields an empty result without running
  /// them a second time.
  bool already_executed = false;
  /// Names this FlightInfo's run of the statement (kQueryIdBytes random bytes), so that
  /// CancelFlightInfo can find it: two clients sending the same SQL get different ids.
  std::string query_id;
  static constexpr size_t kQueryIdBytes = 16;
  /// The transaction the statement runs in (BeginTransaction's id); empty for none.
  /// Such a ticket can only be redeemed while the transaction is open, on its server.
  std::string transaction_id;

  /// A fresh random query id.
  static std::string NewQueryId();

  /// The bytes of statement_handle.
  arrow::Result<std::string> Encode() const;
  /// Invalid when the bytes were not made by Encode().
  static arrow::Result<StatementTicket> Decode(std::string_view handle);
};

}  // namespace quiver::flightsql
