#pragma once

#include <arrow/result.h>

#include <optional>
#include <string_view>

#include "quiver/plan/bind_context.h"
#include "quiver/plan/bind_scope.h"
#include "quiver/plan/bound_expression.h"
#include "quiver/sql/ast.h"

namespace quiver::plan {

/// What the expression binder asks of the query it binds for, when expressions are
/// evaluated after grouping (select list, HAVING and ORDER BY of a grouped query).
class AggregateResolver {
 public:
  virtual ~AggregateResolver() = default;
  /// Binds an aggregate call (count, sum …) and returns a reference to its result.
  virtual arrow::Result<BoundExpression> BindAggregate(const sql::ParsedExpr& call) = 0;
  /// Binds grouping(args): a reference to a column holding, per grouping set, the bit
  /// mask of the arguments the set leaves out (the first argument the highest bit).
  virtual arrow::Result<BoundExpression> BindGrouping(const sql::ParsedExpr& call) = 0;
  /// If `expr` is one of the GROUP BY expressions, a reference to that group key.
  virtual arrow::Result<std::optional<BoundExpression>> MatchGroupKey(const sql::ParsedExpr& expr) = 0;
  /// The columns after grouping, which references returned above point into.
  virtual std::shared_ptr<arrow::Schema> GroupedSchema() const = 0;
};

/// True if `name` is an aggregate function Quiver knows (count, sum, avg, min, max …).
bool IsAggregateFunction(const std::vector<std::string>& names);
class ExpressionBinder;

/// What the expression binder asks of the query it binds for when an expression holds
/// a subquery: (SELECT …), EXISTS (…), x IN (SELECT …). The resolver plans the subquery
/// as a join onto the query's input and returns an expression over the columns that
/// join adds (ExtraFields).
class SubqueryResolver {
 public:
  virtual ~SubqueryResolver() = default;
  virtual arrow::Result<BoundExpression> BindSubquery(const sql::ParsedExpr& expr, ExpressionBinder& binder) = 0;
  virtual arrow::FieldVector ExtraFields() const = 0;
};

/// What the expression binder asks of the query it binds for when it meets a window
/// function call (f(…) OVER (…)), which is computed after grouping.
class WindowResolver {
 public:
  virtual ~WindowResolver() = default;
  virtual arrow::Result<BoundExpression> BindWindow(const sql::ParsedExpr& call, ExpressionBinder& binder) = 0;
  virtual arrow::FieldVector ExtraFields() const = 0;
};

/// True if the expression contains a window function call (outside subqueries).
bool ContainsWindow(const sql::ParsedExpr& expr);

/// The first aggregate call or grouping() in the expression (outside subqueries), or
/// null.
const sql::ParsedExpr* FindAggregate(const sql::ParsedExpr& expr);
inline bool ContainsAggregate(const sql::ParsedExpr& expr) { return FindAggregate(expr) != nullptr; }
/// "aggregate functions are not allowed in <clause>" for what FindAggregate found
/// ("grouping operations …" for grouping()), with its position.
arrow::Status AggregateNotAllowed(std::string_view sql, const sql::ParsedExpr& found, const std::string& clause);

/// Binds parsed expressions: resolves column names in a scope, checks and converts
/// types with PostgreSQL's rules, and builds Arrow compute expressions.
class ExpressionBinder {
 public:
  /// `clause` names where the expression stands ("WHERE", "JOIN conditions" …) for
  /// messages such as "aggregate functions are not allowed in WHERE".
  ExpressionBinder(BindContext& context, const BindScope& scope, std::string clause,
                   AggregateResolver* aggregates = nullptr)
      : context_(context), scope_(scope), clause_(std::move(clause)), aggregates_(aggregates) {}

  arrow::Result<BoundExpression> Bind(const sql::ParsedExpr& expr);
  /// Binds a condition: the result must be boolean (an untyped literal becomes one).
  arrow::Result<BoundExpression> BindCondition(const sql::ParsedExpr& expr);

  /// Converts to `type` as CAST does (rounding where PostgreSQL rounds). Literals are
  /// converted now, so a bad literal is reported at its position.
  arrow::Result<BoundExpression> CastTo(BoundExpression value, const std::shared_ptr<arrow::DataType>& type,
                                        int location);
  /// Converts all values to their common type (CASE, COALESCE, IN, comparisons).
  arrow::Status Unify(std::vector<BoundExpression>* values, int location, const char* what);

  /// Builds `name(args)` with Arrow's kernel for it, reporting a missing kernel as a
  /// SQL-level "function/operator does not exist" error at `location`.
  arrow::Result<BoundExpression> Call(const std::string& function, std::vector<BoundExpression> args,
                                      std::shared_ptr<arrow::compute::FunctionOptions> options,
                                      const std::string& display_name, int location);

  /// Binds an expression built from Arrow calls (by a resolver) against the columns
  /// this binder sees, including those resolvers add.
  arrow::Result<BoundExpression> BindBuilt(const arrow::compute::Expression& expr, int location);

  BindContext& context() { return context_; }
  void set_subquery_resolver(SubqueryResolver* resolver) { subqueries_ = resolver; }
  void set_window_resolver(WindowResolver* resolver) { windows_ = resolver; }

 private:
  std::shared_ptr<arrow::Schema> CurrentSchema() const;
  arrow::Result<BoundExpression> BindColumn(const sql::ParsedExpr& expr);
  arrow::Result<BoundExpression> BindLiteral(const sql::ParsedExpr& expr);
  arrow::Result<BoundExpression> BindParameter(const sql::ParsedExpr& expr);
  arrow::Result<BoundExpression> BindOperator(const sql::ParsedExpr& expr);
  arrow::Result<BoundExpression> BindArithmetic(const std::string& op, BoundExpression left, BoundExpression right,
                                                int location);
  arrow::Result<BoundExpression> BindComparison(const std::string& op, BoundExpression left, BoundExpression right,
                                                int location);
  /// An integer as an exact decimal with enough digits (decimal arithmetic needs both
  /// sides decimal).
  arrow::Result<BoundExpression> ToDecimal(BoundExpression value, int location);
  arrow::Result<BoundExpression> BindBoolean(const sql::ParsedExpr& expr);
  arrow::Result<BoundExpression> BindCase(const sql::ParsedExpr& expr);
  arrow::Result<BoundExpression> BindInList(const sql::ParsedExpr& expr);
  arrow::Result<BoundExpression> BindLike(const sql::ParsedExpr& expr);
  arrow::Result<BoundExpression> BindFunction(const sql::ParsedExpr& expr);
  arrow::Result<BoundExpression> BindSpecialValue(const sql::ParsedExpr& expr);
  arrow::Result<BoundExpression> BindArray(const sql::ParsedExpr& expr);
  arrow::Result<std::vector<BoundExpression>> BindAll(const std::vector<sql::ParsedExprPtr>& exprs);

  BindContext& context_;
  const BindScope& scope_;
  std::string clause_;
  AggregateResolver* aggregates_;
  SubqueryResolver* subqueries_ = nullptr;
  WindowResolver* windows_ = nullptr;
};

/// A literal's value, if `expr` is a literal.
std::shared_ptr<arrow::Scalar> LiteralValue(const BoundExpression& expr);
BoundExpression MakeLiteral(std::shared_ptr<arrow::Scalar> value);

}  // namespace quiver::plan
