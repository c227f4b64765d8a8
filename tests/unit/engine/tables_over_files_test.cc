// Tables over files: external tables, table functions, Hive partitions, views, and
// their survival across restarts.
#include <fstream>

#include "engine_test_util.h"
#include "quiver/engine/demo_dataset.h"

namespace quiver::engine::testing {
namespace {

class TablesOverFiles : public EngineTest {};

TEST_F(TablesOverFiles, ExternalParquetTableSurvivesRestart) {
  WriteParquet(dir_ / "t" / "a.parquet", 0, 100);
  WriteParquet(dir_ / "t" / "b.parquet", 100, 50);
  Run("CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '" + (dir_ / "t").string() + "/'");
  EXPECT_EQ(Rows("SELECT count(*), min(id), max(id) FROM t"), std::vector<std::string>{"150|0|149"});
  Reopen();
  EXPECT_EQ(Rows("SELECT count(*) FROM t WHERE name = 'n3'"), std::vector<std::string>{"15"});
  EXPECT_EQ(Rows("SHOW TABLES"), std::vector<std::string>{"t|TABLE"});
  EXPECT_EQ(Rows("DESCRIBE t"), (std::vector<std::string>{"id|bigint|YES", "name|text|YES"}));
  Run("DROP TABLE t");
  EXPECT_TRUE(Error("SELECT * FROM t").IsKeyError());
  Reopen();
  EXPECT_TRUE(Error("SELECT * FROM t").IsKeyError());
  // The files are the user's: dropping the table leaves them.
  EXPECT_TRUE(std::filesystem::exists(dir_ / "t" / "a.parquet"));
}

TEST_F(TablesOverFiles, HivePartitionDirectoriesBecomeColumns) {
  WriteParquet(dir_ / "p" / "year=2023" / "x.parquet", 0, 10);
  WriteParquet(dir_ / "p" / "year=2024" / "x.parquet", 10, 20);
  Run("CREATE EXTERNAL TABLE p STORED AS PARQUET LOCATION '" + (dir_ / "p").string() + "'");
  EXPECT_EQ(Rows("SELECT year, count(*) FROM p GROUP BY year ORDER BY year"),
            (std::vector<std::string>{"2023|10", "2024|20"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM p WHERE year = 2024 AND id >= 25"), std::vector<std::string>{"5"});
}

TEST_F(TablesOverFiles, GlobsAndTableFunctions) {
  WriteParquet(dir_ / "g" / "part1.parquet", 0, 5);
  WriteParquet(dir_ / "g" / "part2.parquet", 5, 5);
  WriteParquet(dir_ / "g" / "other.parquet", 100, 5);
  EXPECT_EQ(Rows("SELECT count(*) FROM read_parquet('" + (dir_ / "g").string() + "/part*.parquet')"),
            std::vector<std::string>{"10"});
  std::ofstream(dir_ / "c.csv") << "city,people\nOslo,700\nRome,2700\n";
  EXPECT_EQ(
      Rows("SELECT city, people + 1 FROM read_csv('" + (dir_ / "c.csv").string() + "', header => true) ORDER BY city"),
      (std::vector<std::string>{"Oslo|701", "Rome|2701"}));
  Run("CREATE EXTERNAL TABLE c (city text, people bigint) STORED AS CSV WITH HEADER ROW LOCATION '" +
      (dir_ / "c.csv").string() + "'");
  EXPECT_EQ(Rows("DESCRIBE c"), (std::vector<std::string>{"city|text|YES", "people|bigint|YES"}));
}

TEST_F(TablesOverFiles, ViewsArePersistedAndReboundOnUse) {
  WriteParquet(dir_ / "v" / "a.parquet", 0, 20);
  Run("CREATE EXTERNAL TABLE base STORED AS PARQUET LOCATION '" + (dir_ / "v").string() + "'");
  Run("CREATE VIEW evens (n) AS SELECT id FROM base WHERE id % 2 = 0");
  Reopen();
  EXPECT_EQ(Rows("SELECT count(*), max(n) FROM evens"), std::vector<std::string>{"10|18"});
  EXPECT_EQ(Rows("SHOW TABLES"), (std::vector<std::string>{"base|TABLE", "evens|VIEW"}));
  EXPECT_TRUE(Error("DROP TABLE evens").IsInvalid());
  Run("DROP VIEW evens");
  Run("DROP VIEW IF EXISTS evens");
  EXPECT_TRUE(Error("DROP VIEW evens").IsKeyError());
}

TEST_F(TablesOverFiles, MissingAndCorruptFilesAreClearErrors) {
  auto missing = Error("CREATE EXTERNAL TABLE m STORED AS PARQUET LOCATION '/nonexistent/quiver/dir'");
  EXPECT_TRUE(missing.IsIOError()) << missing.ToString();
  EXPECT_NE(missing.message().find("/nonexistent/quiver/dir"), std::string::npos);

  std::filesystem::create_directories(dir_ / "bad");
  std::ofstream(dir_ / "bad" / "x.parquet") << "this is not parquet";
  auto corrupt = Error("SELECT * FROM read_parquet('" + (dir_ / "bad").string() + "/x.parquet')");
  EXPECT_FALSE(corrupt.ok());
  EXPECT_NE(corrupt.message().find("x.parquet"), std::string::npos) << corrupt.ToString();
  // The engine keeps working.
  EXPECT_EQ(Rows("SELECT 1"), std::vector<std::string>{"1"});
  // A failed CREATE leaves nothing behind.
  EXPECT_TRUE(Rows("SHOW TABLES").empty());
}

TEST_F(TablesOverFiles, DemoDatasetIsQueryable) {
  ASSERT_TRUE(InstallDemoDataset(*engine_).ok());
  EXPECT_EQ(Rows("SELECT count(*) FROM trips"), std::vector<std::string>{"10000"});
  EXPECT_EQ(Rows("SELECT count(*) FROM cities"), std::vector<std::string>{"12"});
  auto rows = Rows("SELECT year, count(*) FROM trips GROUP BY year ORDER BY year");
  EXPECT_EQ(rows, (std::vector<std::string>{"2024|5000", "2025|5000"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM trips t JOIN cities c ON t.city = c.name WHERE c.country = 'Norway'").size(),
            1u);
  // Installing again is harmless.
  ASSERT_TRUE(InstallDemoDataset(*engine_).ok());
}

}  // namespace
}  // namespace quiver::engine::testing
