#pragma once

#include <arrow/result.h>

#include <string_view>

#include "pg_query/pg_query.pb.h"
#include "quiver/sql/ast.h"

namespace quiver::sql {

/// Turns one statement of libpg_query's PostgreSQL parse tree into Quiver's AST.
/// Constructs Quiver does not support are refused here with a message naming them and
/// their position, so later layers only see what they handle.
class Transformer {
 public:
  /// `text` is the statement text the parse tree's locations refer to.
  explicit Transformer(std::string_view text) : text_(text) {}

  arrow::Result<Statement> TransformStatement(const pg_query::Node& node);

 private:
  arrow::Result<std::shared_ptr<QueryNode>> TransformQuery(const pg_query::Node& node);
  arrow::Result<std::shared_ptr<QueryNode>> TransformSelect(const pg_query::SelectStmt& select);
  arrow::Result<GroupingSetSpec> TransformGroupingSet(const pg_query::GroupingSet& set);
  arrow::Result<std::vector<CommonTableExpr>> TransformWith(const pg_query::WithClause& with);
  arrow::Result<TableRefPtr> TransformTableRef(const pg_query::Node& node);
  arrow::Result<ParsedExprPtr> TransformExpr(const pg_query::Node& node);
  arrow::Result<std::vector<ParsedExprPtr>> TransformExprList(
      const google::protobuf::RepeatedPtrField<pg_query::Node>& nodes);
  arrow::Result<ParsedExprPtr> TransformAExpr(const pg_query::A_Expr& expr);
  arrow::Result<ParsedExprPtr> TransformFuncCall(const pg_query::FuncCall& call);
  /// x op ANY / ALL (ARRAY[…]), rewritten to IN, NOT IN, or a chain of comparisons.
  arrow::Result<ParsedExprPtr> TransformQuantifiedArray(const pg_query::A_Expr& a_expr, const std::string& op);
  arrow::Result<WindowSpec> TransformWindow(const pg_query::WindowDef& window, bool is_definition);
  arrow::Result<std::vector<OrderItem>> TransformSortClause(
      const google::protobuf::RepeatedPtrField<pg_query::Node>& sort);
  arrow::Result<ParsedExprPtr> TransformConstant(const pg_query::A_Const& constant);
  arrow::Result<ParsedExprPtr> TransformSubLink(const pg_query::SubLink& link);
  arrow::Result<TypeName> TransformTypeName(const pg_query::TypeName& type);
  arrow::Result<Statement> TransformDrop(const pg_query::DropStmt& drop);
  arrow::Result<Statement> TransformExplain(const pg_query::ExplainStmt& explain);
  arrow::Result<Statement> TransformCreateView(const pg_query::ViewStmt& view);
  arrow::Result<Statement> TransformSet(const pg_query::VariableSetStmt& set);
  // Statements that create and change managed tables (transformer_tables.cc).
  /// The names of a table or view CREATE makes: a temporary one is named in kTemporarySchema.
  arrow::Result<std::vector<std::string>> CreatedTableNames(const pg_query::RangeVar& var);
  arrow::Result<Statement> TransformCreateTable(const pg_query::CreateStmt& create);
  arrow::Result<Statement> TransformCreateTableAs(const pg_query::CreateTableAsStmt& create);
  arrow::Result<Statement> TransformInsert(const pg_query::InsertStmt& insert);
  arrow::Result<Statement> TransformVacuum(const pg_query::VacuumStmt& vacuum);
  arrow::Result<Statement> TransformUpdate(const pg_query::UpdateStmt& update);
  arrow::Result<Statement> TransformDelete(const pg_query::DeleteStmt& del);
  arrow::Result<Statement> TransformTruncate(const pg_query::TruncateStmt& truncate);
  arrow::Result<Statement> TransformAlterTable(const pg_query::AlterTableStmt& alter);
  arrow::Result<Statement> TransformRename(const pg_query::RenameStmt& rename);
  arrow::Result<Statement> TransformCreateSchema(const pg_query::CreateSchemaStmt& create);
  // Users, roles and privileges (transformer_access.cc).
  arrow::Result<Statement> TransformCreateRole(const pg_query::CreateRoleStmt& create);
  arrow::Result<Statement> TransformAlterRole(const pg_query::AlterRoleStmt& alter);
  arrow::Result<Statement> TransformDropRole(const pg_query::DropRoleStmt& drop);
  arrow::Result<Statement> TransformGrant(const pg_query::GrantStmt& grant);
  arrow::Result<Statement> TransformGrantRole(const pg_query::GrantRoleStmt& grant);
  arrow::Result<ColumnDefinition> TransformColumnDef(const pg_query::ColumnDef& column,
                                                     std::vector<std::string>* primary_key);

  arrow::Status Unsupported(int location, const std::string& what) const;

  std::string_view text_;
};

}  // namespace quiver::sql
