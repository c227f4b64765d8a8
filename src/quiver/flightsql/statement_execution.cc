#include "quiver/flightsql/statement_execution.h"

#include <arrow/type.h>

#include <algorithm>

namespace quiver::flightsql {

namespace {

class ConcatenatedQueryReader : public arrow::RecordBatchReader {
 public:
  ConcatenatedQueryReader(std::shared_ptr<engine::Session> session, std::string sql,
                          std::vector<engine::ParameterValues> rows, std::shared_ptr<arrow::RecordBatchReader> first)
      : session_(std::move(session)),
        sql_(std::move(sql)),
        rows_(std::move(rows)),
        current_(std::move(first)),
        schema_(current_->schema()) {}

  std::shared_ptr<arrow::Schema> schema() const override { return schema_; }

  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
    while (current_) {
      ARROW_RETURN_NOT_OK(current_->ReadNext(batch));
      if (*batch) return arrow::Status::OK();
      ARROW_RETURN_NOT_OK(current_->Close());
      current_.reset();
      if (++next_row_ < rows_.size()) {
        ARROW_ASSIGN_OR_RAISE(current_, Start(rows_[next_row_]));
      }
    }
    batch->reset();
    return arrow::Status::OK();
  }

  arrow::Status Close() override {
    if (!current_) return arrow::Status::OK();
    auto status = current_->Close();
    current_.reset();
    return status;
  }

 private:
  arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> Start(const engine::ParameterValues& row) {
    ARROW_ASSIGN_OR_RAISE(auto result, session_->Execute(sql_, row));
    if (!result.is_query || !result.batches) {
      return arrow::Status::Invalid("parameter row ", next_row_ + 1,
                                    " turned the query into a statement that returns no rows");
    }
    if (!result.batches->schema()->Equals(*schema_, /*check_metadata=*/false)) {
      return arrow::Status::Invalid("parameter row ", next_row_ + 1, " produced columns ",
                                    result.batches->schema()->ToString(), " where row 1 produced ",
                                    schema_->ToString());
    }
    return result.batches;
  }

  std::shared_ptr<engine::Session> session_;
  std::string sql_;
  std::vector<engine::ParameterValues> rows_;
  size_t next_row_ = 0;
  std::shared_ptr<arrow::RecordBatchReader> current_;
  std::shared_ptr<arrow::Schema> schema_;
};

int64_t AddCounts(int64_t total, int64_t count) {
  if (count < 0) return total;
  return total < 0 ? count : total + count;
}

arrow::Status RefuseQuery(engine::StatementResult& result) {
  if (result.batches) ARROW_RETURN_NOT_OK(result.batches->Close());
  return arrow::Status::Invalid(
      "the statement returns rows; send it as a query (CommandStatementQuery or "
      "CommandPreparedStatementQuery), not as an update");
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> RunQuery(std::shared_ptr<engine::Session> session,
                                                                  std::string sql,
                                                                  std::vector<engine::ParameterValues> parameter_rows) {
  if (parameter_rows.empty()) parameter_rows.emplace_back();
  ARROW_ASSIGN_OR_RAISE(auto first, session->Execute(sql, parameter_rows.front()));
  if (!first.is_query || !first.batches) {
    // Only reachable if the statement changed kind since it was planned; report
    // an empty result rather than nothing.
    return arrow::RecordBatchReader::Make({}, arrow::schema({}));
  }
  if (parameter_rows.size() == 1) return first.batches;
  return std::make_shared<ConcatenatedQueryReader>(std::move(session), std::move(sql), std::move(parameter_rows),
                                                   first.batches);
}

arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> RunPlanned(engine::Session& session,
                                                                    const engine::PlannedQuery& planned) {
  ARROW_ASSIGN_OR_RAISE(auto result, session.ExecutePlanned(planned));
  return result.batches;
}

arrow::Result<int64_t> RunUpdate(engine::PreparedStatement& statement,
                                 const std::vector<engine::ParameterValues>& parameter_rows) {
  int64_t total = -1;
  for (const auto& row : parameter_rows) {
    ARROW_ASSIGN_OR_RAISE(auto result, statement.Execute(row));
    if (result.is_query) return RefuseQuery(result);
    total = AddCounts(total, result.rows_affected);
  }
  return std::max<int64_t>(total, 0);
}

arrow::Result<int64_t> RunUpdate(engine::Session& session, const std::string& sql) {
  ARROW_ASSIGN_OR_RAISE(auto result, session.Execute(sql));
  if (result.is_query) return RefuseQuery(result);
  return std::max<int64_t>(result.rows_affected, 0);
}

}  // namespace quiver::flightsql
