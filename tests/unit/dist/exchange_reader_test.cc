// Reading a partition from producers that freeze: a producer silent past the timeout
// that does not answer a ping fails the read naming its worker (whether it froze before
// opening its stream or in the middle of it), and one that is slow but answers is
// waited for.
#include "quiver/dist/exchange_reader.h"

#include <arrow/array/util.h>
#include <arrow/flight/server.h>
#include <arrow/scalar.h>
#include <arrow/testing/gtest_util.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "quiver/dist/worker_actions.h"
#include "quiver/dist/worker_service.h"

namespace quiver::dist {
namespace {

namespace flight = arrow::flight;
using std::chrono::milliseconds;

constexpr milliseconds kTimeout{300};

std::shared_ptr<arrow::Schema> Schema() { return arrow::schema({arrow::field("x", arrow::int64())}); }

std::shared_ptr<arrow::RecordBatch> OneRow() {
  auto column = arrow::MakeArrayFromScalar(arrow::Int64Scalar(7), 1).ValueOrDie();
  return arrow::RecordBatch::Make(Schema(), 1, {column});
}

// Held shut until opened: what a frozen process does to the calls that reach it.
class Gate {
 public:
  void Open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    opened_.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mutex_);
    opened_.wait(lock, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

// Sends `before` batches, then waits `pause` (or at the gate, when frozen), then sends
// one more. Pings wait at the gate too when frozen.
class Producer : public flight::FlightServerBase {
 public:
  enum class Mode { kSlow, kFrozenBeforeSchema, kFrozenMidStream };
  Producer(Mode mode, milliseconds pause = milliseconds(0)) : mode_(mode), pause_(pause) {}

  arrow::Status DoGet(const flight::ServerCallContext&, const flight::Ticket&,
                      std::unique_ptr<flight::FlightDataStream>* stream) override {
    if (mode_ == Mode::kFrozenBeforeSchema) gate_.Wait();
    auto batches = std::make_shared<PausingReader>(this);
    *stream = std::make_unique<flight::RecordBatchStream>(batches);
    return arrow::Status::OK();
  }
  arrow::Status DoAction(const flight::ServerCallContext&, const flight::Action& action,
                         std::unique_ptr<flight::ResultStream>* result) override {
    if (mode_ != Mode::kSlow) gate_.Wait();
    EXPECT_EQ(action.type, kPingAction);
    *result = std::make_unique<flight::SimpleResultStream>(std::vector<flight::Result>{});
    return arrow::Status::OK();
  }
  /// Thaws it (so that the server can shut down).
  void Thaw() { gate_.Open(); }
  std::string Url() const { return flight::Location::ForGrpcTcp("127.0.0.1", port()).ValueOrDie().ToString(); }

 private:
  class PausingReader : public arrow::RecordBatchReader {
   public:
    explicit PausingReader(Producer* producer) : producer_(producer) {}
    std::shared_ptr<arrow::Schema> schema() const override { return Schema(); }
    arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
      ++sent_;
      if (sent_ == 2) {
        if (producer_->mode_ == Mode::kFrozenMidStream) producer_->gate_.Wait();
        std::this_thread::sleep_for(producer_->pause_);
      }
      *batch = sent_ <= 2 ? OneRow() : nullptr;
      return arrow::Status::OK();
    }

   private:
    Producer* producer_;
    int sent_ = 0;
  };

  const Mode mode_;
  const milliseconds pause_;
  Gate gate_;
};

class ExchangeReaderTest : public ::testing::Test {
 protected:
  void Serve(Producer::Mode mode, milliseconds pause = milliseconds(0)) {
    producer_ = std::make_unique<Producer>(mode, pause);
    flight::FlightServerOptions options(flight::Location::ForGrpcTcp("127.0.0.1", 0).ValueOrDie());
    ASSERT_OK(producer_->Init(options));
    resolver_ = std::make_shared<StaticChannelResolver>(std::vector<std::string>{producer_->Url()});
  }
  void TearDown() override {
    if (producer_) {
      producer_->Thaw();
      ASSERT_OK(producer_->Shutdown());
    }
    // A DoGet that Close left behind ends once its producer thaws: wait for it, or the
    // process may exit while that thread is still inside gRPC and Arrow.
    EXPECT_TRUE(ExchangeReader::WaitForThreads(std::chrono::seconds(10)));
  }
  std::shared_ptr<ExchangeReader> Open() {
    ExchangeOptions options;
    options.producer_timeout = kTimeout;
    return ExchangeReader::Open(Schema(), {ExchangeSource{producer_->Url(), "ticket"}}, resolver_, options)
        .ValueOrDie();
  }

  std::unique_ptr<Producer> producer_;
  std::shared_ptr<ChannelResolver> resolver_;
};

// Reads to the end or the first error; the rows read go to `rows`.
arrow::Status ReadAll(ExchangeReader& reader, int* rows) {
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    ARROW_RETURN_NOT_OK(reader.ReadNext(&batch));
    if (!batch) return arrow::Status::OK();
    *rows += static_cast<int>(batch->num_rows());
  }
}

void ExpectLostWithin(const arrow::Status& status, const std::string& url, milliseconds took) {
  EXPECT_TRUE(status.IsIOError()) << status.ToString();
  EXPECT_TRUE(IsLostWorkerError(status)) << status.ToString();
  EXPECT_NE(status.message().find(url), std::string::npos) << status.ToString();
  EXPECT_NE(status.message().find("did not answer a ping"), std::string::npos) << status.ToString();
  // Silent for the timeout, then a ping unanswered for as long, checked every quarter.
  EXPECT_LT(took, 4 * kTimeout);
}

TEST_F(ExchangeReaderTest, AProducerFrozenBeforeItsStreamOpensFailsTheReadNamingIt) {
  Serve(Producer::Mode::kFrozenBeforeSchema);
  auto reader = Open();
  const auto start = std::chrono::steady_clock::now();
  int rows = 0;
  const auto status = ReadAll(*reader, &rows);
  ExpectLostWithin(status, producer_->Url(),
                   std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start));
  // Its DoGet cannot be interrupted; closing does not wait for it.
  const auto closing = std::chrono::steady_clock::now();
  ASSERT_OK(reader->Close());
  EXPECT_LT(std::chrono::steady_clock::now() - closing, kTimeout);
}

TEST_F(ExchangeReaderTest, AProducerFrozenMidStreamFailsTheReadNamingIt) {
  Serve(Producer::Mode::kFrozenMidStream);
  auto reader = Open();
  const auto start = std::chrono::steady_clock::now();
  int rows = 0;
  const auto status = ReadAll(*reader, &rows);
  EXPECT_EQ(rows, 1);
  ExpectLostWithin(status, producer_->Url(),
                   std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start));
  const auto closing = std::chrono::steady_clock::now();
  ASSERT_OK(reader->Close());
  EXPECT_LT(std::chrono::steady_clock::now() - closing, kTimeout);
}

TEST_F(ExchangeReaderTest, ASlowProducerThatAnswersPingsIsWaitedFor) {
  Serve(Producer::Mode::kSlow, 4 * kTimeout);
  auto reader = Open();
  int rows = 0;
  ASSERT_OK(ReadAll(*reader, &rows));
  EXPECT_EQ(rows, 2);
  ASSERT_OK(reader->Close());
}

}  // namespace
}  // namespace quiver::dist

namespace quiver::dist {
namespace {

// A producer in this process: its partition is read from memory, without Flight.
struct PartitionHere {
  std::shared_ptr<PartitionBuffer> buffer =
      std::make_shared<PartitionBuffer>(1 << 20, (std::filesystem::temp_directory_path() / "quiver-here").string());

  ExchangeSource Source() {
    ExchangeSource source{"grpc+tcp://this-worker:1", "unused", {}};
    source.open_here = [buffer = buffer]() -> arrow::Result<std::shared_ptr<PartitionBuffer>> {
      buffer->Claim();
      return buffer;
    };
    return source;
  }
};

std::shared_ptr<ExchangeReader> OpenHere(PartitionHere& here) {
  // No client is ever asked for: a URL listed nowhere.
  auto resolver = std::make_shared<StaticChannelResolver>(std::vector<std::string>{});
  return ExchangeReader::Open(Schema(), {here.Source()}, resolver, ExchangeOptions{.producer_timeout = kTimeout})
      .ValueOrDie();
}

TEST(ExchangeReaderHereTest, ReadsAProducerInThisProcessFromMemory) {
  PartitionHere here;
  auto reader = OpenHere(here);
  ASSERT_OK(here.buffer->Push(OneRow()));
  // Silent for longer than the timeout: a producer here is never pinged.
  std::this_thread::sleep_for(3 * kTimeout);
  ASSERT_OK(here.buffer->Push(OneRow()));
  here.buffer->Finish(arrow::Status::OK());
  int rows = 0;
  std::shared_ptr<arrow::RecordBatch> batch;
  while (true) {
    ASSERT_OK(reader->ReadNext(&batch));
    if (!batch) break;
    rows += static_cast<int>(batch->num_rows());
  }
  EXPECT_EQ(rows, 2);
  EXPECT_EQ(reader->bytes_received(), 0) << "nothing crossed the network";
  EXPECT_TRUE(here.buffer->done());
  ASSERT_OK(reader->Close());
}

TEST(ExchangeReaderHereTest, AProducerErrorFailsTheReadAndClosingGivesThePartitionUp) {
  PartitionHere failing;
  auto reader = OpenHere(failing);
  failing.buffer->Finish(arrow::Status::IOError("worker grpc://elsewhere:1 lost: gone"));
  std::shared_ptr<arrow::RecordBatch> batch;
  const auto status = reader->ReadNext(&batch);
  EXPECT_TRUE(IsLostWorkerError(status)) << status.ToString();
  ASSERT_OK(reader->Close());

  PartitionHere unread;
  auto early = OpenHere(unread);
  ASSERT_OK(unread.buffer->Push(OneRow()));
  ASSERT_OK(early->Close());  // a LIMIT met: the producer need not keep its output
  EXPECT_TRUE(unread.buffer->done());
}

}  // namespace
}  // namespace quiver::dist
