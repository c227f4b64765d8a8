// Proves the build foundation: Arrow, Acero, Parquet, Dataset and Flight from the
// pyarrow wheel link and run together in one C++20 binary.
#include <arrow/acero/exec_plan.h>
#include <arrow/acero/options.h>
#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/dataset/api.h>
#include <arrow/filesystem/localfs.h>
#include <arrow/flight/client.h>
#include <arrow/flight/server.h>
#include <arrow/io/file.h>
#include <gtest/gtest.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/writer.h>

#include <filesystem>

namespace {

// Arrow ≥ 21 registers most compute kernels only on request.
class ComputeEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { ASSERT_TRUE(arrow::compute::Initialize().ok()); }
};
const auto* const kComputeEnvironment =
    ::testing::AddGlobalTestEnvironment(new ComputeEnvironment);

std::shared_ptr<arrow::Table> MakeTable() {
  arrow::Int64Builder ids;
  arrow::StringBuilder names;
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(ids.Append(i).ok());
    EXPECT_TRUE(names.Append("n" + std::to_string(i % 7)).ok());
  }
  auto schema = arrow::schema({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8())});
  return arrow::Table::Make(schema, {ids.Finish().ValueOrDie(), names.Finish().ValueOrDie()});
}

TEST(Foundation, AceroAggregates) {
  namespace ac = arrow::acero;
  namespace cp = arrow::compute;
  ac::Declaration plan = ac::Declaration::Sequence({
      {"table_source", ac::TableSourceNodeOptions(MakeTable())},
      {"filter", ac::FilterNodeOptions(cp::greater(cp::field_ref("id"), cp::literal(int64_t{49})))},
      {"aggregate", ac::AggregateNodeOptions({{"sum", nullptr, "id", "total"}})},
  });
  auto result = ac::DeclarationToTable(std::move(plan));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  auto total = (*result)->column(0)->GetScalar(0).ValueOrDie();
  EXPECT_EQ(total->ToString(), std::to_string((50 + 99) * 50 / 2));
}

TEST(Foundation, ParquetThroughDataset) {
  auto dir = std::filesystem::temp_directory_path() / "quiver_foundation_test";
  std::filesystem::create_directories(dir);
  auto path = (dir / "t.parquet").string();
  auto out = arrow::io::FileOutputStream::Open(path).ValueOrDie();
  ASSERT_TRUE(parquet::arrow::WriteTable(*MakeTable(), arrow::default_memory_pool(), out, 16).ok());
  ASSERT_TRUE(out->Close().ok());

  auto fs = std::make_shared<arrow::fs::LocalFileSystem>();
  auto format = std::make_shared<arrow::dataset::ParquetFileFormat>();
  auto factory = arrow::dataset::FileSystemDatasetFactory::Make(fs, {path}, format, {}).ValueOrDie();
  auto dataset = factory->Finish().ValueOrDie();
  auto builder = dataset->NewScan().ValueOrDie();
  ASSERT_TRUE(builder->Project({"name"}).ok());
  auto table = builder->Finish().ValueOrDie()->ToTable().ValueOrDie();
  EXPECT_EQ(table->num_rows(), 100);
  EXPECT_EQ(table->num_columns(), 1);
  std::filesystem::remove_all(dir);
}

class EchoServer : public arrow::flight::FlightServerBase {
 public:
  arrow::Status DoGet(const arrow::flight::ServerCallContext&, const arrow::flight::Ticket&,
                      std::unique_ptr<arrow::flight::FlightDataStream>* stream) override {
    auto table = MakeTable();
    auto reader = std::make_shared<arrow::TableBatchReader>(table);
    *stream = std::make_unique<arrow::flight::RecordBatchStream>(reader);
    return arrow::Status::OK();
  }
};

TEST(Foundation, FlightRoundTrip) {
  auto location = arrow::flight::Location::ForGrpcTcp("127.0.0.1", 0).ValueOrDie();
  EchoServer server;
  ASSERT_TRUE(server.Init(arrow::flight::FlightServerOptions(location)).ok());
  auto client_location = arrow::flight::Location::ForGrpcTcp("127.0.0.1", server.port()).ValueOrDie();
  auto client = arrow::flight::FlightClient::Connect(client_location).ValueOrDie();
  auto stream = client->DoGet(arrow::flight::Ticket{"x"}).ValueOrDie();
  auto table = stream->ToTable().ValueOrDie();
  EXPECT_EQ(table->num_rows(), 100);
  ASSERT_TRUE(server.Shutdown().ok());
}

}  // namespace
