#include "quiver/flightsql/sql_info.h"

#include <arrow/array.h>
#include <arrow/config.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <gtest/gtest.h>

#include "flight_sql.pb.h"
#include "quiver/flightsql/metadata_schemas.h"
#include "quiver/flightsql/version.h"

namespace quiver::flightsql {
namespace {

namespace pb = arrow::flight::protocol::sql;

// Reads the value in row `row` of a GetSqlInfo result, whichever union member holds it.
struct Row {
  uint32_t id;
  int8_t type_code;
  std::shared_ptr<arrow::Array> child;
  int32_t offset;
};

Row RowAt(const arrow::RecordBatch& batch, int64_t row) {
  auto names = std::static_pointer_cast<arrow::UInt32Array>(batch.column(0));
  auto values = std::static_pointer_cast<arrow::DenseUnionArray>(batch.column(1));
  int8_t code = values->type_code(row);
  return {names->Value(row), code, values->field(values->child_id(row)), values->value_offset(row)};
}

TEST(SqlInfoTest, SchemaIsTheSpecifications) {
  auto expected = arrow::schema({
      arrow::field("info_name", arrow::uint32(), false),
      arrow::field(
          "value",
          arrow::dense_union({
              arrow::field("string_value", arrow::utf8(), false),
              arrow::field("bool_value", arrow::boolean(), false),
              arrow::field("bigint_value", arrow::int64(), false),
              arrow::field("int32_bitmask", arrow::int32(), false),
              arrow::field("string_list", arrow::list(arrow::utf8()), false),
              arrow::field("int32_to_int32_list_map", arrow::map(arrow::int32(), arrow::list(arrow::int32())), false),
          }),
          false),
  });
  EXPECT_TRUE(MetadataSchemas::SqlInfo()->Equals(*expected)) << MetadataSchemas::SqlInfo()->ToString();
  auto batch = SqlInfoTable::ForQuiver().Select({}).ValueOrDie();
  EXPECT_TRUE(batch->schema()->Equals(*expected));
  ASSERT_TRUE(batch->ValidateFull().ok());
}

TEST(SqlInfoTest, ServerIdentityIsTruthful) {
  auto batch =
      SqlInfoTable::ForQuiver()
          .Select({pb::FLIGHT_SQL_SERVER_NAME, pb::FLIGHT_SQL_SERVER_VERSION, pb::FLIGHT_SQL_SERVER_ARROW_VERSION,
                   pb::FLIGHT_SQL_SERVER_READ_ONLY, pb::FLIGHT_SQL_SERVER_TRANSACTION})
          .ValueOrDie();
  ASSERT_EQ(batch->num_rows(), 5);
  auto string_at = [&](int64_t row) {
    auto r = RowAt(*batch, row);
    EXPECT_EQ(r.type_code, 0);
    return std::static_pointer_cast<arrow::StringArray>(r.child)->GetString(r.offset);
  };
  EXPECT_EQ(RowAt(*batch, 0).id, pb::FLIGHT_SQL_SERVER_NAME);
  EXPECT_EQ(string_at(0), "Quiver");
  EXPECT_EQ(string_at(1), kQuiverVersion);
  EXPECT_EQ(string_at(2), arrow::GetBuildInfo().version_string);
  auto read_only = RowAt(*batch, 3);
  EXPECT_EQ(read_only.type_code, 1);
  EXPECT_FALSE(std::static_pointer_cast<arrow::BooleanArray>(read_only.child)->Value(read_only.offset));
  auto transactions = RowAt(*batch, 4);
  EXPECT_EQ(transactions.type_code, 3);
  EXPECT_EQ(std::static_pointer_cast<arrow::Int32Array>(transactions.child)->Value(transactions.offset),
            pb::SQL_SUPPORTED_TRANSACTION_TRANSACTION);
}

TEST(SqlInfoTest, KeepsTheOrderAskedAndSkipsUnknownIds) {
  auto batch = SqlInfoTable::ForQuiver()
                   .Select({pb::SQL_TRANSACTIONS_SUPPORTED, 99999, pb::FLIGHT_SQL_SERVER_NAME})
                   .ValueOrDie();
  ASSERT_EQ(batch->num_rows(), 2);
  EXPECT_EQ(RowAt(*batch, 0).id, pb::SQL_TRANSACTIONS_SUPPORTED);
  EXPECT_EQ(RowAt(*batch, 1).id, pb::FLIGHT_SQL_SERVER_NAME);
}

TEST(SqlInfoTest, EmptyRequestReturnsEveryValue) {
  auto table = SqlInfoTable::ForQuiver();
  auto batch = table.Select({}).ValueOrDie();
  EXPECT_EQ(batch->num_rows(), static_cast<int64_t>(table.values().size()));
}

}  // namespace
}  // namespace quiver::flightsql
