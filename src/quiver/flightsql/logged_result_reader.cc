#include "quiver/flightsql/logged_result_reader.h"

#include <arrow/util/byte_size.h>

#include "quiver/flightsql/status_mapping.h"

namespace quiver::flightsql {

LoggedResultReader::LoggedResultReader(std::shared_ptr<arrow::RecordBatchReader> source, int64_t statement_id,
                                       std::string sql, std::chrono::steady_clock::time_point start)
    : source_(std::move(source)), statement_id_(statement_id), sql_(std::move(sql)), start_(start) {}

LoggedResultReader::~LoggedResultReader() {
  // Release the query's resources however the stream ended; if the client stopped
  // reading before the end, this also stops the query.
  (void)source_->Close();
  if (!finished_) Finish("aborted");
}

arrow::Status LoggedResultReader::ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) {
  if (finished_) {
    batch->reset();
    return arrow::Status::OK();
  }
  auto status = source_->ReadNext(batch);
  if (!status.ok()) {
    Finish(status.IsCancelled() ? "cancelled" : "error: " + status.message());
    return ToFlightStatus(status);
  }
  if (*batch) {
    outcome_.rows += (*batch)->num_rows();
    outcome_.bytes += arrow::util::TotalBufferSize(**batch);
  } else {
    Finish("ok");
  }
  return arrow::Status::OK();
}

arrow::Status LoggedResultReader::Close() {
  auto status = source_->Close();
  // Once the stream has ended its outcome has been reported (an error included, by
  // ReadNext); reporting the same error again on close would only add noise.
  if (finished_) return arrow::Status::OK();
  Finish("aborted");
  return ToFlightStatus(status);
}

void LoggedResultReader::Finish(std::string status) {
  finished_ = true;
  outcome_.status = std::move(status);
  outcome_.duration_ms = MillisecondsSince(start_);
  StatementLog::Write(statement_id_, sql_, outcome_);
}

}  // namespace quiver::flightsql
