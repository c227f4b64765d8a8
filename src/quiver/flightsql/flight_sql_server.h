#pragma once

#include <arrow/flight/server.h>

#include <functional>
#include <memory>

#include "quiver/flightsql/client_sessions.h"
#include "quiver/flightsql/metadata_commands.h"
#include "quiver/flightsql/statement_service.h"

namespace quiver::engine {
class Engine;
}

namespace quiver::flightsql {

/// Quiver's front door: an Arrow Flight server that speaks Flight SQL (the wheel's
/// Arrow has no Flight SQL server library, so the protocol is decoded here). It
/// turns each RPC's command into work for StatementService (SQL) or
/// MetadataCommands (catalog browsing), and every failure into a Flight status
/// with the engine's message. A malformed request fails alone; the server keeps
/// serving.
class FlightSqlServer : public arrow::flight::FlightServerBase {
 public:
  explicit FlightSqlServer(std::shared_ptr<engine::Engine> engine);

  arrow::Status GetFlightInfo(const arrow::flight::ServerCallContext& context,
                              const arrow::flight::FlightDescriptor& request,
                              std::unique_ptr<arrow::flight::FlightInfo>* info) override;
  arrow::Status GetSchema(const arrow::flight::ServerCallContext& context,
                          const arrow::flight::FlightDescriptor& request,
                          std::unique_ptr<arrow::flight::SchemaResult>* schema) override;
  arrow::Status DoGet(const arrow::flight::ServerCallContext& context, const arrow::flight::Ticket& request,
                      std::unique_ptr<arrow::flight::FlightDataStream>* stream) override;
  arrow::Status DoPut(const arrow::flight::ServerCallContext& context,
                      std::unique_ptr<arrow::flight::FlightMessageReader> reader,
                      std::unique_ptr<arrow::flight::FlightMetadataWriter> writer) override;
  arrow::Status DoAction(const arrow::flight::ServerCallContext& context, const arrow::flight::Action& action,
                         std::unique_ptr<arrow::flight::ResultStream>* result) override;
  arrow::Status ListActions(const arrow::flight::ServerCallContext& context,
                            std::vector<arrow::flight::ActionType>* actions) override;

  const PreparedStatementRegistry& prepared_statements() const { return statements_.prepared_statements(); }

  /// Whether a distributed query's endpoints name the workers holding its result (true
  /// by default), so clients fetch from them directly; without, clients fetch every
  /// endpoint from the node they asked (which serves the tickets too). Off when clients
  /// must not be sent elsewhere: worker ports do not speak TLS.
  void set_worker_locations(bool enabled) { worker_locations_ = enabled; }

 private:
  // `client` is the call's Flight session (null when the server runs without the
  // session middleware).
  arrow::Result<std::unique_ptr<arrow::flight::FlightInfo>> FlightInfoFor(
      const arrow::flight::FlightDescriptor& descriptor, SessionMiddleware* client);
  arrow::Result<std::shared_ptr<arrow::Schema>> SchemaFor(const arrow::flight::FlightDescriptor& descriptor,
                                                          SessionMiddleware* client);
  arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> StreamFor(const arrow::flight::Ticket& ticket,
                                                                     std::function<bool()> client_gone,
                                                                     SessionMiddleware* client);
  arrow::Status Put(arrow::flight::FlightMessageReader& reader, arrow::flight::FlightMetadataWriter& writer,
                    SessionMiddleware* client);
  arrow::Result<std::vector<arrow::flight::Result>> Act(const arrow::flight::Action& action, SessionMiddleware* client);
  /// SetSessionOptions: catalog, schema (the search_path) and Quiver settings.
  arrow::Result<arrow::flight::SetSessionOptionsResult> SetSessionOptions(
      const arrow::flight::SetSessionOptionsRequest& request, SessionMiddleware* client);
  /// Cancels the statements whose tickets `info` lists.
  arrow::Result<arrow::flight::CancelStatus> Cancel(const arrow::flight::FlightInfo& info);

  /// The endpoints of a distributed query's result: one per final task.
  arrow::Result<std::vector<arrow::flight::FlightEndpoint>> DistributedEndpoints(
      const dist::DistributedQuery& query) const;

  std::shared_ptr<engine::Engine> engine_;
  bool worker_locations_ = true;
  StatementService statements_;
  MetadataCommands metadata_;
};

}  // namespace quiver::flightsql
