#include "quiver/exec/top_n_node.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/query_context.h>
#include <arrow/acero/util.h>
#include <arrow/array/builder_primitive.h>
#include <arrow/array/util.h>
#include <arrow/compute/api.h>
#include <arrow/compute/exec.h>
#include <arrow/table.h>

#include <algorithm>
#include <limits>
#include <mutex>
#include <optional>

#include "quiver/exec/accumulating_node.h"
#include "quiver/exec/node_registry.h"

namespace quiver::exec {

namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

// A name for a helper column that no input column has.
std::string UnusedName(const arrow::Schema& schema, const std::string& base) {
  std::string name = base;
  for (int suffix = 1; schema.GetFieldIndex(name) >= 0; ++suffix) name = base + "_" + std::to_string(suffix);
  return name;
}

// Keeps the best `offset + count` rows in `best_`. Arriving batches are buffered and
// merged into the best rows once the buffer holds as many rows again (at least
// kMinMergeRows), so each merge sorts O(limit) rows and memory stays O(limit).
//
// Two helper columns make the order total: the batch's sequence number (its index when
// the input is ordered, else its arrival number) and the row's position in its batch.
// As the last sort keys they give the order a stable sort of the whole input would.
class TopNNode : public AccumulatingNode {
 public:
  TopNNode(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs, TopNNodeOptions options)
      : AccumulatingNode(plan, inputs, {"input"}, inputs[0]->output_schema()),
        options_(std::move(options)),
        limit_(options_.offset + options_.count) {
    const auto& input_schema = *inputs_[0]->output_schema();
    batch_column_ = UnusedName(input_schema, "__top_n_batch");
    row_column_ = UnusedName(input_schema, "__top_n_row");
    auto fields = input_schema.fields();
    fields.push_back(arrow::field(batch_column_, arrow::int64(), /*nullable=*/false));
    fields.push_back(arrow::field(row_column_, arrow::int64(), /*nullable=*/false));
    tagged_schema_ = arrow::schema(std::move(fields));
    sort_keys_ = options_.keys;
    sort_keys_.emplace_back(batch_column_);
    sort_keys_.emplace_back(row_column_);
    ordering_ = options_.keys.empty() ? cp::Ordering::Implicit() : cp::Ordering(options_.keys);
  }

  static arrow::Result<ac::ExecNode*> Make(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs,
                                           const ac::ExecNodeOptions& options) {
    RETURN_NOT_OK(ac::ValidateExecNodeInputs(plan, inputs, 1, kKindName));
    const auto& top_n = static_cast<const TopNNodeOptions&>(options);
    if (top_n.offset < 0 || top_n.count < 0) return arrow::Status::Invalid("LIMIT and OFFSET must not be negative");
    if (top_n.count > std::numeric_limits<int64_t>::max() - top_n.offset) {
      return arrow::Status::Invalid("LIMIT plus OFFSET is too large for a top-N node");
    }
    for (const auto& key : top_n.keys) {
      ARROW_RETURN_NOT_OK(key.target.FindOne(*inputs[0]->output_schema()).status());
    }
    return plan->EmplaceNode<TopNNode>(plan, std::move(inputs), top_n);
  }

  const char* kind_name() const override { return kKindName; }
  const cp::Ordering& ordering() const override { return ordering_; }

  arrow::Status InputReceived(ac::ExecNode*, cp::ExecBatch batch) override {
    std::lock_guard lock(mutex_);
    const int64_t sequence = batch.index != cp::kUnsequencedIndex ? batch.index : arrivals_;
    ++arrivals_;
    ++received_;
    if (limit_ > 0 && batch.length > 0) {
      ARROW_ASSIGN_OR_RAISE(auto tagged, Tag(batch, sequence));
      pending_rows_ += tagged->num_rows();
      pending_.push_back(std::move(tagged));
      if (pending_rows_ >= std::max(limit_, kMinMergeRows)) ARROW_RETURN_NOT_OK(Merge());
    }
    return MaybeFinish();
  }

  arrow::Status InputFinished(ac::ExecNode*, int total_batches) override {
    std::lock_guard lock(mutex_);
    total_batches_ = total_batches;
    return MaybeFinish();
  }

 private:
  static constexpr const char* kKindName = "TopNNode";
  static constexpr int64_t kMinMergeRows = 32 * 1024;

  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Tag(const cp::ExecBatch& batch, int64_t sequence) {
    auto* pool = plan_->query_context()->exec_context()->memory_pool();
    ARROW_ASSIGN_OR_RAISE(auto record_batch, batch.ToRecordBatch(inputs_[0]->output_schema(), pool));
    ARROW_ASSIGN_OR_RAISE(auto sequences, arrow::MakeArrayFromScalar(arrow::Int64Scalar(sequence), batch.length, pool));
    arrow::Int64Builder rows(pool);
    ARROW_RETURN_NOT_OK(rows.Reserve(batch.length));
    for (int64_t i = 0; i < batch.length; ++i) rows.UnsafeAppend(i);
    ARROW_ASSIGN_OR_RAISE(auto positions, rows.Finish());
    auto columns = record_batch->columns();
    columns.push_back(std::move(sequences));
    columns.push_back(std::move(positions));
    return arrow::RecordBatch::Make(tagged_schema_, batch.length, std::move(columns));
  }

  // Sorts the best rows together with the buffered ones and keeps the first `limit_`.
  arrow::Status Merge() {
    if (pending_.empty()) return arrow::Status::OK();
    if (best_) pending_.push_back(best_);
    auto* context = plan_->query_context()->exec_context();
    ARROW_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches(tagged_schema_, std::move(pending_)));
    pending_.clear();
    pending_rows_ = 0;
    ARROW_ASSIGN_OR_RAISE(auto combined, table->CombineChunksToBatch(context->memory_pool()));
    ARROW_ASSIGN_OR_RAISE(auto indices, cp::SortIndices(arrow::Datum(combined), cp::SortOptions(sort_keys_), context));
    if (indices->length() > limit_) indices = indices->Slice(0, limit_);
    ARROW_ASSIGN_OR_RAISE(
        auto taken, cp::Take(arrow::Datum(combined), arrow::Datum(indices), cp::TakeOptions::NoBoundsCheck(), context));
    best_ = taken.record_batch();
    return arrow::Status::OK();
  }

  // Called with the mutex held; emits once every input batch has arrived.
  arrow::Status MaybeFinish() {
    if (finished_ || !total_batches_ || received_ != *total_batches_) return arrow::Status::OK();
    finished_ = true;
    ARROW_RETURN_NOT_OK(Merge());
    std::shared_ptr<arrow::RecordBatch> result;
    if (best_ && best_->num_rows() > options_.offset) {
      result = best_->Slice(options_.offset, options_.count);
      // Drop the two helper columns.
      ARROW_ASSIGN_OR_RAISE(result, result->RemoveColumn(result->num_columns() - 1));
      ARROW_ASSIGN_OR_RAISE(result, result->RemoveColumn(result->num_columns() - 1));
    }
    best_.reset();
    if (!result) return output_->InputFinished(this, 0);
    return EmitInBatches(cp::ExecBatch(*result), "TopNNode::Emit");
  }

  TopNNodeOptions options_;
  const int64_t limit_;
  std::string batch_column_;
  std::string row_column_;
  std::shared_ptr<arrow::Schema> tagged_schema_;
  std::vector<cp::SortKey> sort_keys_;
  cp::Ordering ordering_ = cp::Ordering::Unordered();

  std::mutex mutex_;
  std::vector<std::shared_ptr<arrow::RecordBatch>> pending_;
  int64_t pending_rows_ = 0;
  std::shared_ptr<arrow::RecordBatch> best_;
  int64_t arrivals_ = 0;
  int received_ = 0;
  std::optional<int> total_batches_;
  bool finished_ = false;
};

}  // namespace

arrow::Status RegisterTopNNode() { return RegisterNodeFactory(TopNNodeOptions::kFactoryName, TopNNode::Make); }

}  // namespace quiver::exec
