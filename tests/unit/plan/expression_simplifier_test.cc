#include "quiver/plan/expression_simplifier.h"

#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>
#include <arrow/json/from_string.h>
#include <arrow/scalar.h>
#include <gtest/gtest.h>

#include "quiver/common/sql_kernels.h"

namespace quiver::plan {
namespace {

class ExpressionSimplifier : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(arrow::compute::Initialize().ok());
    ASSERT_TRUE(RegisterSqlKernels().ok());
  }

  std::string Simplified(const cp::Expression& expr) {
    auto bound = expr.Bind(schema_);
    EXPECT_TRUE(bound.ok()) << bound.status().ToString();
    return SimplifyExpression(*bound, schema_).ToString();
  }

  static cp::Expression Timestamp(int64_t micros) {
    return cp::literal(std::make_shared<arrow::TimestampScalar>(micros, arrow::timestamp(arrow::TimeUnit::MICRO)));
  }
  static cp::Expression DateAsTimestamp() {
    return cp::call("cast", {cp::field_ref("d")}, cp::CastOptions::Safe(arrow::timestamp(arrow::TimeUnit::MICRO)));
  }

  arrow::Schema schema_{
      {arrow::field("x", arrow::int64()), arrow::field("b", arrow::boolean()), arrow::field("d", arrow::date32())}};
  static constexpr int64_t kDay = 86'400'000'000LL;
};

TEST_F(ExpressionSimplifier, EvaluatesConstantCallsOnce) {
  auto expr =
      cp::call("greater", {cp::field_ref("x"), cp::call("add", {cp::literal(int64_t{2}), cp::literal(int64_t{3})})});
  EXPECT_EQ(Simplified(expr), "(x > 5)");
}

TEST_F(ExpressionSimplifier, LeavesFailingConstantsForExecution) {
  // 1 / 0 must fail only if a row reaches it, as written.
  auto expr = cp::call("divide_checked", {cp::literal(int64_t{1}), cp::literal(int64_t{0})});
  EXPECT_EQ(Simplified(expr), "divide_checked(1, 0)");
}

TEST_F(ExpressionSimplifier, KeepsRandomPerRow) {
  auto expr = cp::call("random", {}, std::make_shared<cp::RandomOptions>(cp::RandomOptions::FromSystemRandom()));
  EXPECT_EQ(Simplified(expr).substr(0, 7), "random(");
}

TEST_F(ExpressionSimplifier, ShrinksConnectivesWithConstants) {
  auto b = cp::field_ref("b");
  EXPECT_EQ(Simplified(cp::call("and_kleene", {cp::literal(true), b})), "b");
  EXPECT_EQ(Simplified(cp::call("and_kleene", {b, cp::literal(false)})), "false");
  EXPECT_EQ(Simplified(cp::call("or_kleene", {b, cp::literal(true)})), "true");
  EXPECT_EQ(Simplified(cp::call("or_kleene", {cp::literal(false), b})), "b");
  // NULL decides nothing on its own: NULL AND b is false or NULL depending on b.
  auto null = cp::literal(arrow::MakeNullScalar(arrow::boolean()));
  EXPECT_EQ(Simplified(cp::call("and_kleene", {null, b})), "(null[bool] and b)");
}

TEST_F(ExpressionSimplifier, ComparesDatesWithMidnightAsDates) {
  // 1994-01-01 is day 8766.
  auto midnight = Timestamp(8766 * kDay);
  EXPECT_EQ(Simplified(cp::call("less", {DateAsTimestamp(), midnight})), "(d < 1994-01-01)");
  EXPECT_EQ(Simplified(cp::call("greater_equal", {midnight, DateAsTimestamp()})), "(d <= 1994-01-01)");
  EXPECT_EQ(Simplified(cp::call("equal", {DateAsTimestamp(), midnight})), "(d == 1994-01-01)");
}

TEST_F(ExpressionSimplifier, ComparesDatesWithinADayByItsDate) {
  auto noon = Timestamp(8766 * kDay + kDay / 2);
  EXPECT_EQ(Simplified(cp::call("less", {DateAsTimestamp(), noon})), "(d <= 1994-01-01)");
  EXPECT_EQ(Simplified(cp::call("less_equal", {DateAsTimestamp(), noon})), "(d <= 1994-01-01)");
  EXPECT_EQ(Simplified(cp::call("greater", {DateAsTimestamp(), noon})), "(d > 1994-01-01)");
  EXPECT_EQ(Simplified(cp::call("greater_equal", {DateAsTimestamp(), noon})), "(d > 1994-01-01)");
  // A date never equals noon; the comparison stays exact as written.
  EXPECT_NE(Simplified(cp::call("equal", {DateAsTimestamp(), noon})).find("cast"), std::string::npos);
  // Before 1970 the day is still the one the timestamp falls in.
  auto before_epoch = Timestamp(-kDay / 2);
  EXPECT_EQ(Simplified(cp::call("less", {DateAsTimestamp(), before_epoch})), "(d <= 1969-12-31)");
}

TEST_F(ExpressionSimplifier, TurnsEqualitiesOnOneColumnIntoAnInList) {
  auto x = cp::field_ref("x");
  auto expr = cp::call("or_kleene", {cp::call("or_kleene", {cp::call("equal", {x, cp::literal(int64_t{1})}),
                                                            cp::call("equal", {cp::literal(int64_t{2}), x})}),
                                     cp::field_ref("b")});
  auto simplified = Simplified(expr);
  EXPECT_NE(simplified.find("is_in(x"), std::string::npos) << simplified;
  EXPECT_NE(simplified.find(" or b"), std::string::npos) << simplified;
}

TEST_F(ExpressionSimplifier, LongEqualityChainsBecomeOneInList) {
  auto x = cp::field_ref("x");
  cp::Expression chain = cp::call("equal", {x, cp::literal(int64_t{1})});
  for (int64_t value : {2, 3, 4}) chain = cp::call("or_kleene", {chain, cp::call("equal", {x, cp::literal(value)})});
  auto simplified = Simplified(chain);
  EXPECT_EQ(simplified.find(" or "), std::string::npos) << "[" << simplified << "]";
  EXPECT_NE(simplified.find("is_in(x"), std::string::npos) << simplified;
  EXPECT_NE(simplified.find("4"), std::string::npos) << simplified;
}

TEST_F(ExpressionSimplifier, InListKeepsSqlNullSemantics) {
  auto x = cp::field_ref("x");
  auto null = cp::literal(arrow::MakeNullScalar(arrow::int64()));
  auto expr = cp::call("or_kleene", {cp::call("equal", {x, cp::literal(int64_t{1})}), cp::call("equal", {x, null})});
  auto bound = expr.Bind(schema_).ValueOrDie();
  auto simplified = SimplifyExpression(bound, schema_);
  // Evaluate both on x = 1, 2, NULL: true, NULL, NULL.
  auto batch = arrow::compute::ExecBatch(
      {arrow::Datum(arrow::json::ArrayFromJSONString(arrow::int64(), "[1, 2, null]").ValueOrDie()),
       arrow::Datum(arrow::json::ArrayFromJSONString(arrow::boolean(), "[true, true, true]").ValueOrDie()),
       arrow::Datum(arrow::json::ArrayFromJSONString(arrow::date32(), "[0, 0, 0]").ValueOrDie())},
      3);
  auto expected = cp::ExecuteScalarExpression(bound, batch).ValueOrDie();
  auto actual = cp::ExecuteScalarExpression(simplified, batch).ValueOrDie();
  EXPECT_TRUE(actual.make_array()->Equals(*expected.make_array())) << actual.make_array()->ToString();
}

}  // namespace
}  // namespace quiver::plan
