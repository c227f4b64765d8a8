#pragma once

#include <arrow/record_batch.h>
#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>

namespace quiver::engine {

struct PlannedQuery;
}  // namespace quiver::engine

namespace quiver::dist {
struct DistributedQuery;
}  // namespace quiver::dist

namespace quiver::engine {

/// What running one statement produced. A query yields a stream of batches; any
/// other statement (DDL, SET …) has already finished when the result is returned and
/// only reports how many rows it affected (-1 when the notion does not apply).
struct StatementResult {
  bool is_query = false;
  std::shared_ptr<arrow::Schema> schema;              // queries only
  std::shared_ptr<arrow::RecordBatchReader> batches;  // queries only
  int64_t rows_affected = -1;
  /// A query that was only described (prepared): its plan, to run it later as is.
  std::shared_ptr<PlannedQuery> planned;
  /// A query that runs distributed: its stages and final tasks.
  std::shared_ptr<dist::DistributedQuery> distributed;
};

}  // namespace quiver::engine
