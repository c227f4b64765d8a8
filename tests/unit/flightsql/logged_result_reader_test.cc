#include "quiver/flightsql/logged_result_reader.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/flight/types.h>
#include <arrow/type.h>
#include <gtest/gtest.h>

namespace quiver::flightsql {
namespace {

std::shared_ptr<arrow::RecordBatch> Batch(int64_t rows) {
  arrow::Int64Builder builder;
  for (int64_t i = 0; i < rows; ++i) EXPECT_TRUE(builder.Append(i).ok());
  return arrow::RecordBatch::Make(arrow::schema({arrow::field("x", arrow::int64())}), rows,
                                  {builder.Finish().ValueOrDie()});
}

// A source that can fail on demand and remembers being closed.
class ScriptedReader : public arrow::RecordBatchReader {
 public:
  ScriptedReader(std::vector<std::shared_ptr<arrow::RecordBatch>> batches, arrow::Status failure, bool* closed)
      : batches_(std::move(batches)), failure_(std::move(failure)), closed_(closed) {}
  std::shared_ptr<arrow::Schema> schema() const override { return Batch(0)->schema(); }
  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
    if (next_ < batches_.size()) {
      *batch = batches_[next_++];
      return arrow::Status::OK();
    }
    if (!failure_.ok()) return failure_;
    batch->reset();
    return arrow::Status::OK();
  }
  arrow::Status Close() override {
    *closed_ = true;
    return arrow::Status::OK();
  }

 private:
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches_;
  size_t next_ = 0;
  arrow::Status failure_;
  bool* closed_;
};

TEST(LoggedResultReaderTest, CountsRowsAndBytesAndLogsOnceAtTheEnd) {
  bool closed = false;
  auto source = std::make_shared<ScriptedReader>(std::vector{Batch(3), Batch(4)}, arrow::Status::OK(), &closed);
  testing::internal::CaptureStderr();
  {
    LoggedResultReader reader(source, 7, "SELECT x FROM t", std::chrono::steady_clock::now());
    std::shared_ptr<arrow::RecordBatch> batch;
    int64_t rows = 0;
    do {
      ASSERT_TRUE(reader.ReadNext(&batch).ok());
      if (batch) rows += batch->num_rows();
    } while (batch);
    EXPECT_EQ(rows, 7);
  }
  std::string log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(log.find("stmt=7 rows=7 bytes=56 duration_ms="), 0u) << log;
  EXPECT_NE(log.find("status=ok sql=\"SELECT x FROM t\""), std::string::npos) << log;
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1);
}

TEST(LoggedResultReaderTest, ClientLeavingEarlyClosesTheQueryAndLogsAborted) {
  bool closed = false;
  auto source = std::make_shared<ScriptedReader>(std::vector{Batch(3), Batch(4)}, arrow::Status::OK(), &closed);
  testing::internal::CaptureStderr();
  {
    LoggedResultReader reader(source, 8, "SELECT x FROM t", std::chrono::steady_clock::now());
    std::shared_ptr<arrow::RecordBatch> batch;
    ASSERT_TRUE(reader.ReadNext(&batch).ok());
  }  // dropped mid-stream, as Flight does when the client disconnects
  std::string log = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(closed);
  EXPECT_NE(log.find("stmt=8 rows=3 "), std::string::npos) << log;
  EXPECT_NE(log.find("status=aborted"), std::string::npos) << log;
}

TEST(LoggedResultReaderTest, ErrorsAreLoggedAndLeaveWithAFlightCode) {
  bool closed = false;
  auto source = std::make_shared<ScriptedReader>(std::vector{Batch(1)},
                                                 arrow::Status::IOError("cannot read /data/x.parquet"), &closed);
  testing::internal::CaptureStderr();
  arrow::Status status;
  {
    LoggedResultReader reader(source, 9, "SELECT 1", std::chrono::steady_clock::now());
    std::shared_ptr<arrow::RecordBatch> batch;
    ASSERT_TRUE(reader.ReadNext(&batch).ok());
    status = reader.ReadNext(&batch);
  }
  std::string log = testing::internal::GetCapturedStderr();
  auto detail = arrow::flight::FlightStatusDetail::UnwrapStatus(status);
  ASSERT_NE(detail, nullptr) << status;
  EXPECT_EQ(detail->code(), arrow::flight::FlightStatusCode::Unavailable);
  EXPECT_NE(log.find("status=\"error: cannot read /data/x.parquet\""), std::string::npos) << log;
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1);
}

}  // namespace
}  // namespace quiver::flightsql
