#include "quiver/plan/grouping_sets.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "quiver/sql/parser.h"

namespace quiver::plan {
namespace {

using Sets = std::vector<GroupingSet>;

// The grouping sets of a query's GROUP BY, with keys numbered by column name in order
// of first appearance.
arrow::Result<Sets> SetsOf(const std::string& sql) {
  ARROW_ASSIGN_OR_RAISE(auto statement, sql::ParseSingleStatement(sql));
  std::vector<std::string> names;
  GroupKeyResolver resolve = [&](const sql::ParsedExpr& expr) -> arrow::Result<size_t> {
    const std::string name = expr.ToString();
    auto found = std::find(names.begin(), names.end(), name);
    if (found != names.end()) return static_cast<size_t>(found - names.begin());
    names.push_back(name);
    return names.size() - 1;
  };
  return ExpandGroupingSets(*statement.query, resolve, statement.text);
}

TEST(GroupingSets, PlainColumnsAreOneSet) {
  EXPECT_EQ(SetsOf("SELECT 1 FROM t GROUP BY a, b").ValueOrDie(), (Sets{{0, 1}}));
  EXPECT_EQ(SetsOf("SELECT 1 FROM t").ValueOrDie(), (Sets{{}}));
  EXPECT_EQ(SetsOf("SELECT 1 FROM t GROUP BY ()").ValueOrDie(), (Sets{{}}));
}

TEST(GroupingSets, RollupCubeAndSets) {
  EXPECT_EQ(SetsOf("SELECT 1 FROM t GROUP BY ROLLUP (a, b)").ValueOrDie(), (Sets{{0, 1}, {0}, {}}));
  EXPECT_EQ(SetsOf("SELECT 1 FROM t GROUP BY ROLLUP ((a, b), c)").ValueOrDie(), (Sets{{0, 1, 2}, {0, 1}, {}}));
  EXPECT_EQ(SetsOf("SELECT 1 FROM t GROUP BY CUBE (a, b)").ValueOrDie(), (Sets{{0, 1}, {0}, {1}, {}}));
  EXPECT_EQ(SetsOf("SELECT 1 FROM t GROUP BY GROUPING SETS ((a, b), a, (), ROLLUP (c))").ValueOrDie(),
            (Sets{{0, 1}, {0}, {}, {2}, {}}));
}

TEST(GroupingSets, ItemsMultiply) {
  // GROUP BY a, ROLLUP (b, c): every set of the rollup with a added.
  EXPECT_EQ(SetsOf("SELECT 1 FROM t GROUP BY a, ROLLUP (b, c)").ValueOrDie(), (Sets{{0, 1, 2}, {0, 1}, {0}}));
  EXPECT_EQ(SetsOf("SELECT 1 FROM t GROUP BY ROLLUP (a), ROLLUP (b)").ValueOrDie(), (Sets{{0, 1}, {0}, {1}, {}}));
}

TEST(GroupingSets, RepeatsWithinASetGoButRepeatedSetsStay) {
  EXPECT_EQ(SetsOf("SELECT 1 FROM t GROUP BY a, ROLLUP (a, b)").ValueOrDie(), (Sets{{0, 1}, {0}, {0}}));
  EXPECT_EQ(SetsOf("SELECT 1 FROM t GROUP BY DISTINCT a, ROLLUP (a, b)").ValueOrDie(), (Sets{{0, 1}, {0}}));
  EXPECT_EQ(SetsOf("SELECT 1 FROM t GROUP BY DISTINCT GROUPING SETS ((a, b), (b, a))").ValueOrDie(), (Sets{{0, 1}}));
}

TEST(GroupingSets, Limits) {
  auto cube = SetsOf("SELECT 1 FROM t GROUP BY CUBE (a, b, c, d, e, f, g, h, i, j, k, l, m)");
  EXPECT_EQ(cube.status().message(), "CUBE is limited to 12 elements at line 1, column 26");
  auto many = SetsOf("SELECT 1 FROM t GROUP BY CUBE (a, b, c, d, e, f, g, h, i, j, k, l), CUBE (m)");
  EXPECT_EQ(many.status().message(), "too many grouping sets present (maximum 4096) at line 1, column 26");
}

}  // namespace
}  // namespace quiver::plan
