// EXPLAIN for joins without equality keys (the nested-loop join node and its
// condition) and for recursive WITH queries.
#include <arrow/array.h>
#include <arrow/scalar.h>

#include "engine_test_util.h"

namespace quiver::engine::testing {
namespace {

class ExplainJoinsAndRecursion : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    Run("CREATE VIEW a AS SELECT * FROM (VALUES (1, 10), (2, 20)) AS t(id, x)");
    Run("CREATE VIEW b AS SELECT * FROM (VALUES (1, 5, 15), (2, 15, 30), (3, 0, 1)) AS t(bid, lo, hi)");
  }

  std::string Explain(const std::string& sql) {
    std::string text;
    for (const auto& line : Rows("EXPLAIN " + sql)) text += line + "\n";
    return text;
  }
};

TEST_F(ExplainJoinsAndRecursion, ThetaJoinRunsAsNestedLoopWithItsCondition) {
  auto text = Explain("SELECT a.id, b.bid FROM a JOIN b ON a.x BETWEEN b.lo AND b.hi");
  EXPECT_NE(text.find("quiver_nested_loop_join: NestedLoopJoin Inner Join filter="), std::string::npos) << text;
  EXPECT_NE(text.find(">="), std::string::npos) << text;
  EXPECT_NE(text.find("<="), std::string::npos) << text;
  EXPECT_EQ(text.find("hashjoin"), std::string::npos) << text;
  EXPECT_EQ(text.find("constant join key"), std::string::npos) << text;
}

TEST_F(ExplainJoinsAndRecursion, OuterThetaJoinsAndCrossJoins) {
  auto left = Explain("SELECT a.id, b.bid FROM a LEFT JOIN b ON a.x < b.lo OR a.x > b.hi");
  EXPECT_NE(left.find("NestedLoopJoin Left Join filter="), std::string::npos) << left;
  EXPECT_NE(left.find(" or "), std::string::npos) << left;
  auto cross = Explain("SELECT a.id, b.bid FROM a CROSS JOIN b");
  EXPECT_NE(cross.find("NestedLoopJoin Cross Join (cross product)"), std::string::npos) << cross;
}

TEST_F(ExplainJoinsAndRecursion, EqualityPlusThetaConditionKeepsTheHashJoin) {
  auto text = Explain("SELECT a.id, b.bid FROM a JOIN b ON a.id = b.bid AND a.x < b.hi");
  EXPECT_NE(text.find("hashjoin: HashJoin Inner Join:"), std::string::npos) << text;
  EXPECT_NE(text.find("filter="), std::string::npos) << text;
  EXPECT_EQ(text.find("quiver_nested_loop_join"), std::string::npos) << text;
}

TEST_F(ExplainJoinsAndRecursion, RecursiveQueryShowsBothTerms) {
  auto text = Explain("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT n FROM t");
  EXPECT_NE(text.find("Materialized t columns=[n]"), std::string::npos) << text;
  EXPECT_NE(text.find("Recursive query t (UNION ALL), computed first:"), std::string::npos) << text;
  EXPECT_NE(text.find("Non-recursive term:"), std::string::npos) << text;
  EXPECT_NE(text.find("WorkTable t columns=[n]"), std::string::npos) << text;
  EXPECT_EQ(Rows("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT sum(n) FROM t"),
            std::vector<std::string>{"6"});
}

TEST_F(ExplainJoinsAndRecursion, IterationCapIsASetting) {
  const std::string endless = "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t";
  Run("SET max_recursive_iterations = 100");
  auto status = Error(endless);
  EXPECT_TRUE(status.IsInvalid()) << status.ToString();
  EXPECT_NE(status.message().find("recursive query \"t\" still adds rows after 100 iterations"), std::string::npos)
      << status.ToString();
  // UNION (not ALL) ends by itself once a round adds nothing new.
  EXPECT_EQ(Rows("WITH RECURSIVE t(n) AS (SELECT 1 UNION SELECT n % 50 + 1 FROM t) SELECT count(*) FROM t"),
            std::vector<std::string>{"50"});
}

}  // namespace
}  // namespace quiver::engine::testing
