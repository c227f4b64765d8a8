// Statements that change a managed table's rows: INSERT, UPDATE, DELETE. Each is one
// Delta commit: rows are written to new files, and UPDATE / DELETE replace the files
// holding rows they change (copy on write).
#include <arrow/array.h>
#include <arrow/table.h>

#include <filesystem>
#include <set>

#include "quiver/engine/statement_runner.h"
#include "quiver/exec/acero_lowering.h"
#include "quiver/exec/executor.h"
#include "quiver/lake/data_file_writer.h"
#include "quiver/lake/file_stats.h"
#include "quiver/lake/managed_tables.h"
#include "quiver/plan/binder.h"
#include "quiver/plan/optimizer.h"

namespace quiver::engine {

namespace {

namespace fs = std::filesystem;

// The hidden column through which the first pass of UPDATE / DELETE learns which
// files hold the rows it changes.
constexpr const char* kFileColumn = "__quiver_file";

bool PlanReads(const plan::LogicalPlanPtr& node, const std::string& location) {
  if (node->kind == plan::LogicalKind::kScan) {
    const auto& scan = static_cast<const plan::LogicalScan&>(*node);
    if (scan.source && scan.source->spec().location == location) return true;
  }
  for (const auto& input : node->inputs) {
    if (PlanReads(input, location)) return true;
  }
  return false;
}

sql::ParsedExprPtr ColumnRef(std::vector<std::string> names) {
  auto column = std::make_shared<sql::ParsedExpr>();
  column->kind = sql::ExprKind::kColumnRef;
  column->names = std::move(names);
  return column;
}

// SELECT … FROM <target> [AS alias] WHERE <where>.
std::shared_ptr<sql::QueryNode> SelectFromTarget(const sql::Statement& statement, const QualifiedName& name,
                                                 sql::ParsedExprPtr where) {
  auto query = std::make_shared<sql::QueryNode>();
  auto from = std::make_shared<sql::TableRef>();
  from->kind = sql::TableRefKind::kNamed;
  from->names = {name.schema, name.name};
  from->alias = statement.target_alias;
  query->from.push_back(from);
  query->where = std::move(where);
  return query;
}

sql::ParsedExprPtr NotTrue(sql::ParsedExprPtr condition) {
  auto test = std::make_shared<sql::ParsedExpr>();
  test->kind = sql::ExprKind::kIsTrue;
  test->bool_test = "true";
  test->negated = true;
  test->args = {std::move(condition)};
  return test;
}

int64_t RowsIn(const lake::DeltaSnapshot& snapshot, const std::set<std::string>& files) {
  int64_t rows = 0;
  for (const auto& path : files) {
    rows += std::max<int64_t>(0, lake::ParseStats(snapshot.files.at(path).stats, *snapshot.schema).num_records);
  }
  return rows;
}

}  // namespace

arrow::Result<StatementResult> StatementRunner::RunInsert(const sql::Statement& statement, plan::BindContext& context,
                                                          bool describe_only) {
  ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(statement.names));
  ARROW_ASSIGN_OR_RAISE(auto entry, ManagedTableEntry(name, "INSERT INTO"));
  ARROW_ASSIGN_OR_RAISE(auto version, access_.Read(entry->location));
  // A query reading the table itself reads the version this INSERT commits on.
  context.table_versions[entry->location] = version.files;
  plan::Binder binder(context, catalog_);
  ARROW_ASSIGN_OR_RAISE(auto rows, binder.BindInsertRows(statement, *version.snapshot->schema, name.name));
  if (describe_only) return StatementResult{};
  const bool reads_itself = PlanReads(rows, entry->location);
  for (auto& cte : context.recursive_ctes) {
    ARROW_ASSIGN_OR_RAISE(cte->anchor, plan::Optimize(cte->anchor));
    if (cte->recursive) {
      ARROW_ASSIGN_OR_RAISE(cte->recursive, plan::Optimize(cte->recursive));
    }
  }
  ARROW_ASSIGN_OR_RAISE(rows, plan::Optimize(std::move(rows)));

  lake::DataFileWriter writer(entry->location, version.snapshot->schema, {.table_name = name.name});
  ARROW_RETURN_NOT_OK(WriteRows(rows, context.recursive_ctes, writer));
  const int64_t written = writer.rows_written();
  lake::TableChange change;
  change.operation = "WRITE";
  change.parameters = {{"mode", "Append"}};
  change.metrics = {{"numOutputRows", std::to_string(written)}};
  ARROW_ASSIGN_OR_RAISE(change.adds, writer.Finish());
  if (reads_itself) {
    for (const auto& [path, file] : version.snapshot->files) change.read_files.insert(path);
  }
  StatementResult result;
  result.rows_affected = written;
  if (change.adds.empty()) return result;
  ARROW_RETURN_NOT_OK(access_.Write(entry->location, version, std::move(change)));
  return result;
}

arrow::Result<StatementResult> StatementRunner::RunRowChange(const sql::Statement& statement,
                                                             plan::BindContext& context, bool describe_only) {
  const bool is_update = statement.kind == sql::StatementKind::kUpdate;
  ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(statement.names));
  ARROW_ASSIGN_OR_RAISE(auto entry, ManagedTableEntry(name, is_update ? "UPDATE" : "DELETE FROM"));
  ARROW_ASSIGN_OR_RAISE(auto version, access_.Read(entry->location));
  const auto& snapshot = *version.snapshot;
  const auto& schema = *snapshot.schema;
  // The statement's own privilege on its table was checked; reading the table to find
  // and rewrite rows needs no SELECT on it.
  ExemptFromReadCheck(context, entry->location);

  // UPDATE's new rows: every column, the assigned ones computed, of the rows WHERE keeps.
  sql::Statement changed_rows;
  changed_rows.kind = sql::StatementKind::kInsert;
  if (is_update) {
    std::vector<sql::ParsedExprPtr> values(schema.num_fields());
    for (const auto& assignment : statement.assignments) {
      int index = schema.GetFieldIndex(assignment.column);
      if (index < 0) {
        return arrow::Status::Invalid("column \"", assignment.column, "\" of relation \"", name.name,
                                      "\" does not exist");
      }
      if (values[index])
        return arrow::Status::Invalid("multiple assignments to same column \"", assignment.column, "\"");
      values[index] = assignment.value;
      if (!values[index]) {  // SET x = DEFAULT: columns have no defaults but NULL
        values[index] = std::make_shared<sql::ParsedExpr>();
        values[index]->kind = sql::ExprKind::kLiteral;
        values[index]->value = arrow::MakeNullScalar(arrow::null());
      }
    }
    changed_rows.query = SelectFromTarget(statement, name, statement.where);
    const std::string qualifier = statement.target_alias.empty() ? name.name : statement.target_alias;
    for (int i = 0; i < schema.num_fields(); ++i) {
      changed_rows.query->select_list.push_back(
          {values[i] ? values[i] : ColumnRef({qualifier, schema.field(i)->name()}), ""});
    }
  }
  if (describe_only) {
    // Binding the new rows infers the types of parameters in SET and WHERE.
    context.table_versions[entry->location] = version.files;
    plan::Binder binder(context, catalog_);
    if (is_update) ARROW_RETURN_NOT_OK(binder.BindInsertRows(changed_rows, schema, name.name).status());
    if (!is_update && statement.where) {
      auto probe = SelectFromTarget(statement, name, statement.where);
      probe->select_list.push_back({ColumnRef({schema.field(0)->name()}), ""});
      ARROW_RETURN_NOT_OK(binder.BindStatementQuery(*probe).status());
    }
    return StatementResult{};
  }

  // First pass: the files holding rows WHERE selects (files whose statistics rule the
  // condition out are not read).
  std::set<std::string> touched;
  if (!statement.where) {
    for (const auto& [path, file] : snapshot.files) touched.insert(path);
  } else {
    auto query = SelectFromTarget(statement, name, statement.where);
    query->distinct = true;
    query->select_list.push_back({ColumnRef({kFileColumn}), ""});
    plan::BindContext first_pass = context;
    first_pass.table_versions[entry->location] = version.files->WithFileNameColumn(kFileColumn);
    ARROW_ASSIGN_OR_RAISE(auto plan, PlanQuery(*query, first_pass, catalog_));
    ARROW_RETURN_NOT_OK(MaterializeWithQueries(first_pass.recursive_ctes));
    ARROW_ASSIGN_OR_RAISE(auto declaration, exec::LowerToAcero(*plan));
    ARROW_ASSIGN_OR_RAISE(auto reader, exec::StartPlan(std::move(declaration), interrupted_));
    while (true) {
      ARROW_ASSIGN_OR_RAISE(auto batch, reader->Next());
      if (!batch) break;
      const auto& paths = static_cast<const arrow::StringArray&>(*batch->column(0));
      for (int64_t i = 0; i < paths.length(); ++i) {
        touched.insert(fs::path(std::string(paths.GetView(i))).filename().string());
      }
    }
    ARROW_RETURN_NOT_OK(reader->Close());
  }
  StatementResult result;
  result.rows_affected = 0;
  if (touched.empty()) return result;

  // Second pass, over the touched files only: the rows WHERE does not select, as they
  // are, and for UPDATE the selected rows changed.
  ARROW_ASSIGN_OR_RAISE(auto touched_files, lake::SnapshotFileTable(entry->location, snapshot, &touched));
  lake::DataFileWriter writer(entry->location, version.snapshot->schema, {.table_name = name.name});
  int64_t changed = 0;
  // Binds `rows` (an INSERT of the table's columns) over the touched files and writes them.
  auto write_pass = [&](const sql::Statement& rows_statement) -> arrow::Status {
    plan::BindContext pass = context;
    pass.table_versions[entry->location] = touched_files;
    plan::Binder binder(pass, catalog_);
    ARROW_ASSIGN_OR_RAISE(auto rows, binder.BindInsertRows(rows_statement, schema, name.name));
    ARROW_ASSIGN_OR_RAISE(rows, plan::Optimize(std::move(rows)));
    return WriteRows(rows, pass.recursive_ctes, writer);
  };
  if (is_update) {
    ARROW_RETURN_NOT_OK(write_pass(changed_rows));
    changed = writer.rows_written();
  }
  sql::Statement kept_rows;
  kept_rows.kind = sql::StatementKind::kInsert;
  if (statement.where) {
    kept_rows.query = SelectFromTarget(statement, name, NotTrue(statement.where));
    auto star = std::make_shared<sql::ParsedExpr>();
    star->kind = sql::ExprKind::kStar;
    kept_rows.query->select_list.push_back({star, ""});
    ARROW_RETURN_NOT_OK(write_pass(kept_rows));
  }
  if (!is_update) changed = RowsIn(snapshot, touched) - writer.rows_written();

  lake::TableChange change;
  change.operation = is_update ? "UPDATE" : "DELETE";
  change.metrics = {{is_update ? "numUpdatedRows" : "numDeletedRows", std::to_string(changed)},
                    {"numRemovedFiles", std::to_string(touched.size())}};
  ARROW_ASSIGN_OR_RAISE(change.adds, writer.Finish());
  change.removes.assign(touched.begin(), touched.end());
  for (const auto& [path, file] : snapshot.files) change.read_files.insert(path);
  ARROW_RETURN_NOT_OK(access_.Write(entry->location, version, std::move(change)));
  result.rows_affected = changed;
  return result;
}

}  // namespace quiver::engine
