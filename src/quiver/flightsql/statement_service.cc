#include "quiver/flightsql/statement_service.h"

#include <arrow/buffer.h>
#include <arrow/ipc/writer.h>
#include <arrow/type.h>

#include <chrono>

#include "quiver/catalog/catalog.h"
#include "quiver/dist/cluster.h"
#include "quiver/engine/bulk_ingest.h"
#include "quiver/engine/engine.h"
#include "quiver/engine/table_access.h"
#include "quiver/flightsql/flight_sql_command.h"
#include "quiver/flightsql/logged_result_reader.h"
#include "quiver/flightsql/parameter_rows.h"
#include "quiver/flightsql/statement_execution.h"
#include "quiver/flightsql/statement_ticket.h"

namespace quiver::flightsql {

namespace {

// A DoPut stream read as plain record batches (app metadata, unused by ingest, dropped).
class FlightStreamBatches : public arrow::RecordBatchReader {
 public:
  FlightStreamBatches(arrow::flight::FlightMessageReader& reader, std::shared_ptr<arrow::Schema> schema)
      : reader_(reader), schema_(std::move(schema)) {}
  std::shared_ptr<arrow::Schema> schema() const override { return schema_; }
  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
    while (true) {
      ARROW_ASSIGN_OR_RAISE(auto chunk, reader_.Next());
      *batch = chunk.data;
      if (chunk.data || !chunk.app_metadata) return arrow::Status::OK();
    }
  }

 private:
  arrow::flight::FlightMessageReader& reader_;
  std::shared_ptr<arrow::Schema> schema_;
};

arrow::Result<engine::IngestRequest> IngestRequestOf(const pb::CommandStatementIngest& command) {
  using Options = pb::CommandStatementIngest::TableDefinitionOptions;
  if (command.has_catalog() && !command.catalog().empty() && command.catalog() != catalog::Catalog::kCatalogName) {
    return arrow::Status::KeyError("catalog \"", command.catalog(), "\" does not exist (Quiver's is \"",
                                   catalog::Catalog::kCatalogName, "\")");
  }
  engine::IngestRequest request;
  request.temporary = command.temporary();
  request.table = command.table();
  request.schema_name = command.has_schema() ? command.schema() : "";
  const auto& options = command.table_definition_options();
  request.if_missing = options.if_not_exist() == Options::TABLE_NOT_EXIST_OPTION_CREATE
                           ? engine::IngestRequest::IfMissing::kCreate
                           : engine::IngestRequest::IfMissing::kFail;
  switch (options.if_exists()) {
    case Options::TABLE_EXISTS_OPTION_APPEND:
      request.if_exists = engine::IngestRequest::IfExists::kAppend;
      break;
    case Options::TABLE_EXISTS_OPTION_REPLACE:
      request.if_exists = engine::IngestRequest::IfExists::kReplace;
      break;
    default:
      request.if_exists = engine::IngestRequest::IfExists::kFail;
      break;
  }
  return request;
}

// A SET or a temporary table made by a client without a Flight session starts one,
// so that they last (for clients that keep the session cookie).
void KeepState(SessionMiddleware* client, const engine::Session& session) {
  if (client) client->Keep(session.state());
}

arrow::Result<std::string> SerializedSchema(const std::shared_ptr<arrow::Schema>& schema) {
  ARROW_ASSIGN_OR_RAISE(auto buffer, arrow::ipc::SerializeSchema(schema ? *schema : *arrow::schema({})));
  return buffer->ToString();
}

arrow::Result<std::string> PackTicket(const StatementTicket& ticket) {
  ARROW_ASSIGN_OR_RAISE(auto handle, ticket.Encode());
  pb::TicketStatementQuery message;
  message.set_statement_handle(std::move(handle));
  return PackAny(message);
}

// The schema a query's result will have. Placeholders are typed from their use
// when a statement is prepared, and may be left null-typed; once values are bound
// their types can change the result's columns (the specification asks servers to
// account for bound parameters), so the statement is described again with them.
arrow::Result<std::shared_ptr<arrow::Schema>> ResultSchema(engine::Session& session,
                                                           engine::PreparedStatement& statement,
                                                           const std::shared_ptr<arrow::RecordBatch>& parameters) {
  if (!parameters) return statement.dataset_schema();
  ARROW_ASSIGN_OR_RAISE(auto rows, ParameterRows(parameters));
  if (rows.empty()) return statement.dataset_schema();
  return session.ResultSchema(statement.sql(), rows.front());
}

}  // namespace

StatementService::StatementService(std::shared_ptr<engine::Engine> engine)
    : engine_(std::move(engine)), transactions_(engine_->commit_journal_path()) {}

arrow::Result<int64_t> StatementService::LoggedUpdate(const std::string& sql,
                                                      const std::function<arrow::Result<int64_t>()>& run) {
  int64_t id = log_.NextId();
  auto start = std::chrono::steady_clock::now();
  auto rows = run();
  StatementOutcome outcome;
  outcome.duration_ms = MillisecondsSince(start);
  if (rows.ok()) {
    outcome.rows = *rows;
  } else {
    outcome.rows = 0;
    outcome.status = "error: " + rows.status().message();
  }
  StatementLog::Write(id, sql, outcome);
  return rows;
}

arrow::Result<std::shared_ptr<engine::Session>> StatementService::SessionIn(SessionMiddleware* client,
                                                                            bool has_transaction,
                                                                            const std::string& transaction_id) {
  auto session = engine_->NewSession();
  session->set_principal(engine::Principal{UserOf(client)});
  if (client && client->state()) session->share_state(client->state());
  if (has_transaction) {
    ARROW_ASSIGN_OR_RAISE(auto transaction, transactions_.Get(transaction_id, UserOf(client)));
    session->set_transaction(std::move(transaction));
  }
  return session;
}

arrow::Result<std::shared_ptr<dist::DistributedQuery>> StatementService::Distribute(
    engine::Session& session, engine::PreparedStatement& statement,
    const std::shared_ptr<arrow::RecordBatch>& parameters, std::shared_ptr<engine::PlannedQuery>* plan) {
  if (engine_->cluster() == nullptr) return nullptr;
  if (!*plan) {
    ARROW_ASSIGN_OR_RAISE(auto rows, ParameterRows(parameters));
    // Several parameter rows are several executions, served one after another here.
    if (rows.size() > 1) return nullptr;
    if (rows.empty() && statement.parameter_schema()->num_fields() > 0) return nullptr;
    ARROW_ASSIGN_OR_RAISE(*plan,
                          session.PlanQuery(statement.sql(), rows.empty() ? engine::ParameterValues{} : rows[0]));
    if (!*plan) return nullptr;
  }
  return session.Distribute(**plan);
}

arrow::Result<PlannedStatement> StatementService::Plan(engine::Session& session, engine::PreparedStatement& statement,
                                                       std::shared_ptr<arrow::RecordBatch> parameters,
                                                       const std::string& transaction_id, SessionMiddleware* client,
                                                       std::shared_ptr<engine::PlannedQuery> plan) {
  StatementTicket ticket;
  ticket.sql = statement.sql();
  ticket.transaction_id = transaction_id;
  ticket.parameters = parameters;
  ticket.query_id = StatementTicket::NewQueryId();
  PlannedStatement planned;
  if (statement.is_query()) {
    ARROW_ASSIGN_OR_RAISE(planned.schema, ResultSchema(session, statement, parameters));
    ARROW_ASSIGN_OR_RAISE(planned.distributed, Distribute(session, statement, parameters, &plan));
    // Planned just now, so the ticket's fetch may run this plan instead of planning
    // again (Redeem plans tickets with parameters itself).
    if (plan && !planned.distributed && !parameters) planned_.Put(ticket.query_id, std::move(plan));
    if (planned.distributed) {
      // Its result is served by the workers holding it, which this log never sees.
      StatementOutcome outcome;
      outcome.status = "distributed: " + std::to_string(planned.distributed->final_tickets.size()) +
                       " result endpoint(s) over " + std::to_string(planned.distributed->plan.workers_size()) +
                       " worker(s)";
      StatementLog::Write(log_.NextId(), statement.sql(), outcome);
    }
  } else {
    ARROW_ASSIGN_OR_RAISE(auto rows, ParameterRows(parameters));
    ARROW_ASSIGN_OR_RAISE(planned.rows_affected,
                          LoggedUpdate(statement.sql(), [&] { return flightsql::RunUpdate(statement, rows); }));
    KeepState(client, session);
    ticket.already_executed = true;
    planned.schema = arrow::schema({});
  }
  ARROW_ASSIGN_OR_RAISE(planned.ticket, PackTicket(ticket));
  planned.query_id = ticket.query_id;
  return planned;
}

arrow::Result<PlannedStatement> StatementService::PlanQuery(const pb::CommandStatementQuery& command,
                                                            SessionMiddleware* client) {
  ARROW_ASSIGN_OR_RAISE(auto session, SessionIn(client, command.has_transaction_id(), command.transaction_id()));
  ARROW_ASSIGN_OR_RAISE(auto statement, session->Prepare(command.query()));
  return Plan(*session, *statement, nullptr, command.transaction_id(), client, statement->TakePlan());
}

arrow::Result<std::shared_ptr<arrow::Schema>> StatementService::QuerySchema(const pb::CommandStatementQuery& command,
                                                                            SessionMiddleware* client) {
  ARROW_ASSIGN_OR_RAISE(auto session, SessionIn(client, command.has_transaction_id(), command.transaction_id()));
  ARROW_ASSIGN_OR_RAISE(auto statement, session->Prepare(command.query()));
  return statement->dataset_schema();
}

arrow::Result<int64_t> StatementService::RunUpdate(const pb::CommandStatementUpdate& command,
                                                   SessionMiddleware* client) {
  ARROW_ASSIGN_OR_RAISE(auto session, SessionIn(client, command.has_transaction_id(), command.transaction_id()));
  auto count = LoggedUpdate(command.query(), [&] { return flightsql::RunUpdate(*session, command.query()); });
  KeepState(client, *session);
  return count;
}

arrow::Result<pb::ActionCreatePreparedStatementResult> StatementService::Prepare(
    const pb::ActionCreatePreparedStatementRequest& request, SessionMiddleware* client) {
  ARROW_ASSIGN_OR_RAISE(auto session, SessionIn(client, request.has_transaction_id(), request.transaction_id()));
  ARROW_ASSIGN_OR_RAISE(auto statement, session->Prepare(request.query()));
  // Each execution plans the statement against the data of its time.
  (void)statement->TakePlan();
  pb::ActionCreatePreparedStatementResult result;
  ARROW_ASSIGN_OR_RAISE(*result.mutable_dataset_schema(), SerializedSchema(statement->dataset_schema()));
  ARROW_ASSIGN_OR_RAISE(*result.mutable_parameter_schema(), SerializedSchema(statement->parameter_schema()));
  result.set_prepared_statement_handle(registry_.Add(
      std::make_shared<OpenPreparedStatement>(std::move(session), std::move(statement), request.transaction_id())));
  return result;
}

void StatementService::Close(const pb::ActionClosePreparedStatementRequest& request, SessionMiddleware* client) {
  registry_.Remove(request.prepared_statement_handle(), UserOf(client));
}

arrow::Status StatementService::Bind(const pb::CommandPreparedStatementQuery& command,
                                     const std::vector<std::shared_ptr<arrow::RecordBatch>>& parameters,
                                     SessionMiddleware* client) {
  ARROW_ASSIGN_OR_RAISE(auto open, registry_.Get(command.prepared_statement_handle(), UserOf(client)));
  ARROW_ASSIGN_OR_RAISE(auto combined, CombineParameterBatches(parameters, open->statement().parameter_schema()));
  open->set_parameters(std::move(combined));
  return arrow::Status::OK();
}

arrow::Result<PlannedStatement> StatementService::PlanPrepared(const pb::CommandPreparedStatementQuery& command,
                                                               SessionMiddleware* client) {
  ARROW_ASSIGN_OR_RAISE(auto open, registry_.Get(command.prepared_statement_handle(), UserOf(client)));
  return Plan(open->session(), open->statement(), open->parameters(), open->transaction_id(), client);
}

arrow::Result<std::shared_ptr<arrow::Schema>> StatementService::PreparedSchema(
    const pb::CommandPreparedStatementQuery& command, SessionMiddleware* client) {
  ARROW_ASSIGN_OR_RAISE(auto open, registry_.Get(command.prepared_statement_handle(), UserOf(client)));
  if (!open->statement().is_query()) return open->statement().dataset_schema();
  return ResultSchema(open->session(), open->statement(), open->parameters());
}

arrow::Result<int64_t> StatementService::RunPreparedUpdate(
    const pb::CommandPreparedStatementUpdate& command,
    const std::vector<std::shared_ptr<arrow::RecordBatch>>& parameters, SessionMiddleware* client) {
  ARROW_ASSIGN_OR_RAISE(auto open, registry_.Get(command.prepared_statement_handle(), UserOf(client)));
  auto& statement = open->statement();
  ARROW_ASSIGN_OR_RAISE(auto sent, CombineParameterBatches(parameters, statement.parameter_schema()));
  ARROW_ASSIGN_OR_RAISE(auto rows, ParameterRows(sent ? sent : open->parameters()));
  if (rows.size() <= 1 || !open->transaction_id().empty()) {
    auto count = LoggedUpdate(statement.sql(), [&] { return flightsql::RunUpdate(statement, rows); });
    KeepState(client, open->session());
    return count;
  }
  // Several parameter rows (executemany, executeBatch) run as one transaction: all of
  // them or none, and one commit per table instead of one per row.
  auto transaction = std::make_shared<engine::Transaction>(engine_->commit_journal_path());
  open->session().set_transaction(transaction);
  auto count = LoggedUpdate(statement.sql(), [&]() -> arrow::Result<int64_t> {
    ARROW_ASSIGN_OR_RAISE(auto total, flightsql::RunUpdate(statement, rows));
    ARROW_RETURN_NOT_OK(transaction->Commit());
    return total;
  });
  open->session().set_transaction(nullptr);  // a failed batch is rolled back as the transaction goes
  return count;
}

arrow::Result<int64_t> StatementService::Ingest(const pb::CommandStatementIngest& command,
                                                arrow::flight::FlightMessageReader& reader, SessionMiddleware* client) {
  ARROW_ASSIGN_OR_RAISE(auto session, SessionIn(client, command.has_transaction_id(), command.transaction_id()));
  ARROW_ASSIGN_OR_RAISE(auto request, IngestRequestOf(command));
  const std::string description =
      "bulk ingest into " + (request.schema_name.empty() ? "" : request.schema_name + ".") + request.table;
  return LoggedUpdate(description, [&]() -> arrow::Result<int64_t> {
    ARROW_ASSIGN_OR_RAISE(auto schema, reader.GetSchema());
    FlightStreamBatches batches(reader, std::move(schema));
    auto rows = engine::IngestBatches(*session, request, batches);
    KeepState(client, *session);
    return rows;
  });
}

arrow::Status StatementService::Cancel(const pb::TicketStatementQuery& message) {
  ARROW_ASSIGN_OR_RAISE(auto ticket, StatementTicket::Decode(message.statement_handle()));
  running_.Cancel(ticket.query_id);
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> StatementService::Redeem(
    const pb::TicketStatementQuery& message, std::function<bool()> client_gone, SessionMiddleware* client) {
  ARROW_ASSIGN_OR_RAISE(auto ticket, StatementTicket::Decode(message.statement_handle()));
  if (ticket.already_executed) return arrow::RecordBatchReader::Make({}, arrow::schema({}));
  auto run = running_.Start(ticket.query_id);
  if (!run) return arrow::Status::Cancelled("the query was cancelled before its result was fetched");
  int64_t id = log_.NextId();
  auto start = std::chrono::steady_clock::now();
  ARROW_ASSIGN_OR_RAISE(auto rows, ParameterRows(ticket.parameters));
  ARROW_ASSIGN_OR_RAISE(auto session, SessionIn(client, !ticket.transaction_id.empty(), ticket.transaction_id));
  // The check lives as long as the result's reader, and with it the run's listing.
  session->set_interrupt_check([client_gone = std::move(client_gone), run = std::move(run)] {
    return run->cancelled() || (client_gone && client_gone());
  });
  auto plan = ticket.parameters ? nullptr : planned_.Take(ticket.query_id);
  auto reader = plan ? RunPlanned(*session, *plan) : RunQuery(std::move(session), ticket.sql, std::move(rows));
  if (!reader.ok()) {
    StatementOutcome outcome;
    outcome.duration_ms = MillisecondsSince(start);
    outcome.status = "error: " + reader.status().message();
    StatementLog::Write(id, ticket.sql, outcome);
    return reader.status();
  }
  return std::make_shared<LoggedResultReader>(*std::move(reader), id, ticket.sql, start);
}

}  // namespace quiver::flightsql
