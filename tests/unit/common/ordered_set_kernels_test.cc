#include "quiver/common/ordered_set_kernels.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include <cmath>

#include "quiver/common/collect_list_aggregate.h"

namespace quiver {
namespace {

namespace cp = arrow::compute;

class OrderedSetKernels : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cp::Initialize().ok());
    ASSERT_TRUE(RegisterOrderedSetKernels().ok());
    ASSERT_TRUE(RegisterCollectListAggregate().ok());
  }

  static std::shared_ptr<arrow::Array> Json(const std::shared_ptr<arrow::DataType>& type, const std::string& json) {
    return arrow::json::ArrayFromJSONString(type, json).ValueOrDie();
  }

  static void ExpectArray(const arrow::Result<arrow::Datum>& result, const std::shared_ptr<arrow::DataType>& type,
                          const std::string& json) {
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    auto expected = Json(type, json);
    auto actual = result->make_array();
    EXPECT_TRUE(actual->ApproxEquals(*expected))
        << "actual " << actual->ToString() << "\nexpected " << expected->ToString();
  }

  static arrow::Datum Fraction(double value) { return std::make_shared<arrow::DoubleScalar>(value); }
  static arrow::Datum Descending(bool value) { return std::make_shared<arrow::BooleanScalar>(value); }
};

TEST_F(OrderedSetKernels, PercentileContInterpolatesAsPostgres) {
  auto lists = Json(arrow::list(arrow::float64()), "[[4, 1, 3, 2], [null, 10], [], null, [null], [7]]");
  ExpectArray(cp::CallFunction(kPercentileContFunction, {lists, Fraction(0.5), Descending(false)}), arrow::float64(),
              "[2.5, 10, null, null, null, 7]");
  // 0.1 of the way: position 0.3 between the first and second value.
  ExpectArray(cp::CallFunction(kPercentileContFunction, {lists, Fraction(0.1), Descending(false)}), arrow::float64(),
              "[1.3, 10, null, null, null, 7]");
  ExpectArray(cp::CallFunction(kPercentileContFunction, {lists, Fraction(0.1), Descending(true)}), arrow::float64(),
              "[3.7, 10, null, null, null, 7]");
}

TEST_F(OrderedSetKernels, PercentileDiscPicksTheFirstValueReachingTheFraction) {
  auto lists = Json(arrow::list(arrow::int32()), "[[40, 10, 30, 20], [5, null, 5], null]");
  // 4 values: fractions up to 0.25 pick the first, up to 0.5 the second …
  ExpectArray(cp::CallFunction(kPercentileDiscFunction, {lists, Fraction(0), Descending(false)}), arrow::int32(),
              "[10, 5, null]");
  ExpectArray(cp::CallFunction(kPercentileDiscFunction, {lists, Fraction(0.25), Descending(false)}), arrow::int32(),
              "[10, 5, null]");
  ExpectArray(cp::CallFunction(kPercentileDiscFunction, {lists, Fraction(0.26), Descending(false)}), arrow::int32(),
              "[20, 5, null]");
  ExpectArray(cp::CallFunction(kPercentileDiscFunction, {lists, Fraction(1), Descending(false)}), arrow::int32(),
              "[40, 5, null]");
  ExpectArray(cp::CallFunction(kPercentileDiscFunction, {lists, Fraction(0.26), Descending(true)}), arrow::int32(),
              "[30, 5, null]");
}

TEST_F(OrderedSetKernels, PercentileDiscKeepsTheValueType) {
  auto words = Json(arrow::list(arrow::utf8()), R"([["pear", "apple", "fig"], ["kiwi"]])");
  ExpectArray(cp::CallFunction(kPercentileDiscFunction, {words, Fraction(0.5), Descending(false)}), arrow::utf8(),
              R"(["fig", "kiwi"])");
  auto days = Json(arrow::list(arrow::date32()), "[[3, 1, 2]]");
  ExpectArray(cp::CallFunction(kPercentileDiscFunction, {days, Fraction(0.9), Descending(false)}), arrow::date32(),
              "[3]");
}

TEST_F(OrderedSetKernels, ListsOfFractionsGiveListsOfResults) {
  auto lists = Json(arrow::list(arrow::float64()), "[[1, 2, 3], null, [5]]");
  arrow::Datum fractions = std::make_shared<arrow::ListScalar>(Json(arrow::float64(), "[0, 0.5, null, 0.75]"));
  ExpectArray(cp::CallFunction(kPercentileContFunction, {lists, fractions, Descending(false)}),
              arrow::list(arrow::float64()), "[[1, 2, null, 2.5], null, [5, 5, null, 5]]");
  ExpectArray(cp::CallFunction(kPercentileDiscFunction, {lists, fractions, Descending(true)}),
              arrow::list(arrow::float64()), "[[3, 2, null, 1], null, [5, 5, null, 5]]");
}

TEST_F(OrderedSetKernels, FractionsAreReadPerRow) {
  auto lists = Json(arrow::list(arrow::float64()), "[[1, 2, 3], [10, 20], [7]]");
  auto fractions = Json(arrow::float64(), "[1, 0.5, null]");
  ExpectArray(cp::CallFunction(kPercentileContFunction, {lists, fractions, Descending(false)}), arrow::float64(),
              "[3, 15, null]");
}

TEST_F(OrderedSetKernels, FractionsOutsideZeroToOneAreErrors) {
  auto lists = Json(arrow::list(arrow::float64()), "[[1, 2, 3]]");
  auto result = cp::CallFunction(kPercentileContFunction, {lists, Fraction(1.5), Descending(false)});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "percentile value 1.5 is not between 0 and 1");
  // Also where there are no values, as in PostgreSQL.
  auto empty = Json(arrow::list(arrow::int64()), "[null]");
  EXPECT_FALSE(cp::CallFunction(kPercentileDiscFunction, {empty, Fraction(-0.5), Descending(false)}).ok());
  EXPECT_EQ(CheckPercentileFraction(std::nan("")).message(), "percentile value NaN is not between 0 and 1");
  EXPECT_EQ(CheckPercentileFraction(-HUGE_VAL).message(), "percentile value -Infinity is not between 0 and 1");
  EXPECT_TRUE(CheckPercentileFraction(0).ok());
  EXPECT_TRUE(CheckPercentileFraction(1).ok());
}

TEST_F(OrderedSetKernels, ModePrefersTheFirstInSortOrderAmongEquals) {
  auto lists = Json(arrow::list(arrow::int64()), "[[3, 1, 3, 1, 2], [null, null, 4], [], [9, 8, 8, 9, 9]]");
  ExpectArray(cp::CallFunction(kModeFunction, {lists, Descending(false)}), arrow::int64(), "[1, 4, null, 9]");
  ExpectArray(cp::CallFunction(kModeFunction, {lists, Descending(true)}), arrow::int64(), "[3, 4, null, 9]");
  // NaN equals NaN when counting (as when sorting).
  arrow::DoubleBuilder builder;
  ASSERT_TRUE(builder.AppendValues({std::nan(""), 1.0, std::nan("")}).ok());
  auto nan_values = builder.Finish().ValueOrDie();
  auto offsets = Json(arrow::int32(), "[0, 3]");
  auto doubles = arrow::ListArray::FromArrays(*offsets, *nan_values).ValueOrDie();
  auto mode = cp::CallFunction(kModeFunction, {doubles, Descending(false)});
  ASSERT_TRUE(mode.ok()) << mode.status().ToString();
  EXPECT_TRUE(std::isnan(std::static_pointer_cast<arrow::DoubleArray>(mode->make_array())->Value(0)));
}

TEST_F(OrderedSetKernels, SlicedListsAreReadFromTheirOffset) {
  auto lists = Json(arrow::list(arrow::int32()), "[[100, 200], [3, 1, 2], [9]]")->Slice(1, 2);
  ExpectArray(cp::CallFunction(kPercentileDiscFunction, {lists, Fraction(0.5), Descending(false)}), arrow::int32(),
              "[2, 9]");
  ExpectArray(cp::CallFunction(kModeFunction, {lists, Descending(false)}), arrow::int32(), "[1, 9]");
}

TEST_F(OrderedSetKernels, CollectListGathersAllValuesOrNullForNoRows) {
  auto values = Json(arrow::int32(), "[1, null, 3]");
  auto collected = cp::CallFunction(kCollectListFunction, {values});
  ASSERT_TRUE(collected.ok()) << collected.status().ToString();
  ASSERT_TRUE(collected->is_scalar());
  const auto& list = static_cast<const arrow::ListScalar&>(*collected->scalar());
  ASSERT_TRUE(list.is_valid);
  EXPECT_TRUE(list.value->Equals(*values));
  auto none = cp::CallFunction(kCollectListFunction, {Json(arrow::int32(), "[]")});
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->scalar()->is_valid);
  EXPECT_TRUE(none->type()->Equals(arrow::list(arrow::int32())));
}

}  // namespace
}  // namespace quiver
