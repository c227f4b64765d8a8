#include "quiver/dist/exchange_reader.h"

#include <arrow/flight/client.h>
#include <arrow/util/byte_size.h>

namespace quiver::dist {

namespace flight = arrow::flight;

namespace {

constexpr std::string_view kLost = " lost: ";

// Whether a call failed for want of the worker (rather than the worker reporting an
// error over a working connection). A worker passing on that one of its producers was
// lost says so in the message, which names that producer instead.
bool Unreachable(const arrow::Status& status) {
  const auto detail = flight::FlightStatusDetail::UnwrapStatus(status);
  return detail && detail->code() == flight::FlightStatusCode::Unavailable && !IsLostWorkerError(status);
}

}  // namespace

std::string LostWorkerMessage(const std::string& worker_url, const arrow::Status& cause) {
  return "worker " + worker_url + std::string(kLost) + cause.message();
}

bool IsLostWorkerError(const arrow::Status& status) {
  const std::string& message = status.message();
  const size_t worker = message.find("worker ");
  return !status.ok() && worker != std::string::npos && message.find(kLost, worker) != std::string::npos;
}

arrow::Result<std::shared_ptr<ExchangeReader>> ExchangeReader::Open(std::shared_ptr<arrow::Schema> schema,
                                                                    std::vector<ExchangeSource> sources,
                                                                    std::shared_ptr<ChannelResolver> resolver,
                                                                    size_t queued_batches) {
  std::shared_ptr<ExchangeReader> reader(new ExchangeReader(std::move(schema), std::move(resolver), queued_batches));
  reader->running_ = sources.size();
  for (auto& source : sources) {
    reader->threads_.emplace_back([raw = reader.get(), source = std::move(source)] { raw->Fetch(source); });
  }
  return reader;
}

ExchangeReader::~ExchangeReader() { (void)Close(); }

void ExchangeReader::Fetch(const ExchangeSource& source) {
  auto fail = [&](const arrow::Status& status, bool unreachable) {
    std::lock_guard lock(mutex_);
    if (error_.ok() && !closed_) {
      error_ = unreachable ? arrow::Status::IOError(LostWorkerMessage(source.worker_url, status)) : status;
    }
    --running_;
    changed_.notify_all();
  };
  auto client = resolver_->ClientFor(source.worker_url);
  // Refused: the URL is no member of the cluster, which no retry mends.
  if (!client.ok()) return fail(client.status(), false);
  flight::FlightCallOptions options;
  // Buffers sit wherever the IPC message put them; Acero's kernels want each aligned to
  // its type's width, so the few that are not are copied as they arrive.
  options.read_options.ensure_alignment = arrow::ipc::Alignment::kDataTypeSpecificAlignment;
  auto opened = (*client)->DoGet(options, flight::Ticket{source.ticket});
  if (!opened.ok()) return fail(opened.status(), Unreachable(opened.status()));
  std::shared_ptr<flight::FlightStreamReader> stream = std::move(*opened);
  {
    std::lock_guard lock(mutex_);
    if (closed_) {
      stream->Cancel();
      --running_;
      return;
    }
    streams_.push_back(stream);
  }
  while (true) {
    auto chunk = stream->Next();
    if (!chunk.ok()) {
      return fail(chunk.status(), Unreachable(chunk.status()));
    }
    if (!chunk->data) break;
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return closed_ || queue_.size() < queued_batches_; });
    if (closed_) break;
    bytes_received_ += arrow::util::TotalBufferSize(*chunk->data);
    queue_.push_back(std::move(chunk->data));
    changed_.notify_all();
  }
  std::lock_guard lock(mutex_);
  --running_;
  changed_.notify_all();
}

arrow::Status ExchangeReader::ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return closed_ || !queue_.empty() || running_ == 0 || !error_.ok(); });
  if (!error_.ok()) return error_;
  if (!queue_.empty()) {
    *batch = std::move(queue_.front());
    queue_.pop_front();
    changed_.notify_all();
    return arrow::Status::OK();
  }
  *batch = nullptr;
  return arrow::Status::OK();
}

arrow::Status ExchangeReader::Close() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    if (closed_ && threads_.empty()) return arrow::Status::OK();
    closed_ = true;
    for (auto& stream : streams_) stream->Cancel();
    queue_.clear();
    threads.swap(threads_);
    changed_.notify_all();
  }
  for (auto& thread : threads) {
    if (thread.joinable()) thread.join();
  }
  return arrow::Status::OK();
}

int64_t ExchangeReader::bytes_received() const {
  std::lock_guard lock(mutex_);
  return bytes_received_;
}

}  // namespace quiver::dist
