// The metadata schemas, spelled out again from the specification so that a change
// to metadata_schemas.cc cannot silently break JDBC/ADBC clients.
#include "quiver/flightsql/metadata_schemas.h"

#include <arrow/type.h>
#include <gtest/gtest.h>

namespace quiver::flightsql {
namespace {

using arrow::field;

void ExpectSchema(const std::shared_ptr<arrow::Schema>& actual, const std::shared_ptr<arrow::Schema>& expected) {
  EXPECT_TRUE(actual->Equals(*expected)) << "got\n" << actual->ToString() << "\nexpected\n" << expected->ToString();
}

TEST(MetadataSchemasTest, Catalogs) {
  ExpectSchema(MetadataSchemas::Catalogs(), arrow::schema({field("catalog_name", arrow::utf8(), false)}));
}

TEST(MetadataSchemasTest, DbSchemas) {
  ExpectSchema(MetadataSchemas::DbSchemas(), arrow::schema({field("catalog_name", arrow::utf8(), true),
                                                            field("db_schema_name", arrow::utf8(), false)}));
}

TEST(MetadataSchemasTest, Tables) {
  auto base = std::vector<std::shared_ptr<arrow::Field>>{
      field("catalog_name", arrow::utf8(), true), field("db_schema_name", arrow::utf8(), true),
      field("table_name", arrow::utf8(), false), field("table_type", arrow::utf8(), false)};
  ExpectSchema(MetadataSchemas::Tables(), arrow::schema(base));
  base.push_back(field("table_schema", arrow::binary(), false));
  ExpectSchema(MetadataSchemas::TablesWithSchema(), arrow::schema(base));
}

TEST(MetadataSchemasTest, TableTypes) {
  ExpectSchema(MetadataSchemas::TableTypes(), arrow::schema({field("table_type", arrow::utf8(), false)}));
}

TEST(MetadataSchemasTest, PrimaryKeys) {
  ExpectSchema(MetadataSchemas::PrimaryKeys(),
               arrow::schema({field("catalog_name", arrow::utf8(), true), field("db_schema_name", arrow::utf8(), true),
                              field("table_name", arrow::utf8(), false), field("column_name", arrow::utf8(), false),
                              field("key_sequence", arrow::int32(), false), field("key_name", arrow::utf8(), true)}));
}

TEST(MetadataSchemasTest, ForeignKeys) {
  ExpectSchema(
      MetadataSchemas::ForeignKeys(),
      arrow::schema({field("pk_catalog_name", arrow::utf8(), true), field("pk_db_schema_name", arrow::utf8(), true),
                     field("pk_table_name", arrow::utf8(), false), field("pk_column_name", arrow::utf8(), false),
                     field("fk_catalog_name", arrow::utf8(), true), field("fk_db_schema_name", arrow::utf8(), true),
                     field("fk_table_name", arrow::utf8(), false), field("fk_column_name", arrow::utf8(), false),
                     field("key_sequence", arrow::int32(), false), field("fk_key_name", arrow::utf8(), true),
                     field("pk_key_name", arrow::utf8(), true), field("update_rule", arrow::uint8(), false),
                     field("delete_rule", arrow::uint8(), false)}));
}

TEST(MetadataSchemasTest, XdbcTypeInfo) {
  ExpectSchema(MetadataSchemas::XdbcTypeInfo(),
               arrow::schema({
                   field("type_name", arrow::utf8(), false),
                   field("data_type", arrow::int32(), false),
                   field("column_size", arrow::int32(), true),
                   field("literal_prefix", arrow::utf8(), true),
                   field("literal_suffix", arrow::utf8(), true),
                   field("create_params", arrow::list(field("item", arrow::utf8(), false)), true),
                   field("nullable", arrow::int32(), false),
                   field("case_sensitive", arrow::boolean(), false),
                   field("searchable", arrow::int32(), false),
                   field("unsigned_attribute", arrow::boolean(), true),
                   field("fixed_prec_scale", arrow::boolean(), false),
                   field("auto_increment", arrow::boolean(), true),
                   field("local_type_name", arrow::utf8(), true),
                   field("minimum_scale", arrow::int32(), true),
                   field("maximum_scale", arrow::int32(), true),
                   field("sql_data_type", arrow::int32(), false),
                   field("datetime_subcode", arrow::int32(), true),
                   field("num_prec_radix", arrow::int32(), true),
                   field("interval_precision", arrow::int32(), true),
               }));
}

}  // namespace
}  // namespace quiver::flightsql
