#include "quiver/flightsql/flight_sql_server.h"

#include <arrow/buffer.h>
#include <arrow/flight/types.h>
#include <arrow/type.h>

#include <set>

#include "quiver/catalog/access_control.h"
#include "quiver/catalog/catalog.h"
#include "quiver/common/settings_registry.h"
#include "quiver/dist/cluster.h"
#include "quiver/engine/engine.h"
#include "quiver/engine/session_state.h"
#include "quiver/flightsql/flight_sql_command.h"
#include "quiver/flightsql/status_mapping.h"

namespace quiver::flightsql {

namespace flight = arrow::flight;

namespace {

// Flight SQL's action names, as clients send them in Action.type.
constexpr const char* kCreatePreparedStatement = "CreatePreparedStatement";
constexpr const char* kClosePreparedStatement = "ClosePreparedStatement";
constexpr const char* kCreatePreparedSubstraitPlan = "CreatePreparedSubstraitPlan";
constexpr const char* kBeginTransaction = "BeginTransaction";
constexpr const char* kEndTransaction = "EndTransaction";
constexpr const char* kBeginSavepoint = "BeginSavepoint";
constexpr const char* kEndSavepoint = "EndSavepoint";
constexpr const char* kCancelQuery = "CancelQuery";

arrow::Result<FlightSqlCommand> CommandOf(const flight::FlightDescriptor& descriptor) {
  if (descriptor.type != flight::FlightDescriptor::CMD) {
    return arrow::Status::Invalid("Quiver serves Flight SQL commands; path descriptors are not supported (got ",
                                  descriptor.ToString(), ")");
  }
  return DecodeFlightSqlCommand(descriptor.cmd);
}

arrow::Status NotWith(const FlightSqlCommand& command, const char* rpc, const char* instead) {
  return arrow::Status::Invalid(CommandName(command), " cannot be used with ", rpc, "; ", instead);
}

arrow::Status SubstraitUnsupported() {
  return arrow::Status::NotImplemented(
      "Quiver does not accept Substrait plans (FLIGHT_SQL_SERVER_SUBSTRAIT is false); send SQL");
}

arrow::Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> ReadAll(flight::FlightMessageReader& reader) {
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
  while (true) {
    ARROW_ASSIGN_OR_RAISE(auto chunk, reader.Next());
    if (!chunk.data) break;
    batches.push_back(std::move(chunk.data));
  }
  return batches;
}

arrow::Status WriteMessage(flight::FlightMetadataWriter& writer, const google::protobuf::Message& message) {
  // DoPut results travel as the bare message in app_metadata, not wrapped in an Any.
  return writer.WriteMetadata(*arrow::Buffer::FromString(message.SerializeAsString()));
}

flight::Result AnyResult(const google::protobuf::Message& message) {
  return flight::Result{arrow::Buffer::FromString(PackAny(message))};
}

std::string_view BodyOf(const flight::Action& action) {
  if (!action.body) return {};
  return std::string_view(reinterpret_cast<const char*>(action.body->data()), static_cast<size_t>(action.body->size()));
}

}  // namespace

FlightSqlServer::FlightSqlServer(std::shared_ptr<engine::Engine> engine)
    : engine_(engine), statements_(engine), metadata_(engine->catalog()) {}

// --- GetFlightInfo -------------------------------------------------------------------

arrow::Result<std::unique_ptr<flight::FlightInfo>> FlightSqlServer::FlightInfoFor(
    const flight::FlightDescriptor& descriptor, SessionMiddleware* client) {
  ARROW_ASSIGN_OR_RAISE(auto command, CommandOf(descriptor));
  PlannedStatement planned;
  if (auto* query = std::get_if<pb::CommandStatementQuery>(&command)) {
    ARROW_ASSIGN_OR_RAISE(planned, statements_.PlanQuery(*query, client));
  } else if (auto* prepared = std::get_if<pb::CommandPreparedStatementQuery>(&command)) {
    ARROW_ASSIGN_OR_RAISE(planned, statements_.PlanPrepared(*prepared, client));
  } else if (auto schema = metadata_.Schema(command)) {
    // Metadata commands are their own tickets: DoGet recomputes from the command.
    planned.schema = *schema;
    planned.ticket = descriptor.cmd;
  } else if (std::holds_alternative<pb::CommandStatementSubstraitPlan>(command)) {
    return SubstraitUnsupported();
  } else if (std::holds_alternative<pb::TicketStatementQuery>(command)) {
    return NotWith(command, "GetFlightInfo", "it is a ticket for DoGet");
  } else {
    return NotWith(command, "GetFlightInfo", "send it with DoPut");
  }
  std::vector<flight::FlightEndpoint> endpoints;
  if (planned.distributed) {
    ARROW_ASSIGN_OR_RAISE(endpoints, DistributedEndpoints(*planned.distributed));
  } else {
    flight::FlightEndpoint endpoint;
    endpoint.ticket.ticket = std::move(planned.ticket);
    endpoints.push_back(std::move(endpoint));
  }
  // A distributed query with several endpoints has no order across them: an ordered
  // result is gathered into one final task.
  ARROW_ASSIGN_OR_RAISE(auto info, flight::FlightInfo::Make(*planned.schema, descriptor, endpoints,
                                                            /*total_records=*/planned.rows_affected,
                                                            /*total_bytes=*/-1));
  return std::make_unique<flight::FlightInfo>(std::move(info));
}

arrow::Result<std::vector<flight::FlightEndpoint>> FlightSqlServer::DistributedEndpoints(
    const dist::DistributedQuery& query) const {
  std::vector<flight::FlightEndpoint> endpoints;
  for (size_t task = 0; task < query.final_tickets.size(); ++task) {
    flight::FlightEndpoint endpoint;
    endpoint.ticket.ticket = query.final_tickets[task];
    if (worker_locations_) {
      // The worker holding the output first; any other can run the task from its
      // self-contained ticket (the producers it reads are named in it).
      const std::string& holder = query.final_workers[task];
      ARROW_ASSIGN_OR_RAISE(auto first, flight::Location::Parse(holder));
      endpoint.locations.push_back(std::move(first));
      for (const auto& worker : query.plan.workers()) {
        if (worker == holder) continue;
        ARROW_ASSIGN_OR_RAISE(auto alternate, flight::Location::Parse(worker));
        endpoint.locations.push_back(std::move(alternate));
      }
    }
    endpoints.push_back(std::move(endpoint));
  }
  return endpoints;
}

arrow::Status FlightSqlServer::GetFlightInfo(const flight::ServerCallContext& context,
                                             const flight::FlightDescriptor& request,
                                             std::unique_ptr<flight::FlightInfo>* info) {
  auto result = FlightInfoFor(request, SessionOf(context));
  if (!result.ok()) return ToFlightStatus(result.status());
  *info = *std::move(result);
  return arrow::Status::OK();
}

// --- GetSchema -----------------------------------------------------------------------

arrow::Result<std::shared_ptr<arrow::Schema>> FlightSqlServer::SchemaFor(const flight::FlightDescriptor& descriptor,
                                                                         SessionMiddleware* client) {
  ARROW_ASSIGN_OR_RAISE(auto command, CommandOf(descriptor));
  if (auto* query = std::get_if<pb::CommandStatementQuery>(&command)) return statements_.QuerySchema(*query, client);
  if (auto* prepared = std::get_if<pb::CommandPreparedStatementQuery>(&command)) {
    return statements_.PreparedSchema(*prepared, client);
  }
  if (auto schema = metadata_.Schema(command)) return *schema;
  if (std::holds_alternative<pb::CommandStatementSubstraitPlan>(command)) return SubstraitUnsupported();
  return NotWith(command, "GetSchema", "it has no result schema");
}

arrow::Status FlightSqlServer::GetSchema(const flight::ServerCallContext& context,
                                         const flight::FlightDescriptor& request,
                                         std::unique_ptr<flight::SchemaResult>* schema) {
  auto result = SchemaFor(request, SessionOf(context));
  if (!result.ok()) return ToFlightStatus(result.status());
  auto serialized = flight::SchemaResult::Make(**result);
  if (!serialized.ok()) return ToFlightStatus(serialized.status());
  *schema = *std::move(serialized);
  return arrow::Status::OK();
}

// --- DoGet ---------------------------------------------------------------------------

arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> FlightSqlServer::StreamFor(const flight::Ticket& ticket,
                                                                                    std::function<bool()> client_gone,
                                                                                    SessionMiddleware* client) {
  // A distributed query's endpoint, fetched from this node rather than a worker.
  if (engine_->cluster() && dist::IsTaskTicket(ticket.ticket)) {
    return engine_->cluster()->OpenFinalTask(ticket.ticket, std::move(client_gone));
  }
  ARROW_ASSIGN_OR_RAISE(auto command, DecodeFlightSqlCommand(ticket.ticket, "ticket"));
  if (auto* statement = std::get_if<pb::TicketStatementQuery>(&command)) {
    return statements_.Redeem(*statement, std::move(client_gone), client);
  }
  if (metadata_.Schema(command)) {
    // A user sees the tables it holds some privilege on.
    TableVisibility visible;
    const std::string user = client ? client->user() : "";
    const auto& access = engine_->access_control();
    if (!user.empty() && !access.IsSuperuser(user)) {
      visible = [&access, user](const catalog::TableEntry& table) {
        return access.SeesTable(user, table.schema_name, table.name);
      };
    }
    ARROW_ASSIGN_OR_RAISE(auto batch, metadata_.Run(command, visible));
    return arrow::RecordBatchReader::Make({batch}, batch->schema());
  }
  return NotWith(command, "DoGet", "call GetFlightInfo first and redeem the ticket it returns");
}

arrow::Status FlightSqlServer::DoGet(const flight::ServerCallContext& context, const flight::Ticket& request,
                                     std::unique_ptr<flight::FlightDataStream>* stream) {
  // A query whose client disconnects (or cancels the call) stops within a poll interval
  // even while it has no batch to send: reads ask the call whether it is still wanted.
  // Flight reads the stream inside this call, so the context outlives every read.
  auto reader = StreamFor(
      request, [&context] { return context.is_cancelled(); }, SessionOf(context));
  if (!reader.ok()) return ToFlightStatus(reader.status());
  *stream = std::make_unique<flight::RecordBatchStream>(*reader);
  return arrow::Status::OK();
}

// --- DoPut ---------------------------------------------------------------------------

arrow::Status FlightSqlServer::Put(flight::FlightMessageReader& reader, flight::FlightMetadataWriter& writer,
                                   SessionMiddleware* client) {
  ARROW_ASSIGN_OR_RAISE(auto command, CommandOf(reader.descriptor()));
  if (auto* update = std::get_if<pb::CommandStatementUpdate>(&command)) {
    pb::DoPutUpdateResult result;
    ARROW_ASSIGN_OR_RAISE(auto count, statements_.RunUpdate(*update, client));
    result.set_record_count(count);
    return WriteMessage(writer, result);
  }
  if (auto* prepared = std::get_if<pb::CommandPreparedStatementUpdate>(&command)) {
    ARROW_ASSIGN_OR_RAISE(auto parameters, ReadAll(reader));
    pb::DoPutUpdateResult result;
    ARROW_ASSIGN_OR_RAISE(auto count, statements_.RunPreparedUpdate(*prepared, parameters, client));
    result.set_record_count(count);
    return WriteMessage(writer, result);
  }
  if (auto* prepared = std::get_if<pb::CommandPreparedStatementQuery>(&command)) {
    ARROW_ASSIGN_OR_RAISE(auto parameters, ReadAll(reader));
    ARROW_RETURN_NOT_OK(statements_.Bind(*prepared, parameters, client));
    // The handle stays valid: bound parameters are kept with the statement.
    pb::DoPutPreparedStatementResult result;
    result.set_prepared_statement_handle(prepared->prepared_statement_handle());
    return WriteMessage(writer, result);
  }
  if (auto* ingest = std::get_if<pb::CommandStatementIngest>(&command)) {
    pb::DoPutUpdateResult result;
    ARROW_ASSIGN_OR_RAISE(auto count, statements_.Ingest(*ingest, reader, client));
    result.set_record_count(count);
    return WriteMessage(writer, result);
  }
  if (std::holds_alternative<pb::CommandStatementSubstraitPlan>(command)) return SubstraitUnsupported();
  return NotWith(command, "DoPut", "DoPut takes updates, prepared statements and their parameters");
}

arrow::Status FlightSqlServer::DoPut(const flight::ServerCallContext& context,
                                     std::unique_ptr<flight::FlightMessageReader> reader,
                                     std::unique_ptr<flight::FlightMetadataWriter> writer) {
  return ToFlightStatus(Put(*reader, *writer, SessionOf(context)));
}

// --- DoAction ------------------------------------------------------------------------

arrow::Result<flight::CancelStatus> FlightSqlServer::Cancel(const flight::FlightInfo& info) {
  // Only statements run long enough to cancel; metadata results are made at once.
  bool statement = false;
  std::set<std::string> distributed_queries;
  for (const auto& endpoint : info.endpoints()) {
    if (engine_->cluster() && dist::IsTaskTicket(endpoint.ticket.ticket)) {
      // A distributed query: its tasks stop on every worker.
      ARROW_ASSIGN_OR_RAISE(auto query_id, engine_->cluster()->QueryIdOf(endpoint.ticket.ticket));
      if (distributed_queries.insert(query_id).second) engine_->cluster()->CancelQuery(query_id);
      statement = true;
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto command, DecodeFlightSqlCommand(endpoint.ticket.ticket, "ticket"));
    if (auto* query = std::get_if<pb::TicketStatementQuery>(&command)) {
      ARROW_RETURN_NOT_OK(statements_.Cancel(*query));
      statement = true;
    }
  }
  return statement ? flight::CancelStatus::kCancelled : flight::CancelStatus::kNotCancellable;
}

arrow::Result<std::vector<flight::Result>> FlightSqlServer::Act(const flight::Action& action,
                                                                SessionMiddleware* client) {
  std::vector<flight::Result> results;
  std::string_view body = BodyOf(action);
  if (action.type == kCreatePreparedStatement) {
    ARROW_ASSIGN_OR_RAISE(auto request,
                          UnpackAny<pb::ActionCreatePreparedStatementRequest>(body, "CreatePreparedStatement body"));
    ARROW_ASSIGN_OR_RAISE(auto result, statements_.Prepare(request, client));
    results.push_back(AnyResult(result));
  } else if (action.type == kClosePreparedStatement) {
    ARROW_ASSIGN_OR_RAISE(auto request,
                          UnpackAny<pb::ActionClosePreparedStatementRequest>(body, "ClosePreparedStatement body"));
    statements_.Close(request, client);
  } else if (action.type == kBeginTransaction) {
    pb::ActionBeginTransactionResult result;
    result.set_transaction_id(statements_.transactions().Begin(UserOf(client)));
    results.push_back(AnyResult(result));
  } else if (action.type == kEndTransaction) {
    ARROW_ASSIGN_OR_RAISE(auto request, UnpackAny<pb::ActionEndTransactionRequest>(body, "EndTransaction body"));
    if (request.action() == pb::ActionEndTransactionRequest::END_TRANSACTION_UNSPECIFIED) {
      return arrow::Status::Invalid("EndTransaction needs an action: COMMIT or ROLLBACK");
    }
    ARROW_RETURN_NOT_OK(
        statements_.transactions().End(request.transaction_id(), UserOf(client),
                                       request.action() == pb::ActionEndTransactionRequest::END_TRANSACTION_COMMIT));
  } else if (action.type == kBeginSavepoint || action.type == kEndSavepoint) {
    return arrow::Status::NotImplemented("Quiver has no savepoints (FLIGHT_SQL_SERVER_TRANSACTION is TRANSACTION)");
  } else if (action.type == kCreatePreparedSubstraitPlan) {
    return SubstraitUnsupported();
  } else if (action.type == flight::ActionType::kCancelFlightInfo.type) {
    ARROW_ASSIGN_OR_RAISE(auto request, flight::CancelFlightInfoRequest::Deserialize(body));
    if (!request.info) return arrow::Status::Invalid("CancelFlightInfo needs the FlightInfo to cancel");
    ARROW_ASSIGN_OR_RAISE(auto status, Cancel(*request.info));
    ARROW_ASSIGN_OR_RAISE(auto bytes, flight::CancelFlightInfoResult{status}.SerializeToString());
    results.push_back(flight::Result{arrow::Buffer::FromString(std::move(bytes))});
  } else if (action.type == kCancelQuery) {
    // The action CancelFlightInfo replaced: the FlightInfo serialized inside an Any.
    ARROW_ASSIGN_OR_RAISE(auto request, UnpackAny<pb::ActionCancelQueryRequest>(body, "CancelQuery body"));
    ARROW_ASSIGN_OR_RAISE(auto info, flight::FlightInfo::Deserialize(request.info()));
    ARROW_ASSIGN_OR_RAISE(auto status, Cancel(*info));
    pb::ActionCancelQueryResult result;
    result.set_result(status == flight::CancelStatus::kCancelled
                          ? pb::ActionCancelQueryResult::CANCEL_RESULT_CANCELLED
                          : pb::ActionCancelQueryResult::CANCEL_RESULT_NOT_CANCELLABLE);
    results.push_back(AnyResult(result));
  } else if (action.type == flight::ActionType::kCloseSession.type) {
    if (client) client->Close();
    flight::CloseSessionResult closed{flight::CloseSessionStatus::kClosed};
    ARROW_ASSIGN_OR_RAISE(auto bytes, closed.SerializeToString());
    results.push_back(flight::Result{arrow::Buffer::FromString(std::move(bytes))});
  } else if (action.type == flight::ActionType::kSetSessionOptions.type) {
    ARROW_ASSIGN_OR_RAISE(auto request, flight::SetSessionOptionsRequest::Deserialize(body));
    ARROW_ASSIGN_OR_RAISE(auto result, SetSessionOptions(request, client));
    ARROW_ASSIGN_OR_RAISE(auto bytes, result.SerializeToString());
    results.push_back(flight::Result{arrow::Buffer::FromString(std::move(bytes))});
  } else if (action.type == flight::ActionType::kGetSessionOptions.type) {
    flight::GetSessionOptionsResult result;
    result.session_options["catalog"] = std::string(catalog::Catalog::kCatalogName);
    result.session_options["schema"] = std::string(catalog::Catalog::kDefaultSchema);
    if (client && client->state()) {
      for (const auto& [name, value] : client->state()->settings()) {
        result.session_options[name == engine::kSearchPathSetting ? "schema" : name] = value;
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto bytes, result.SerializeToString());
    results.push_back(flight::Result{arrow::Buffer::FromString(std::move(bytes))});
  } else {
    return arrow::Status::NotImplemented("unknown action type '", action.type, "'");
  }
  return results;
}

arrow::Result<flight::SetSessionOptionsResult> FlightSqlServer::SetSessionOptions(
    const flight::SetSessionOptionsRequest& request, SessionMiddleware* client) {
  if (!client) return arrow::Status::NotImplemented("this server keeps no sessions");
  using Error = flight::SetSessionOptionsResult::Error;
  flight::SetSessionOptionsResult result;
  auto state = client->StateOrNew();
  auto values = state->settings();
  for (const auto& [name, option] : request.session_options) {
    std::string text;
    if (const auto* string = std::get_if<std::string>(&option)) {
      text = *string;
    } else if (const auto* boolean = std::get_if<bool>(&option)) {
      text = *boolean ? "true" : "false";
    } else if (const auto* integer = std::get_if<int64_t>(&option)) {
      text = std::to_string(*integer);
    } else if (const auto* real = std::get_if<double>(&option)) {
      text = std::to_string(*real);
    } else if (std::holds_alternative<std::monostate>(option)) {
      // A valueless option resets it.
      values.erase(name == "schema" ? engine::kSearchPathSetting : name);
      continue;
    } else {
      result.errors[name] = Error{flight::SetSessionOptionErrorValue::kInvalidValue};
      continue;
    }
    if (name == "catalog") {
      if (text != catalog::Catalog::kCatalogName) {
        result.errors[name] = Error{flight::SetSessionOptionErrorValue::kInvalidValue};
      }
    } else if (name == "schema") {
      if (engine_->catalog().HasSchema(text)) {
        values[engine::kSearchPathSetting] = text;
      } else {
        result.errors[name] = Error{flight::SetSessionOptionErrorValue::kInvalidValue};
      }
    } else if (!SettingsRegistry::Default().Check(name, text).ok()) {
      // An extension's setting with a bad value, or one the extension does not have.
      result.errors[name] = Error{flight::SetSessionOptionErrorValue::kInvalidValue};
    } else {
      values[name] = text;
    }
  }
  state->ReplaceSettings(std::move(values));
  return result;
}

arrow::Status FlightSqlServer::DoAction(const flight::ServerCallContext& context, const flight::Action& action,
                                        std::unique_ptr<flight::ResultStream>* result) {
  auto results = Act(action, SessionOf(context));
  if (!results.ok()) return ToFlightStatus(results.status());
  *result = std::make_unique<flight::SimpleResultStream>(*std::move(results));
  return arrow::Status::OK();
}

arrow::Status FlightSqlServer::ListActions(const flight::ServerCallContext&, std::vector<flight::ActionType>* actions) {
  *actions = {
      {kCreatePreparedStatement, "Prepare a SQL statement; returns its handle and schemas"},
      {kClosePreparedStatement, "Release a prepared statement"},
      {kBeginTransaction, "Begin a transaction over managed tables; returns its id"},
      {kEndTransaction, "Commit or roll back a transaction"},
      {flight::ActionType::kSetSessionOptions.type, "Set session options: catalog, schema, Quiver settings"},
      {flight::ActionType::kGetSessionOptions.type, "The session's options"},
      {flight::ActionType::kCloseSession.type, "End the client's session and forget its settings"},
      {flight::ActionType::kCancelFlightInfo.type, "Stop the statements of a FlightInfo; their tickets stay cancelled"},
      {kCancelQuery, "The same, in the Any-wrapped form CancelFlightInfo replaced"},
  };
  return arrow::Status::OK();
}

}  // namespace quiver::flightsql
