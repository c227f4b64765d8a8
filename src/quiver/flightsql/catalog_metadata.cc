#include "quiver/flightsql/catalog_metadata.h"

#include <arrow/builder.h>
#include <arrow/ipc/writer.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>

#include "quiver/catalog/catalog.h"
#include "quiver/flightsql/like_pattern.h"
#include "quiver/flightsql/metadata_schemas.h"

namespace quiver::flightsql {

namespace {

// The catalog filter of the metadata commands: unset matches everything; set, it
// must name our catalog exactly (an empty string asks for objects without a
// catalog, and Quiver has none).
bool CatalogMatches(bool has_catalog, const std::string& catalog) {
  return !has_catalog || catalog == catalog::Catalog::kCatalogName;
}

bool PatternMatches(bool has_pattern, const std::string& pattern, const std::string& text) {
  return !has_pattern || LikePattern(pattern).Matches(text);
}

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> Empty(const std::shared_ptr<arrow::Schema>& schema) {
  return arrow::RecordBatch::MakeEmpty(schema);
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::RecordBatch>> CatalogMetadata::Catalogs() const {
  arrow::StringBuilder names;
  ARROW_RETURN_NOT_OK(names.Append(catalog::Catalog::kCatalogName));
  ARROW_ASSIGN_OR_RAISE(auto array, names.Finish());
  return arrow::RecordBatch::Make(MetadataSchemas::Catalogs(), 1, {array});
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> CatalogMetadata::DbSchemas(
    const pb::CommandGetDbSchemas& command) const {
  if (!CatalogMatches(command.has_catalog(), command.catalog())) return Empty(MetadataSchemas::DbSchemas());
  // Schemas the catalog declares plus any a table lives in, sorted and unique.
  std::set<std::string> schemas;
  for (const auto& name : catalog_.ListSchemas()) schemas.insert(name);
  for (const auto& table : catalog_.ListTables()) schemas.insert(table->schema_name);
  arrow::StringBuilder catalogs, names;
  for (const auto& name : schemas) {
    if (!PatternMatches(command.has_db_schema_filter_pattern(), command.db_schema_filter_pattern(), name)) {
      continue;
    }
    ARROW_RETURN_NOT_OK(catalogs.Append(catalog::Catalog::kCatalogName));
    ARROW_RETURN_NOT_OK(names.Append(name));
  }
  ARROW_ASSIGN_OR_RAISE(auto catalog_array, catalogs.Finish());
  ARROW_ASSIGN_OR_RAISE(auto name_array, names.Finish());
  return arrow::RecordBatch::Make(MetadataSchemas::DbSchemas(), name_array->length(), {catalog_array, name_array});
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> CatalogMetadata::Tables(const pb::CommandGetTables& command,
                                                                           const TableVisibility& visible) const {
  const auto& schema = command.include_schema() ? MetadataSchemas::TablesWithSchema() : MetadataSchemas::Tables();
  if (!CatalogMatches(command.has_catalog(), command.catalog())) return Empty(schema);
  // Table types compare case-insensitively: "table" and "TABLE" mean the same.
  std::set<std::string> types;
  for (const auto& type : command.table_types()) types.insert(Upper(type));

  arrow::StringBuilder catalogs, schemas, names, kinds;
  arrow::BinaryBuilder table_schemas;
  for (const auto& table : catalog_.ListTables()) {
    if (visible && !visible(*table)) continue;
    std::string kind = catalog::TableKindName(table->kind);
    if (!types.empty() && !types.count(kind)) continue;
    if (!PatternMatches(command.has_db_schema_filter_pattern(), command.db_schema_filter_pattern(),
                        table->schema_name) ||
        !PatternMatches(command.has_table_name_filter_pattern(), command.table_name_filter_pattern(), table->name)) {
      continue;
    }
    ARROW_RETURN_NOT_OK(catalogs.Append(catalog::Catalog::kCatalogName));
    ARROW_RETURN_NOT_OK(schemas.Append(table->schema_name));
    ARROW_RETURN_NOT_OK(names.Append(table->name));
    ARROW_RETURN_NOT_OK(kinds.Append(kind));
    if (command.include_schema()) {
      ARROW_ASSIGN_OR_RAISE(auto bytes, arrow::ipc::SerializeSchema(*table->schema));
      ARROW_RETURN_NOT_OK(table_schemas.Append(bytes->data(), bytes->size()));
    }
  }
  std::vector<std::shared_ptr<arrow::Array>> columns(4);
  ARROW_RETURN_NOT_OK(catalogs.Finish(&columns[0]));
  ARROW_RETURN_NOT_OK(schemas.Finish(&columns[1]));
  ARROW_RETURN_NOT_OK(names.Finish(&columns[2]));
  ARROW_RETURN_NOT_OK(kinds.Finish(&columns[3]));
  if (command.include_schema()) {
    columns.emplace_back();
    ARROW_RETURN_NOT_OK(table_schemas.Finish(&columns[4]));
  }
  int64_t rows = columns[0]->length();
  return arrow::RecordBatch::Make(schema, rows, std::move(columns));
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> CatalogMetadata::TableTypes() const {
  arrow::StringBuilder types;
  // Sorted, as the specification asks.
  ARROW_RETURN_NOT_OK(types.Append(catalog::TableKindName(catalog::TableKind::kExternal)));
  ARROW_RETURN_NOT_OK(types.Append(catalog::TableKindName(catalog::TableKind::kView)));
  ARROW_ASSIGN_OR_RAISE(auto array, types.Finish());
  return arrow::RecordBatch::Make(MetadataSchemas::TableTypes(), array->length(), {array});
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> CatalogMetadata::PrimaryKeys(
    const pb::CommandGetPrimaryKeys& command, const TableVisibility& visible) const {
  if (!CatalogMatches(command.has_catalog(), command.catalog())) return Empty(MetadataSchemas::PrimaryKeys());
  arrow::StringBuilder catalogs, schemas, tables, columns, key_names;
  arrow::Int32Builder sequence;
  for (const auto& table : catalog_.ListTables()) {
    if (table->name != command.table() || (command.has_db_schema() && table->schema_name != command.db_schema()) ||
        (visible && !visible(*table))) {
      continue;
    }
    for (size_t i = 0; i < table->primary_key.size(); ++i) {
      ARROW_RETURN_NOT_OK(catalogs.Append(catalog::Catalog::kCatalogName));
      ARROW_RETURN_NOT_OK(schemas.Append(table->schema_name));
      ARROW_RETURN_NOT_OK(tables.Append(table->name));
      ARROW_RETURN_NOT_OK(columns.Append(table->primary_key[i]));
      ARROW_RETURN_NOT_OK(sequence.Append(static_cast<int32_t>(i + 1)));
      ARROW_RETURN_NOT_OK(key_names.Append(table->name + "_pkey"));  // PostgreSQL's default name
    }
  }
  std::vector<std::shared_ptr<arrow::Array>> arrays(6);
  ARROW_RETURN_NOT_OK(catalogs.Finish(&arrays[0]));
  ARROW_RETURN_NOT_OK(schemas.Finish(&arrays[1]));
  ARROW_RETURN_NOT_OK(tables.Finish(&arrays[2]));
  ARROW_RETURN_NOT_OK(columns.Finish(&arrays[3]));
  ARROW_RETURN_NOT_OK(sequence.Finish(&arrays[4]));
  ARROW_RETURN_NOT_OK(key_names.Finish(&arrays[5]));
  const int64_t rows = arrays[0]->length();
  return arrow::RecordBatch::Make(MetadataSchemas::PrimaryKeys(), rows, std::move(arrays));
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> CatalogMetadata::ForeignKeys() const {
  return Empty(MetadataSchemas::ForeignKeys());
}

}  // namespace quiver::flightsql
