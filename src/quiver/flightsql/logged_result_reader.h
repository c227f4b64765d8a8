#pragma once

#include <arrow/record_batch.h>

#include <chrono>
#include <memory>
#include <string>

#include "quiver/flightsql/statement_log.h"

namespace quiver::flightsql {

/// Passes a query's result through to DoGet while counting rows and bytes, and
/// writes the statement's log line when the stream ends: after the last batch,
/// at the first error, or, when the client goes away mid-stream, when Flight drops
/// the stream (then the query is also closed, so it stops running). Errors leave
/// with their Flight status code.
class LoggedResultReader : public arrow::RecordBatchReader {
 public:
  LoggedResultReader(std::shared_ptr<arrow::RecordBatchReader> source, int64_t statement_id, std::string sql,
                     std::chrono::steady_clock::time_point start);
  ~LoggedResultReader() override;

  std::shared_ptr<arrow::Schema> schema() const override { return source_->schema(); }
  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override;
  arrow::Status Close() override;

 private:
  void Finish(std::string status);

  std::shared_ptr<arrow::RecordBatchReader> source_;
  int64_t statement_id_;
  std::string sql_;
  std::chrono::steady_clock::time_point start_;
  StatementOutcome outcome_;
  bool finished_ = false;
};

}  // namespace quiver::flightsql
