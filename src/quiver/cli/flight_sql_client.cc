#include "quiver/cli/flight_sql_client.h"

#include <arrow/flight/client_cookie_middleware.h>
#include <arrow/table.h>
#include <google/protobuf/any.pb.h>

#include "flight_sql.pb.h"

namespace quiver::cli {
namespace flight = arrow::flight;
namespace sql_proto = arrow::flight::protocol::sql;

namespace {

// Flight SQL commands travel as a google.protobuf.Any in the descriptor's cmd bytes;
// servers dispatch on the Any's type URL.
template <typename Message>
flight::FlightDescriptor CommandDescriptor(const Message& command) {
  google::protobuf::Any any;
  any.PackFrom(command);
  return flight::FlightDescriptor::Command(any.SerializeAsString());
}

}  // namespace

FlightSqlClient::FlightSqlClient(flight::Location location, flight::FlightClientOptions client_options,
                                 std::unique_ptr<flight::FlightClient> client)
    : location_(std::move(location)), client_options_(std::move(client_options)), client_(std::move(client)) {}

arrow::Result<std::unique_ptr<FlightSqlClient>> FlightSqlClient::Connect(const ConnectOptions& options) {
  flight::Location location;
  if (options.tls) {
    ARROW_ASSIGN_OR_RAISE(location, flight::Location::ForGrpcTls(options.host, options.port));
  } else {
    ARROW_ASSIGN_OR_RAISE(location, flight::Location::ForGrpcTcp(options.host, options.port));
  }
  auto client_options = flight::FlightClientOptions::Defaults();
  client_options.tls_root_certs = options.tls_root_certs;
  client_options.cert_chain = options.tls_cert_chain;
  client_options.private_key = options.tls_private_key;
  client_options.middleware.push_back(flight::GetCookieFactory());
  ARROW_ASSIGN_OR_RAISE(auto client, flight::FlightClient::Connect(location, client_options));
  std::unique_ptr<FlightSqlClient> connected(
      new FlightSqlClient(std::move(location), std::move(client_options), std::move(client)));
  if (!options.user.empty()) {
    auto token = connected->client_->AuthenticateBasicToken({}, options.user, options.password);
    if (!token.ok()) {
      return token.status().WithMessage("cannot log in as ", options.user, ": ", ServerMessage(token.status()));
    }
    connected->call_options_.headers.push_back(*token);
  }
  return connected;
}

arrow::Result<flight::FlightClient*> FlightSqlClient::ClientFor(const flight::FlightEndpoint& endpoint,
                                                                const flight::Location** used) {
  *used = nullptr;
  for (const auto& location : endpoint.locations) {
    if (location == flight::Location::ReuseConnection() || location == location_) return client_.get();
    const std::string uri = location.ToString();
    auto it = other_nodes_.find(uri);
    if (it == other_nodes_.end()) {
      auto client = flight::FlightClient::Connect(location, client_options_);
      if (!client.ok()) continue;  // try the next copy of this endpoint
      it = other_nodes_.emplace(uri, std::move(*client)).first;
    }
    *used = &location;
    return it->second.get();
  }
  if (!endpoint.locations.empty()) {
    return arrow::Status::IOError("cannot connect to any location of a result endpoint, e.g. ",
                                  endpoint.locations.front().ToString());
  }
  return client_.get();
}

arrow::Result<std::shared_ptr<arrow::Table>> FlightSqlClient::Query(const std::string& sql) {
  sql_proto::CommandStatementQuery command;
  command.set_query(sql);
  ARROW_ASSIGN_OR_RAISE(auto info, client_->GetFlightInfo(call_options_, CommandDescriptor(command)));
  arrow::ipc::DictionaryMemo memo;
  ARROW_ASSIGN_OR_RAISE(auto schema, info->GetSchema(&memo));

  std::vector<std::shared_ptr<arrow::Table>> parts;
  for (const auto& endpoint : info->endpoints()) {
    const flight::Location* used = nullptr;
    ARROW_ASSIGN_OR_RAISE(flight::FlightClient * client, ClientFor(endpoint, &used));
    ARROW_ASSIGN_OR_RAISE(auto stream, client->DoGet(call_options_, endpoint.ticket));
    ARROW_ASSIGN_OR_RAISE(auto part, stream->ToTable());
    parts.push_back(std::move(part));
  }
  if (parts.empty()) return arrow::Table::MakeEmpty(schema);
  if (parts.size() == 1) return parts.front();
  return arrow::ConcatenateTables(parts);
}

arrow::Result<int64_t> FlightSqlClient::Update(const std::string& sql) {
  sql_proto::CommandStatementUpdate command;
  command.set_query(sql);
  ARROW_ASSIGN_OR_RAISE(auto put, client_->DoPut(call_options_, CommandDescriptor(command), arrow::schema({})));
  ARROW_RETURN_NOT_OK(put.writer->DoneWriting());
  std::shared_ptr<arrow::Buffer> metadata;
  ARROW_RETURN_NOT_OK(put.reader->ReadMetadata(&metadata));
  ARROW_RETURN_NOT_OK(put.writer->Close());
  if (!metadata) return arrow::Status::IOError("the server sent no update result");
  sql_proto::DoPutUpdateResult result;
  if (!result.ParseFromArray(metadata->data(), static_cast<int>(metadata->size()))) {
    return arrow::Status::IOError("the server's update result is not a DoPutUpdateResult");
  }
  return result.record_count();
}

std::string ServerMessage(const arrow::Status& status) {
  std::string message = status.message();
  static const std::string kPrefix = "with message: ";
  if (const size_t at = message.find(kPrefix); message.rfind("Flight returned ", 0) == 0 && at != std::string::npos) {
    message = message.substr(at + kPrefix.size());
  }
  // A server built on Arrow may also append its status detail (". Detail: Failed").
  for (const char* context :
       {". gRPC client debug context:", ". Client context:", "\ngRPC client debug context:", ". Detail: "}) {
    if (const size_t at = message.find(context); at != std::string::npos) message.resize(at);
  }
  return message;
}

}  // namespace quiver::cli
