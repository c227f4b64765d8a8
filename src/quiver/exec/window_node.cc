#include "quiver/exec/window_node.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/query_context.h>
#include <arrow/acero/util.h>
#include <arrow/compute/exec.h>
#include <arrow/table.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>

#include "quiver/exec/accumulating_node.h"
#include "quiver/exec/node_registry.h"
#include "quiver/exec/window_compute.h"

namespace quiver::exec {

namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

// Buffers every input batch (they may arrive on several threads at once), then, once
// the input is complete, computes the window functions over all rows and emits the
// result in order-numbered batches.
class WindowNode : public AccumulatingNode {
 public:
  WindowNode(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs, std::shared_ptr<arrow::Schema> output_schema,
             WindowNodeOptions options)
      : AccumulatingNode(plan, std::move(inputs), {"input"}, std::move(output_schema)), options_(std::move(options)) {
    auto keys = window::WindowSortKeys(options_);
    // Without keys the rows keep their arrival order, which the batch indices record.
    ordering_ = keys.empty() ? cp::Ordering::Implicit() : cp::Ordering(std::move(keys));
  }

  static arrow::Result<ac::ExecNode*> Make(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs,
                                           const ac::ExecNodeOptions& options) {
    RETURN_NOT_OK(ac::ValidateExecNodeInputs(plan, inputs, 1, kKindName));
    const auto& window_options = static_cast<const WindowNodeOptions&>(options);
    ARROW_ASSIGN_OR_RAISE(auto output_schema, window::WindowOutputSchema(*inputs[0]->output_schema(), window_options));
    return plan->EmplaceNode<WindowNode>(plan, std::move(inputs), std::move(output_schema), window_options);
  }

  const char* kind_name() const override { return kKindName; }
  const cp::Ordering& ordering() const override { return ordering_; }

  arrow::Status InputReceived(ac::ExecNode*, cp::ExecBatch batch) override {
    bool complete;
    {
      std::lock_guard lock(mutex_);
      batches_.push_back(std::move(batch));
      complete = total_batches_ && static_cast<int>(batches_.size()) == *total_batches_;
    }
    return complete ? Finish() : arrow::Status::OK();
  }

  arrow::Status InputFinished(ac::ExecNode*, int total_batches) override {
    bool complete;
    {
      std::lock_guard lock(mutex_);
      total_batches_ = total_batches;
      complete = static_cast<int>(batches_.size()) == total_batches;
    }
    return complete ? Finish() : arrow::Status::OK();
  }

 private:
  static constexpr const char* kKindName = "WindowNode";

  // Runs once, on the thread that completed the input; no batch arrives after it.
  arrow::Status Finish() {
    if (stopped()) {
      batches_.clear();
      return arrow::Status::OK();
    }
    // An ordered input (a table, sorted data) keeps its order among rows the sort keys
    // do not tell apart, whatever order its batches arrived in.
    const bool sequenced = std::all_of(batches_.begin(), batches_.end(),
                                       [](const cp::ExecBatch& batch) { return batch.index != cp::kUnsequencedIndex; });
    if (sequenced) {
      std::sort(batches_.begin(), batches_.end(),
                [](const cp::ExecBatch& a, const cp::ExecBatch& b) { return a.index < b.index; });
    }
    const auto& input_schema = inputs_[0]->output_schema();
    std::vector<std::shared_ptr<arrow::RecordBatch>> record_batches;
    for (const auto& batch : batches_) {
      ARROW_ASSIGN_OR_RAISE(auto record_batch, batch.ToRecordBatch(input_schema));
      record_batches.push_back(std::move(record_batch));
    }
    batches_.clear();
    ARROW_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches(input_schema, std::move(record_batches)));
    auto* context = plan_->query_context()->exec_context();
    ARROW_ASSIGN_OR_RAISE(auto combined, table->CombineChunksToBatch(context->memory_pool()));
    ARROW_ASSIGN_OR_RAISE(auto result, window::ComputeWindow(combined, options_, output_schema_, context));

    return EmitInBatches(cp::ExecBatch(*result), "WindowNode::Emit");
  }

  WindowNodeOptions options_;
  cp::Ordering ordering_ = cp::Ordering::Unordered();
  std::mutex mutex_;
  std::vector<cp::ExecBatch> batches_;
  std::optional<int> total_batches_;
};

}  // namespace

arrow::Status RegisterWindowNode() { return RegisterNodeFactory(WindowNodeOptions::kFactoryName, WindowNode::Make); }

}  // namespace quiver::exec
