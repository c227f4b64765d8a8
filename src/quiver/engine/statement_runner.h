#pragma once

#include <arrow/result.h>

#include <map>
#include <string>

#include "quiver/catalog/catalog.h"
#include "quiver/engine/planned_query.h"
#include "quiver/engine/session.h"
#include "quiver/exec/executor.h"
#include "quiver/plan/bind_context.h"
#include "quiver/sql/ast.h"

namespace quiver::engine {

/// Runs one parsed statement for a session: binds and starts queries, carries out
/// DDL against the catalog, answers SHOW / DESCRIBE / EXPLAIN, records SET.
class StatementRunner {
 public:
  /// `interrupted` lets the one reading a query's result stop it (see exec::StartPlan).
  StatementRunner(catalog::Catalog& catalog, std::map<std::string, std::string>& settings,
                  exec::InterruptCheck interrupted = {})
      : catalog_(catalog), settings_(settings), interrupted_(std::move(interrupted)) {}

  /// `parameters` is null when only the result's schema is wanted (preparing): then
  /// nothing is run or changed, and parameter types are inferred into `context`.
  arrow::Result<StatementResult> Run(const sql::Statement& statement, plan::BindContext& context, bool describe_only);

  /// Starts a query planned earlier (StatementResult::planned of a described query).
  arrow::Result<StatementResult> RunPlanned(const PlannedQuery& planned);

 private:
  arrow::Result<StatementResult> RunQuery(const sql::Statement& statement, plan::BindContext& context,
                                          bool describe_only);
  arrow::Result<StatementResult> RunExplain(const sql::Statement& statement, plan::BindContext& context);
  /// Computes the WITH queries the plan reads as tables (recursive ones, and those named
  /// more than once) before the plan runs.
  arrow::Status MaterializeWithQueries(const std::vector<std::shared_ptr<plan::RecursiveCtePlan>>& with_queries);
  arrow::Result<StatementResult> RunCreateExternalTable(const sql::Statement& statement);
  arrow::Result<StatementResult> RunCreateView(const sql::Statement& statement, plan::BindContext& context,
                                               bool describe_only);
  arrow::Result<StatementResult> RunDrop(const sql::Statement& statement);
  arrow::Result<StatementResult> RunShowTables();
  arrow::Result<StatementResult> RunDescribe(const sql::Statement& statement);
  arrow::Result<StatementResult> RunSet(const sql::Statement& statement, bool describe_only);
  arrow::Result<StatementResult> RunShowVariable(const sql::Statement& statement);

  catalog::Catalog& catalog_;
  std::map<std::string, std::string>& settings_;
  exec::InterruptCheck interrupted_;
};

}  // namespace quiver::engine
