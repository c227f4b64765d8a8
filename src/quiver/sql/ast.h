#pragma once

// Quiver's parse tree: what a statement says, before names are resolved. The
// transformer builds it from libpg_query's PostgreSQL parse tree, and the grammar for
// Quiver-only statements builds it directly, so the binder reads one shape.

#include <arrow/type_fwd.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace quiver::sql {

struct QueryNode;

/// The schema a session's temporary tables are named in (PostgreSQL's alias for it):
/// `CREATE TEMP TABLE t` names the table `pg_temp.t`.
inline constexpr const char* kTemporarySchema = "pg_temp";

/// A type as written in SQL: `numeric(12, 2)` is {"numeric", {12, 2}}. Names are
/// normalized (`timestamp with time zone` → "timestamptz", `int4` → "int").
struct TypeName {
  std::string name;
  std::vector<int> modifiers;
  int location = -1;
};

enum class ExprKind {
  kColumnRef,           // names: [qualifier..., column]
  kStar,                // names: [qualifier...] (empty for plain `*`)
  kLiteral,             // value (null value = SQL NULL); untyped_string for 'text' literals
  kParameter,           // parameter_index (1-based)
  kFunction,            // names: function name parts; args; distinct; star (count(*)); named_args
  kOperator,            // op: "+", "-", "*", "/", "%", "=", "<>", "<", "<=", ">", ">=", "||", unary "-"/"+"
  kAnd,                 // args
  kOr,                  // args
  kNot,                 // args[0]
  kIsNull,              // args[0]; negated for IS NOT NULL
  kIsTrue,              // args[0], bool_test: IS [NOT] TRUE/FALSE/UNKNOWN
  kIsDistinct,          // args[0..1]; negated for IS NOT DISTINCT FROM
  kCast,                // args[0], type
  kCase,                // case_operand (optional), args = [when, then, when, then…], case_else
  kInList,              // args[0] IN (args[1..]); negated
  kBetween,             // args: value, low, high; negated
  kLike,                // args: value, pattern; negated; case_insensitive (ILIKE)
  kNullIf,              // args[0..1]
  kCoalesce,            // args
  kGreatest,            // args
  kLeast,               // args
  kSubquery,            // subquery (scalar)
  kExists,              // subquery; negated
  kInSubquery,          // args[0] IN (subquery); negated
  kQuantifiedSubquery,  // args[0] op ANY|ALL (subquery); op, quantifier_all
  kArray,               // ARRAY[args...]
  kSpecialValue,        // names[0]: current_date, current_timestamp, current_user …
  kGrouping,            // grouping(args): which of the args the current grouping set leaves out
};

struct ParsedExpr;
using ParsedExprPtr = std::shared_ptr<ParsedExpr>;
struct OrderItem;

/// One end of a window frame: UNBOUNDED PRECEDING, n PRECEDING, CURRENT ROW,
/// n FOLLOWING, UNBOUNDED FOLLOWING.
struct FrameBound {
  enum Kind { kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing };
  Kind kind = kCurrentRow;
  ParsedExprPtr offset;
};

/// OVER (…) or a WINDOW clause entry.
struct WindowSpec {
  std::string base;  // OVER w / OVER (w …): the named window this one builds on
  std::vector<ParsedExprPtr> partition_by;
  std::vector<std::shared_ptr<OrderItem>> order_by;
  bool has_frame = false;  // a frame clause was written; otherwise SQL's default
  enum Units { kRows, kRange, kGroups } units = kRange;
  FrameBound start{FrameBound::kUnboundedPreceding, nullptr};
  FrameBound end{FrameBound::kCurrentRow, nullptr};
  int location = -1;
};

struct ParsedExpr {
  ExprKind kind;
  int location = -1;  // byte offset in the SQL text, -1 when unknown

  std::vector<std::string> names;
  std::string op;
  std::shared_ptr<arrow::Scalar> value;
  bool untyped_string = false;  // a quoted literal whose type comes from its use
  int parameter_index = 0;
  std::vector<ParsedExprPtr> args;
  std::vector<std::string> arg_names;  // per arg: name in `f(x => 1)`, or empty
  TypeName type;
  bool negated = false;
  bool distinct = false;
  bool star = false;
  bool case_insensitive = false;
  std::string bool_test;               // "true", "false", "unknown" for kIsTrue
  ParsedExprPtr filter;                // kFunction: the aggregate's FILTER (WHERE …) condition
  std::shared_ptr<WindowSpec> window;  // kFunction: OVER (…), for window function calls
  /// kFunction: the sort of an ordered-set aggregate, f(…) WITHIN GROUP (ORDER BY …);
  /// empty when there is no WITHIN GROUP.
  std::vector<std::shared_ptr<OrderItem>> within_group;
  /// kFunction: the order an aggregate sees its values in, f(x ORDER BY …); empty when
  /// none is written.
  std::vector<std::shared_ptr<OrderItem>> aggregate_order;
  bool quantifier_all = false;  // kQuantifiedSubquery: ALL rather than ANY / SOME
  ParsedExprPtr case_operand;
  ParsedExprPtr case_else;
  std::shared_ptr<QueryNode> subquery;

  /// The expression as SQL-like text, for plans and messages.
  std::string ToString() const;
  /// The name PostgreSQL gives an unaliased select-list column: the column's name,
  /// the function's name, the cast type, "case", or "?column?".
  std::string DefaultColumnName() const;
};

struct SelectItem {
  ParsedExprPtr expr;
  std::string alias;  // empty if none
};

struct OrderItem {
  ParsedExprPtr expr;
  bool descending = false;
  std::optional<bool> nulls_first;  // unset: PostgreSQL's default (NULLs sort high)
};

enum class JoinType { kInner, kLeft, kRight, kFull, kCross };

struct TableRef;
using TableRefPtr = std::shared_ptr<TableRef>;

enum class TableRefKind { kNamed, kSubquery, kJoin, kFunction };

struct TableRef {
  TableRefKind kind;
  int location = -1;
  std::string alias;
  std::vector<std::string> column_aliases;

  std::vector<std::string> names;       // kNamed: [schema,] table
  std::shared_ptr<QueryNode> subquery;  // kSubquery
  bool lateral = false;                 // kSubquery, kFunction: LATERAL (may read earlier FROM items)
  ParsedExprPtr function;               // kFunction: a kFunction expression
  bool ordinality = false;              // kFunction: WITH ORDINALITY

  // kJoin
  JoinType join_type = JoinType::kInner;
  TableRefPtr left, right;
  ParsedExprPtr condition;                 // ON …
  std::vector<std::string> using_columns;  // USING (…)
  bool natural = false;
};

struct CommonTableExpr {
  std::string name;
  bool recursive = false;  // in a WITH RECURSIVE list: the query may read its own name
  std::vector<std::string> column_aliases;
  std::shared_ptr<QueryNode> query;
  int location = -1;
};

/// A GROUP BY item that names several grouping sets: GROUPING SETS (…), ROLLUP (…),
/// CUBE (…), or the empty set `()`. A parenthesized list inside one is a kSimple
/// element grouping its expressions together.
struct GroupingSetSpec {
  enum Kind { kEmpty, kSimple, kRollup, kCube, kSets };
  Kind kind = kEmpty;
  std::vector<ParsedExprPtr> exprs;       // kSimple
  std::vector<GroupingSetSpec> elements;  // kRollup, kCube (each kSimple), kSets (any kind)
  int location = -1;
};

enum class QueryKind { kSelect, kSetOperation, kValues };
enum class SetOperator { kUnion, kIntersect, kExcept };

/// A query expression: SELECT, VALUES, or a set operation of two queries, each with
/// its own WITH, ORDER BY and LIMIT/OFFSET.
struct QueryNode {
  QueryKind kind = QueryKind::kSelect;
  std::vector<CommonTableExpr> ctes;

  // kSelect
  bool distinct = false;
  std::vector<SelectItem> select_list;
  std::vector<TableRefPtr> from;  // comma-separated items (cross joined)
  ParsedExprPtr where;
  std::vector<ParsedExprPtr> group_by;  // the plain expressions of GROUP BY
  /// The GROUP BY items that are grouping-set constructs; the query's grouping sets are
  /// the cross product of these with the plain expressions (each a one-element set).
  std::vector<GroupingSetSpec> grouping_sets;
  bool group_by_distinct = false;  // GROUP BY DISTINCT: duplicate grouping sets removed
  ParsedExprPtr having;
  std::vector<std::pair<std::string, WindowSpec>> windows;  // WINDOW name AS (…), …

  // kValues
  std::vector<std::vector<ParsedExprPtr>> values_rows;

  // kSetOperation
  SetOperator set_operator = SetOperator::kUnion;
  bool set_all = false;
  std::shared_ptr<QueryNode> left, right;

  std::vector<OrderItem> order_by;
  ParsedExprPtr limit;
  ParsedExprPtr offset;
};

enum class StatementKind {
  kQuery,
  kExplain,
  kCreateExternalTable,
  kCreateView,
  kDrop,
  kShowTables,
  kDescribe,
  kSet,
  kShowVariable,
  kCreateTable,    // CREATE TABLE t (columns)
  kCreateTableAs,  // CREATE TABLE t AS query
  kInsert,
  kUpdate,
  kDelete,
  kTruncate,
  kAlterTable,
  kCreateSchema,
  kDropSchema,
  kCreateRole,    // CREATE USER / CREATE ROLE
  kAlterRole,     // ALTER USER … PASSWORD
  kDropRole,      // DROP USER / DROP ROLE
  kGrant,         // GRANT / REVOKE privileges ON tables or schemas
  kGrantRole,     // GRANT / REVOKE role TO / FROM users
  kVacuum,        // VACUUM [tables]: deletes managed tables' removed data files
  kCacheTable,    // CACHE TABLE t: scans keep its decoded columns in memory
  kUncacheTable,  // UNCACHE TABLE [IF EXISTS] t
};

struct ColumnDefinition {
  std::string name;
  TypeName type;
  bool not_null = false;  // NOT NULL, or part of the PRIMARY KEY
  int location = 0;
};

/// One `column = value` of UPDATE … SET.
struct Assignment {
  std::string column;
  ParsedExprPtr value;  // null for DEFAULT
  int location = 0;
};

enum class AlterTableAction { kAddColumn, kDropColumn, kRenameColumn, kRenameTable };

struct Statement {
  StatementKind kind;
  int location = 0;  // where the statement starts in the submitted text
  std::string text;  // the statement's own text

  std::shared_ptr<QueryNode> query;  // kQuery, kExplain (query explained), kCreateView

  bool explain_analyze = false;  // kExplain
  bool explain_verbose = false;

  // kCreateExternalTable, kCreateView, kDrop, kDescribe, kCacheTable, kUncacheTable:
  // the object named.
  std::vector<std::string> names;
  bool if_not_exists = false;
  bool or_replace = false;
  bool if_exists = false;
  std::string format;  // kCreateExternalTable: "parquet" | "csv"
  std::string location_path;
  std::map<std::string, std::string> options;
  std::vector<ColumnDefinition> columns;    // declared columns (optional)
  std::vector<std::string> partitioned_by;  // declared partition columns (optional)
  std::vector<std::string> column_aliases;  // kCreateView
  std::string view_query_text;              // kCreateView: the SELECT as written

  bool drop_view = false;  // kDrop: DROP VIEW rather than DROP TABLE
  bool cascade = false;    // kDropSchema

  // kCreateTable: columns holds the definitions; PRIMARY KEY columns, in key order.
  std::vector<std::string> primary_key;

  // kInsert, kUpdate, kDelete, kTruncate, kAlterTable: names is the target table.
  std::vector<std::string> target_columns;           // kInsert: (a, b); empty means all columns
  bool default_values = false;                       // kInsert: DEFAULT VALUES
  bool with_no_data = false;                         // kCreateTableAs: the columns only
  std::string target_alias;                          // kUpdate, kDelete: UPDATE t AS x
  std::vector<Assignment> assignments;               // kUpdate
  ParsedExprPtr where;                               // kUpdate, kDelete (null without WHERE)
  std::vector<std::vector<std::string>> more_names;  // kTruncate, kVacuum: further tables

  /// `names` then `more_names`: every table a TRUNCATE or VACUUM names.
  std::vector<std::vector<std::string>> AllNames() const {
    std::vector<std::vector<std::string>> all = {names};
    all.insert(all.end(), more_names.begin(), more_names.end());
    return all;
  }

  AlterTableAction alter_action = AlterTableAction::kAddColumn;  // kAlterTable
  std::string column_name;                                       // kAlterTable: the column dropped or renamed
  std::string new_name;                                          // kAlterTable: the new column or table name

  // kCreateRole, kAlterRole, kDropRole: names holds the role names (kDropRole may have
  // several); kGrant, kGrantRole: the grantees.
  bool is_user = false;                           // kCreateRole: CREATE USER (may log in) rather than CREATE ROLE
  std::string password;                           // kCreateRole, kAlterRole
  bool superuser = false;                         // kCreateRole
  bool is_grant = true;                           // kGrant, kGrantRole: GRANT rather than REVOKE
  std::vector<std::string> privileges;            // kGrant (ALL expanded later)
  bool on_schema = false;                         // kGrant: ON SCHEMA s / ON ALL TABLES IN SCHEMA s
  std::vector<std::vector<std::string>> objects;  // kGrant: tables or schemas
  std::vector<std::string> granted_roles;         // kGrantRole

  std::string variable;  // kSet, kShowVariable
  std::string value;     // kSet (empty for RESET)
};

}  // namespace quiver::sql
