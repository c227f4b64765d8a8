// Calls to a worker that went down and came back on the same address: the next call
// reaches it at once, instead of failing while the connection that saw it go waits out
// gRPC's reconnect back-off.
#include <arrow/flight/server.h>
#include <arrow/testing/gtest_util.h>
#include <gtest/gtest.h>

#include "quiver/dist/worker_actions.h"
#include "quiver/dist/worker_service.h"

namespace quiver::dist {
namespace {

namespace flight = arrow::flight;

// Answers pings, and nothing else.
class PingAnswerer : public flight::FlightServerBase {
 public:
  arrow::Status DoAction(const flight::ServerCallContext&, const flight::Action& action,
                         std::unique_ptr<flight::ResultStream>* result) override {
    EXPECT_EQ(action.type, kPingAction);
    *result = std::make_unique<flight::SimpleResultStream>(std::vector<flight::Result>{});
    return arrow::Status::OK();
  }
};

std::unique_ptr<PingAnswerer> Listen(int port) {
  auto server = std::make_unique<PingAnswerer>();
  auto location = flight::Location::ForGrpcTcp("127.0.0.1", port).ValueOrDie();
  ARROW_EXPECT_OK(server->Init(flight::FlightServerOptions(location)));
  return server;
}

TEST(WorkerCallTest, AWorkerBackOnItsAddressIsReachedAtOnce) {
  auto worker = Listen(0);
  const int port = worker->port();
  const std::string url = flight::Location::ForGrpcTcp("127.0.0.1", port).ValueOrDie().ToString();
  StaticChannelResolver resolver({url});
  EXPECT_EQ(PingWorkers(resolver, {url}), std::vector<bool>{true});

  ASSERT_OK(worker->Shutdown());
  worker.reset();
  // Each failed attempt lengthens the back-off of the connection that made it.
  for (int attempt = 0; attempt < 3; ++attempt) EXPECT_EQ(PingWorkers(resolver, {url}), std::vector<bool>{false});

  worker = Listen(port);
  ASSERT_EQ(worker->port(), port);
  EXPECT_EQ(PingWorkers(resolver, {url}), std::vector<bool>{true});
  ASSERT_OK(worker->Shutdown());
}

TEST(WorkerCallTest, AnErrorTheWorkerSentIsNotRetried) {
  auto worker = Listen(0);
  const std::string url = flight::Location::ForGrpcTcp("127.0.0.1", worker->port()).ValueOrDie().ToString();
  StaticChannelResolver resolver({url});
  int calls = 0;
  auto answer = CallWorker<int>(resolver, url, [&](flight::FlightClient&) -> arrow::Result<int> {
    ++calls;
    return arrow::Status::Invalid("the worker refused the plan");
  });
  EXPECT_FALSE(answer.ok());
  EXPECT_EQ(calls, 1);

  // Nor is a lost worker that the called one passes on: that one is not it.
  calls = 0;
  answer = CallWorker<int>(resolver, url, [&](flight::FlightClient&) -> arrow::Result<int> {
    ++calls;
    return flight::MakeFlightError(flight::FlightStatusCode::Unavailable,
                                   LostWorkerMessage("grpc://127.0.0.1:1", arrow::Status::IOError("refused")));
  });
  EXPECT_FALSE(answer.ok());
  EXPECT_EQ(calls, 1);
  ASSERT_OK(worker->Shutdown());
}

}  // namespace
}  // namespace quiver::dist
