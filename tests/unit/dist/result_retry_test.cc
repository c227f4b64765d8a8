// A final task's output when a worker it reads from is lost: before anything was sent
// the query runs again elsewhere; after, the reader gets Unavailable naming the worker.
#include "quiver/dist/result_retry.h"

#include <arrow/array/util.h>
#include <arrow/flight/types.h>
#include <arrow/scalar.h>
#include <arrow/testing/gtest_util.h>
#include <gtest/gtest.h>

#include <deque>

#include "quiver/dist/exchange_reader.h"
#include "quiver/dist/worker_actions.h"

namespace quiver::dist {
namespace {

constexpr const char* kLostWorker = "grpc+tcp://10.0.0.2:7001";

// Gives its batches, then its error.
class ScriptedReader : public arrow::RecordBatchReader {
 public:
  ScriptedReader(std::deque<std::shared_ptr<arrow::RecordBatch>> batches, arrow::Status end)
      : batches_(std::move(batches)), end_(std::move(end)) {}
  std::shared_ptr<arrow::Schema> schema() const override { return Schema(); }
  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
    if (batches_.empty()) {
      *batch = nullptr;
      return end_;
    }
    *batch = batches_.front();
    batches_.pop_front();
    return arrow::Status::OK();
  }
  static std::shared_ptr<arrow::Schema> Schema() { return arrow::schema({arrow::field("x", arrow::int64())}); }

 private:
  std::deque<std::shared_ptr<arrow::RecordBatch>> batches_;
  arrow::Status end_;
};

// A cluster none of whose workers answers a ping.
class SilentCluster : public ChannelResolver {
 public:
  arrow::Result<std::vector<std::string>> WorkerUrls() override { return std::vector<std::string>{kLostWorker}; }
  arrow::Result<std::shared_ptr<arrow::flight::FlightClient>> ClientFor(const std::string& url) override {
    return arrow::Status::IOError("no route to ", url);
  }
};

std::shared_ptr<arrow::RecordBatch> OneRow() {
  auto column = arrow::MakeArrayFromScalar(arrow::Int64Scalar(7), 1).ValueOrDie();
  return arrow::RecordBatch::Make(ScriptedReader::Schema(), 1, {column});
}

arrow::Status Lost() { return arrow::Status::IOError(LostWorkerMessage(kLostWorker, arrow::Status::IOError("EOF"))); }

pb::TaskTicket Ticket() {
  pb::TaskTicket ticket;
  ticket.mutable_plan()->add_workers(kLostWorker);
  ticket.mutable_plan()->set_query_id("q1");
  return ticket;
}

struct Opened {
  int count = 0;
  ResultOpener Opener(std::deque<std::shared_ptr<arrow::RecordBatch>> batches, arrow::Status end) {
    return [this, batches, end](const pb::TaskTicket&) -> arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> {
      ++count;
      return std::make_shared<ScriptedReader>(batches, end);
    };
  }
};

TEST(ResultRetryTest, AWorkerLostAfterBatchesWentOutIsUnavailableNamingIt) {
  Opened opened;
  ASSERT_OK_AND_ASSIGN(auto reader, OpenRetryingResult(Ticket(), opened.Opener({OneRow()}, Lost()),
                                                       std::make_shared<SilentCluster>(), nullptr));
  std::shared_ptr<arrow::RecordBatch> batch;
  ASSERT_OK(reader->ReadNext(&batch));
  ASSERT_NE(batch, nullptr);
  const auto status = reader->ReadNext(&batch);
  const auto detail = arrow::flight::FlightStatusDetail::UnwrapStatus(status);
  ASSERT_NE(detail, nullptr) << status.ToString();
  EXPECT_EQ(detail->code(), arrow::flight::FlightStatusCode::Unavailable);
  EXPECT_NE(status.message().find(std::string("worker ") + kLostWorker + " lost"), std::string::npos) << status;
  EXPECT_NE(status.message().find("fetch the endpoint again"), std::string::npos) << status;
  EXPECT_EQ(opened.count, 1) << "rows already sent cannot be taken back: no second attempt";
}

TEST(ResultRetryTest, ALostWorkerWithNoneLeftToRunOnIsUnavailableToo) {
  Opened opened;
  ASSERT_OK_AND_ASSIGN(
      auto reader, OpenRetryingResult(Ticket(), opened.Opener({}, Lost()), std::make_shared<SilentCluster>(), nullptr));
  std::shared_ptr<arrow::RecordBatch> batch;
  const auto status = reader->ReadNext(&batch);
  const auto detail = arrow::flight::FlightStatusDetail::UnwrapStatus(status);
  ASSERT_NE(detail, nullptr) << status.ToString();
  EXPECT_EQ(detail->code(), arrow::flight::FlightStatusCode::Unavailable);
  EXPECT_NE(status.message().find(kLostWorker), std::string::npos) << status;
  EXPECT_EQ(status.message().find("fetch the endpoint again"), std::string::npos) << status;
}

TEST(ResultRetryTest, OtherErrorsPassThrough) {
  Opened opened;
  ASSERT_OK_AND_ASSIGN(auto reader,
                       OpenRetryingResult(Ticket(), opened.Opener({}, arrow::Status::Invalid("division by zero")),
                                          std::make_shared<SilentCluster>(), nullptr));
  std::shared_ptr<arrow::RecordBatch> batch;
  const auto status = reader->ReadNext(&batch);
  EXPECT_TRUE(status.IsInvalid()) << status;
  EXPECT_EQ(status.message(), "division by zero");
  EXPECT_EQ(opened.count, 1);
}

}  // namespace
}  // namespace quiver::dist
