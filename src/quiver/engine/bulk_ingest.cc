#include "quiver/engine/bulk_ingest.h"

#include <arrow/array/util.h>
#include <arrow/compute/cast.h>
#include <arrow/type.h>

#include <filesystem>

#include "quiver/catalog/catalog.h"
#include "quiver/engine/engine.h"
#include "quiver/engine/managed_table_storage.h"
#include "quiver/engine/principal.h"
#include "quiver/engine/session.h"
#include "quiver/engine/session_state.h"
#include "quiver/engine/table_access.h"
#include "quiver/lake/data_file_writer.h"
#include "quiver/lake/delta_schema.h"
#include "quiver/lake/managed_tables.h"
#include "quiver/sql/ast.h"
#include "quiver/storage/file_table.h"

namespace quiver::engine {

namespace {

namespace fs = std::filesystem;

// How each table column is filled from a stream batch: the stream's column of that
// name (converted when its type differs), or NULL.
class ColumnMapping {
 public:
  static arrow::Result<ColumnMapping> Make(const arrow::Schema& stream, std::shared_ptr<arrow::Schema> table,
                                           const std::string& table_name) {
    ColumnMapping mapping;
    mapping.table_ = std::move(table);
    for (const auto& field : stream.fields()) {
      if (mapping.table_->GetFieldIndex(field->name()) < 0) {
        return arrow::Status::Invalid("column \"", field->name(), "\" of the ingested data is not a column of table \"",
                                      table_name, "\"");
      }
    }
    for (const auto& field : mapping.table_->fields()) mapping.sources_.push_back(stream.GetFieldIndex(field->name()));
    return mapping;
  }

  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Apply(const arrow::RecordBatch& batch) const {
    arrow::ArrayVector columns;
    for (int i = 0; i < table_->num_fields(); ++i) {
      const auto& type = table_->field(i)->type();
      if (sources_[i] < 0) {
        ARROW_ASSIGN_OR_RAISE(auto nulls, arrow::MakeArrayOfNull(type, batch.num_rows()));
        columns.push_back(std::move(nulls));
        continue;
      }
      auto column = batch.column(sources_[i]);
      if (!column->type()->Equals(*type)) {
        auto cast = arrow::compute::Cast(*column, type, arrow::compute::CastOptions::Safe());
        if (!cast.ok()) {
          return arrow::Status::Invalid("column \"", table_->field(i)->name(), "\": cannot store ",
                                        column->type()->ToString(), " values as ", type->ToString(), ": ",
                                        cast.status().message());
        }
        column = *cast;
      }
      columns.push_back(std::move(column));
    }
    return arrow::RecordBatch::Make(table_, batch.num_rows(), std::move(columns));
  }

 private:
  std::shared_ptr<arrow::Schema> table_;
  std::vector<int> sources_;
};

arrow::Result<std::vector<lake::AddFile>> WriteStream(arrow::RecordBatchReader& batches, const ColumnMapping& mapping,
                                                      lake::DataFileWriter& writer) {
  while (true) {
    ARROW_ASSIGN_OR_RAISE(auto batch, batches.Next());
    if (!batch) break;
    ARROW_ASSIGN_OR_RAISE(auto mapped, mapping.Apply(*batch));
    ARROW_RETURN_NOT_OK(writer.Write(mapped));
  }
  return writer.Finish();
}

}  // namespace

arrow::Result<int64_t> IngestBatches(Session& session, const IngestRequest& request,
                                     arrow::RecordBatchReader& batches) {
  if (request.table.empty()) return arrow::Status::Invalid("bulk ingest needs a table name");
  TableAccess& access = session.access();
  const Authorizer authorizer(session.engine().access_control(), session.principal());
  catalog::Catalog* names = &session.engine().catalog();
  std::string schema_name = request.schema_name.empty() ? catalog::Catalog::kDefaultSchema : request.schema_name;
  if (request.temporary || schema_name == sql::kTemporarySchema) {
    if (!request.schema_name.empty() && request.schema_name != sql::kTemporarySchema) {
      return arrow::Status::Invalid("a temporary table cannot be in schema \"", request.schema_name,
                                    "\" (temporary tables are in the session's own schema, ", sql::kTemporarySchema,
                                    ")");
    }
    schema_name = sql::kTemporarySchema;
    names = &session.state()->TemporaryTablesOrNew(session.engine().catalog().data_dir())->catalog();
  }
  if (!names->HasSchema(schema_name)) return arrow::Status::KeyError("schema \"", schema_name, "\" does not exist");
  auto entry = names->FindTable(schema_name, request.table);
  // A session's temporary tables are its own: no privileges are needed.
  auto require = [&](catalog::Privilege privilege, const std::string& table) {
    if (schema_name == sql::kTemporarySchema) return arrow::Status::OK();
    return authorizer.Require(privilege, schema_name, table);
  };

  if (!entry) {
    if (request.if_missing == IngestRequest::IfMissing::kFail) {
      return arrow::Status::KeyError("table \"", request.table, "\" does not exist (ingest mode does not create it)");
    }
    ARROW_RETURN_NOT_OK(require(catalog::Privilege::kCreate, ""));
    if (access.in_transaction()) {
      return arrow::Status::NotImplemented("bulk ingest cannot create table \"", request.table,
                                           "\" inside a transaction; create it first");
    }
    // The table's columns are the stream's, with strings and binaries in their plain form.
    auto schema = storage::NormalizedSchema(*batches.schema());
    schema = schema->RemoveMetadata();
    ARROW_RETURN_NOT_OK(lake::ToDeltaSchemaString(*schema).status());
    ARROW_ASSIGN_OR_RAISE(auto mapping, ColumnMapping::Make(*batches.schema(), schema, request.table));
    const std::string dir = NewTableDirectory(names->data_dir(), schema_name, request.table);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return arrow::Status::IOError("cannot create ", dir, ": ", ec.message());
    lake::DataFileWriter writer(dir, schema, {.table_name = request.table});
    int64_t rows = 0;
    auto status = [&]() -> arrow::Status {
      ARROW_ASSIGN_OR_RAISE(auto adds, WriteStream(batches, mapping, writer));
      rows = writer.rows_written();
      ARROW_RETURN_NOT_OK(lake::DeltaTable::Create(dir, schema, {request.table, {}}, std::move(adds),
                                                   {{"numOutputRows", std::to_string(rows)}})
                              .status());
      return names->CreateTable(ManagedTableEntryOf(schema_name, request.table, schema, dir), false);
    }();
    if (!status.ok()) {
      DeleteManagedTableData(dir);
      return status;
    }
    ARROW_RETURN_NOT_OK(
        RecordCreator(session.engine().access_control(), session.principal(), schema_name, request.table));
    return rows;
  }

  if (entry->kind != catalog::TableKind::kManaged) {
    return arrow::Status::Invalid("cannot ingest into \"", request.table,
                                  "\": only tables Quiver stores take rows (it is a view or a table over files)");
  }
  if (request.if_exists == IngestRequest::IfExists::kFail) {
    return arrow::Status::AlreadyExists("table \"", request.table, "\" already exists (ingest mode is create)");
  }
  const bool replace = request.if_exists == IngestRequest::IfExists::kReplace;
  ARROW_RETURN_NOT_OK(require(catalog::Privilege::kInsert, request.table));
  if (replace) ARROW_RETURN_NOT_OK(require(catalog::Privilege::kDelete, request.table));
  ARROW_ASSIGN_OR_RAISE(auto version, access.Read(entry->location));
  auto schema = replace ? storage::NormalizedSchema(*batches.schema())->RemoveMetadata() : version.snapshot->schema;
  if (replace) ARROW_RETURN_NOT_OK(lake::ToDeltaSchemaString(*schema).status());
  ARROW_ASSIGN_OR_RAISE(auto mapping, ColumnMapping::Make(*batches.schema(), schema, request.table));
  lake::DataFileWriter writer(entry->location, schema, {.table_name = request.table});
  lake::TableChange change;
  change.operation = "WRITE";
  change.parameters = {{"mode", replace ? "Overwrite" : "Append"}};
  ARROW_ASSIGN_OR_RAISE(change.adds, WriteStream(batches, mapping, writer));
  const int64_t rows = writer.rows_written();
  change.metrics = {{"numOutputRows", std::to_string(rows)}};
  if (replace) {
    for (const auto& [path, file] : version.snapshot->files) change.removes.push_back(path);
    if (!schema->Equals(*version.snapshot->schema)) change.new_schema = schema;
  }
  if (change.adds.empty() && change.removes.empty() && !change.new_schema) return rows;
  const bool new_schema = change.new_schema.has_value();
  ARROW_RETURN_NOT_OK(access.Write(entry->location, version, std::move(change)));
  if (new_schema) {
    catalog::TableEntry updated = *entry;
    updated.schema = schema;
    updated.primary_key.clear();
    ARROW_RETURN_NOT_OK(names->UpdateTable(std::move(updated)));
  }
  return rows;
}

}  // namespace quiver::engine
