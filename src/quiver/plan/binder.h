#pragma once

#include <arrow/result.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "quiver/catalog/catalog.h"
#include "quiver/plan/bind_context.h"
#include "quiver/plan/bind_scope.h"
#include "quiver/plan/logical_plan.h"
#include "quiver/sql/ast.h"

namespace quiver::plan {

/// A bound query: its plan, and its output columns (SQL names → plan columns).
struct BoundQuery {
  LogicalPlanPtr plan;
  BindScope scope;
};

/// A subquery bound for decorrelation: its plan, and the conditions that tie it to the
/// outer query (conjuncts of its WHERE clause that read outer columns), rewritten over
/// the outer columns and the plan's output columns (by name).
struct CorrelatedSubquery {
  BoundQuery query;
  std::vector<cp::Expression> correlation;
  /// LATERAL only: select-list columns that read outer columns, computed after the
  /// join (output field → expression over the outer columns and the plan's columns).
  std::vector<std::pair<std::string, cp::Expression>> deferred;
  /// The correlation's equalities also match NULL with NULL: the subquery was
  /// decorrelated through the domain of the outer values (correlation_domain.h), where
  /// a NULL outer value is a value like any other.
  bool null_safe = false;
};

/// Whether a FROM item calls a set-returning function (generate_series, unnest).
bool IsSetFunction(const sql::TableRef& ref);

/// Resolves a query's names against the catalog and turns it into a logical plan.
/// One binder binds one statement.
class Binder {
 public:
  Binder(BindContext& context, const catalog::Catalog& catalog) : context_(context), catalog_(catalog) {}

  /// Binds a query; the plan's root renames its columns to the user-visible names.
  arrow::Result<LogicalPlanPtr> BindStatementQuery(const sql::QueryNode& query);

  arrow::Result<BoundQuery> BindQuery(const sql::QueryNode& query);

  /// The rows an INSERT adds to a table with columns `table`, as a plan with exactly
  /// those columns, in order and of their types: the source's values converted as
  /// PostgreSQL's assignment does (an untyped literal or parameter takes the column's
  /// type), NULL for columns the statement leaves out (insert_binder.cc).
  arrow::Result<LogicalPlanPtr> BindInsertRows(const sql::Statement& insert, const arrow::Schema& table,
                                               const std::string& table_name);

  /// Binds a subquery whose WHERE clause may read the columns of `outer`. Columns the
  /// correlation conditions read are kept in the plan's output (as GROUP BY keys when
  /// the subquery aggregates), so the caller can join on them.
  ///
  /// Grouping by the inner columns gives each outer row exactly its own rows only when
  /// the correlation is made of equalities (inner column = outer expression). Given
  /// `outer_rows` (a plan whose columns include the outer scope's), any other
  /// correlation is decorrelated through the domain of the outer values instead, and
  /// the result's correlation is then equalities over the outer columns (null_safe).
  arrow::Result<CorrelatedSubquery> BindSubquery(const sql::QueryNode& query, const BindScope& outer,
                                                 const LogicalPlanPtr& outer_rows = nullptr);
  /// Binds a LATERAL subquery as BindSubquery does, and also lets its select list read
  /// outer columns (CorrelatedSubquery::deferred) and its LIMIT / OFFSET apply per
  /// correlation key.
  arrow::Result<CorrelatedSubquery> BindLateralSubquery(const sql::QueryNode& query, const BindScope& outer,
                                                        const LogicalPlanPtr& outer_rows);

 private:
  /// What BindSubquery asks of the subquery's own SELECT (not of queries nested in it).
  struct CorrelationRequest {
    const BindScope* outer = nullptr;
    LogicalPlanPtr outer_rows;  // null: equality correlations only
    bool lateral = false;       // the select list may read outer columns
    CorrelatedSubquery* out = nullptr;
  };

  /// The two above: a correlated subquery, with deferred select items when `lateral`.
  arrow::Result<CorrelatedSubquery> BindCorrelated(const sql::QueryNode& query, const BindScope& outer,
                                                   const LogicalPlanPtr& outer_rows, bool lateral);
  arrow::Result<BoundQuery> BindQueryBody(const sql::QueryNode& query);
  arrow::Result<BoundQuery> BindSelect(const sql::QueryNode& query);
  arrow::Result<BoundQuery> BindValues(const sql::QueryNode& query);
  arrow::Result<BoundQuery> BindSetOperation(const sql::QueryNode& query);
  arrow::Result<BoundQuery> BindFrom(const std::vector<sql::TableRefPtr>& from);
  arrow::Result<BoundQuery> BindTableRef(const sql::TableRef& ref);
  arrow::Result<BoundQuery> BindNamedTable(const sql::TableRef& ref);
  arrow::Result<BoundQuery> BindTableFunction(const sql::TableRef& ref);
  arrow::Result<BoundQuery> BindJoin(const sql::TableRef& ref);
  /// `left` joined with the LATERAL subquery `right` (lateral_binder.cc).
  arrow::Result<BoundQuery> BindLateralJoin(BoundQuery left, const sql::TableRef& right, sql::JoinType type,
                                            const sql::ParsedExpr* condition);
  /// `left` joined with a set-returning function call in FROM, which may read left's
  /// columns (set_function_binder.cc).
  arrow::Result<BoundQuery> BindSetFunction(BoundQuery left, const sql::TableRef& ref, sql::JoinType type,
                                            const sql::ParsedExpr* condition);
  /// A reference to a WITH RECURSIVE query that reads itself: binds and registers it
  /// the first time (recursive_cte_binder.cc), then reads its materialized rows; inside
  /// its own recursive term, reads the working table.
  arrow::Result<BoundQuery> BindRecursiveCte(const sql::CommonTableExpr& cte, int location);
  /// A reference to a statement-level WITH query named more than once: binds and
  /// registers it the first time, to be computed once before the statement (as
  /// PostgreSQL materializes such queries), then reads its rows.
  arrow::Result<BoundQuery> BindSharedCte(const sql::CommonTableExpr& cte);
  BoundQuery MaterializedLeaf(const std::shared_ptr<MaterializedTable>& slot, const std::string& table_name,
                              bool working_table);
  arrow::Result<BoundQuery> BindFileTable(std::shared_ptr<storage::FileTable> table, const std::string& name);
  arrow::Result<BoundQuery> BindOrderAndLimit(BoundQuery input, const sql::QueryNode& query,
                                              const std::vector<sql::OrderItem>& order_by);
  /// Keeps the rows of `plan` that a LIMIT / OFFSET of `query` keeps, per value of
  /// `keys`, in `order`.
  arrow::Result<LogicalPlanPtr> LimitPerKey(LogicalPlanPtr plan, const std::vector<std::string>& keys,
                                            const std::vector<cp::SortKey>& order, const sql::QueryNode& query);
  /// The query's LIMIT count (none when absent or NULL) and OFFSET (0 when absent).
  arrow::Result<std::pair<std::optional<int64_t>, int64_t>> BindLimitAndOffset(const sql::QueryNode& query);
  arrow::Result<std::optional<int64_t>> BindConstantInteger(const sql::ParsedExpr& expr, const char* clause);

  /// Gives the scope's columns a table name and optional column aliases.
  arrow::Status ApplyAlias(BoundQuery* query, const std::string& alias, const std::vector<std::string>& columns,
                           int location);

  BindContext& context_;
  const catalog::Catalog& catalog_;
  /// WITH definitions visible at each nesting level, innermost last; each with its
  /// position in its WITH list (a definition sees only those before it).
  std::vector<std::map<std::string, std::pair<const sql::CommonTableExpr*, size_t>>> ctes_;
  int view_depth_ = 0;
  /// Expression subqueries and nullable sides of outer joins being bound, around the
  /// current point (a recursive reference may stand in neither).
  int expression_subquery_depth_ = 0;
  int nullable_join_side_depth_ = 0;
  struct RecursiveCteState {
    std::shared_ptr<sql::QueryNode> query;  // keeps the key's address from being reused
    std::shared_ptr<RecursiveCtePlan> plan;
    std::vector<std::string> column_names;
    bool binding_recursive_term = false;
    int references = 0;
    int subquery_depth = 0;
    int nullable_depth = 0;
  };
  std::map<const sql::QueryNode*, RecursiveCteState> recursive_ctes_;
  /// Statement-level WITH queries named more than once, and their plans once bound.
  std::map<const sql::CommonTableExpr*, std::shared_ptr<RecursiveCtePlan>> shared_ctes_;
  /// Set by BindSubquery for the subquery's own SELECT (not for queries nested in it).
  std::optional<CorrelationRequest> correlation_;
};

}  // namespace quiver::plan
