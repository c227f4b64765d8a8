#pragma once

#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "quiver/dist/channel_resolver.h"
#include "quiver/dist/partition_buffer.h"

namespace quiver::dist {

/// Where one producer's partition is fetched: a worker and the (signed) ticket.
struct ExchangeSource {
  std::string worker_url;
  std::string ticket;
  /// Set when the producer runs in this process: opens its partition, read from memory
  /// (no encoding, no loopback call, no bytes counted as received over the network).
  std::function<arrow::Result<std::shared_ptr<PartitionBuffer>>()> open_here;
};

struct ExchangeOptions {
  /// How many batches may wait here before the DoGets stop reading (the producers then
  /// keep what follows).
  size_t queued_batches = 8;
  /// A producer that sends nothing for this long is pinged, and taken for lost when it
  /// does not answer within this long either: a frozen or cut-off worker fails the read
  /// instead of stalling it for ever. A producer that is merely slow answers the ping.
  std::chrono::milliseconds producer_timeout{5000};
};

/// Reads a partition from every task of a stage at once (a DoGet each) as one stream
/// of batches, in whatever order they arrive. A failed, unreachable or silent and
/// unanswering producer fails the read with an error naming its worker. Closing stops
/// every DoGet.
class ExchangeReader : public arrow::RecordBatchReader {
 public:
  static arrow::Result<std::shared_ptr<ExchangeReader>> Open(std::shared_ptr<arrow::Schema> schema,
                                                             std::vector<ExchangeSource> sources,
                                                             std::shared_ptr<ChannelResolver> resolver,
                                                             ExchangeOptions options = {});
  ~ExchangeReader() override;

  std::shared_ptr<arrow::Schema> schema() const override { return schema_; }
  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override;
  arrow::Status Close() override;

  /// Bytes received over the network so far.
  int64_t bytes_received() const;

  /// Waits up to `timeout` for every thread of every reader to end, those Close left
  /// behind (a DoGet or a ping to a frozen producer) included; whether they all did.
  /// Call it once the producers are thawed or gone, before the process exits: a thread
  /// still inside gRPC or Arrow while the process exits can crash it.
  static bool WaitForThreads(std::chrono::milliseconds timeout);

 private:
  struct State;
  ExchangeReader(std::shared_ptr<arrow::Schema> schema, std::shared_ptr<State> state)
      : schema_(std::move(schema)), state_(std::move(state)) {}

  std::shared_ptr<arrow::Schema> schema_;
  // Shared with the threads: one whose DoGet waits on a frozen worker cannot be
  // cancelled, so Close leaves it behind, and it finds the state when it wakes.
  std::shared_ptr<State> state_;
  std::vector<std::thread> fetchers_;
  std::thread watchdog_;
};

}  // namespace quiver::dist
