#pragma once

#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "quiver/dist/channel_resolver.h"

namespace quiver::dist {

/// Where one producer's partition is fetched: a worker and the (signed) ticket.
struct ExchangeSource {
  std::string worker_url;
  std::string ticket;
};

/// Reads a partition from every task of a stage at once (a DoGet each) as one stream
/// of batches, in whatever order they arrive. A failed or unreachable producer fails
/// the read with an error naming its worker. Closing stops every DoGet.
class ExchangeReader : public arrow::RecordBatchReader {
 public:
  /// `queued_batches`: how many batches may wait here before the DoGets stop reading
  /// (the producers then keep what follows).
  static arrow::Result<std::shared_ptr<ExchangeReader>> Open(std::shared_ptr<arrow::Schema> schema,
                                                             std::vector<ExchangeSource> sources,
                                                             std::shared_ptr<ChannelResolver> resolver,
                                                             size_t queued_batches = 8);
  ~ExchangeReader() override;

  std::shared_ptr<arrow::Schema> schema() const override { return schema_; }
  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override;
  arrow::Status Close() override;

  /// Bytes received over the network so far.
  int64_t bytes_received() const;

 private:
  ExchangeReader(std::shared_ptr<arrow::Schema> schema, std::shared_ptr<ChannelResolver> resolver, size_t queued)
      : schema_(std::move(schema)), resolver_(std::move(resolver)), queued_batches_(queued) {}
  void Fetch(const ExchangeSource& source);

  std::shared_ptr<arrow::Schema> schema_;
  std::shared_ptr<ChannelResolver> resolver_;
  const size_t queued_batches_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::shared_ptr<arrow::RecordBatch>> queue_;
  size_t running_ = 0;
  arrow::Status error_;
  bool closed_ = false;
  int64_t bytes_received_ = 0;
  std::vector<std::shared_ptr<arrow::flight::FlightStreamReader>> streams_;
  std::vector<std::thread> threads_;
};

/// The message of the error a read gets when `worker_url` cannot be reached.
std::string LostWorkerMessage(const std::string& worker_url, const arrow::Status& cause);

/// Whether a task failed because a worker it read from was lost (its message, made by
/// LostWorkerMessage, survives the hops between workers).
bool IsLostWorkerError(const arrow::Status& status);

}  // namespace quiver::dist
