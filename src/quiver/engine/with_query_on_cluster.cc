// A WITH query named more than once is computed before the query that reads it. When it
// reads enough to be worth the cluster (q15's revenue view scans lineitem), computing it
// on this node alone would leave every other worker idle while it runs.
#include <arrow/record_batch.h>
#include <arrow/table.h>

#include "quiver/dist/cluster.h"
#include "quiver/engine/statement_runner.h"
#include "quiver/exec/memory_budget.h"

namespace quiver::engine {

arrow::Status StatementRunner::MaterializeOnCluster(const plan::RecursiveCtePlan& with_query) {
  ARROW_ASSIGN_OR_RAISE(auto query, PlaceOnCluster(with_query.anchor));
  ARROW_ASSIGN_OR_RAISE(auto reader, cluster_->OpenResult(query, interrupted_));
  ARROW_ASSIGN_OR_RAISE(auto rows, reader->ToTable());
  // One batch named as the WITH query's columns, as a WITH query computed here is kept.
  ARROW_ASSIGN_OR_RAISE(auto batch, rows->CombineChunksToBatch(exec::QueryMemoryPool()));
  const auto& schema = with_query.result->schema;
  ARROW_ASSIGN_OR_RAISE(
      with_query.result->table,
      arrow::Table::FromRecordBatches(schema, {arrow::RecordBatch::Make(schema, batch->num_rows(), batch->columns())}));
  return arrow::Status::OK();
}

}  // namespace quiver::engine
