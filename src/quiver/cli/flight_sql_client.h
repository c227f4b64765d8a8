#pragma once

#include <arrow/flight/client.h>
#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <map>
#include <memory>
#include <string>

namespace quiver::cli {

/// Just enough of a Flight SQL client for `quiver sql`: ad-hoc queries and updates over
/// arrow::flight::FlightClient (the pyarrow wheel has no Flight SQL client library).
class FlightSqlClient {
 public:
  static arrow::Result<std::unique_ptr<FlightSqlClient>> Connect(const std::string& host, int port);

  /// CommandStatementQuery: GetFlightInfo, then DoGet on every endpoint in order. An
  /// endpoint without locations is fetched from this server; others from the first
  /// location that answers.
  arrow::Result<std::shared_ptr<arrow::Table>> Query(const std::string& sql);

  /// CommandStatementUpdate through DoPut; returns the affected row count the server
  /// reports (-1 when the notion does not apply).
  arrow::Result<int64_t> Update(const std::string& sql);

 private:
  FlightSqlClient(arrow::flight::Location location, std::unique_ptr<arrow::flight::FlightClient> client);

  arrow::Result<arrow::flight::FlightClient*> ClientFor(const arrow::flight::FlightEndpoint& endpoint,
                                                        const arrow::flight::Location** used);

  arrow::flight::Location location_;
  std::unique_ptr<arrow::flight::FlightClient> client_;
  // Connections to other nodes named by endpoints, by URI.
  std::map<std::string, std::unique_ptr<arrow::flight::FlightClient>> other_nodes_;
};

/// The server's own words from a Flight error: strips the transport's
/// "Flight returned … error, with message: " prefix and gRPC debug context.
std::string ServerMessage(const arrow::Status& status);

}  // namespace quiver::cli
