#include "quiver/dist/exchange_reader.h"

#include <arrow/flight/client.h>
#include <arrow/util/byte_size.h>

#include <condition_variable>
#include <deque>
#include <mutex>

#include "quiver/dist/open_streams.h"
#include "quiver/dist/worker_actions.h"
#include "quiver/dist/worker_service.h"

namespace quiver::dist {

namespace flight = arrow::flight;

namespace {

using Clock = std::chrono::steady_clock;

/// The readers' threads still running, those Close left behind included. Never
/// destroyed: a thread left behind may end while the process exits.
struct Threads {
  std::mutex mutex;
  std::condition_variable ended;
  int64_t running = 0;
};
Threads& ReaderThreads() {
  static auto* all = new Threads;
  return *all;
}

}  // namespace

/// What the reader, its fetching threads and its watchdog share.
struct ExchangeReader::State {
  struct Producer {
    ExchangeSource source;
    Clock::time_point last_heard;  // a batch, the stream opening, or an answered ping
    bool opening = true;           // its DoGet has not returned yet
    bool finished = false;
    std::shared_ptr<flight::FlightStreamReader> stream;
    std::shared_ptr<PartitionBuffer> here;  // a producer in this process, read from memory
  };

  std::shared_ptr<ChannelResolver> resolver;
  ExchangeOptions options;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::shared_ptr<arrow::RecordBatch>> queue;
  std::vector<Producer> producers;
  size_t running = 0;
  arrow::Status error;
  bool closed = false;
  bool pinging = false;  // the watchdog waits for pings to answer
  int64_t bytes_received = 0;

  void Fetch(size_t index);
  /// Fetch from a producer in this process.
  void FetchHere(size_t index, const ExchangeSource& source);
  void Watch();

  // The caller holds the mutex.
  void Finish(size_t index, const arrow::Status& status) {
    if (!status.ok() && error.ok() && !closed) error = status;
    producers[index].opening = false;
    producers[index].finished = true;
    --running;
    changed.notify_all();
  }
  bool Stopped() const { return closed || running == 0 || !error.ok(); }
  void CancelStreams() {
    for (auto& producer : producers) {
      if (producer.stream) producer.stream->Cancel();
      if (producer.here) producer.here->Cancel();
    }
  }
};

arrow::Result<std::shared_ptr<ExchangeReader>> ExchangeReader::Open(std::shared_ptr<arrow::Schema> schema,
                                                                    std::vector<ExchangeSource> sources,
                                                                    std::shared_ptr<ChannelResolver> resolver,
                                                                    ExchangeOptions options) {
  auto state = std::make_shared<State>();
  state->resolver = std::move(resolver);
  state->options = options;
  state->running = sources.size();
  const auto now = Clock::now();
  for (auto& source : sources) state->producers.push_back(State::Producer{std::move(source), now});
  std::shared_ptr<ExchangeReader> reader(new ExchangeReader(std::move(schema), state));
  // Counted until it has let go of the state (perhaps the last hold on the resolver and
  // its Flight clients), so that WaitForThreads covers the threads Close leaves behind.
  auto spawn = [](std::shared_ptr<State> state, auto body) {
    {
      std::lock_guard lock(ReaderThreads().mutex);
      ++ReaderThreads().running;
    }
    return std::thread([state = std::move(state), body]() mutable {
      body(*state);
      state.reset();
      std::lock_guard lock(ReaderThreads().mutex);
      if (--ReaderThreads().running == 0) ReaderThreads().ended.notify_all();
    });
  };
  for (size_t i = 0; i < state->producers.size(); ++i) {
    reader->fetchers_.push_back(spawn(state, [i](State& s) { s.Fetch(i); }));
  }
  if (!state->producers.empty()) reader->watchdog_ = spawn(state, [](State& s) { s.Watch(); });
  return reader;
}

ExchangeReader::~ExchangeReader() { (void)Close(); }

void ExchangeReader::State::Fetch(size_t index) {
  CountedStream counted(OpenStreams::read());
  ExchangeSource source;
  {
    std::lock_guard lock(mutex);
    source = producers[index].source;
  }
  if (source.open_here) return FetchHere(index, source);
  auto fail = [&](const arrow::Status& status, bool unreachable) {
    std::lock_guard lock(mutex);
    Finish(index, unreachable ? arrow::Status::IOError(LostWorkerMessage(source.worker_url, status)) : status);
  };
  flight::FlightCallOptions call;
  // Buffers sit wherever the IPC message put them; Acero's kernels want each aligned to
  // its type's width, so the few that are not are copied as they arrive.
  call.read_options.ensure_alignment = arrow::ipc::Alignment::kDataTypeSpecificAlignment;
  // Blocks until the producer sends its schema; nothing can interrupt it but the
  // producer answering or its connection breaking. A URL that is no member of the
  // cluster is refused before any call, and is not taken for a lost worker.
  auto opened = CallWorker<std::unique_ptr<flight::FlightStreamReader>>(
      *resolver, source.worker_url,
      [&](flight::FlightClient& client) { return client.DoGet(call, flight::Ticket{source.ticket}); });
  if (!opened.ok()) return fail(opened.status(), Unreachable(opened.status()));
  std::shared_ptr<flight::FlightStreamReader> stream = std::move(*opened);
  {
    std::lock_guard lock(mutex);
    if (closed || !error.ok()) {
      stream->Cancel();
      return Finish(index, arrow::Status::OK());
    }
    producers[index].opening = false;
    producers[index].last_heard = Clock::now();
    producers[index].stream = stream;
  }
  while (true) {
    auto chunk = stream->Next();
    if (!chunk.ok()) return fail(chunk.status(), Unreachable(chunk.status()));
    std::unique_lock lock(mutex);
    producers[index].last_heard = Clock::now();
    if (!chunk->data) break;
    changed.wait(lock, [&] { return closed || queue.size() < options.queued_batches; });
    if (closed) break;
    bytes_received += arrow::util::TotalBufferSize(*chunk->data);
    queue.push_back(std::move(chunk->data));
    changed.notify_all();
  }
  std::lock_guard lock(mutex);
  Finish(index, arrow::Status::OK());
}

void ExchangeReader::State::FetchHere(size_t index, const ExchangeSource& source) {
  auto opened = source.open_here();
  std::unique_lock lock(mutex);
  if (!opened.ok()) return Finish(index, opened.status());
  auto buffer = *std::move(opened);
  if (closed || !error.ok()) {
    buffer->Cancel();
    return Finish(index, arrow::Status::OK());
  }
  // Cannot freeze apart from this process: the watchdog leaves it alone.
  producers[index].opening = false;
  producers[index].here = buffer;
  lock.unlock();
  arrow::Status status;
  while (true) {
    // Close cancels the buffer, which wakes this wait.
    auto next = buffer->Next([] { return false; });
    lock.lock();
    if (closed) break;
    if (!next.ok()) {
      status = next.status();
      break;
    }
    if (!*next) break;
    changed.wait(lock, [&] { return closed || queue.size() < options.queued_batches; });
    if (closed) break;
    queue.push_back(*std::move(next));
    changed.notify_all();
    lock.unlock();
  }
  Finish(index, status);
}

void ExchangeReader::State::Watch() {
  const auto timeout = options.producer_timeout;
  std::unique_lock lock(mutex);
  while (true) {
    changed.wait_for(lock, timeout / 4, [&] { return Stopped(); });
    if (Stopped()) return;
    // A producer waiting for the reader to take its batches is not silent.
    if (queue.size() >= options.queued_batches) {
      for (auto& producer : producers) producer.last_heard = Clock::now();
      continue;
    }
    std::vector<size_t> silent;
    std::vector<std::string> urls;
    const auto asked_at = Clock::now();
    for (size_t i = 0; i < producers.size(); ++i) {
      if (!producers[i].finished && !producers[i].here && !producers[i].source.open_here &&
          asked_at - producers[i].last_heard >= timeout) {
        silent.push_back(i);
        urls.push_back(producers[i].source.worker_url);
      }
    }
    if (silent.empty()) continue;
    pinging = true;
    lock.unlock();
    const auto answered =
        DoActionOnWorkers(*resolver, urls, kPingAction, "", std::chrono::duration<double>(timeout).count());
    lock.lock();
    pinging = false;
    if (Stopped()) return;
    for (size_t k = 0; k < silent.size(); ++k) {
      auto& producer = producers[silent[k]];
      if (producer.finished || producer.last_heard > asked_at) continue;
      if (answered[k]) {
        // Alive and merely slow (a big sort before its first batch): ask again later.
        producer.last_heard = Clock::now();
        continue;
      }
      error = arrow::Status::IOError(LostWorkerMessage(
          urls[k], arrow::Status::IOError("sent nothing for ",
                                          std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count(),
                                          " ms and did not answer a ping")));
      CancelStreams();
      changed.notify_all();
      return;
    }
  }
}

arrow::Status ExchangeReader::ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) {
  std::unique_lock lock(state_->mutex);
  state_->changed.wait(lock, [&] { return state_->Stopped() || !state_->queue.empty(); });
  if (!state_->error.ok()) return state_->error;
  if (!state_->queue.empty()) {
    *batch = std::move(state_->queue.front());
    state_->queue.pop_front();
    state_->changed.notify_all();
    return arrow::Status::OK();
  }
  *batch = nullptr;
  return arrow::Status::OK();
}

arrow::Status ExchangeReader::Close() {
  std::vector<std::thread> fetchers;
  std::thread watchdog;
  std::vector<bool> left_behind;
  bool watchdog_pinging = false;
  {
    std::lock_guard lock(state_->mutex);
    state_->closed = true;
    state_->CancelStreams();
    state_->queue.clear();
    state_->changed.notify_all();
    fetchers.swap(fetchers_);
    watchdog.swap(watchdog_);
    // A producer here opens at once; only a DoGet to another process may hang.
    for (const auto& producer : state_->producers) {
      left_behind.push_back(producer.opening && !producer.source.open_here);
    }
    watchdog_pinging = state_->pinging;
  }
  // A ping to a frozen worker takes the whole timeout to fail; closing (a cancel) does
  // not wait for it.
  if (watchdog.joinable()) {
    if (watchdog_pinging) {
      watchdog.detach();
    } else {
      watchdog.join();
    }
  }
  for (size_t i = 0; i < fetchers.size(); ++i) {
    if (!fetchers[i].joinable()) continue;
    // Still waiting for a producer to open its stream (perhaps a frozen one): it ends
    // by itself once the producer answers or its connection breaks.
    if (left_behind[i]) {
      fetchers[i].detach();
    } else {
      fetchers[i].join();
    }
  }
  return arrow::Status::OK();
}

bool ExchangeReader::WaitForThreads(std::chrono::milliseconds timeout) {
  std::unique_lock lock(ReaderThreads().mutex);
  return ReaderThreads().ended.wait_for(lock, timeout, [] { return ReaderThreads().running == 0; });
}

int64_t ExchangeReader::bytes_received() const {
  std::lock_guard lock(state_->mutex);
  return state_->bytes_received;
}

}  // namespace quiver::dist
