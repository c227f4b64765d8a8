#include "quiver/flightsql/metadata_schemas.h"

#include <arrow/type.h>

namespace quiver::flightsql {

using arrow::field;

const std::shared_ptr<arrow::DataType>& MetadataSchemas::SqlInfoValue() {
  // Union member order fixes the type codes 0..5 clients switch on.
  static const auto type = arrow::dense_union({
      field("string_value", arrow::utf8(), false),
      field("bool_value", arrow::boolean(), false),
      field("bigint_value", arrow::int64(), false),
      field("int32_bitmask", arrow::int32(), false),
      field("string_list", arrow::list(arrow::utf8()), false),
      field("int32_to_int32_list_map", arrow::map(arrow::int32(), arrow::list(arrow::int32())), false),
  });
  return type;
}

const std::shared_ptr<arrow::Schema>& MetadataSchemas::SqlInfo() {
  static const auto schema = arrow::schema({
      field("info_name", arrow::uint32(), false),
      field("value", SqlInfoValue(), false),
  });
  return schema;
}

const std::shared_ptr<arrow::Schema>& MetadataSchemas::XdbcTypeInfo() {
  static const auto schema = arrow::schema({
      field("type_name", arrow::utf8(), false),
      field("data_type", arrow::int32(), false),
      field("column_size", arrow::int32()),
      field("literal_prefix", arrow::utf8()),
      field("literal_suffix", arrow::utf8()),
      field("create_params", arrow::list(field("item", arrow::utf8(), false))),
      field("nullable", arrow::int32(), false),
      field("case_sensitive", arrow::boolean(), false),
      field("searchable", arrow::int32(), false),
      field("unsigned_attribute", arrow::boolean()),
      field("fixed_prec_scale", arrow::boolean(), false),
      field("auto_increment", arrow::boolean()),
      field("local_type_name", arrow::utf8()),
      field("minimum_scale", arrow::int32()),
      field("maximum_scale", arrow::int32()),
      field("sql_data_type", arrow::int32(), false),
      field("datetime_subcode", arrow::int32()),
      field("num_prec_radix", arrow::int32()),
      field("interval_precision", arrow::int32()),
  });
  return schema;
}

const std::shared_ptr<arrow::Schema>& MetadataSchemas::Catalogs() {
  static const auto schema = arrow::schema({field("catalog_name", arrow::utf8(), false)});
  return schema;
}

const std::shared_ptr<arrow::Schema>& MetadataSchemas::DbSchemas() {
  static const auto schema = arrow::schema({
      field("catalog_name", arrow::utf8()),
      field("db_schema_name", arrow::utf8(), false),
  });
  return schema;
}

const std::shared_ptr<arrow::Schema>& MetadataSchemas::Tables() {
  static const auto schema = arrow::schema({
      field("catalog_name", arrow::utf8()),
      field("db_schema_name", arrow::utf8()),
      field("table_name", arrow::utf8(), false),
      field("table_type", arrow::utf8(), false),
  });
  return schema;
}

const std::shared_ptr<arrow::Schema>& MetadataSchemas::TablesWithSchema() {
  static const auto schema = Tables()->AddField(4, field("table_schema", arrow::binary(), false)).ValueOrDie();
  return schema;
}

const std::shared_ptr<arrow::Schema>& MetadataSchemas::TableTypes() {
  static const auto schema = arrow::schema({field("table_type", arrow::utf8(), false)});
  return schema;
}

const std::shared_ptr<arrow::Schema>& MetadataSchemas::PrimaryKeys() {
  static const auto schema = arrow::schema({
      field("catalog_name", arrow::utf8()),
      field("db_schema_name", arrow::utf8()),
      field("table_name", arrow::utf8(), false),
      field("column_name", arrow::utf8(), false),
      field("key_sequence", arrow::int32(), false),
      field("key_name", arrow::utf8()),
  });
  return schema;
}

const std::shared_ptr<arrow::Schema>& MetadataSchemas::ForeignKeys() {
  static const auto schema = arrow::schema({
      field("pk_catalog_name", arrow::utf8()),
      field("pk_db_schema_name", arrow::utf8()),
      field("pk_table_name", arrow::utf8(), false),
      field("pk_column_name", arrow::utf8(), false),
      field("fk_catalog_name", arrow::utf8()),
      field("fk_db_schema_name", arrow::utf8()),
      field("fk_table_name", arrow::utf8(), false),
      field("fk_column_name", arrow::utf8(), false),
      field("key_sequence", arrow::int32(), false),
      field("fk_key_name", arrow::utf8()),
      field("pk_key_name", arrow::utf8()),
      field("update_rule", arrow::uint8(), false),
      field("delete_rule", arrow::uint8(), false),
  });
  return schema;
}

}  // namespace quiver::flightsql
