// VACUUM deletes the data files managed tables removed longer ago than the retention.
#include <gtest/gtest.h>

#include <filesystem>

#include "engine_test_util.h"
#include "quiver/catalog/catalog.h"

namespace quiver::engine {
namespace {

namespace fs = std::filesystem;

class VacuumTest : public testing::EngineTest {
 protected:
  size_t DataFiles() {
    auto entry = engine_->catalog().FindTable("public", "t");
    size_t count = 0;
    for (const auto& file : fs::directory_iterator(entry->location)) count += file.path().extension() == ".parquet";
    return count;
  }
  int64_t RowsAffected(const std::string& sql) {
    auto result = session_->Execute(sql);
    EXPECT_TRUE(result.ok()) << sql << ": " << result.status();
    return result.ok() ? result->rows_affected : -1;
  }
};

TEST_F(VacuumTest, DeletesOnlyFilesRemovedLongerAgoThanTheRetention) {
  Run("CREATE TABLE t (id int)");
  Run("INSERT INTO t VALUES (1), (2)");
  Run("INSERT INTO t VALUES (3)");
  Run("DELETE FROM t WHERE id = 3");         // removes the second file
  Run("UPDATE t SET id = 10 WHERE id = 1");  // rewrites the first
  EXPECT_EQ(DataFiles(), 3u);
  // A week's retention by default: nothing is old enough.
  EXPECT_EQ(RowsAffected("VACUUM t"), 0);
  EXPECT_EQ(DataFiles(), 3u);
  Run("SET vacuum_retention_hours = 0");
  EXPECT_EQ(RowsAffected("VACUUM t"), 2);
  EXPECT_EQ(DataFiles(), 1u);
  EXPECT_EQ(Rows("SELECT id FROM t ORDER BY id"), (std::vector<std::string>{"2", "10"}));
  // Without a name: every managed table.
  EXPECT_EQ(RowsAffected("VACUUM"), 0);
}

TEST_F(VacuumTest, RefusesWhatItCannotVacuum) {
  Run("CREATE TABLE t (id int)");
  Run("CREATE VIEW v AS SELECT * FROM t");
  EXPECT_NE(Error("VACUUM v").message().find("cannot VACUUM view \"v\""), std::string::npos);
  EXPECT_TRUE(Error("VACUUM missing").IsKeyError());
  EXPECT_NE(Error("ANALYZE t").message().find("ANALYZE"), std::string::npos);
  Run("SET vacuum_retention_hours = 'soon'");
  EXPECT_NE(Error("VACUUM t").message().find("is not a number of hours"), std::string::npos);
}

}  // namespace
}  // namespace quiver::engine
