#pragma once

#include <arrow/result.h>

#include <map>
#include <optional>
#include <string>

#include "quiver/catalog/catalog.h"
#include "quiver/engine/planned_query.h"
#include "quiver/engine/principal.h"
#include "quiver/engine/session.h"
#include "quiver/engine/session_state.h"
#include "quiver/engine/table_access.h"
#include "quiver/exec/executor.h"
#include "quiver/plan/bind_context.h"
#include "quiver/sql/ast.h"

namespace quiver::lake {
class DataFileWriter;
}

namespace quiver::dist {
class Cluster;
struct DistributedQuery;
}  // namespace quiver::dist

namespace quiver::exec {
class MeasuredQueryPool;
}

namespace quiver::engine {

struct QualifiedName {
  std::string schema;
  std::string name;
};

/// The statement's plan, optimized; the recursive WITH queries it reads (in
/// context.recursive_ctes) are optimized too.
arrow::Result<plan::LogicalPlanPtr> PlanQuery(const sql::QueryNode& query, plan::BindContext& context,
                                              const catalog::Catalog& catalog);

/// Runs one parsed statement for a session: binds and starts queries, carries out
/// DDL against the catalog, answers SHOW / DESCRIBE / EXPLAIN, records SET.
class StatementRunner {
 public:
  /// `interrupted` lets the one reading a query's result stop it (see exec::StartPlan).
  /// `access` decides which version of managed tables statements read and whether
  /// their changes commit at once or join a transaction.
  StatementRunner(catalog::Catalog& catalog, std::map<std::string, std::string>& settings, TableAccess& access,
                  exec::InterruptCheck interrupted = {})
      : catalog_(catalog), settings_(settings), access_(access), interrupted_(std::move(interrupted)) {}

  /// Checks every statement against `access`'s grants for `principal` (without this,
  /// statements run unchecked, as for a server without users).
  void set_access_control(catalog::AccessControl& access, Principal principal) {
    access_control_ = &access;
    authorizer_.emplace(access, std::move(principal));
  }

  /// Lets statements use the session's temporary tables (kept in `state`); without it
  /// temporary tables are refused.
  void set_session_state(SessionState* state) { state_ = state; }

  /// Lets queries run distributed on `cluster`, as the execution_mode setting says.
  void set_cluster(dist::Cluster* cluster) { cluster_ = cluster; }

  /// The distributed form of a planned query when it is to run distributed (by the
  /// execution_mode setting and its size), else null. The plan's WITH queries are
  /// computed first, here.
  arrow::Result<std::shared_ptr<dist::DistributedQuery>> Distribute(const PlannedQuery& planned);

  /// `parameters` is null when only the result's schema is wanted (preparing): then
  /// nothing is run or changed, and parameter types are inferred into `context`.
  arrow::Result<StatementResult> Run(const sql::Statement& statement, plan::BindContext& context, bool describe_only);

  /// Starts a query planned earlier (StatementResult::planned of a described query).
  arrow::Result<StatementResult> RunPlanned(const PlannedQuery& planned);

 private:
  arrow::Result<StatementResult> RunQuery(const sql::Statement& statement, plan::BindContext& context,
                                          bool describe_only);
  arrow::Result<StatementResult> RunExplain(const sql::Statement& statement, plan::BindContext& context);
  /// Whether `planned` is to run across the cluster: by the execution_mode setting, the
  /// bytes it reads, and whether it reads what only this node has.
  arrow::Result<bool> ShouldDistribute(const PlannedQuery& planned) const;
  /// EXPLAIN's account of a query that would run across the cluster: its stages, their
  /// tasks and the workers they are placed on.
  arrow::Status ExplainDistribution(const plan::LogicalPlanPtr& plan, const plan::BindContext& context,
                                    std::vector<std::vector<std::string>>* rows) const;
  /// Cuts `plan` into stages placed on the cluster's workers (no task starts yet); with
  /// `analyze`, its tasks measure themselves for EXPLAIN ANALYZE.
  arrow::Result<dist::DistributedQuery> PlaceOnCluster(const plan::LogicalPlanPtr& plan, bool analyze = false) const;
  /// Computes the WITH queries the plan reads as tables (recursive ones, and those named
  /// more than once) before the plan runs. With `cluster_allowed`, one that is not
  /// recursive runs across the cluster when it would as a query of its own.
  arrow::Status MaterializeWithQueries(const std::vector<std::shared_ptr<plan::RecursiveCtePlan>>& with_queries,
                                       bool cluster_allowed = false);
  /// Computes a WITH query that is not recursive across the cluster: its rows come back
  /// here, and travel to the workers with the plans that read them.
  arrow::Status MaterializeOnCluster(const plan::RecursiveCtePlan& with_query);
  arrow::Result<StatementResult> RunCreateExternalTable(const sql::Statement& statement);
  arrow::Result<StatementResult> RunCreateView(const sql::Statement& statement, plan::BindContext& context,
                                               bool describe_only);
  arrow::Result<StatementResult> RunDrop(const sql::Statement& statement);
  arrow::Result<StatementResult> RunShowTables();
  arrow::Result<StatementResult> RunDescribe(const sql::Statement& statement);
  arrow::Result<StatementResult> RunSet(const sql::Statement& statement, bool describe_only);
  arrow::Result<StatementResult> RunShowVariable(const sql::Statement& statement);
  /// CACHE TABLE and UNCACHE TABLE (cache_statements.cc).
  arrow::Result<StatementResult> RunCacheTable(const sql::Statement& statement);

  // Managed tables: definitions (managed_table_statements.cc).
  arrow::Result<StatementResult> RunCreateTable(const sql::Statement& statement);
  arrow::Result<StatementResult> RunCreateTableAs(const sql::Statement& statement, plan::BindContext& context,
                                                  bool describe_only);
  arrow::Result<StatementResult> RunTruncate(const sql::Statement& statement);
  arrow::Result<StatementResult> RunAlterTable(const sql::Statement& statement, plan::BindContext& context);
  arrow::Result<StatementResult> RunCreateSchema(const sql::Statement& statement);
  arrow::Result<StatementResult> RunDropSchema(const sql::Statement& statement);
  /// Reports the data files deleted as the rows affected.
  arrow::Result<StatementResult> RunVacuum(const sql::Statement& statement);
  // Managed tables: rows (row_statements.cc).
  arrow::Result<StatementResult> RunInsert(const sql::Statement& statement, plan::BindContext& context,
                                           bool describe_only);
  /// UPDATE and DELETE.
  arrow::Result<StatementResult> RunRowChange(const sql::Statement& statement, plan::BindContext& context,
                                              bool describe_only);

  /// The catalog entry of a managed table a statement changes; Invalid naming the
  /// statement for views and tables over files.
  arrow::Result<std::shared_ptr<const catalog::TableEntry>> ManagedTableEntry(const QualifiedName& name,
                                                                              const char* statement) const;
  // Users, roles and privileges (access_statements.cc).
  arrow::Result<StatementResult> RunCreateRole(const sql::Statement& statement);
  arrow::Result<StatementResult> RunAlterRole(const sql::Statement& statement);
  arrow::Result<StatementResult> RunDropRole(const sql::Statement& statement);
  arrow::Result<StatementResult> RunGrant(const sql::Statement& statement);
  arrow::Result<StatementResult> RunGrantRole(const sql::Statement& statement);
  /// The privileges a statement needs on the objects it names (tables it only reads
  /// are checked while binding, through BindContext::check_table_read).
  arrow::Status Authorize(const sql::Statement& statement) const;
  arrow::Status Require(catalog::Privilege privilege, const QualifiedName& name, bool on_schema) const;
  /// Gives the statement's user its owner's privileges on an object it created.
  arrow::Status RecordCreator(const QualifiedName& name) const;
  /// Grants on a dropped object (a schema when `name.name` is empty) are forgotten;
  /// on a renamed one they follow it.
  arrow::Status ForgetGrants(const QualifiedName& name) const;
  arrow::Status MoveGrants(const QualifiedName& name, const std::string& new_name) const;
  /// The query's own memory pool, limited, when the session sets memory_limit (null
  /// otherwise: the query draws on the server's budget alone).
  arrow::Result<std::shared_ptr<exec::MeasuredQueryPool>> SessionQueryPool() const;
  /// Lets the statement read the table at `location` without SELECT on it.
  static void ExemptFromReadCheck(plan::BindContext& context, const std::string& location);

  /// A schema-qualified name; the schema must exist. An unqualified name is the
  /// session's temporary table of that name if there is one.
  arrow::Result<QualifiedName> ResolveName(const std::vector<std::string>& names) const;
  /// The catalog holding `name`: the session's temporary tables for sql::kTemporarySchema.
  catalog::Catalog& CatalogOf(const QualifiedName& name) const;
  /// Runs `plan` to its end, writing every row into `writer`.
  arrow::Status WriteRows(const plan::LogicalPlanPtr& plan,
                          const std::vector<std::shared_ptr<plan::RecursiveCtePlan>>& with_queries,
                          lake::DataFileWriter& writer);

  catalog::Catalog& catalog_;
  SessionState* state_ = nullptr;
  dist::Cluster* cluster_ = nullptr;
  std::map<std::string, std::string>& settings_;
  TableAccess& access_;
  exec::InterruptCheck interrupted_;
  catalog::AccessControl* access_control_ = nullptr;
  std::optional<Authorizer> authorizer_;
};

}  // namespace quiver::engine
