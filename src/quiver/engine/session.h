#pragma once

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quiver/engine/planned_query.h"
#include "quiver/engine/principal.h"
#include "quiver/engine/statement_result.h"

namespace quiver::plan {
struct BindContext;
}  // namespace quiver::plan

namespace quiver::engine {

class Engine;
class SessionState;
class StatementRunner;
class TableAccess;
class Transaction;

/// Values bound to a statement's placeholders, in placeholder order ($1, $2 …).
using ParameterValues = std::vector<std::shared_ptr<arrow::Scalar>>;

/// A statement parsed and bound once, to be run many times with different
/// parameters. Its schemas are known without running it.
class PreparedStatement {
 public:
  virtual ~PreparedStatement() = default;

  virtual const std::string& sql() const = 0;
  /// True for statements that return rows (SELECT, VALUES, SHOW, DESCRIBE, EXPLAIN).
  virtual bool is_query() const = 0;
  /// The result's schema; for non-queries an empty schema.
  virtual std::shared_ptr<arrow::Schema> dataset_schema() const = 0;
  /// One field per placeholder ($1 is field 0), typed as inferred from its use;
  /// null-typed where the statement gives no hint.
  virtual std::shared_ptr<arrow::Schema> parameter_schema() const = 0;

  virtual arrow::Result<StatementResult> Execute(const ParameterValues& parameters) = 0;

  /// The plan preparing made, handed over once (then null): a query without
  /// placeholders prepared to run right away need not be planned again. A statement
  /// prepared to be run later should be planned when it runs, against the data then.
  virtual std::shared_ptr<PlannedQuery> TakePlan() = 0;
};

/// One client's conversation with the engine: holds its settings. Errors are
/// arrow::Status values whose codes map onto Flight's: Invalid for SQL mistakes
/// (the message ends with "at line L, column C" where a position is known),
/// KeyError for unknown objects, IOError for unreadable files.
class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(std::shared_ptr<Engine> engine);

  /// Parses, plans and runs one SQL statement. DDL and other non-queries have
  /// completed when this returns; queries return a stream that runs as it is read.
  arrow::Result<StatementResult> Execute(std::string_view sql, const ParameterValues& parameters = {});

  /// Parses and binds one SQL statement without running it. Placeholders may be
  /// written `$1` or `?`.
  arrow::Result<std::shared_ptr<PreparedStatement>> Prepare(std::string_view sql);

  /// The schema `sql`'s result would have with these parameter values (their types can
  /// change the result's column types), worked out without running anything.
  arrow::Result<std::shared_ptr<arrow::Schema>> ResultSchema(std::string_view sql, const ParameterValues& parameters);

  /// Starts a query planned earlier (PreparedStatement::TakePlan).
  arrow::Result<StatementResult> ExecutePlanned(const PlannedQuery& planned);

  /// Plans `sql` with these parameter values without running it; null for a statement
  /// that is not a query.
  arrow::Result<std::shared_ptr<PlannedQuery>> PlanQuery(std::string_view sql, const ParameterValues& parameters);

  /// Cuts a planned query into stages over the engine's cluster and places its tasks,
  /// if the execution_mode setting and the query's size say it should run distributed;
  /// null when it runs here alone (no cluster, a small query, temporary tables). Nothing
  /// runs until a final task's ticket is fetched.
  arrow::Result<std::shared_ptr<dist::DistributedQuery>> Distribute(const PlannedQuery& planned);

  /// Session settings changed with SET.
  const std::map<std::string, std::string>& settings() const { return settings_; }

  /// Keeps the session's settings and temporary tables in `shared`, a client's state
  /// that outlives this session: settings are read before each statement and written
  /// back after it. Without it the session keeps its own.
  void share_state(std::shared_ptr<SessionState> shared);
  /// The session's settings and temporary tables.
  const std::shared_ptr<SessionState>& state() const { return state_; }

  Engine& engine() { return *engine_; }

  /// Runs the session's statements inside `transaction` (null: each statement commits
  /// on its own).
  void set_transaction(std::shared_ptr<Transaction> transaction) { transaction_ = std::move(transaction); }
  /// Who runs the session's statements; unrestricted by default (no users configured).
  void set_principal(Principal principal) { principal_ = std::move(principal); }
  const Principal& principal() const { return principal_; }

  /// The transaction's access to managed tables, or autocommit.
  TableAccess& access();

  /// Asked while the session's queries wait for their plans; when it says true the
  /// query is stopped and its read fails with Cancelled (exec::StartPlan). The Flight
  /// server sets it to whether the request's client has gone away.
  void set_interrupt_check(std::function<bool()> interrupted) { interrupted_ = std::move(interrupted); }

 private:
  friend class SessionStatement;
  /// A statement runner over the session's catalog, settings (as its state has them
  /// now), state, transaction and user.
  StatementRunner NewRunner(std::function<bool()> interrupted = {});
  /// Parses, binds and plans one statement without running it; `context` keeps what
  /// binding learnt (the placeholders' types).
  arrow::Result<StatementResult> Describe(std::string_view sql, const ParameterValues* parameters,
                                          plan::BindContext& context);

  std::shared_ptr<Engine> engine_;
  std::map<std::string, std::string> settings_;
  std::function<bool()> interrupted_;
  std::shared_ptr<Transaction> transaction_;
  std::shared_ptr<SessionState> state_;
  Principal principal_;
};

}  // namespace quiver::engine
