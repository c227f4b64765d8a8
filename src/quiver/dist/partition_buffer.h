#pragma once

#include <arrow/ipc/writer.h>
#include <arrow/record_batch.h>
#include <arrow/result.h>
#include <arrow/status.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace quiver::dist {

/// One partition of a task's output, between the task that fills it and the one
/// consumer that reads it (a DoGet from the task of the next stage).
///
/// A producer of partitions for other tasks never waits for a consumer: a consumer
/// may itself be waiting on its own client, which may read a query's endpoints one
/// after another, and a producer that waited would then stall the partitions others
/// are waiting for. Instead, up to `memory_budget` bytes wait in memory and the rest
/// in a spill file, read back in order.
///
/// A final task's one partition is read by the client, and nothing else waits on the
/// task: there the producer waits while `memory_budget` bytes are unread (backpressure
/// to its plan), rather than write the result to disk and read it back. Thread-safe.
class PartitionBuffer {
 public:
  enum class WhenFull { kSpill, kWaitForReader };

  PartitionBuffer(int64_t memory_budget, std::string spill_path, WhenFull when_full = WhenFull::kSpill);
  ~PartitionBuffer();

  /// Producer: one more batch. Dropped once the consumer has cancelled. With
  /// kWaitForReader, waits while the buffer is full and neither side has cancelled.
  arrow::Status Push(std::shared_ptr<arrow::RecordBatch> batch);
  /// Producer: no more batches; `status` is what the consumer gets after the last
  /// one (an error fails its read).
  void Finish(const arrow::Status& status);

  /// Consumer: the next batch, or null at the end. Waits while there is none, asking
  /// `cancelled` every `poll` whether to give up (then Cancelled).
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Next(
      const std::function<bool()>& cancelled, std::chrono::milliseconds poll = std::chrono::milliseconds(50));
  /// Consumer: reads no more; buffered and later batches are dropped, and a read still
  /// waiting fails with `reason`.
  void Cancel(arrow::Status reason = arrow::Status::Cancelled("the partition's reader gave up"));

  /// Takes the partition for its one consumer: true the first time only. A second
  /// consumer (a result fetched again, from an alternate location or after a retry)
  /// must not get what is left after the first one's reads; it gets a new run.
  bool Claim();

  /// Whether the consumer has read everything, or given up.
  bool done() const;
  /// Whether a consumer has taken the partition (Claim).
  bool claimed() const;
  /// Whether the producer is waiting for the reader to make room (kWaitForReader).
  bool producer_waiting() const;
  /// Bytes held in memory, and bytes written to the spill file not yet read back.
  int64_t memory_bytes() const;
  int64_t spilled_bytes() const;
  /// The most bytes held in memory at once, and all bytes ever spilled.
  int64_t peak_memory_bytes() const;
  int64_t total_spilled_bytes() const;
  /// When the consumer last took a batch (or the buffer was made).
  std::chrono::steady_clock::time_point last_read() const;

 private:
  arrow::Status SpillLocked(const std::shared_ptr<arrow::RecordBatch>& batch);
  /// The next spilled batch, or null when nothing is spilled.
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> NextSpilledLocked();
  void RemoveSpillLocked();

  const int64_t memory_budget_;
  const std::string spill_path_;
  const WhenFull when_full_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;  // a batch pushed or taken, the end, or a cancel
  std::deque<std::shared_ptr<arrow::RecordBatch>> memory_;
  int64_t memory_bytes_ = 0;
  // Batches past the budget go to spill files, and so does every batch after them
  // until they are read back: the consumer reads memory first, then the files in the
  // order they were written (the one being written is closed when its turn comes).
  std::shared_ptr<arrow::ipc::RecordBatchWriter> spill_writer_;
  std::string writing_path_;
  std::deque<std::string> written_paths_;
  std::shared_ptr<arrow::RecordBatchReader> spill_reader_;
  std::string reading_path_;
  int64_t spilled_bytes_ = 0;
  int64_t peak_memory_bytes_ = 0;
  int64_t total_spilled_bytes_ = 0;
  int spill_files_ = 0;
  std::optional<arrow::Status> finished_;
  bool cancelled_ = false;
  arrow::Status cancel_reason_;
  bool claimed_ = false;
  bool producer_waiting_ = false;
  bool consumed_ = false;
  std::chrono::steady_clock::time_point last_read_ = std::chrono::steady_clock::now();
};

}  // namespace quiver::dist
