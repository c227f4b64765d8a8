// The statements that create and change managed tables: CREATE TABLE [AS], INSERT,
// UPDATE, DELETE, TRUNCATE, ALTER TABLE and CREATE SCHEMA.
#include "quiver/sql/parse_tree_names.h"
#include "quiver/sql/source_text.h"
#include "quiver/sql/transformer.h"

namespace quiver::sql {

arrow::Result<ColumnDefinition> Transformer::TransformColumnDef(const pg_query::ColumnDef& column,
                                                                std::vector<std::string>* primary_key) {
  ColumnDefinition out;
  out.name = column.colname();
  out.location = column.location();
  ARROW_ASSIGN_OR_RAISE(out.type, TransformTypeName(column.type_name()));
  out.not_null = column.is_not_null();
  for (const auto& node : column.constraints()) {
    const auto& constraint = node.constraint();
    switch (constraint.contype()) {
      case pg_query::CONSTR_NOTNULL:
        out.not_null = true;
        break;
      case pg_query::CONSTR_NULL:
        break;
      case pg_query::CONSTR_PRIMARY:
        if (!primary_key) return Unsupported(constraint.location(), "PRIMARY KEY here");
        if (!primary_key->empty()) {
          return SqlError(text_, constraint.location(), "multiple primary keys for table are not allowed");
        }
        primary_key->push_back(out.name);
        out.not_null = true;
        break;
      case pg_query::CONSTR_DEFAULT:
        return Unsupported(constraint.location(), "DEFAULT (columns without a value are NULL)");
      default:
        return Unsupported(constraint.location(), "this column constraint");
    }
  }
  return out;
}

arrow::Result<std::vector<std::string>> Transformer::CreatedTableNames(const pg_query::RangeVar& var) {
  if (var.relpersistence() != "t") return RangeVarNames(var);
  if (!var.schemaname().empty() && var.schemaname() != kTemporarySchema) {
    return SqlError(text_, var.location(), "cannot create temporary relation in non-temporary schema");
  }
  return std::vector<std::string>{kTemporarySchema, var.relname()};
}

arrow::Result<Statement> Transformer::TransformCreateTable(const pg_query::CreateStmt& create) {
  Statement statement;
  statement.kind = StatementKind::kCreateTable;
  ARROW_ASSIGN_OR_RAISE(statement.names, CreatedTableNames(create.relation()));
  statement.if_not_exists = create.if_not_exists();
  if (create.inh_relations_size() > 0) return Unsupported(create.relation().location(), "INHERITS");
  if (create.has_partspec()) return Unsupported(create.relation().location(), "PARTITION BY");
  std::vector<std::string> primary_key;
  std::vector<std::pair<std::vector<std::string>, int>> table_keys;  // PRIMARY KEY (a, b) clauses
  for (const auto& element : create.table_elts()) {
    if (element.has_column_def()) {
      ARROW_ASSIGN_OR_RAISE(auto column, TransformColumnDef(element.column_def(), &primary_key));
      statement.columns.push_back(std::move(column));
    } else if (element.has_constraint() && element.constraint().contype() == pg_query::CONSTR_PRIMARY) {
      std::vector<std::string> keys;
      for (const auto& key : element.constraint().keys()) keys.push_back(StringValue(key));
      table_keys.emplace_back(std::move(keys), element.constraint().location());
    } else if (element.has_constraint()) {
      return Unsupported(element.constraint().location(), "this table constraint");
    } else {
      return Unsupported(create.relation().location(), "this CREATE TABLE element");
    }
  }
  for (auto& [keys, location] : table_keys) {
    if (!primary_key.empty()) return SqlError(text_, location, "multiple primary keys for table are not allowed");
    for (const auto& key : keys) {
      auto column = std::find_if(statement.columns.begin(), statement.columns.end(),
                                 [&](const ColumnDefinition& c) { return c.name == key; });
      if (column == statement.columns.end()) {
        return SqlError(text_, location, "column \"", key, "\" named in key does not exist");
      }
      column->not_null = true;
    }
    primary_key = std::move(keys);
  }
  statement.primary_key = std::move(primary_key);
  return statement;
}

arrow::Result<Statement> Transformer::TransformCreateTableAs(const pg_query::CreateTableAsStmt& create) {
  if (create.objtype() != pg_query::OBJECT_TABLE) return Unsupported(0, "CREATE MATERIALIZED VIEW");
  Statement statement;
  statement.kind = StatementKind::kCreateTableAs;
  const auto& into = create.into();
  ARROW_ASSIGN_OR_RAISE(statement.names, CreatedTableNames(into.rel()));
  statement.if_not_exists = create.if_not_exists();
  for (const auto& name : into.col_names()) statement.column_aliases.push_back(StringValue(name));
  ARROW_ASSIGN_OR_RAISE(statement.query, TransformQuery(create.query()));
  statement.with_no_data = into.skip_data();
  return statement;
}

arrow::Result<Statement> Transformer::TransformVacuum(const pg_query::VacuumStmt& vacuum) {
  if (!vacuum.is_vacuumcmd()) return Unsupported(0, "ANALYZE");
  // VACUUM's options (FULL, VERBOSE, ANALYZE …) concern PostgreSQL's storage; deleting
  // removed data files is all there is to do here, whatever they say.
  Statement statement;
  statement.kind = StatementKind::kVacuum;
  for (const auto& relation : vacuum.rels()) {
    if (!relation.has_vacuum_relation()) continue;
    if (relation.vacuum_relation().va_cols_size() > 0) {
      return Unsupported(relation.vacuum_relation().relation().location(), "VACUUM of a column list");
    }
    auto names = RangeVarNames(relation.vacuum_relation().relation());
    if (statement.names.empty()) {
      statement.names = std::move(names);
    } else {
      statement.more_names.push_back(std::move(names));
    }
  }
  return statement;
}

arrow::Result<Statement> Transformer::TransformInsert(const pg_query::InsertStmt& insert) {
  Statement statement;
  statement.kind = StatementKind::kInsert;
  statement.names = RangeVarNames(insert.relation());
  if (insert.has_on_conflict_clause()) return Unsupported(insert.on_conflict_clause().location(), "ON CONFLICT");
  if (insert.returning_list_size() > 0) return Unsupported(insert.relation().location(), "RETURNING");
  for (const auto& column : insert.cols()) {
    const auto& target = column.res_target();
    if (target.indirection_size() > 0) return Unsupported(target.location(), "assigning to a part of a column");
    statement.target_columns.push_back(target.name());
  }
  if (!insert.has_select_stmt()) {
    statement.default_values = true;
    return statement;
  }
  ARROW_ASSIGN_OR_RAISE(statement.query, TransformQuery(insert.select_stmt()));
  if (insert.has_with_clause()) {
    ARROW_ASSIGN_OR_RAISE(auto ctes, TransformWith(insert.with_clause()));
    statement.query->ctes.insert(statement.query->ctes.begin(), ctes.begin(), ctes.end());
  }
  return statement;
}

arrow::Result<Statement> Transformer::TransformUpdate(const pg_query::UpdateStmt& update) {
  Statement statement;
  statement.kind = StatementKind::kUpdate;
  statement.names = RangeVarNames(update.relation());
  if (update.relation().has_alias()) statement.target_alias = update.relation().alias().aliasname();
  if (update.from_clause_size() > 0) return Unsupported(update.relation().location(), "UPDATE … FROM");
  if (update.returning_list_size() > 0) return Unsupported(update.relation().location(), "RETURNING");
  if (update.has_with_clause()) return Unsupported(update.relation().location(), "WITH before UPDATE");
  for (const auto& node : update.target_list()) {
    const auto& target = node.res_target();
    if (target.indirection_size() > 0) return Unsupported(target.location(), "assigning to a part of a column");
    if (target.val().has_multi_assign_ref()) return Unsupported(target.location(), "SET (a, b) = …");
    Assignment assignment;
    assignment.column = target.name();
    assignment.location = target.location();
    if (!target.val().has_set_to_default()) {
      ARROW_ASSIGN_OR_RAISE(assignment.value, TransformExpr(target.val()));
    }
    statement.assignments.push_back(std::move(assignment));
  }
  if (update.has_where_clause()) {
    ARROW_ASSIGN_OR_RAISE(statement.where, TransformExpr(update.where_clause()));
  }
  return statement;
}

arrow::Result<Statement> Transformer::TransformDelete(const pg_query::DeleteStmt& del) {
  Statement statement;
  statement.kind = StatementKind::kDelete;
  statement.names = RangeVarNames(del.relation());
  if (del.relation().has_alias()) statement.target_alias = del.relation().alias().aliasname();
  if (del.using_clause_size() > 0) return Unsupported(del.relation().location(), "DELETE … USING");
  if (del.returning_list_size() > 0) return Unsupported(del.relation().location(), "RETURNING");
  if (del.has_with_clause()) return Unsupported(del.relation().location(), "WITH before DELETE");
  if (del.has_where_clause()) {
    ARROW_ASSIGN_OR_RAISE(statement.where, TransformExpr(del.where_clause()));
  }
  return statement;
}

arrow::Result<Statement> Transformer::TransformTruncate(const pg_query::TruncateStmt& truncate) {
  Statement statement;
  statement.kind = StatementKind::kTruncate;
  for (const auto& relation : truncate.relations()) {
    auto names = RangeVarNames(relation.range_var());
    if (statement.names.empty()) {
      statement.names = std::move(names);
    } else {
      statement.more_names.push_back(std::move(names));
    }
  }
  return statement;
}

arrow::Result<Statement> Transformer::TransformAlterTable(const pg_query::AlterTableStmt& alter) {
  if (alter.objtype() != pg_query::OBJECT_TABLE) return Unsupported(alter.relation().location(), "this ALTER");
  if (alter.cmds_size() != 1) {
    return Unsupported(alter.relation().location(), "more than one change in one ALTER TABLE");
  }
  Statement statement;
  statement.kind = StatementKind::kAlterTable;
  statement.names = RangeVarNames(alter.relation());
  statement.if_exists = alter.missing_ok();
  const auto& command = alter.cmds(0).alter_table_cmd();
  switch (command.subtype()) {
    case pg_query::AT_AddColumn: {
      statement.alter_action = AlterTableAction::kAddColumn;
      statement.if_not_exists = command.missing_ok();
      ARROW_ASSIGN_OR_RAISE(auto column, TransformColumnDef(command.def().column_def(), nullptr));
      statement.columns.push_back(std::move(column));
      return statement;
    }
    case pg_query::AT_DropColumn:
      statement.alter_action = AlterTableAction::kDropColumn;
      statement.column_name = command.name();
      statement.if_not_exists = command.missing_ok();  // DROP COLUMN IF EXISTS
      return statement;
    default:
      return Unsupported(alter.relation().location(), "this ALTER TABLE action");
  }
}

arrow::Result<Statement> Transformer::TransformRename(const pg_query::RenameStmt& rename) {
  Statement statement;
  statement.kind = StatementKind::kAlterTable;
  statement.names = RangeVarNames(rename.relation());
  statement.if_exists = rename.missing_ok();
  statement.new_name = rename.newname();
  switch (rename.rename_type()) {
    case pg_query::OBJECT_TABLE:
      statement.alter_action = AlterTableAction::kRenameTable;
      return statement;
    case pg_query::OBJECT_COLUMN:
      if (rename.relation_type() != pg_query::OBJECT_TABLE) break;
      statement.alter_action = AlterTableAction::kRenameColumn;
      statement.column_name = rename.subname();
      return statement;
    default:
      break;
  }
  return Unsupported(rename.has_relation() ? rename.relation().location() : 0, "this RENAME");
}

arrow::Result<Statement> Transformer::TransformCreateSchema(const pg_query::CreateSchemaStmt& create) {
  if (create.schema_elts_size() > 0) return Unsupported(0, "CREATE SCHEMA with elements");
  if (create.schemaname().empty()) return Unsupported(0, "CREATE SCHEMA AUTHORIZATION");
  Statement statement;
  statement.kind = StatementKind::kCreateSchema;
  statement.names.push_back(create.schemaname());
  statement.if_not_exists = create.if_not_exists();
  return statement;
}

}  // namespace quiver::sql
