#pragma once

#include <arrow/flight/client.h>
#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <map>
#include <memory>
#include <string>

namespace quiver::cli {

/// How `quiver sql` reaches a server.
struct ConnectOptions {
  std::string host = "127.0.0.1";
  int port = 32010;
  /// TLS (grpc+tls), trusting `tls_root_certs` (PEM; empty: the system's roots).
  bool tls = false;
  std::string tls_root_certs;
  /// A client certificate and its key (PEM), for servers that require one (mutual TLS).
  std::string tls_cert_chain;
  std::string tls_private_key;
  /// Logs in with these (exchanged for a bearer token) unless `user` is empty.
  std::string user;
  std::string password;
};

/// Just enough of a Flight SQL client for `quiver sql`: ad-hoc queries and updates over
/// arrow::flight::FlightClient (the pyarrow wheel has no Flight SQL client library).
/// It keeps the server's session cookie, so SET values and temporary tables last from
/// one statement to the next.
class FlightSqlClient {
 public:
  /// Connects, and logs in when a user is given (Unauthenticated naming the problem
  /// when the server refuses the credentials).
  static arrow::Result<std::unique_ptr<FlightSqlClient>> Connect(const ConnectOptions& options);

  /// CommandStatementQuery: GetFlightInfo, then DoGet on every endpoint in order. An
  /// endpoint without locations is fetched from this server; others from the first
  /// location that answers.
  arrow::Result<std::shared_ptr<arrow::Table>> Query(const std::string& sql);

  /// CommandStatementUpdate through DoPut; returns the affected row count the server
  /// reports (-1 when the notion does not apply).
  arrow::Result<int64_t> Update(const std::string& sql);

 private:
  FlightSqlClient(arrow::flight::Location location, arrow::flight::FlightClientOptions client_options,
                  std::unique_ptr<arrow::flight::FlightClient> client);

  arrow::Result<arrow::flight::FlightClient*> ClientFor(const arrow::flight::FlightEndpoint& endpoint,
                                                        const arrow::flight::Location** used);

  arrow::flight::Location location_;
  arrow::flight::FlightClientOptions client_options_;
  // The bearer token of the login, sent with every call.
  arrow::flight::FlightCallOptions call_options_;
  std::unique_ptr<arrow::flight::FlightClient> client_;
  // Connections to other nodes named by endpoints, by URI.
  std::map<std::string, std::unique_ptr<arrow::flight::FlightClient>> other_nodes_;
};

/// The server's own words from a Flight error: strips the transport's
/// "Flight returned … error, with message: " prefix and gRPC debug context.
std::string ServerMessage(const arrow::Status& status);

}  // namespace quiver::cli
