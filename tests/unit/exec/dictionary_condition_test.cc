#include "quiver/exec/dictionary_condition.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <gtest/gtest.h>

namespace quiver::exec {
namespace {

namespace cp = arrow::compute;

class DictionaryConditionTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(cp::Initialize().ok()); }
};

std::shared_ptr<arrow::Array> Strings(const std::vector<std::optional<std::string>>& values) {
  arrow::StringBuilder builder;
  for (const auto& value : values) {
    EXPECT_TRUE((value ? builder.Append(*value) : builder.AppendNull()).ok());
  }
  return *builder.Finish();
}

// Evaluated per dictionary entry or row by row, a conjunct gives every row the same
// value, NULL included.
void ExpectSameAsRowByRow(const std::vector<std::optional<std::string>>& values, const cp::Expression& conjunct) {
  auto codes = cp::DictionaryEncode(Strings(values)).ValueOrDie().make_array();
  auto schema = arrow::schema({arrow::field("n", arrow::int64()), arrow::field("s", codes->type())});
  auto bound = conjunct.Bind(*schema).ValueOrDie();
  std::vector<DictionaryCondition> on_dictionaries;
  std::vector<cp::Expression> others;
  DictionaryCondition::Split(bound, *schema, &on_dictionaries, &others);
  ASSERT_EQ(on_dictionaries.size(), 1u);
  ASSERT_TRUE(others.empty());
  cp::ExecBatch batch({arrow::Datum(int64_t{1}), codes}, codes->length());
  cp::ExecContext context;
  auto per_entry = on_dictionaries[0].Evaluate(batch, &context).ValueOrDie();
  auto row_by_row = cp::ExecuteScalarExpression(bound, batch, &context).ValueOrDie();
  EXPECT_TRUE(per_entry.make_array()->Equals(*row_by_row.make_array()))
      << per_entry.make_array()->ToString() << " vs " << row_by_row.make_array()->ToString();
}

TEST_F(DictionaryConditionTest, GivesEachRowItsEntrysValue) {
  const std::vector<std::optional<std::string>> values = {"MAIL", "SHIP", "AIR", "MAIL", "MAIL", "RAIL", "SHIP", "AIR"};
  ExpectSameAsRowByRow(values, cp::equal(cp::field_ref("s"), cp::literal("MAIL")));
  ExpectSameAsRowByRow(values, cp::call("is_in", {cp::field_ref("s")}, cp::SetLookupOptions(Strings({"AIR", "SHIP"}))));
  ExpectSameAsRowByRow(values,
                       cp::call("match_like",
                                {cp::call("cast", {cp::field_ref("s")},
                                          std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(arrow::utf8())))},
                                cp::MatchSubstringOptions("S%")));
}

TEST_F(DictionaryConditionTest, ColumnsWithNullsAreEvaluatedRowByRow) {
  // is_null is true for a NULL row, which no dictionary entry stands for.
  ExpectSameAsRowByRow({"a", std::nullopt, "b", "a", std::nullopt, "a"}, cp::call("is_null", {cp::field_ref("s")}));
}

TEST_F(DictionaryConditionTest, ConjunctsReadingOtherColumnsAreLeftToTheRest) {
  auto codes = cp::DictionaryEncode(Strings({"a", "b"})).ValueOrDie().make_array();
  auto schema = arrow::schema({arrow::field("n", arrow::int64()), arrow::field("s", codes->type())});
  auto condition =
      cp::and_(cp::equal(cp::field_ref("s"), cp::literal("a")),
               cp::equal(cp::call("binary_length",
                                  {cp::call("cast", {cp::field_ref("s")},
                                            std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(arrow::utf8())))}),
                         cp::field_ref("n")));
  std::vector<DictionaryCondition> on_dictionaries;
  std::vector<cp::Expression> others;
  DictionaryCondition::Split(condition.Bind(*schema).ValueOrDie(), *schema, &on_dictionaries, &others);
  EXPECT_EQ(on_dictionaries.size(), 1u);
  EXPECT_EQ(others.size(), 1u);
}

TEST_F(DictionaryConditionTest, ConjunctsWithRandomAreLeftToTheRest) {
  auto codes = cp::DictionaryEncode(Strings({"a", "b"})).ValueOrDie().make_array();
  auto schema = arrow::schema({arrow::field("s", codes->type())});
  auto coin = cp::less(cp::call("random", {}, cp::RandomOptions::FromSeed(1)), cp::literal(0.5));
  auto condition = cp::equal(cp::equal(cp::field_ref("s"), cp::literal("a")), coin);
  std::vector<DictionaryCondition> on_dictionaries;
  std::vector<cp::Expression> others;
  DictionaryCondition::Split(condition.Bind(*schema).ValueOrDie(), *schema, &on_dictionaries, &others);
  EXPECT_TRUE(on_dictionaries.empty());
  EXPECT_EQ(others.size(), 1u);
}

}  // namespace
}  // namespace quiver::exec
