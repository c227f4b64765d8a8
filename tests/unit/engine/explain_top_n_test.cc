// EXPLAIN and results of ORDER BY … LIMIT: the top-N node for small limits, the full
// sort for large ones, and limits moved below projections.
#include <arrow/array.h>
#include <arrow/scalar.h>

#include "engine_test_util.h"

namespace quiver::engine::testing {
namespace {

class ExplainTopN : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    Run("CREATE VIEW t AS SELECT * FROM (VALUES (1, 'a', 10), (2, NULL, 20), (3, 'c', NULL), (4, 'b', 5)) "
        "AS v(id, name, x)");
  }

  std::string Explain(const std::string& sql) {
    std::string text;
    for (const auto& line : Rows("EXPLAIN " + sql)) text += line + "\n";
    return text;
  }
};

TEST_F(ExplainTopN, SmallLimitUsesTopN) {
  auto text = Explain("SELECT id FROM t ORDER BY x DESC LIMIT 2 OFFSET 1");
  EXPECT_NE(text.find("quiver_top_n: TopN count=2 offset=1 order: "), std::string::npos) << text;
  EXPECT_NE(text.find(" DESC NULLS FIRST"), std::string::npos) << text;
  EXPECT_EQ(text.find("order_by"), std::string::npos) << text;
  EXPECT_EQ(Rows("SELECT id FROM t ORDER BY x DESC LIMIT 2 OFFSET 1"), (std::vector<std::string>{"2", "1"}));
}

TEST_F(ExplainTopN, LargeLimitKeepsTheFullSort) {
  auto text = Explain("SELECT id FROM t ORDER BY x LIMIT 1000000");
  EXPECT_NE(text.find("order_by"), std::string::npos) << text;
  EXPECT_EQ(text.find("quiver_top_n"), std::string::npos) << text;
}

TEST_F(ExplainTopN, ComputedColumnsAreComputedAfterTheLimit) {
  const std::string sql = "SELECT id * 100 AS big, upper(name) AS n FROM t ORDER BY id DESC LIMIT 2";
  auto text = Explain(sql);
  auto top_n = text.find("quiver_top_n");
  ASSERT_NE(top_n, std::string::npos) << text;
  // The projection computing the select list sits above the top-N node.
  EXPECT_LT(text.find("multiply"), top_n) << text;
  EXPECT_EQ(Rows(sql), (std::vector<std::string>{"400|B", "300|C"}));
}

TEST_F(ExplainTopN, LimitAboveASubqueryProjectionMovesDown) {
  const std::string sql = "SELECT * FROM (SELECT id + 1 AS y, x FROM t ORDER BY x NULLS FIRST) s LIMIT 2";
  auto text = Explain(sql);
  EXPECT_NE(text.find("quiver_top_n"), std::string::npos) << text;
  EXPECT_EQ(Rows(sql), (std::vector<std::string>{"4|NULL", "5|5"}));
}

}  // namespace
}  // namespace quiver::engine::testing
