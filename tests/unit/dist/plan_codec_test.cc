// How a scan travels to its tasks: cut into row groups, and read by each task through
// one fragment per file, so a file's footer is parsed once per task, not once per row
// group.
#include "quiver/dist/plan_codec.h"

#include <arrow/array/builder_primitive.h>
#include <arrow/dataset/file_parquet.h>
#include <arrow/io/file.h>
#include <arrow/table.h>
#include <arrow/testing/gtest_util.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include <filesystem>

#include "quiver/storage/file_table.h"

namespace quiver::dist {
namespace {

namespace ds = arrow::dataset;

// A Parquet file of `groups` row groups of 10 rows each (x = 0, 1, 2, …).
std::string WriteFile(const std::filesystem::path& dir, int groups) {
  std::filesystem::create_directories(dir);
  arrow::Int64Builder builder;
  for (int64_t i = 0; i < groups * 10; ++i) ARROW_EXPECT_OK(builder.Append(i));
  auto table = arrow::Table::Make(arrow::schema({arrow::field("x", arrow::int64())}), {builder.Finish().ValueOrDie()});
  const auto path = (dir / "part.parquet").string();
  auto out = arrow::io::FileOutputStream::Open(path).ValueOrDie();
  ARROW_EXPECT_OK(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, /*chunk_size=*/10));
  ARROW_EXPECT_OK(out->Close());
  return path;
}

std::shared_ptr<plan::LogicalScan> ScanOf(const std::filesystem::path& dir) {
  auto scan = std::make_shared<plan::LogicalScan>();
  scan->table_name = "t";
  scan->source = storage::FileTable::Open(storage::FileTableSpec{"parquet", dir.string()}).ValueOrDie();
  scan->schema = scan->source->schema();
  scan->columns = {"x"};
  return scan;
}

// The row groups of each fragment the decoded scan of `task` reads.
std::vector<std::vector<int>> FragmentsOf(const pb::PlanNode& encoded, const pb::TaskScans& task) {
  auto decoded = DecodePlan(encoded, TaskSelection{0, &task}).ValueOrDie();
  const auto& scan = static_cast<const plan::LogicalScan&>(*decoded);
  std::vector<std::vector<int>> groups;
  for (const auto& fragment : scan.source->dataset()->GetFragments().ValueOrDie()) {
    groups.push_back(std::static_pointer_cast<ds::ParquetFileFragment>(fragment.ValueOrDie())->row_groups());
  }
  return groups;
}

TEST(PlanCodecTest, ATaskReadsItsRowGroupsOfAFileThroughOneFragment) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "plan_codec_row_groups";
  std::filesystem::remove_all(dir);
  WriteFile(dir, 5);
  auto scan = ScanOf(dir);
  ASSERT_OK_AND_ASSIGN(auto units, ScanUnitsOf(*scan, /*split_row_groups=*/true));
  ASSERT_EQ(units.size(), 5u);
  PlanEncoding encoding;
  encoding.scan_units[scan.get()] = units;
  ASSERT_OK_AND_ASSIGN(auto encoded, EncodePlan(*scan, encoding));
  // The file holds no partition values: no unit spends bytes on a guarantee of true.
  ASSERT_EQ(encoded.scan().files_size(), 5);
  for (const auto& file : encoded.scan().files()) EXPECT_FALSE(file.has_guarantee());

  pb::TaskScans first;
  auto* share = first.add_scans();
  for (uint32_t unit : {0u, 1u, 3u}) share->add_files(unit);
  EXPECT_EQ(FragmentsOf(encoded, first), (std::vector<std::vector<int>>{{0, 1, 3}}));

  pb::TaskScans second;
  second.add_scans()->add_files(4);
  second.mutable_scans(0)->add_files(2);
  // In the order given: row groups are read as the task lists them.
  EXPECT_EQ(FragmentsOf(encoded, second), (std::vector<std::vector<int>>{{4, 2}}));
}

// CACHE TABLE is the planning node's catalog's: its workers learn it from the plan.
TEST(PlanCodecTest, ACachedTablesScanIsCachedOnItsWorkers) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "plan_codec_cached";
  std::filesystem::remove_all(dir);
  WriteFile(dir, 1);
  for (bool cached : {false, true}) {
    auto scan = ScanOf(dir);
    scan->cached = cached;
    ASSERT_OK_AND_ASSIGN(auto encoded, EncodePlan(*scan, PlanEncoding{}));
    ASSERT_OK_AND_ASSIGN(auto decoded, DecodePlan(encoded, TaskSelection{}));
    EXPECT_EQ(static_cast<const plan::LogicalScan&>(*decoded).cached, cached);
  }
}

}  // namespace
}  // namespace quiver::dist
