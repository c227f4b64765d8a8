#include "plan_test_util.h"

namespace quiver::plan::testing {
namespace {

class BinderTest : public PlanTest {
 protected:
  std::string ErrorOf(const std::string& sql) {
    auto plan = Plan(sql, false);
    return plan.ok() ? std::string("no error") : plan.status().message();
  }
};

TEST_F(BinderTest, OutputColumnsHaveTheUsersNames) {
  auto ok = Plan("SELECT a AS id, c, a + 1 FROM t", false).ValueOrDie();
  std::vector<std::string> names;
  for (const auto& field : ok->schema->fields()) names.push_back(field->name());
  EXPECT_EQ(names, (std::vector<std::string>{"id", "c", "?column?"}));
}

TEST_F(BinderTest, NameResolutionErrors) {
  EXPECT_EQ(ErrorOf("SELECT a FROM t, u"), "column reference \"a\" is ambiguous at line 1, column 8");
  EXPECT_EQ(ErrorOf("SELECT x.a FROM t"), "missing FROM-clause entry for table \"x\" at line 1, column 8");
  EXPECT_EQ(ErrorOf("SELECT t.zz FROM t"), "column \"t.zz\" does not exist at line 1, column 8");
  EXPECT_EQ(ErrorOf("SELECT * FROM t JOIN t ON true"),
            "table name \"t\" specified more than once at line 1, column 22");
  EXPECT_EQ(ErrorOf("SELECT * FROM t JOIN t AS t2 ON t.a = t2.a"), "no error");
}

TEST_F(BinderTest, GroupingRules) {
  EXPECT_EQ(ErrorOf("SELECT c, count(*) FROM t GROUP BY b"),
            "column \"c\" must appear in the GROUP BY clause or be used in an aggregate function at line 1, column 8");
  EXPECT_EQ(ErrorOf("SELECT b + 1, count(*) FROM t GROUP BY b + 1"), "no error");
  EXPECT_EQ(ErrorOf("SELECT b AS k, count(*) FROM t GROUP BY k"), "no error");
  EXPECT_EQ(ErrorOf("SELECT sum(count(*)) FROM t"), "aggregate function calls cannot be nested at line 1, column 8");
  EXPECT_EQ(ErrorOf("SELECT a FROM t WHERE count(*) > 1"),
            "aggregate functions are not allowed in WHERE at line 1, column 23");
  EXPECT_EQ(ErrorOf("SELECT a FROM t GROUP BY 5"), "GROUP BY position 5 is not in select list at line 1, column 26");
}

TEST_F(BinderTest, GroupingFunctionRules) {
  EXPECT_EQ(ErrorOf("SELECT b, grouping(b) FROM t GROUP BY ROLLUP (b)"), "no error");
  EXPECT_EQ(ErrorOf("SELECT b + 1, grouping(b + 1) FROM t GROUP BY CUBE (b + 1)"), "no error");
  EXPECT_EQ(ErrorOf("SELECT grouping(c) FROM t GROUP BY ROLLUP (b)"),
            "arguments to GROUPING must be grouping expressions of the associated query level at line 1, column 17");
  EXPECT_EQ(ErrorOf("SELECT a FROM t WHERE grouping(a) = 0 GROUP BY a"),
            "grouping operations are not allowed in WHERE at line 1, column 23");
  EXPECT_EQ(ErrorOf("SELECT b, c FROM t GROUP BY GROUPING SETS ((b), (c))"), "no error");
  EXPECT_EQ(ErrorOf("SELECT b, a FROM t GROUP BY GROUPING SETS ((b), (c))"),
            "column \"a\" must appear in the GROUP BY clause or be used in an aggregate function at line 1, column 11");
}

TEST_F(BinderTest, TypeRules) {
  EXPECT_EQ(ErrorOf("SELECT a FROM t WHERE c"),
            "argument of WHERE must be type boolean, not type text at line 1, column 23");
  EXPECT_EQ(ErrorOf("SELECT a = c FROM t"), "operator does not exist: bigint = text at line 1, column 10");
  EXPECT_EQ(ErrorOf("SELECT a FROM t WHERE a > '5'"), "no error");  // a quoted literal takes the column's type
  EXPECT_EQ(ErrorOf("SELECT a FROM t WHERE a > 'five'"),
            "invalid input syntax for type bigint: \"five\" at line 1, column 25");
  EXPECT_EQ(ErrorOf("SELECT a FROM t UNION SELECT c FROM t"), "UNION types bigint and text cannot be matched");
}

TEST_F(BinderTest, ParametersTakeTheirTypeFromUse) {
  auto plan = Plan("SELECT a FROM t WHERE a = $1 AND c LIKE 'v%' AND b BETWEEN $2 AND 3", false);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(context_.parameter_types.size(), 2u);
  EXPECT_EQ(context_.parameter_types[0]->id(), arrow::Type::INT64);
  EXPECT_EQ(context_.parameter_types[1]->id(), arrow::Type::INT64);
}

TEST_F(BinderTest, ViewsAreBoundFromTheirStoredText) {
  catalog::TableEntry view;
  view.schema_name = catalog::Catalog::kDefaultSchema;
  view.name = "recent";
  view.kind = catalog::TableKind::kView;
  view.schema = arrow::schema({arrow::field("id", arrow::int64())});
  view.view_sql = "SELECT a FROM t WHERE a > 900";
  ASSERT_TRUE(catalog_->CreateTable(view, false).ok());
  EXPECT_EQ(ErrorOf("SELECT id FROM recent"), "no error");  // the view's column names apply
  EXPECT_EQ(ErrorOf("SELECT a FROM recent"), "column \"a\" does not exist at line 1, column 8");
}

}  // namespace
}  // namespace quiver::plan::testing
