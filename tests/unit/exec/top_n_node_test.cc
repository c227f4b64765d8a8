// The top-N node against a stable full sort of the same rows followed by a slice: the
// rows kept and their order (ties included) must be the same.

#include "quiver/exec/top_n_node.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/options.h>
#include <arrow/array.h>
#include <arrow/array/builder_binary.h>
#include <arrow/array/builder_primitive.h>
#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>
#include <arrow/json/from_string.h>
#include <arrow/table.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace quiver::exec {
namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

struct JsonColumn {
  std::string name;
  std::shared_ptr<arrow::DataType> type;
  std::string json;
};

std::shared_ptr<arrow::Table> MakeTable(const std::vector<JsonColumn>& columns) {
  arrow::FieldVector fields;
  arrow::ArrayVector arrays;
  for (const auto& column : columns) {
    fields.push_back(arrow::field(column.name, column.type));
    arrays.push_back(arrow::json::ArrayFromJSONString(column.type, column.json).ValueOrDie());
  }
  return arrow::Table::Make(arrow::schema(fields), arrays);
}

std::shared_ptr<arrow::Table> RunTopN(const std::shared_ptr<arrow::Table>& table, std::vector<cp::SortKey> keys,
                                      int64_t offset, int64_t count, int64_t rows_per_batch) {
  EXPECT_TRUE(cp::Initialize().ok());
  EXPECT_TRUE(RegisterTopNNode().ok());
  ac::Declaration plan = ac::Declaration::Sequence({
      {"table_source", ac::TableSourceNodeOptions(table, rows_per_batch)},
      {TopNNodeOptions::kFactoryName, TopNNodeOptions(std::move(keys), offset, count)},
  });
  auto result = ac::DeclarationToTable(std::move(plan));
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *result : nullptr;
}

// Arrow's sort_indices is stable, so this is the input order among equal keys.
std::shared_ptr<arrow::Table> Expected(const std::shared_ptr<arrow::Table>& table, std::vector<cp::SortKey> keys,
                                       int64_t offset, int64_t count) {
  auto indices = cp::SortIndices(arrow::Datum(table), cp::SortOptions(std::move(keys))).ValueOrDie();
  int64_t begin = std::min(offset, indices->length());
  auto taken = cp::Take(arrow::Datum(table), arrow::Datum(indices->Slice(begin, count))).ValueOrDie();
  return taken.table();
}

void ExpectSame(const std::shared_ptr<arrow::Table>& expected, const std::shared_ptr<arrow::Table>& actual) {
  ASSERT_NE(actual, nullptr);
  ASSERT_TRUE(actual->schema()->Equals(*expected->schema())) << actual->schema()->ToString();
  auto a = actual->CombineChunks().ValueOrDie();
  auto e = expected->CombineChunks().ValueOrDie();
  EXPECT_TRUE(a->Equals(*e, arrow::EqualOptions::Defaults().nans_equal(true))) << "expected\n"
                                                                               << e->ToString() << "\nactual\n"
                                                                               << a->ToString();
}

void Check(const std::shared_ptr<arrow::Table>& table, const std::vector<cp::SortKey>& keys, int64_t offset,
           int64_t count, int64_t rows_per_batch = 3) {
  SCOPED_TRACE("offset " + std::to_string(offset) + " count " + std::to_string(count));
  ExpectSame(Expected(table, keys, offset, count), RunTopN(table, keys, offset, count, rows_per_batch));
}

std::shared_ptr<arrow::Table> Sample() {
  return MakeTable({
      {"id", arrow::int64(), "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]"},
      {"k", arrow::int64(), "[5, null, 3, 5, 1, null, 3, 9, 5, 0, -2, 3, null, 7]"},
      {"s", arrow::utf8(), R"(["b", "a", null, "a", "c", "b", "a", null, "b", "z", "a", "a", "c", "b"])"},
      {"f", arrow::float64(), "[1.5, NaN, 0, -1, null, 2, 2, 3, NaN, 1, 0, null, 4, 5]"},
  });
}

TEST(TopNNode, AscendingNullsLastOverSeveralBatches) {
  Check(Sample(), {cp::SortKey("k")}, 0, 4);
  Check(Sample(), {cp::SortKey("k")}, 0, 1);
}

TEST(TopNNode, NullsFirstAndLastInBothDirections) {
  for (auto order : {cp::SortOrder::Ascending, cp::SortOrder::Descending}) {
    for (auto nulls : {cp::NullPlacement::AtStart, cp::NullPlacement::AtEnd}) {
      Check(Sample(), {cp::SortKey("k", order, nulls)}, 0, 5);
      Check(Sample(), {cp::SortKey("f", order, nulls)}, 1, 6);
    }
  }
}

TEST(TopNNode, SeveralKeysMixingDirections) {
  Check(Sample(), {cp::SortKey("s", cp::SortOrder::Descending, cp::NullPlacement::AtStart), cp::SortKey("k")}, 0, 7);
  Check(Sample(),
        {cp::SortKey("k", cp::SortOrder::Ascending, cp::NullPlacement::AtStart),
         cp::SortKey("s", cp::SortOrder::Descending), cp::SortKey("id", cp::SortOrder::Descending)},
        2, 9);
}

TEST(TopNNode, TiesKeepInputOrder) {
  auto table = MakeTable({
      {"id", arrow::int64(), "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"},
      {"k", arrow::int64(), "[1, 1, 1, 1, 1, 0, 0, 0, 0, 0]"},
  });
  for (int64_t batch : {1, 2, 3, 10}) {
    ExpectSame(
        MakeTable({{"id", arrow::int64(), "[5, 6, 7, 8, 9, 0, 1]"}, {"k", arrow::int64(), "[0, 0, 0, 0, 0, 1, 1]"}}),
        RunTopN(table, {cp::SortKey("k")}, 0, 7, batch));
  }
}

TEST(TopNNode, LimitLargerThanInputAndOffsets) {
  Check(Sample(), {cp::SortKey("k")}, 0, 100);
  Check(Sample(), {cp::SortKey("k")}, 10, 100);
  Check(Sample(), {cp::SortKey("k")}, 14, 3);
  Check(Sample(), {cp::SortKey("k")}, 50, 3);
  Check(Sample(), {cp::SortKey("k")}, 3, 0);
}

TEST(TopNNode, EmptyInput) {
  auto empty = MakeTable({{"id", arrow::int64(), "[]"}, {"k", arrow::int64(), "[]"}});
  Check(empty, {cp::SortKey("k")}, 0, 5);
  Check(empty, {cp::SortKey("k")}, 2, 5);
}

TEST(TopNNode, HelperColumnNamesDoNotClash) {
  auto table = MakeTable({
      {"__top_n_batch", arrow::int64(), "[3, 1, 2, 1]"},
      {"__top_n_row", arrow::int64(), "[9, 8, 7, 6]"},
  });
  Check(table, {cp::SortKey("__top_n_batch")}, 0, 3, 1);
}

TEST(TopNNode, ManyBatchesWithManyTies) {
  // More rows than one merge holds, in many batches, with few distinct keys.
  std::mt19937_64 random(42);
  arrow::Int64Builder ids, keys;
  arrow::StringBuilder names;
  const int64_t rows = 80'000;
  for (int64_t i = 0; i < rows; ++i) {
    ASSERT_TRUE(ids.Append(i).ok());
    if (random() % 10 == 0) {
      ASSERT_TRUE(keys.AppendNull().ok());
    } else {
      ASSERT_TRUE(keys.Append(static_cast<int64_t>(random() % 50)).ok());
    }
    ASSERT_TRUE(names.Append(std::string(1, static_cast<char>('a' + random() % 5))).ok());
  }
  auto schema = arrow::schema(
      {arrow::field("id", arrow::int64()), arrow::field("k", arrow::int64()), arrow::field("s", arrow::utf8())});
  auto table =
      arrow::Table::Make(schema, {ids.Finish().ValueOrDie(), keys.Finish().ValueOrDie(), names.Finish().ValueOrDie()});
  Check(table, {cp::SortKey("k", cp::SortOrder::Descending, cp::NullPlacement::AtStart), cp::SortKey("s")}, 5, 200,
        1000);
  Check(table, {cp::SortKey("s"), cp::SortKey("k")}, 0, 40'000, 777);
}

}  // namespace
}  // namespace quiver::exec
