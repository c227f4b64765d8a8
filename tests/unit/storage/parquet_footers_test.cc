#include "quiver/storage/parquet_footers.h"

#include <arrow/builder.h>
#include <arrow/dataset/file_parquet.h>
#include <arrow/filesystem/localfs.h>
#include <arrow/io/file.h>
#include <arrow/table.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace quiver::storage {
namespace {

namespace ds = arrow::dataset;

class ParquetFootersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("quiver_parquet_footers_test_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".parquet"))
                .string();
  }
  void TearDown() override { std::filesystem::remove(path_); }

  // `rows` rows of one int64 column, in row groups of 100.
  void Write(int64_t rows) {
    arrow::Int64Builder numbers;
    for (int64_t i = 0; i < rows; ++i) ASSERT_TRUE(numbers.Append(i).ok());
    auto table = arrow::Table::Make(arrow::schema({arrow::field("a", arrow::int64())}), {*numbers.Finish()});
    auto out = *arrow::io::FileOutputStream::Open(path_);
    ASSERT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, /*chunk_size=*/100).ok());
    ASSERT_TRUE(out->Close().ok());
  }

  std::string path_;
};

TEST_F(ParquetFootersTest, AFileIsParsedOncePerVersion) {
  Write(300);
  auto first = ReadParquetFooter(path_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ((*first)->num_row_groups(), 3);
  auto again = ReadParquetFooter(path_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), first->get()) << "the parsed footer is shared";

  // A rewritten file (a later modification time, whatever the file system's
  // resolution) is another version.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Write(500);
  std::filesystem::last_write_time(path_, std::filesystem::file_time_type::clock::now());
  auto rewritten = ReadParquetFooter(path_);
  ASSERT_TRUE(rewritten.ok());
  EXPECT_NE(rewritten->get(), first->get());
  EXPECT_EQ((*rewritten)->num_row_groups(), 5);
}

TEST_F(ParquetFootersTest, AFragmentTakesTheCachedFooter) {
  Write(300);
  auto format = std::make_shared<ds::ParquetFileFormat>();
  ds::FileSource source(path_, std::make_shared<arrow::fs::LocalFileSystem>());
  auto fragment = format->MakeFragment(source, arrow::compute::literal(true), nullptr, {1, 2});
  ASSERT_TRUE(fragment.ok());
  EXPECT_EQ((*fragment)->metadata(), nullptr);
  ASSERT_TRUE(AttachCachedFooter(*format, fragment->get()).ok());
  EXPECT_NE((*fragment)->metadata(), nullptr);
  EXPECT_EQ((*fragment)->metadata()->num_row_groups(), 3);
  auto schema = (*fragment)->ReadPhysicalSchema();
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ((*schema)->field(0)->name(), "a");
}

TEST_F(ParquetFootersTest, AMissingFileIsAnErrorNamingIt) {
  auto footer = ReadParquetFooter(path_);
  ASSERT_FALSE(footer.ok());
  EXPECT_NE(footer.status().message().find(path_), std::string::npos) << footer.status().ToString();
}

}  // namespace
}  // namespace quiver::storage
