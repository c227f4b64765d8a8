#include "quiver/exec/recursive_cte.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/compute/row/grouper.h>
#include <arrow/table.h>

#include "quiver/exec/acero_lowering.h"
#include "quiver/exec/executor.h"
#include "quiver/exec/memory_budget.h"

namespace quiver::exec {

namespace {

namespace cp = arrow::compute;

// Runs a plan to completion; its columns become the slot's (same order and types).
arrow::Result<std::shared_ptr<arrow::RecordBatch>> RunToBatch(const plan::LogicalOperator& plan,
                                                              const std::shared_ptr<arrow::Schema>& schema,
                                                              const InterruptCheck& interrupted) {
  ARROW_ASSIGN_OR_RAISE(auto declaration, LowerToAcero(plan));
  ARROW_ASSIGN_OR_RAISE(auto reader, StartPlan(std::move(declaration), interrupted));
  ARROW_ASSIGN_OR_RAISE(auto table, reader->ToTable());
  ARROW_ASSIGN_OR_RAISE(auto batch, table->CombineChunksToBatch(QueryMemoryPool()));
  return arrow::RecordBatch::Make(schema, batch->num_rows(), batch->columns());
}

// Remembers every row seen so far and keeps, of a new batch, the rows not seen before
// (each once). NULLs are equal to NULLs, as in DISTINCT.
class SeenRows {
 public:
  static arrow::Result<SeenRows> Make(const arrow::Schema& schema) {
    std::vector<arrow::TypeHolder> types;
    for (const auto& field : schema.fields()) types.emplace_back(field->type());
    SeenRows seen;
    ARROW_ASSIGN_OR_RAISE(seen.grouper_, cp::Grouper::Make(types));
    return seen;
  }

  arrow::Result<std::shared_ptr<arrow::RecordBatch>> KeepNew(const std::shared_ptr<arrow::RecordBatch>& batch) {
    if (batch->num_rows() == 0) return batch;
    const uint32_t known = grouper_->num_groups();
    cp::ExecBatch exec_batch(*batch);
    ARROW_ASSIGN_OR_RAISE(auto ids_datum, grouper_->Consume(cp::ExecSpan(exec_batch)));
    auto ids = ids_datum.array_as<arrow::UInt32Array>();
    // A group id beyond those known before marks a new row; its first row is kept.
    std::vector<bool> taken(grouper_->num_groups() - known, false);
    arrow::Int64Builder rows;
    for (int64_t i = 0; i < ids->length(); ++i) {
      const uint32_t id = ids->Value(i);
      if (id < known || taken[id - known]) continue;
      taken[id - known] = true;
      ARROW_RETURN_NOT_OK(rows.Append(i));
    }
    ARROW_ASSIGN_OR_RAISE(auto indices, rows.Finish());
    ARROW_ASSIGN_OR_RAISE(auto kept, cp::Take(batch, indices));
    return kept.record_batch();
  }

 private:
  std::unique_ptr<cp::Grouper> grouper_;
};

}  // namespace

arrow::Status MaterializeRecursiveCte(const plan::RecursiveCtePlan& cte, int64_t max_iterations,
                                      const InterruptCheck& interrupted) {
  const auto& schema = cte.result->schema;
  if (!cte.recursive) {
    // A WITH query named more than once: computed once.
    ARROW_ASSIGN_OR_RAISE(auto rows, RunToBatch(*cte.anchor, schema, interrupted));
    ARROW_ASSIGN_OR_RAISE(cte.result->table, arrow::Table::FromRecordBatches(schema, {rows}));
    return arrow::Status::OK();
  }
  std::optional<SeenRows> seen;
  if (!cte.union_all) {
    ARROW_ASSIGN_OR_RAISE(seen, SeenRows::Make(*schema));
  }
  std::vector<std::shared_ptr<arrow::RecordBatch>> result;
  ARROW_ASSIGN_OR_RAISE(auto added, RunToBatch(*cte.anchor, schema, interrupted));
  if (seen) {
    ARROW_ASSIGN_OR_RAISE(added, seen->KeepNew(added));
  }
  result.push_back(added);
  for (int64_t round = 0; added->num_rows() > 0; ++round) {
    if (round >= max_iterations) {
      cte.working->table.reset();
      return arrow::Status::Invalid("recursive query \"", cte.name, "\" still adds rows after ", max_iterations,
                                    " iterations (SET max_recursive_iterations to allow more)");
    }
    if (interrupted && interrupted()) {
      cte.working->table.reset();
      return arrow::Status::Cancelled("the query was cancelled: its client cancelled it or went away");
    }
    ARROW_ASSIGN_OR_RAISE(cte.working->table, arrow::Table::FromRecordBatches(schema, {added}));
    ARROW_ASSIGN_OR_RAISE(added, RunToBatch(*cte.recursive, schema, interrupted));
    if (seen) {
      ARROW_ASSIGN_OR_RAISE(added, seen->KeepNew(added));
    }
    if (added->num_rows() > 0) result.push_back(added);
  }
  cte.working->table.reset();
  // One chunk, however many rounds there were: readers get full-size batches.
  ARROW_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches(schema, std::move(result)));
  ARROW_ASSIGN_OR_RAISE(cte.result->table, table->CombineChunks());
  return arrow::Status::OK();
}

}  // namespace quiver::exec
