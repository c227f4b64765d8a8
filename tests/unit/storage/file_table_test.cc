#include "quiver/storage/file_table.h"

#include <arrow/builder.h>
#include <arrow/dataset/dataset.h>
#include <arrow/io/file.h>
#include <arrow/table.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include <filesystem>
#include <fstream>

namespace quiver::storage {
namespace {

class FileTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("quiver_storage_test_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void WriteParquet(const std::filesystem::path& relative) {
    auto path = dir_ / relative;
    std::filesystem::create_directories(path.parent_path());
    arrow::Int32Builder values;
    ASSERT_TRUE(values.AppendValues({1, 2, 3}).ok());
    auto table = arrow::Table::Make(arrow::schema({arrow::field("x", arrow::int32())}),
                                    arrow::ArrayVector{values.Finish().ValueOrDie()});
    auto out = arrow::io::FileOutputStream::Open(path.string()).ValueOrDie();
    ASSERT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out).ok());
    ASSERT_TRUE(out->Close().ok());
  }

  static std::vector<std::string> Names(const arrow::Schema& schema) {
    std::vector<std::string> names;
    for (const auto& field : schema.fields()) names.push_back(field->name());
    return names;
  }

  std::filesystem::path dir_;
};

TEST_F(FileTableTest, DirectoryIsReadRecursivelyWithHivePartitions) {
  WriteParquet("d/region=eu/year=2024/a.parquet");
  WriteParquet("d/region=us/year=2025/b.parquet");
  std::ofstream(dir_ / "d" / "_SUCCESS") << "";  // marker files are not data
  auto table = FileTable::Open({"parquet", (dir_ / "d").string(), {}, nullptr});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ((*table)->file_count(), 2u);
  EXPECT_EQ(Names(*(*table)->schema()), (std::vector<std::string>{"x", "region", "year"}));
  EXPECT_EQ((*table)->partition_columns(), (std::vector<std::string>{"region", "year"}));
}

TEST_F(FileTableTest, GlobsMatchWithinADirectoryUnlessDoubleStar) {
  WriteParquet("g/a1.parquet");
  WriteParquet("g/a2.parquet");
  WriteParquet("g/sub/a3.parquet");
  auto one_level = FileTable::Open({"parquet", (dir_ / "g" / "a*.parquet").string(), {}, nullptr});
  ASSERT_TRUE(one_level.ok());
  EXPECT_EQ((*one_level)->file_count(), 2u);
  auto recursive = FileTable::Open({"parquet", (dir_ / "g" / "**" / "a*.parquet").string(), {}, nullptr});
  ASSERT_TRUE(recursive.ok());
  EXPECT_EQ((*recursive)->file_count(), 3u);
}

TEST_F(FileTableTest, ProblemsNameTheLocation) {
  auto missing = FileTable::Open({"parquet", (dir_ / "missing").string(), {}, nullptr});
  EXPECT_TRUE(missing.status().IsIOError());
  EXPECT_NE(missing.status().message().find("missing"), std::string::npos);
  std::filesystem::create_directories(dir_ / "empty");
  auto empty = FileTable::Open({"parquet", (dir_ / "empty").string(), {}, nullptr});
  EXPECT_NE(empty.status().message().find("has no data files"), std::string::npos);
  auto no_match = FileTable::Open({"parquet", (dir_ / "*.nothing").string(), {}, nullptr});
  EXPECT_NE(no_match.status().message().find("no files match"), std::string::npos);
  auto bad_option = FileTable::Open({"csv", (dir_ / "x.csv").string(), {{"quote", "'"}}, nullptr});
  EXPECT_NE(bad_option.status().message().find("unknown CSV option 'quote'"), std::string::npos);
}

TEST_F(FileTableTest, CsvHeaderAndDelimiterOptions) {
  std::ofstream(dir_ / "p.csv") << "1|ada\n2|bo\n";
  auto table = FileTable::Open({"csv", (dir_ / "p.csv").string(), {{"header", "false"}, {"delimiter", "|"}}, nullptr});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(Names(*(*table)->schema()), (std::vector<std::string>{"f0", "f1"}));
}

TEST_F(FileTableTest, AnUnchangedTableIsReusedAndAChangedOneReopened) {
  WriteParquet("t/a.parquet");
  const FileTableSpec spec{"parquet", (dir_ / "t").string(), {}, nullptr};
  auto first = FileTable::Open(spec);
  auto again = FileTable::Open(spec);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->get(), again->get()) << "an unchanged table is opened once";

  WriteParquet("t/b.parquet");
  auto with_new_file = FileTable::Open(spec);
  ASSERT_TRUE(with_new_file.ok());
  EXPECT_NE(with_new_file->get(), first->get());
  EXPECT_EQ((*with_new_file)->file_count(), 2u);

  std::filesystem::remove(dir_ / "t" / "a.parquet");
  auto without_a = FileTable::Open(spec);
  ASSERT_TRUE(without_a.ok());
  EXPECT_EQ((*without_a)->file_count(), 1u);

  auto declared = FileTable::Open(spec, arrow::schema({arrow::field("x", arrow::int64())}));
  ASSERT_TRUE(declared.ok());
  EXPECT_NE(declared->get(), without_a->get()) << "another schema is another table";
}

TEST_F(FileTableTest, RelativeLocationsBecomeAbsolute) {
  EXPECT_EQ(AbsoluteLocation("/a/b/"), "/a/b/");
  auto absolute = AbsoluteLocation("data/x/");
  EXPECT_EQ(absolute.front(), '/');
  EXPECT_EQ(absolute.back(), '/');
}

}  // namespace
}  // namespace quiver::storage
