#include "quiver/engine/statement_runner.h"

#include <arrow/builder.h>
#include <arrow/table.h>

#include <algorithm>
#include <charconv>

#include "quiver/common/random_id.h"
#include "quiver/common/settings_registry.h"
#include "quiver/dist/cluster.h"
#include "quiver/dist/plan_codec.h"
#include "quiver/engine/explain_analyze.h"
#include "quiver/engine/managed_table_storage.h"
#include "quiver/engine/session_state.h"
#include "quiver/engine/text_lines.h"
#include "quiver/exec/acero_lowering.h"
#include "quiver/exec/executor.h"
#include "quiver/exec/memory_size.h"
#include "quiver/exec/recursive_cte.h"
#include "quiver/exec/tracking_memory_pool.h"
#include "quiver/plan/binder.h"
#include "quiver/plan/cardinality.h"
#include "quiver/plan/optimizer.h"
#include "quiver/plan/sql_types.h"
#include "quiver/storage/file_table.h"

namespace quiver::engine {

namespace {

// In execution_mode auto, a query that reads at least this much (bytes of files as
// stored) runs across the cluster; smaller ones run faster here alone.
constexpr int64_t kDistributeFromBytes = 64LL << 20;

int64_t ScannedBytes(const plan::LogicalOperator& root) {
  int64_t bytes = 0;
  for (const auto* scan : dist::ScansInOrder(root)) {
    auto units = dist::ScanUnitsOf(*scan, /*split_row_groups=*/false);
    if (!units.ok()) continue;
    for (const auto& unit : *units) bytes += unit.bytes;
  }
  return bytes;
}

// The bytes of a random id naming a distributed query's run on every worker.
constexpr size_t kQueryIdBytes = 16;

// A result made of text columns computed here (SHOW, DESCRIBE, EXPLAIN).
arrow::Result<StatementResult> TextResult(const std::vector<std::string>& column_names,
                                          const std::vector<std::vector<std::string>>& rows, bool describe_only) {
  arrow::FieldVector fields;
  for (const auto& name : column_names) fields.push_back(arrow::field(name, arrow::utf8()));
  StatementResult result;
  result.is_query = true;
  result.schema = arrow::schema(fields);
  if (describe_only) return result;
  arrow::ArrayVector arrays;
  for (size_t c = 0; c < column_names.size(); ++c) {
    arrow::StringBuilder builder;
    for (const auto& row : rows) ARROW_RETURN_NOT_OK(builder.Append(row[c]));
    ARROW_ASSIGN_OR_RAISE(auto array, builder.Finish());
    arrays.push_back(std::move(array));
  }
  auto table = arrow::Table::Make(result.schema, arrays, static_cast<int64_t>(rows.size()));
  result.batches = std::make_shared<arrow::TableBatchReader>(table);
  return result;
}

// PostgreSQL lets a recursive query run forever; Quiver stops it after this many rounds
// that still add rows, unless the session sets max_recursive_iterations.
constexpr int64_t kDefaultMaxRecursiveIterations = 1000000;

}  // namespace

arrow::Result<plan::LogicalPlanPtr> PlanQuery(const sql::QueryNode& query, plan::BindContext& context,
                                              const catalog::Catalog& catalog) {
  plan::Binder binder(context, catalog);
  ARROW_ASSIGN_OR_RAISE(auto bound, binder.BindStatementQuery(query));
  for (auto& cte : context.recursive_ctes) {
    ARROW_ASSIGN_OR_RAISE(cte->anchor, plan::Optimize(cte->anchor));
    if (cte->recursive) {
      ARROW_ASSIGN_OR_RAISE(cte->recursive, plan::Optimize(cte->recursive));
    }
  }
  return plan::Optimize(std::move(bound));
}

namespace {

arrow::Result<int64_t> MaxRecursiveIterations(const std::map<std::string, std::string>& settings) {
  auto it = settings.find("max_recursive_iterations");
  if (it == settings.end()) return kDefaultMaxRecursiveIterations;
  int64_t value = 0;
  auto [end, error] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
  if (error != std::errc() || end != it->second.data() + it->second.size() || value < 0) {
    return arrow::Status::Invalid("max_recursive_iterations must be a non-negative integer, not \"", it->second, "\"");
  }
  return value;
}

// A query's result that keeps the query's own memory pool alive as long as it is read.
class ReaderKeepingPool : public arrow::RecordBatchReader {
 public:
  ReaderKeepingPool(std::shared_ptr<arrow::RecordBatchReader> reader, std::shared_ptr<exec::MeasuredQueryPool> pool)
      : reader_(std::move(reader)), pool_(std::move(pool)) {}
  std::shared_ptr<arrow::Schema> schema() const override { return reader_->schema(); }
  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override { return reader_->ReadNext(batch); }
  arrow::Status Close() override { return reader_->Close(); }

 private:
  std::shared_ptr<arrow::RecordBatchReader> reader_;
  std::shared_ptr<exec::MeasuredQueryPool> pool_;
};

// Statements that change the catalog, which transactions do not cover.
bool ChangesDefinitions(sql::StatementKind kind) {
  switch (kind) {
    case sql::StatementKind::kCreateExternalTable:
    case sql::StatementKind::kCreateView:
    case sql::StatementKind::kDrop:
    case sql::StatementKind::kCreateTable:
    case sql::StatementKind::kCreateTableAs:
    case sql::StatementKind::kAlterTable:
    case sql::StatementKind::kCreateSchema:
    case sql::StatementKind::kDropSchema:
    case sql::StatementKind::kCreateRole:
    case sql::StatementKind::kAlterRole:
    case sql::StatementKind::kDropRole:
    case sql::StatementKind::kGrant:
    case sql::StatementKind::kGrantRole:
    case sql::StatementKind::kVacuum:
      return true;
    default:
      return false;
  }
}

const char* StatementKindName(sql::StatementKind kind) {
  switch (kind) {
    case sql::StatementKind::kCreateExternalTable:
      return "CREATE EXTERNAL TABLE";
    case sql::StatementKind::kCreateView:
      return "CREATE VIEW";
    case sql::StatementKind::kDrop:
      return "DROP";
    case sql::StatementKind::kCreateTable:
      return "CREATE TABLE";
    case sql::StatementKind::kCreateTableAs:
      return "CREATE TABLE AS";
    case sql::StatementKind::kAlterTable:
      return "ALTER TABLE";
    case sql::StatementKind::kCreateSchema:
      return "CREATE SCHEMA";
    case sql::StatementKind::kDropSchema:
      return "DROP SCHEMA";
    case sql::StatementKind::kCreateRole:
    case sql::StatementKind::kAlterRole:
    case sql::StatementKind::kDropRole:
      return "a user or role statement";
    case sql::StatementKind::kGrant:
    case sql::StatementKind::kGrantRole:
      return "GRANT / REVOKE";
    case sql::StatementKind::kVacuum:
      return "VACUUM";
    default:
      return "this statement";
  }
}

}  // namespace

arrow::Result<QualifiedName> StatementRunner::ResolveName(const std::vector<std::string>& names) const {
  if (names.empty() || names.size() > 2) return arrow::Status::Invalid("invalid name");
  if (names.size() == 2 && names[0] == sql::kTemporarySchema) {
    if (!state_) return arrow::Status::NotImplemented("temporary tables need a session");
    return QualifiedName{sql::kTemporarySchema, names[1]};
  }
  if (names.size() == 1 && state_) {
    // Temporary tables come first, as in PostgreSQL's search path.
    auto temporary = state_->temporary_tables();
    if (temporary && temporary->catalog().FindTable(sql::kTemporarySchema, names[0])) {
      return QualifiedName{sql::kTemporarySchema, names[0]};
    }
  }
  auto search_path = settings_.find(kSearchPathSetting);
  QualifiedName out{search_path != settings_.end() ? search_path->second : catalog::Catalog::kDefaultSchema,
                    names.back()};
  if (names.size() == 2) {
    if (!catalog_.HasSchema(names[0])) return arrow::Status::KeyError("schema \"", names[0], "\" does not exist");
    out.schema = names[0];
  }
  return out;
}

catalog::Catalog& StatementRunner::CatalogOf(const QualifiedName& name) const {
  if (name.schema != sql::kTemporarySchema || !state_) return catalog_;
  return state_->TemporaryTablesOrNew(catalog_.data_dir())->catalog();
}

arrow::Result<StatementResult> StatementRunner::Run(const sql::Statement& statement, plan::BindContext& context,
                                                    bool describe_only) {
  if (state_ && !context.temporary_tables) {
    if (auto temporary = state_->temporary_tables()) context.temporary_tables = &temporary->catalog();
  }
  if (auto search_path = settings_.find(kSearchPathSetting); search_path != settings_.end()) {
    context.default_schema = search_path->second;
  }
  if (!context.read_managed_table) {
    context.read_managed_table = [this](const std::string& dir) -> arrow::Result<std::shared_ptr<storage::FileTable>> {
      ARROW_ASSIGN_OR_RAISE(auto version, access_.Read(dir));
      return version.files;
    };
  }
  if (authorizer_ && !context.check_table_read) {
    context.check_table_read = [this](const catalog::TableEntry& entry) {
      if (entry.schema_name == sql::kTemporarySchema) return arrow::Status::OK();
      return authorizer_->Require(catalog::Privilege::kSelect, entry.schema_name, entry.name);
    };
  }
  ARROW_RETURN_NOT_OK(Authorize(statement));
  if (access_.in_transaction() && ChangesDefinitions(statement.kind)) {
    return arrow::Status::NotImplemented(StatementKindName(statement.kind),
                                         " cannot run inside a transaction; commit or roll back first");
  }
  switch (statement.kind) {
    case sql::StatementKind::kQuery:
      return RunQuery(statement, context, describe_only);
    case sql::StatementKind::kExplain:
      if (describe_only) return TextResult({"plan"}, {}, true);
      return RunExplain(statement, context);
    case sql::StatementKind::kCreateExternalTable:
      if (describe_only) return StatementResult{};
      return RunCreateExternalTable(statement);
    case sql::StatementKind::kCreateView:
      return RunCreateView(statement, context, describe_only);
    case sql::StatementKind::kDrop:
      if (describe_only) return StatementResult{};
      return RunDrop(statement);
    case sql::StatementKind::kShowTables:
      if (describe_only) return TextResult({"table_name", "table_type"}, {}, true);
      return RunShowTables();
    case sql::StatementKind::kDescribe:
      if (describe_only) return TextResult({"column_name", "data_type", "is_nullable"}, {}, true);
      return RunDescribe(statement);
    case sql::StatementKind::kSet:
      return RunSet(statement, describe_only);
    case sql::StatementKind::kShowVariable:
      if (describe_only) return TextResult({statement.variable}, {}, true);
      return RunShowVariable(statement);
    case sql::StatementKind::kCreateTable:
      if (describe_only) return StatementResult{};
      return RunCreateTable(statement);
    case sql::StatementKind::kCreateTableAs:
      return RunCreateTableAs(statement, context, describe_only);
    case sql::StatementKind::kInsert:
      return RunInsert(statement, context, describe_only);
    case sql::StatementKind::kUpdate:
    case sql::StatementKind::kDelete:
      return RunRowChange(statement, context, describe_only);
    case sql::StatementKind::kTruncate:
      if (describe_only) return StatementResult{};
      return RunTruncate(statement);
    case sql::StatementKind::kAlterTable:
      if (describe_only) return StatementResult{};
      return RunAlterTable(statement, context);
    case sql::StatementKind::kCreateSchema:
      if (describe_only) return StatementResult{};
      return RunCreateSchema(statement);
    case sql::StatementKind::kDropSchema:
      if (describe_only) return StatementResult{};
      return RunDropSchema(statement);
    case sql::StatementKind::kCreateRole:
      if (describe_only) return StatementResult{};
      return RunCreateRole(statement);
    case sql::StatementKind::kAlterRole:
      if (describe_only) return StatementResult{};
      return RunAlterRole(statement);
    case sql::StatementKind::kDropRole:
      if (describe_only) return StatementResult{};
      return RunDropRole(statement);
    case sql::StatementKind::kGrant:
      if (describe_only) return StatementResult{};
      return RunGrant(statement);
    case sql::StatementKind::kGrantRole:
      if (describe_only) return StatementResult{};
      return RunGrantRole(statement);
    case sql::StatementKind::kVacuum:
      if (describe_only) return StatementResult{};
      return RunVacuum(statement);
    case sql::StatementKind::kCacheTable:
    case sql::StatementKind::kUncacheTable:
      if (describe_only) return StatementResult{};
      return RunCacheTable(statement);
  }
  return arrow::Status::Invalid("unknown statement");
}

arrow::Result<StatementResult> StatementRunner::RunQuery(const sql::Statement& statement, plan::BindContext& context,
                                                         bool describe_only) {
  ARROW_ASSIGN_OR_RAISE(auto plan, PlanQuery(*statement.query, context, catalog_));
  auto planned = std::make_shared<PlannedQuery>(
      PlannedQuery{std::move(plan), context.recursive_ctes, context.reads_temporary_table});
  if (!describe_only) return RunPlanned(*planned);
  StatementResult result;
  result.is_query = true;
  result.schema = planned->plan->schema;
  result.planned = std::move(planned);
  return result;
}

arrow::Result<bool> StatementRunner::ShouldDistribute(const PlannedQuery& planned) const {
  // A transaction's reads see its own uncommitted writes, and temporary tables are
  // this session's: both live with this node.
  if (cluster_ == nullptr || planned.reads_temporary_table || access_.in_transaction()) return false;
  std::string mode = "auto";
  if (auto setting = settings_.find(kExecutionModeSetting); setting != settings_.end()) mode = setting->second;
  if (mode != "auto" && mode != "distributed" && mode != "local") {
    return arrow::Status::Invalid("execution_mode must be auto, distributed or local, not '", mode, "'");
  }
  return mode == "distributed" || (mode == "auto" && ScannedBytes(*planned.plan) >= kDistributeFromBytes);
}

arrow::Result<dist::DistributedQuery> StatementRunner::PlaceOnCluster(const plan::LogicalPlanPtr& plan,
                                                                      bool analyze) const {
  const std::string user = authorizer_ ? authorizer_->principal().user : "";
  return cluster_->Distribute(plan, settings_, user, RandomId(kQueryIdBytes), analyze);
}

arrow::Result<std::shared_ptr<dist::DistributedQuery>> StatementRunner::Distribute(const PlannedQuery& planned) {
  ARROW_ASSIGN_OR_RAISE(bool distribute, ShouldDistribute(planned));
  if (!distribute) return nullptr;
  ARROW_RETURN_NOT_OK(MaterializeWithQueries(planned.with_queries, /*cluster_allowed=*/true));
  ARROW_ASSIGN_OR_RAISE(auto query, PlaceOnCluster(planned.plan));
  return std::make_shared<dist::DistributedQuery>(std::move(query));
}

arrow::Result<StatementResult> StatementRunner::RunPlanned(const PlannedQuery& planned) {
  StatementResult result;
  result.is_query = true;
  result.schema = planned.plan->schema;
  ARROW_ASSIGN_OR_RAISE(auto distributed, Distribute(planned));
  if (distributed) {
    ARROW_ASSIGN_OR_RAISE(result.batches, cluster_->OpenResult(*distributed, interrupted_));
    result.distributed = std::move(distributed);
    return result;
  }
  ARROW_RETURN_NOT_OK(MaterializeWithQueries(planned.with_queries, !planned.reads_temporary_table));
  ARROW_ASSIGN_OR_RAISE(auto limited, SessionQueryPool());
  exec::LoweringOptions lowering;
  if (limited) lowering.pool = limited->get();
  lowering.settings = &settings_;
  ARROW_ASSIGN_OR_RAISE(auto declaration, exec::LowerToAcero(*planned.plan, lowering));
  ARROW_ASSIGN_OR_RAISE(result.batches, exec::StartPlan(std::move(declaration), interrupted_, lowering.pool));
  if (limited) result.batches = std::make_shared<ReaderKeepingPool>(std::move(result.batches), std::move(limited));
  return result;
}

arrow::Result<std::shared_ptr<exec::MeasuredQueryPool>> StatementRunner::SessionQueryPool() const {
  auto setting = settings_.find(kMemoryLimitSetting);
  if (setting == settings_.end()) return nullptr;
  ARROW_ASSIGN_OR_RAISE(auto limit,
                        exec::ParseMemoryLimit(setting->second, exec::AvailableMemoryBytes(), kMemoryLimitSetting));
  auto pool = std::make_shared<exec::MeasuredQueryPool>();
  pool->get()->set_limit(limit);
  return pool;
}

arrow::Status StatementRunner::MaterializeWithQueries(
    const std::vector<std::shared_ptr<plan::RecursiveCtePlan>>& with_queries, bool cluster_allowed) {
  if (with_queries.empty()) return arrow::Status::OK();
  // In order: a later one may read an earlier one's rows, and the plan reads them all.
  ARROW_ASSIGN_OR_RAISE(auto max_iterations, MaxRecursiveIterations(settings_));
  for (const auto& cte : with_queries) {
    if (cluster_allowed && !cte->recursive) {
      ARROW_ASSIGN_OR_RAISE(bool distribute, ShouldDistribute(PlannedQuery{cte->anchor, {}, false}));
      if (distribute) {
        ARROW_RETURN_NOT_OK(MaterializeOnCluster(*cte));
        continue;
      }
    }
    ARROW_RETURN_NOT_OK(exec::MaterializeRecursiveCte(*cte, max_iterations, interrupted_));
  }
  return arrow::Status::OK();
}

arrow::Result<StatementResult> StatementRunner::RunExplain(const sql::Statement& statement,
                                                           plan::BindContext& context) {
  ARROW_ASSIGN_OR_RAISE(auto plan, PlanQuery(*statement.query, context, catalog_));
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> summary;  // EXPLAIN ANALYZE's execution summary closes the text
  if (statement.explain_analyze) {
    // The WITH queries run first, as for the query itself; their rounds are not measured.
    ARROW_RETURN_NOT_OK(MaterializeWithQueries(context.recursive_ctes, !context.reads_temporary_table));
    ARROW_ASSIGN_OR_RAISE(bool distribute,
                          ShouldDistribute(PlannedQuery{plan, context.recursive_ctes, context.reads_temporary_table}));
    AnalyzedPlan analyzed;
    if (distribute) {
      ARROW_ASSIGN_OR_RAISE(auto placed, PlaceOnCluster(plan, /*analyze=*/true));
      ARROW_ASSIGN_OR_RAISE(analyzed, ExplainAnalyzeOnCluster(*cluster_, placed, interrupted_));
    } else {
      ARROW_ASSIGN_OR_RAISE(analyzed, ExplainAnalyze(plan, statement.explain_verbose, interrupted_, &settings_));
    }
    for (auto& line : analyzed.plans) rows.push_back({std::move(line)});
    summary = std::move(analyzed.summary);
  } else {
    ARROW_ASSIGN_OR_RAISE(auto declaration, exec::LowerToAcero(*plan));
    rows.push_back({"Logical plan:"});
    plan::CardinalityEstimator estimator(plan::KeyColumns(*plan));
    auto estimated_rows = [&](const plan::LogicalPlanPtr& node) {
      return "  (~" + plan::FormatRows(estimator.Of(node).rows) + " rows)";
    };
    for (auto& line : SplitLines(plan::FormatLogicalPlan(plan, statement.explain_verbose, estimated_rows))) {
      rows.push_back({"  " + line});
    }
    rows.push_back({"Physical plan:"});
    for (auto& line : SplitLines(exec::FormatPhysicalPlan(declaration))) rows.push_back({"  " + line});
    ARROW_RETURN_NOT_OK(ExplainDistribution(plan, context, &rows));
  }
  for (const auto& cte : context.recursive_ctes) {
    if (!cte->recursive) {
      rows.push_back({"WITH query " + cte->name + " (named more than once), computed first:"});
      for (auto& line : SplitLines(plan::FormatLogicalPlan(*cte->anchor, statement.explain_verbose))) {
        rows.push_back({"  " + line});
      }
      continue;
    }
    rows.push_back({std::string("Recursive query ") + cte->name + " (UNION" + (cte->union_all ? " ALL" : "") +
                    "), computed first:"});
    rows.push_back({"  Non-recursive term:"});
    for (auto& line : SplitLines(plan::FormatLogicalPlan(*cte->anchor, statement.explain_verbose))) {
      rows.push_back({"    " + line});
    }
    rows.push_back({"  Recursive term (repeated while it adds rows):"});
    for (auto& line : SplitLines(plan::FormatLogicalPlan(*cte->recursive, statement.explain_verbose))) {
      rows.push_back({"    " + line});
    }
  }
  for (auto& line : summary) rows.push_back({std::move(line)});
  return TextResult({"plan"}, rows, false);
}

arrow::Status StatementRunner::ExplainDistribution(const plan::LogicalPlanPtr& plan, const plan::BindContext& context,
                                                   std::vector<std::vector<std::string>>* rows) const {
  ARROW_ASSIGN_OR_RAISE(bool distribute,
                        ShouldDistribute(PlannedQuery{plan, context.recursive_ctes, context.reads_temporary_table}));
  if (!distribute) return arrow::Status::OK();
  // The stages of a plan reading WITH queries exist once those are computed, which
  // EXPLAIN does not do.
  if (!context.recursive_ctes.empty()) {
    rows->push_back({"Distributed plan: runs across the cluster once its WITH queries are computed"});
    return arrow::Status::OK();
  }
  ARROW_ASSIGN_OR_RAISE(auto placed, PlaceOnCluster(plan));
  rows->push_back({"Distributed plan (" + std::to_string(placed.plan.workers_size()) + " workers):"});
  for (auto& line : SplitLines(dist::FormatStages(placed.staged, placed.task_workers))) {
    rows->push_back({"  " + line});
  }
  return arrow::Status::OK();
}

arrow::Result<StatementResult> StatementRunner::RunCreateExternalTable(const sql::Statement& statement) {
  ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(statement.names));
  if (statement.if_not_exists && CatalogOf(name).FindTable(name.schema, name.name)) return StatementResult{};
  storage::FileTableSpec spec;
  spec.format = statement.format;
  spec.location = statement.location_path;
  spec.options = statement.options;
  if (!statement.columns.empty()) {
    arrow::FieldVector fields;
    for (const auto& column : statement.columns) {
      ARROW_ASSIGN_OR_RAISE(auto arrow_type, plan::ResolveTypeName(column.type));
      fields.push_back(arrow::field(column.name, arrow_type));
    }
    spec.declared_schema = arrow::schema(fields);
  }
  ARROW_ASSIGN_OR_RAISE(auto table, storage::FileTable::Open(spec));
  catalog::TableEntry entry;
  entry.schema_name = name.schema;
  entry.name = name.name;
  entry.kind = catalog::TableKind::kExternal;
  entry.schema = table->schema();
  entry.format = table->spec().format;
  entry.location = table->spec().location;
  entry.options = table->spec().options;
  entry.partition_columns = table->partition_columns();
  for (const auto& column : statement.partitioned_by) {
    if (table->schema()->GetFieldIndex(column) < 0) {
      return arrow::Status::Invalid("partition column \"", column, "\" is not a directory level of ",
                                    table->spec().location, " (expected directories named ", column, "=value)");
    }
  }
  ARROW_RETURN_NOT_OK(CatalogOf(name).CreateTable(std::move(entry), statement.or_replace));
  ARROW_RETURN_NOT_OK(RecordCreator(name));
  return StatementResult{};
}

arrow::Result<StatementResult> StatementRunner::RunCreateView(const sql::Statement& statement,
                                                              plan::BindContext& context, bool describe_only) {
  ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(statement.names));
  // Bind the query now: a view that cannot run is refused when created.
  plan::Binder binder(context, catalog_);
  ARROW_ASSIGN_OR_RAISE(auto bound, binder.BindStatementQuery(*statement.query));
  if (describe_only) return StatementResult{};
  if (!context.parameter_types.empty()) return arrow::Status::Invalid("views cannot have parameters");
  if (context.reads_temporary_table && name.schema != sql::kTemporarySchema) {
    return arrow::Status::Invalid("view \"", name.name,
                                  "\" reads a temporary table, so it must be temporary too (CREATE TEMP VIEW)");
  }
  arrow::FieldVector fields = bound->schema->fields();
  if (statement.column_aliases.size() > fields.size()) {
    return arrow::Status::Invalid("CREATE VIEW specifies more column names than columns");
  }
  for (size_t i = 0; i < statement.column_aliases.size(); ++i) {
    fields[i] = fields[i]->WithName(statement.column_aliases[i]);
  }
  catalog::TableEntry entry;
  entry.schema_name = name.schema;
  entry.name = name.name;
  entry.kind = catalog::TableKind::kView;
  entry.schema = arrow::schema(fields);
  entry.view_sql = statement.view_query_text;
  ARROW_RETURN_NOT_OK(CatalogOf(name).CreateTable(std::move(entry), statement.or_replace));
  ARROW_RETURN_NOT_OK(RecordCreator(name));
  return StatementResult{};
}

arrow::Result<StatementResult> StatementRunner::RunDrop(const sql::Statement& statement) {
  ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(statement.names));
  auto kind = statement.drop_view ? catalog::TableKind::kView : catalog::TableKind::kExternal;
  auto dropped = CatalogOf(name).DropTable(name.schema, name.name, kind);
  if (dropped.status().IsKeyError() && statement.if_exists) return StatementResult{};
  ARROW_RETURN_NOT_OK(dropped.status());
  if ((*dropped)->kind == catalog::TableKind::kManaged) DeleteManagedTableData((*dropped)->location);
  ARROW_RETURN_NOT_OK(ForgetGrants(name));
  return StatementResult{};
}

arrow::Result<StatementResult> StatementRunner::RunShowTables() {
  std::vector<std::vector<std::string>> rows;
  auto entries = catalog_.ListTables();
  if (auto temporary = state_ ? state_->temporary_tables() : nullptr) {
    auto more = temporary->catalog().ListTables();
    entries.insert(entries.begin(), more.begin(), more.end());
  }
  for (const auto& entry : entries) rows.push_back({entry->name, catalog::TableKindName(entry->kind)});
  return TextResult({"table_name", "table_type"}, rows, false);
}

arrow::Result<StatementResult> StatementRunner::RunDescribe(const sql::Statement& statement) {
  ARROW_ASSIGN_OR_RAISE(auto name, ResolveName(statement.names));
  ARROW_ASSIGN_OR_RAISE(auto entry, CatalogOf(name).GetTable(name.schema, name.name));
  std::vector<std::vector<std::string>> rows;
  for (const auto& field : entry->schema->fields()) {
    rows.push_back({field->name(), plan::SqlTypeName(*field->type()), field->nullable() ? "YES" : "NO"});
  }
  return TextResult({"column_name", "data_type", "is_nullable"}, rows, false);
}

arrow::Result<StatementResult> StatementRunner::RunSet(const sql::Statement& statement, bool describe_only) {
  if (describe_only) return StatementResult{};
  if (statement.variable == kSearchPathSetting && !statement.value.empty() && !catalog_.HasSchema(statement.value)) {
    return arrow::Status::KeyError("schema \"", statement.value, "\" does not exist");
  }
  if (statement.variable == kMemoryLimitSetting && !statement.value.empty()) {
    ARROW_RETURN_NOT_OK(
        exec::ParseMemoryLimit(statement.value, exec::AvailableMemoryBytes(), kMemoryLimitSetting).status());
  }
  // An extension's setting is checked by it: an unknown name or a bad value is refused
  // (a RESET only needs the name to exist).
  const auto& extensions = SettingsRegistry::Default();
  if (extensions.Governs(statement.variable)) {
    ARROW_RETURN_NOT_OK(statement.value.empty() ? extensions.Value({}, statement.variable).status()
                                                : extensions.Check(statement.variable, statement.value));
  }
  if (statement.value.empty()) {
    settings_.erase(statement.variable);
  } else {
    settings_[statement.variable] = statement.value;
  }
  return StatementResult{};
}

arrow::Result<StatementResult> StatementRunner::RunShowVariable(const sql::Statement& statement) {
  auto it = settings_.find(statement.variable);
  if (it != settings_.end()) return TextResult({statement.variable}, {{it->second}}, false);
  // An extension's setting not set in this session shows its default.
  if (SettingsRegistry::Default().Governs(statement.variable)) {
    ARROW_ASSIGN_OR_RAISE(auto value, SettingsRegistry::Default().Value(settings_, statement.variable));
    return TextResult({statement.variable}, {{value}}, false);
  }
  return arrow::Status::KeyError("unrecognized configuration parameter \"", statement.variable, "\"");
}

}  // namespace quiver::engine
