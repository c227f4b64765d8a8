#pragma once

#include <arrow/flight/server.h>
#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "flight_sql.pb.h"
#include "quiver/flightsql/client_sessions.h"
#include "quiver/flightsql/open_transactions.h"
#include "quiver/flightsql/planned_queries.h"
#include "quiver/flightsql/prepared_statement_registry.h"
#include "quiver/flightsql/running_queries.h"
#include "quiver/flightsql/statement_log.h"

namespace quiver::engine {
class Engine;
}

namespace quiver::dist {
struct DistributedQuery;
}

namespace quiver::flightsql {

namespace pb = arrow::flight::protocol::sql;

/// A statement ready to be fetched: the schema of its result and the ticket that
/// produces it (a packed TicketStatementQuery).
struct PlannedStatement {
  std::shared_ptr<arrow::Schema> schema;
  std::string ticket;
  std::string query_id;  // the ticket's
  /// A statement that ran already (DML, DDL): the rows it changed, reported as the
  /// FlightInfo's total_records (what ADBC gives as the cursor's rowcount); else -1.
  int64_t rows_affected = -1;
  /// A query that runs distributed: its result is fetched by the tickets of its final
  /// tasks, one endpoint each, instead of `ticket`.
  std::shared_ptr<dist::DistributedQuery> distributed;
};

/// Flight SQL's statement commands on top of the engine: plain queries and
/// updates, prepared statements and their parameters, and redeeming tickets.
///
/// Queries are planned when their FlightInfo is asked for (so mistakes surface
/// there) and run when the ticket is redeemed. Statements that return no rows
/// (DDL, DML, SET) run as soon as they arrive, whichever command carries them,
/// never lazily at DoGet. Every run statement is logged (see StatementLog).
class StatementService {
 public:
  explicit StatementService(std::shared_ptr<engine::Engine> engine);

  // `client` is the call's Flight session, null for none: statements run with its
  // settings, and a SET statement starts one.
  arrow::Result<PlannedStatement> PlanQuery(const pb::CommandStatementQuery& command, SessionMiddleware* client);
  arrow::Result<std::shared_ptr<arrow::Schema>> QuerySchema(const pb::CommandStatementQuery& command,
                                                            SessionMiddleware* client);
  arrow::Result<int64_t> RunUpdate(const pb::CommandStatementUpdate& command, SessionMiddleware* client);
  /// Bulk ingest: loads the batches of a DoPut stream into a managed table.
  arrow::Result<int64_t> Ingest(const pb::CommandStatementIngest& command, arrow::flight::FlightMessageReader& reader,
                                SessionMiddleware* client);

  arrow::Result<pb::ActionCreatePreparedStatementResult> Prepare(
      const pb::ActionCreatePreparedStatementRequest& request, SessionMiddleware* client);
  void Close(const pb::ActionClosePreparedStatementRequest& request, SessionMiddleware* client = nullptr);
  /// Binds parameter rows (as sent with DoPut) to a prepared statement.
  arrow::Status Bind(const pb::CommandPreparedStatementQuery& command,
                     const std::vector<std::shared_ptr<arrow::RecordBatch>>& parameters,
                     SessionMiddleware* client = nullptr);
  arrow::Result<PlannedStatement> PlanPrepared(const pb::CommandPreparedStatementQuery& command,
                                               SessionMiddleware* client = nullptr);
  arrow::Result<std::shared_ptr<arrow::Schema>> PreparedSchema(const pb::CommandPreparedStatementQuery& command,
                                                               SessionMiddleware* client = nullptr);
  /// Runs a prepared update once per parameter row sent with it (or once with the
  /// parameters bound earlier when none are sent).
  arrow::Result<int64_t> RunPreparedUpdate(const pb::CommandPreparedStatementUpdate& command,
                                           const std::vector<std::shared_ptr<arrow::RecordBatch>>& parameters,
                                           SessionMiddleware* client = nullptr);

  /// The result stream of a ticket made by PlanQuery or PlanPrepared. The query stops,
  /// and its reads fail with Cancelled, once `client_gone` says true or the ticket is
  /// cancelled; a ticket cancelled before it is redeemed fails with Cancelled at once.
  arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> Redeem(const pb::TicketStatementQuery& ticket,
                                                                  std::function<bool()> client_gone = {},
                                                                  SessionMiddleware* client = nullptr);

  /// Cancels the query of a ticket made by PlanQuery or PlanPrepared: its streams stop
  /// within a poll interval, and redeeming it later fails.
  arrow::Status Cancel(const pb::TicketStatementQuery& ticket);

  const PreparedStatementRegistry& prepared_statements() const { return registry_; }

  /// Transactions begun with ActionBeginTransaction and not yet ended.
  OpenTransactions& transactions() { return transactions_; }

 private:
  /// Plans a statement for the ticket; runs it at once if it returns no rows.
  /// A statement in a transaction gets a ticket that names it.
  /// `plan` is the query's plan when preparing it made one. A query's plan is kept for
  /// its ticket's first fetch.
  arrow::Result<PlannedStatement> Plan(engine::Session& session, engine::PreparedStatement& statement,
                                       std::shared_ptr<arrow::RecordBatch> parameters,
                                       const std::string& transaction_id, SessionMiddleware* client,
                                       std::shared_ptr<engine::PlannedQuery> plan = nullptr);
  /// The query's distributed form when it runs on the cluster, else null. Plans the
  /// query into `*plan` when it has no plan yet and one execution.
  arrow::Result<std::shared_ptr<dist::DistributedQuery>> Distribute(
      engine::Session& session, engine::PreparedStatement& statement,
      const std::shared_ptr<arrow::RecordBatch>& parameters, std::shared_ptr<engine::PlannedQuery>* plan);
  /// A new session, running inside the open transaction `transaction_id` when
  /// `has_transaction` (NotFound if it is not open).
  arrow::Result<std::shared_ptr<engine::Session>> SessionIn(SessionMiddleware* client, bool has_transaction,
                                                            const std::string& transaction_id);
  /// Runs a statement that returns no rows and logs it.
  arrow::Result<int64_t> LoggedUpdate(const std::string& sql, const std::function<arrow::Result<int64_t>()>& run);

  std::shared_ptr<engine::Engine> engine_;
  PreparedStatementRegistry registry_;
  RunningQueries running_;
  PlannedQueries planned_;
  StatementLog log_;
  OpenTransactions transactions_;
};

}  // namespace quiver::flightsql
