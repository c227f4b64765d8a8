// Group keys that a scan reads as dictionaries reach the aggregate still encoded
// (exec/dictionary_group_keys.h): results must be those of grouping the strings.
#include <map>
#include <optional>

#include "engine_test_util.h"

namespace quiver::engine {
namespace {

using testing::EngineTest;

class DictionaryGroupKeysTest : public EngineTest {
 protected:
  // 10 row groups of 1000 rows, each with its own dictionaries (the values of a
  // group come in another order), flags NULL on every 7th row.
  void SetUp() override {
    EngineTest::SetUp();
    arrow::StringBuilder flags, statuses;
    arrow::Int64Builder values;
    for (int64_t i = 0; i < kRows; ++i) {
      std::optional<std::string> flag;
      if (i % 7 != 0) flag = std::string(1, static_cast<char>('a' + (i * 7 + i / 1000) % 3));
      const std::string status = (i / 1000) % 2 == 0 ? (i % 5 == 0 ? "X" : "Y") : (i % 4 == 0 ? "Y" : "X");
      ASSERT_TRUE((flag ? flags.Append(*flag) : flags.AppendNull()).ok());
      ASSERT_TRUE(statuses.Append(status).ok());
      ASSERT_TRUE(values.Append(i).ok());
      auto& group = expected_[{flag, status}];
      group.first += 1;
      group.second += i;
    }
    auto schema = arrow::schema({arrow::field("flag", arrow::utf8()), arrow::field("status", arrow::utf8()),
                                 arrow::field("v", arrow::int64())});
    auto table = arrow::Table::Make(
        schema, {flags.Finish().ValueOrDie(), statuses.Finish().ValueOrDie(), values.Finish().ValueOrDie()});
    std::filesystem::create_directories(dir_ / "t");
    auto out = arrow::io::FileOutputStream::Open((dir_ / "t" / "part.parquet").string()).ValueOrDie();
    ASSERT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, 1000).ok());
    ASSERT_TRUE(out->Close().ok());
    Run("CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '" + (dir_ / "t").string() + "'");
  }

  // "flag|status|count|sum" in ORDER BY flag, status order (NULL flags last).
  std::vector<std::string> Expected(bool (*keep)(const std::optional<std::string>&)) const {
    std::vector<std::string> rows, null_rows;
    for (const auto& [key, group] : expected_) {
      if (!keep(key.first)) continue;
      std::string row = (key.first ? *key.first : "NULL") + "|" + key.second + "|" + std::to_string(group.first) + "|" +
                        std::to_string(group.second);
      (key.first ? rows : null_rows).push_back(row);
    }
    rows.insert(rows.end(), null_rows.begin(), null_rows.end());
    return rows;
  }

  std::string Plan(const std::string& query) {
    auto rows = Rows("EXPLAIN " + query);
    std::string plan;
    for (const auto& row : rows) plan += row + "\n";
    return plan;
  }

  static constexpr int64_t kRows = 10000;
  std::map<std::pair<std::optional<std::string>, std::string>, std::pair<int64_t, int64_t>> expected_;
};

TEST_F(DictionaryGroupKeysTest, TwoKeysAcrossRowGroupsWithNulls) {
  const std::string query = "SELECT flag, status, count(*), sum(v) FROM t GROUP BY flag, status ORDER BY flag, status";
  EXPECT_NE(Plan(query).find("(dictionary keys)"), std::string::npos) << Plan(query);
  EXPECT_EQ(Rows(query), Expected([](const std::optional<std::string>&) { return true; }));
}

TEST_F(DictionaryGroupKeysTest, AScanFilterOnTheKeyKeepsItEncoded) {
  const std::string query =
      "SELECT flag, status, count(*), sum(v) FROM t WHERE flag <> 'b' GROUP BY flag, status ORDER BY flag, status";
  EXPECT_NE(Plan(query).find("(dictionary keys)"), std::string::npos) << Plan(query);
  EXPECT_EQ(Rows(query), Expected([](const std::optional<std::string>& flag) { return flag && *flag != "b"; }));
}

TEST_F(DictionaryGroupKeysTest, AKeyReadByAnExpressionIsDecodedFirst) {
  // upper(flag) must see strings: the scan converts the column as usual.
  const std::string query =
      "SELECT flag, upper(flag), count(*) FROM t GROUP BY flag, upper(flag) ORDER BY flag LIMIT 1";
  EXPECT_EQ(Plan(query).find("(dictionary keys)"), std::string::npos) << Plan(query);
  EXPECT_EQ(Rows(query), (std::vector<std::string>{"a|A|" + std::to_string(expected_.at({"a", "X"}).first +
                                                                           expected_.at({"a", "Y"}).first)}));
  // An aggregate of the key itself also needs the strings.
  EXPECT_EQ(Plan("SELECT flag, min(flag) FROM t GROUP BY flag").find("(dictionary keys)"), std::string::npos);
  EXPECT_EQ(Rows("SELECT flag, count(flag) FROM t WHERE flag = 'c' GROUP BY flag").size(), 1u);
}

}  // namespace
}  // namespace quiver::engine
