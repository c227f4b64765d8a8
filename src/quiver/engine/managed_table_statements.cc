// Statements that define managed tables and schemas: CREATE TABLE [AS], TRUNCATE,
// ALTER TABLE, CREATE / DROP SCHEMA. DROP TABLE is in statement_runner.cc.
#include <arrow/table.h>

#include <cstdlib>
#include <filesystem>
#include <limits>

#include "quiver/engine/managed_table_storage.h"
#include "quiver/engine/statement_runner.h"
#include "quiver/exec/acero_lowering.h"
#include "quiver/exec/executor.h"
#include "quiver/lake/data_file_writer.h"
#include "quiver/lake/delta_schema.h"
#include "quiver/lake/managed_tables.h"
#include "quiver/plan/binder.h"
#include "quiver/plan/optimizer.h"
#include "quiver/plan/sql_types.h"

namespace quiver::engine {

namespace {

namespace fs = std::filesystem;

// Delta's metaData configuration records the primary key, which Delta has no field for.
constexpr const char* kPrimaryKeyProperty = "quiver.primaryKey";

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ",") + name;
  return out;
}

arrow::Status CheckUniqueColumns(const arrow::Schema& schema) {
  for (int i = 0; i < schema.num_fields(); ++i) {
    for (int j = 0; j < i; ++j) {
      if (schema.field(i)->name() == schema.field(j)->name()) {
        return arrow::Status::Invalid("column \"", schema.field(i)->name(), "\" specified more than once");
      }
    }
  }
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<arrow::Schema>> DeclaredSchema(const std::vector<sql::ColumnDefinition>& columns) {
  arrow::FieldVector fields;
  for (const auto& column : columns) {
    ARROW_ASSIGN_OR_RAISE(auto type, plan::ResolveTypeName(column.type));
    fields.push_back(arrow::field(column.name, type, !column.not_null));
  }
  auto schema = arrow::schema(std::move(fields));
  ARROW_RETURN_NOT_OK(CheckUniqueColumns(*schema));
  // Refuse types Delta cannot store before anything is written.
  ARROW_RETURN_NOT_OK(lake::ToDeltaSchemaString(*schema).status());
  return schema;
}

arrow::Status CreateDirectory(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return arrow::Status::IOError("cannot create ", dir, ": ", ec.message());
  return arrow::Status::OK();
}

}  // namespace

arrow::Result<StatementResult> StatementRunner::RunCreateTable(const sql::Statement& statement) {
  ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(statement.names));
  if (CatalogOf(name).FindTable(name.schema, name.name)) {
    if (statement.if_not_exists) return StatementResult{};
    return arrow::Status::AlreadyExists("relation \"", name.name, "\" already exists");
  }
  ARROW_ASSIGN_OR_RAISE(auto schema, DeclaredSchema(statement.columns));
  const std::string dir = NewTableDirectory(CatalogOf(name).data_dir(), name.schema, name.name);
  ARROW_RETURN_NOT_OK(CreateDirectory(dir));
  lake::NewTableOptions options{name.name, {}};
  if (!statement.primary_key.empty()) options.configuration[kPrimaryKeyProperty] = JoinNames(statement.primary_key);
  auto created = lake::DeltaTable::Create(dir, schema, options, {});
  auto status = created.ok()
                    ? CatalogOf(name).CreateTable(
                          ManagedTableEntryOf(name.schema, name.name, schema, dir, statement.primary_key), false)
                    : created.status();
  if (!status.ok()) {
    DeleteManagedTableData(dir);
    if (status.IsAlreadyExists() && statement.if_not_exists) return StatementResult{};
    return status;
  }
  ARROW_RETURN_NOT_OK(RecordCreator(name));
  return StatementResult{};
}

arrow::Result<StatementResult> StatementRunner::RunCreateTableAs(const sql::Statement& statement,
                                                                 plan::BindContext& context, bool describe_only) {
  ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(statement.names));
  ARROW_ASSIGN_OR_RAISE(auto plan, PlanQuery(*statement.query, context, catalog_));
  if (describe_only) return StatementResult{};
  if (CatalogOf(name).FindTable(name.schema, name.name)) {
    if (statement.if_not_exists) return StatementResult{};
    return arrow::Status::AlreadyExists("relation \"", name.name, "\" already exists");
  }
  arrow::FieldVector fields = plan->schema->fields();
  if (statement.column_aliases.size() > fields.size()) {
    return arrow::Status::Invalid("CREATE TABLE AS specifies too many column names");
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    fields[i] = arrow::field(i < statement.column_aliases.size() ? statement.column_aliases[i] : fields[i]->name(),
                             fields[i]->type());
    if (fields[i]->type()->id() == arrow::Type::NA) fields[i] = fields[i]->WithType(arrow::utf8());
  }
  auto schema = arrow::schema(fields);
  ARROW_RETURN_NOT_OK(CheckUniqueColumns(*schema));
  ARROW_RETURN_NOT_OK(lake::ToDeltaSchemaString(*schema).status());

  const std::string dir = NewTableDirectory(CatalogOf(name).data_dir(), name.schema, name.name);
  ARROW_RETURN_NOT_OK(CreateDirectory(dir));
  std::vector<lake::AddFile> adds;
  int64_t rows = 0;
  auto status = [&]() -> arrow::Status {
    if (!statement.with_no_data) {
      lake::DataFileWriter writer(dir, schema, {.table_name = name.name});
      ARROW_RETURN_NOT_OK(WriteRows(plan, context.recursive_ctes, writer));
      rows = writer.rows_written();
      ARROW_ASSIGN_OR_RAISE(adds, writer.Finish());
    }
    ARROW_RETURN_NOT_OK(
        lake::DeltaTable::Create(dir, schema, {name.name, {}}, adds, {{"numOutputRows", std::to_string(rows)}})
            .status());
    return CatalogOf(name).CreateTable(ManagedTableEntryOf(name.schema, name.name, schema, dir), false);
  }();
  if (!status.ok()) {
    DeleteManagedTableData(dir);
    return status;
  }
  ARROW_RETURN_NOT_OK(RecordCreator(name));
  StatementResult result;
  result.rows_affected = rows;
  return result;
}

arrow::Result<StatementResult> StatementRunner::RunTruncate(const sql::Statement& statement) {
  // Every table is checked before any is emptied.
  std::vector<std::shared_ptr<const catalog::TableEntry>> entries;
  for (const auto& names : statement.AllNames()) {
    ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(names));
    ARROW_ASSIGN_OR_RAISE(auto entry, ManagedTableEntry(name, "TRUNCATE"));
    entries.push_back(std::move(entry));
  }
  for (const auto& entry : entries) {
    ARROW_ASSIGN_OR_RAISE(auto version, access_.Read(entry->location));
    lake::TableChange change;
    change.operation = "TRUNCATE";
    for (const auto& [path, file] : version.snapshot->files) change.removes.push_back(path);
    if (change.removes.empty()) continue;
    ARROW_RETURN_NOT_OK(access_.Write(entry->location, version, std::move(change)));
  }
  return StatementResult{};
}

arrow::Result<std::shared_ptr<const catalog::TableEntry>> StatementRunner::ManagedTableEntry(
    const QualifiedName& name, const char* statement) const {
  auto entry = CatalogOf(name).FindTable(name.schema, name.name);
  if (!entry) return arrow::Status::KeyError("relation \"", name.name, "\" does not exist");
  if (entry->kind == catalog::TableKind::kView) {
    return arrow::Status::Invalid("cannot ", statement, " view \"", name.name, "\"");
  }
  if (entry->kind != catalog::TableKind::kManaged) {
    return arrow::Status::Invalid("cannot ", statement, " \"", name.name,
                                  "\": it is a table over files, which Quiver only reads (CREATE TABLE makes a table "
                                  "Quiver stores)");
  }
  return entry;
}

arrow::Result<StatementResult> StatementRunner::RunAlterTable(const sql::Statement& statement,
                                                              plan::BindContext& context) {
  ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(statement.names));
  if (!CatalogOf(name).FindTable(name.schema, name.name) && statement.if_exists) return StatementResult{};
  if (statement.alter_action == sql::AlterTableAction::kRenameTable) {
    ARROW_RETURN_NOT_OK(CatalogOf(name).RenameTable(name.schema, name.name, statement.new_name));
    ARROW_RETURN_NOT_OK(MoveGrants(name, statement.new_name));
    return StatementResult{};
  }
  ARROW_ASSIGN_OR_RAISE(auto entry, ManagedTableEntry(name, "ALTER"));
  ARROW_ASSIGN_OR_RAISE(auto version, lake::ManagedTables::Instance().Latest(entry->location));
  const auto& old_schema = version.snapshot->schema;
  catalog::TableEntry updated = *entry;
  lake::TableChange change;

  if (statement.alter_action == sql::AlterTableAction::kAddColumn) {
    const auto& column = statement.columns.front();
    if (old_schema->GetFieldIndex(column.name) >= 0) {
      if (statement.if_not_exists) return StatementResult{};
      return arrow::Status::AlreadyExists("column \"", column.name, "\" of relation \"", name.name,
                                          "\" already exists");
    }
    ARROW_ASSIGN_OR_RAISE(auto added, DeclaredSchema({column}));
    if (column.not_null && version.snapshot->RowCount() != 0) {
      return arrow::Status::Invalid("column \"", column.name, "\" of relation \"", name.name,
                                    "\" contains null values");
    }
    ARROW_ASSIGN_OR_RAISE(auto schema, old_schema->AddField(old_schema->num_fields(), added->field(0)));
    change.operation = "ADD COLUMNS";
    change.new_schema = schema;
    updated.schema = schema;
    ARROW_RETURN_NOT_OK(version.table->Commit(*version.snapshot, change).status());
    ARROW_RETURN_NOT_OK(CatalogOf(name).UpdateTable(std::move(updated)));
    return StatementResult{};
  }

  // Dropping or renaming a column rewrites the table's files: Parquet files name their
  // columns, and Delta tables without column mapping read columns by those names.
  const int index = old_schema->GetFieldIndex(statement.column_name);
  if (index < 0) {
    if (statement.alter_action == sql::AlterTableAction::kDropColumn && statement.if_not_exists) {
      return StatementResult{};
    }
    return arrow::Status::KeyError("column \"", statement.column_name, "\" of relation \"", name.name,
                                   "\" does not exist");
  }
  std::shared_ptr<arrow::Schema> schema;
  auto source = std::make_shared<sql::QueryNode>();
  sql::Statement copy;
  copy.kind = sql::StatementKind::kInsert;
  copy.query = source;
  auto from = std::make_shared<sql::TableRef>();
  from->kind = sql::TableRefKind::kNamed;
  from->names = {name.schema, name.name};
  source->from.push_back(from);
  for (int i = 0; i < old_schema->num_fields(); ++i) {
    if (i == index && statement.alter_action == sql::AlterTableAction::kDropColumn) continue;
    auto column = std::make_shared<sql::ParsedExpr>();
    column->kind = sql::ExprKind::kColumnRef;
    column->names = {old_schema->field(i)->name()};
    source->select_list.push_back({column, ""});
  }
  if (statement.alter_action == sql::AlterTableAction::kDropColumn) {
    if (old_schema->num_fields() == 1) {
      return arrow::Status::Invalid("cannot drop column \"", statement.column_name, "\": it is the only column of \"",
                                    name.name, "\"");
    }
    ARROW_ASSIGN_OR_RAISE(schema, old_schema->RemoveField(index));
    std::erase(updated.primary_key, statement.column_name);
    change.operation = "DROP COLUMNS";
  } else {
    if (old_schema->GetFieldIndex(statement.new_name) >= 0) {
      return arrow::Status::AlreadyExists("column \"", statement.new_name, "\" of relation \"", name.name,
                                          "\" already exists");
    }
    ARROW_ASSIGN_OR_RAISE(schema, old_schema->SetField(index, old_schema->field(index)->WithName(statement.new_name)));
    std::replace(updated.primary_key.begin(), updated.primary_key.end(), statement.column_name, statement.new_name);
    change.operation = "RENAME COLUMN";
  }
  context.table_versions[entry->location] = version.files;
  ExemptFromReadCheck(context, entry->location);
  plan::Binder binder(context, catalog_);
  ARROW_ASSIGN_OR_RAISE(auto rows, binder.BindInsertRows(copy, *schema, name.name));
  ARROW_ASSIGN_OR_RAISE(rows, plan::Optimize(std::move(rows)));
  lake::DataFileWriter writer(entry->location, schema, {.table_name = name.name});
  ARROW_RETURN_NOT_OK(WriteRows(rows, {}, writer));
  ARROW_ASSIGN_OR_RAISE(change.adds, writer.Finish());
  for (const auto& [path, file] : version.snapshot->files) {
    change.removes.push_back(path);
    change.read_files.insert(path);
  }
  change.new_schema = schema;
  if (!updated.primary_key.empty()) {
    change.new_configuration = version.snapshot->metadata.configuration;
    (*change.new_configuration)[kPrimaryKeyProperty] = JoinNames(updated.primary_key);
  }
  auto committed = version.table->Commit(*version.snapshot, change);
  if (!committed.ok()) {
    lake::DeleteUncommitted(entry->location, change.adds);
    return committed.status();
  }
  updated.schema = schema;
  ARROW_RETURN_NOT_OK(CatalogOf(name).UpdateTable(std::move(updated)));
  return StatementResult{};
}

arrow::Result<StatementResult> StatementRunner::RunCreateSchema(const sql::Statement& statement) {
  ARROW_RETURN_NOT_OK(catalog_.CreateSchema(statement.names.front(), statement.if_not_exists));
  return StatementResult{};
}

arrow::Result<StatementResult> StatementRunner::RunDropSchema(const sql::Statement& statement) {
  auto dropped = catalog_.DropSchema(statement.names.front(), statement.cascade);
  if (dropped.status().IsKeyError() && statement.if_exists) return StatementResult{};
  ARROW_RETURN_NOT_OK(dropped.status());
  for (const auto& entry : *dropped) {
    if (entry->kind == catalog::TableKind::kManaged) DeleteManagedTableData(entry->location);
  }
  ARROW_RETURN_NOT_OK(ForgetGrants(QualifiedName{statement.names.front(), ""}));
  return StatementResult{};
}

arrow::Result<StatementResult> StatementRunner::RunVacuum(const sql::Statement& statement) {
  double retention_hours = 168;
  if (auto setting = settings_.find(kVacuumRetentionSetting); setting != settings_.end()) {
    char* end = nullptr;
    retention_hours = std::strtod(setting->second.c_str(), &end);
    if (end == setting->second.c_str() || *end != '\0' || retention_hours < 0) {
      return arrow::Status::Invalid(kVacuumRetentionSetting, ": '", setting->second,
                                    "' is not a number of hours (0 or more)");
    }
  }
  // Named tables, or every managed table the user may delete rows from.
  std::vector<std::shared_ptr<const catalog::TableEntry>> entries;
  if (!statement.names.empty()) {
    for (const auto& names : statement.AllNames()) {
      ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(names));
      ARROW_ASSIGN_OR_RAISE(auto entry, ManagedTableEntry(name, "VACUUM"));
      entries.push_back(std::move(entry));
    }
  } else {
    for (const auto& entry : catalog_.ListTables()) {
      if (entry->kind != catalog::TableKind::kManaged) continue;
      if (Require(catalog::Privilege::kDelete, QualifiedName{entry->schema_name, entry->name}, false).ok()) {
        entries.push_back(entry);
      }
    }
  }
  // No retention takes every removed file, even one removed within this millisecond
  // (or, the clock having stepped back, "later" than now).
  const int64_t removed_before = retention_hours == 0
                                     ? std::numeric_limits<int64_t>::max()
                                     : lake::NowMillis() - static_cast<int64_t>(retention_hours * 3600 * 1000);
  int64_t files = 0;
  for (const auto& entry : entries) {
    ARROW_ASSIGN_OR_RAISE(auto version, lake::ManagedTables::Instance().Latest(entry->location));
    ARROW_ASSIGN_OR_RAISE(auto vacuumed, lake::VacuumRemovedFiles(entry->location, *version.snapshot, removed_before));
    files += vacuumed.files;
  }
  StatementResult result;
  result.rows_affected = files;
  return result;
}

arrow::Status StatementRunner::WriteRows(const plan::LogicalPlanPtr& plan,
                                         const std::vector<std::shared_ptr<plan::RecursiveCtePlan>>& with_queries,
                                         lake::DataFileWriter& writer) {
  ARROW_RETURN_NOT_OK(MaterializeWithQueries(with_queries));
  ARROW_ASSIGN_OR_RAISE(auto declaration, exec::LowerToAcero(*plan));
  ARROW_ASSIGN_OR_RAISE(auto reader, exec::StartPlan(std::move(declaration), interrupted_));
  while (true) {
    ARROW_ASSIGN_OR_RAISE(auto batch, reader->Next());
    if (!batch) break;
    ARROW_RETURN_NOT_OK(writer.Write(batch));
  }
  return reader->Close();
}

}  // namespace quiver::engine
