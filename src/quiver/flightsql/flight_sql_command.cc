#include "quiver/flightsql/flight_sql_command.h"

#include <google/protobuf/any.pb.h>

#include <functional>
#include <unordered_map>

namespace quiver::flightsql {

namespace detail {

arrow::Result<google::protobuf::Any> ParseAny(std::string_view bytes, std::string_view what) {
  google::protobuf::Any any;
  if (bytes.empty()) return arrow::Status::Invalid(what, " is empty; expected a Flight SQL message");
  if (!any.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return arrow::Status::Invalid(what, " is not a Flight SQL message: ", bytes.size(),
                                  " bytes that do not parse as a google.protobuf.Any");
  }
  if (any.type_url().empty()) {
    // Random bytes can parse as an Any made only of unknown fields.
    return arrow::Status::Invalid(what, " is not a Flight SQL message: no type URL in ", bytes.size(), " bytes");
  }
  return any;
}

}  // namespace detail

namespace {

using Decoder = std::function<arrow::Result<FlightSqlCommand>(const google::protobuf::Any&)>;

template <typename Message>
std::pair<std::string, Decoder> Entry() {
  return {Message::descriptor()->full_name(), [](const google::protobuf::Any& any) -> arrow::Result<FlightSqlCommand> {
            Message message;
            if (!any.UnpackTo(&message)) {
              return arrow::Status::Invalid("malformed ", Message::descriptor()->full_name(), " (", any.value().size(),
                                            " bytes)");
            }
            return FlightSqlCommand(std::move(message));
          }};
}

const std::unordered_map<std::string, Decoder>& Decoders() {
  static const std::unordered_map<std::string, Decoder> decoders = {
      Entry<pb::CommandStatementQuery>(),
      Entry<pb::CommandStatementSubstraitPlan>(),
      Entry<pb::CommandPreparedStatementQuery>(),
      Entry<pb::CommandStatementUpdate>(),
      Entry<pb::CommandPreparedStatementUpdate>(),
      Entry<pb::CommandStatementIngest>(),
      Entry<pb::TicketStatementQuery>(),
      Entry<pb::CommandGetSqlInfo>(),
      Entry<pb::CommandGetXdbcTypeInfo>(),
      Entry<pb::CommandGetCatalogs>(),
      Entry<pb::CommandGetDbSchemas>(),
      Entry<pb::CommandGetTables>(),
      Entry<pb::CommandGetTableTypes>(),
      Entry<pb::CommandGetPrimaryKeys>(),
      Entry<pb::CommandGetExportedKeys>(),
      Entry<pb::CommandGetImportedKeys>(),
      Entry<pb::CommandGetCrossReference>(),
  };
  return decoders;
}

}  // namespace

arrow::Result<FlightSqlCommand> DecodeFlightSqlCommand(std::string_view bytes, std::string_view what) {
  ARROW_ASSIGN_OR_RAISE(auto any, detail::ParseAny(bytes, what));
  std::string_view url = any.type_url();
  // "type.googleapis.com/arrow.flight.protocol.sql.X": the name follows the last '/'.
  auto slash = url.rfind('/');
  std::string name(slash == std::string_view::npos ? url : url.substr(slash + 1));
  auto it = Decoders().find(name);
  if (it == Decoders().end()) {
    return arrow::Status::Invalid(what, " has unknown Flight SQL command type '", any.type_url(), "'");
  }
  return it->second(any);
}

std::string PackAny(const google::protobuf::Message& message) {
  google::protobuf::Any any;
  any.PackFrom(message);
  return any.SerializeAsString();
}

std::string CommandName(const FlightSqlCommand& command) {
  return std::visit([](const auto& message) { return message.GetDescriptor()->name(); }, command);
}

}  // namespace quiver::flightsql
