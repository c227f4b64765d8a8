#include "quiver/dist/partition_buffer.h"

#include <arrow/io/file.h>
#include <arrow/ipc/reader.h>
#include <arrow/util/byte_size.h>

#include <algorithm>
#include <cstdio>
#include <utility>

namespace quiver::dist {

PartitionBuffer::PartitionBuffer(int64_t memory_budget, std::string spill_path, WhenFull when_full)
    : memory_budget_(memory_budget), spill_path_(std::move(spill_path)), when_full_(when_full) {}

PartitionBuffer::~PartitionBuffer() {
  std::lock_guard lock(mutex_);
  RemoveSpillLocked();
}

arrow::Status PartitionBuffer::Push(std::shared_ptr<arrow::RecordBatch> batch) {
  std::unique_lock lock(mutex_);
  const int64_t bytes = arrow::util::TotalBufferSize(*batch);
  if (when_full_ == WhenFull::kWaitForReader) {
    // One batch over the budget is let in alone, or a large batch would never be.
    producer_waiting_ = true;
    changed_.wait(lock, [&] { return cancelled_ || memory_.empty() || memory_bytes_ + bytes <= memory_budget_; });
    producer_waiting_ = false;
  }
  if (cancelled_) return arrow::Status::OK();
  const bool spilling = spill_writer_ || spill_reader_ || !written_paths_.empty();
  if (spilling || (memory_bytes_ + bytes > memory_budget_ && !memory_.empty())) return SpillLocked(batch);
  memory_bytes_ += bytes;
  peak_memory_bytes_ = std::max(peak_memory_bytes_, memory_bytes_);
  memory_.push_back(std::move(batch));
  changed_.notify_all();
  return arrow::Status::OK();
}

arrow::Status PartitionBuffer::SpillLocked(const std::shared_ptr<arrow::RecordBatch>& batch) {
  if (!spill_writer_) {
    writing_path_ = spill_path_ + "." + std::to_string(spill_files_++);
    ARROW_ASSIGN_OR_RAISE(auto file, arrow::io::FileOutputStream::Open(writing_path_));
    ARROW_ASSIGN_OR_RAISE(spill_writer_, arrow::ipc::MakeStreamWriter(file, batch->schema()));
  }
  ARROW_RETURN_NOT_OK(spill_writer_->WriteRecordBatch(*batch));
  const int64_t bytes = arrow::util::TotalBufferSize(*batch);
  spilled_bytes_ += bytes;
  total_spilled_bytes_ += bytes;
  changed_.notify_all();
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> PartitionBuffer::NextSpilledLocked() {
  while (true) {
    if (spill_reader_) {
      ARROW_ASSIGN_OR_RAISE(auto batch, spill_reader_->Next());
      if (batch) {
        spilled_bytes_ -= arrow::util::TotalBufferSize(*batch);
        return batch;
      }
      spill_reader_.reset();
      std::remove(reading_path_.c_str());
      continue;
    }
    if (written_paths_.empty() && spill_writer_) {
      // The file being written is next: close it so it can be read.
      ARROW_RETURN_NOT_OK(spill_writer_->Close());
      spill_writer_.reset();
      written_paths_.push_back(writing_path_);
    }
    if (written_paths_.empty()) return nullptr;
    reading_path_ = written_paths_.front();
    written_paths_.pop_front();
    ARROW_ASSIGN_OR_RAISE(auto file, arrow::io::ReadableFile::Open(reading_path_));
    ARROW_ASSIGN_OR_RAISE(spill_reader_, arrow::ipc::RecordBatchStreamReader::Open(file));
  }
}

void PartitionBuffer::RemoveSpillLocked() {
  if (spill_writer_) {
    (void)spill_writer_->Close();
    spill_writer_.reset();
    std::remove(writing_path_.c_str());
  }
  if (spill_reader_) {
    spill_reader_.reset();
    std::remove(reading_path_.c_str());
  }
  for (const auto& path : written_paths_) std::remove(path.c_str());
  written_paths_.clear();
  spilled_bytes_ = 0;
}

void PartitionBuffer::Finish(const arrow::Status& status) {
  std::lock_guard lock(mutex_);
  if (!finished_) finished_ = status;
  changed_.notify_all();
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> PartitionBuffer::Next(const std::function<bool()>& cancelled,
                                                                         std::chrono::milliseconds poll) {
  std::unique_lock lock(mutex_);
  while (true) {
    if (cancelled_) return cancel_reason_;
    if (memory_.empty()) {
      ARROW_ASSIGN_OR_RAISE(auto spilled, NextSpilledLocked());
      if (spilled) {
        last_read_ = std::chrono::steady_clock::now();
        return spilled;
      }
    }
    if (!memory_.empty()) {
      auto batch = std::move(memory_.front());
      memory_.pop_front();
      memory_bytes_ -= arrow::util::TotalBufferSize(*batch);
      last_read_ = std::chrono::steady_clock::now();
      if (when_full_ == WhenFull::kWaitForReader) changed_.notify_all();  // room for the producer
      return batch;
    }
    if (finished_) {
      consumed_ = true;
      last_read_ = std::chrono::steady_clock::now();
      if (!finished_->ok()) return *finished_;
      return nullptr;
    }
    changed_.wait_for(lock, poll);
    if (cancelled && cancelled()) {
      lock.unlock();
      auto reason = arrow::Status::Cancelled("the partition's reader went away");
      Cancel(reason);
      return reason;
    }
  }
}

void PartitionBuffer::Cancel(arrow::Status reason) {
  std::lock_guard lock(mutex_);
  if (!cancelled_) cancel_reason_ = std::move(reason);
  cancelled_ = true;
  memory_.clear();
  memory_bytes_ = 0;
  RemoveSpillLocked();
  changed_.notify_all();
}

bool PartitionBuffer::Claim() {
  std::lock_guard lock(mutex_);
  return !std::exchange(claimed_, true);
}

bool PartitionBuffer::claimed() const {
  std::lock_guard lock(mutex_);
  return claimed_;
}

bool PartitionBuffer::producer_waiting() const {
  std::lock_guard lock(mutex_);
  return producer_waiting_;
}

bool PartitionBuffer::done() const {
  std::lock_guard lock(mutex_);
  return consumed_ || cancelled_;
}

int64_t PartitionBuffer::memory_bytes() const {
  std::lock_guard lock(mutex_);
  return memory_bytes_;
}

int64_t PartitionBuffer::spilled_bytes() const {
  std::lock_guard lock(mutex_);
  return spilled_bytes_;
}

int64_t PartitionBuffer::peak_memory_bytes() const {
  std::lock_guard lock(mutex_);
  return peak_memory_bytes_;
}

int64_t PartitionBuffer::total_spilled_bytes() const {
  std::lock_guard lock(mutex_);
  return total_spilled_bytes_;
}

std::chrono::steady_clock::time_point PartitionBuffer::last_read() const {
  std::lock_guard lock(mutex_);
  return last_read_;
}

}  // namespace quiver::dist
