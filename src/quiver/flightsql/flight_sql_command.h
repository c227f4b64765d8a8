#pragma once

#include <arrow/result.h>
#include <google/protobuf/message.h>

#include <string>
#include <string_view>
#include <variant>

#include "flight_sql.pb.h"

namespace quiver::flightsql {

namespace pb = arrow::flight::protocol::sql;

/// Every Flight SQL message that can arrive as a FlightDescriptor command or a
/// ticket. Which RPC accepts which alternative is the server's business.
using FlightSqlCommand =
    std::variant<pb::CommandStatementQuery, pb::CommandStatementSubstraitPlan, pb::CommandPreparedStatementQuery,
                 pb::CommandStatementUpdate, pb::CommandPreparedStatementUpdate, pb::CommandStatementIngest,
                 pb::TicketStatementQuery, pb::CommandGetSqlInfo, pb::CommandGetXdbcTypeInfo, pb::CommandGetCatalogs,
                 pb::CommandGetDbSchemas, pb::CommandGetTables, pb::CommandGetTableTypes, pb::CommandGetPrimaryKeys,
                 pb::CommandGetExportedKeys, pb::CommandGetImportedKeys, pb::CommandGetCrossReference>;

/// Decodes the bytes of a descriptor command or ticket: a google.protobuf.Any whose
/// type URL names one of the messages above. Anything else (bytes that are not an
/// Any, an empty or unknown type URL, a payload that does not parse) is Invalid with
/// a message naming the problem, so clients get INVALID_ARGUMENT. `what` names the
/// bytes' origin in that message ("FlightDescriptor command", "ticket").
arrow::Result<FlightSqlCommand> DecodeFlightSqlCommand(std::string_view bytes,
                                                       std::string_view what = "FlightDescriptor command");

/// Wraps a message in a google.protobuf.Any and serializes it, as Flight SQL
/// expects of commands, tickets and action bodies and results.
std::string PackAny(const google::protobuf::Message& message);

/// The message name a command carries, for error messages and logs.
std::string CommandName(const FlightSqlCommand& command);

/// Decodes an action body: a google.protobuf.Any holding exactly `Message`.
template <typename Message>
arrow::Result<Message> UnpackAny(std::string_view bytes, std::string_view what);

}  // namespace quiver::flightsql

#include "quiver/flightsql/flight_sql_command_inl.h"
