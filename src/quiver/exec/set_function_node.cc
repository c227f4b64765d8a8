#include "quiver/exec/set_function_node.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/query_context.h>
#include <arrow/acero/util.h>
#include <arrow/array/builder_primitive.h>
#include <arrow/compute/api.h>
#include <arrow/compute/exec.h>

#include <mutex>
#include <optional>

#include "quiver/exec/node_registry.h"
#include "quiver/exec/output_gate.h"
#include "quiver/exec/set_function_rows.h"

namespace quiver::exec {

namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

// Input batches arrive on several threads; each is expanded on the thread that
// delivers it. The output ends once every input batch is expanded.
class SetFunctionNode : public ac::ExecNode, public StopsWhenSatisfied {
 public:
  SetFunctionNode(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs, std::shared_ptr<arrow::Schema> output,
                  SetFunctionNodeOptions options, std::vector<cp::Expression> arguments)
      : ExecNode(plan, std::move(inputs), {"input"}, std::move(output)),
        options_(std::move(options)),
        arguments_(std::move(arguments)) {}

  static arrow::Result<ac::ExecNode*> Make(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs,
                                           const ac::ExecNodeOptions& options) {
    RETURN_NOT_OK(ac::ValidateExecNodeInputs(plan, inputs, 1, kKindName));
    const auto& set_options = static_cast<const SetFunctionNodeOptions&>(options);
    if (set_options.max_batch_rows <= 0) return arrow::Status::Invalid("max_batch_rows must be positive");
    const auto& input = inputs[0]->output_schema();
    std::vector<cp::Expression> arguments;
    for (const auto& argument : set_options.arguments) {
      ARROW_ASSIGN_OR_RAISE(auto bound, argument.Bind(*input));
      arguments.push_back(std::move(bound));
    }
    auto fields = input->fields();
    fields.insert(fields.end(), set_options.outputs.begin(), set_options.outputs.end());
    if (!set_options.ordinality.empty()) fields.push_back(arrow::field(set_options.ordinality, arrow::int64()));
    return plan->EmplaceNode<SetFunctionNode>(plan, std::move(inputs), arrow::schema(std::move(fields)), set_options,
                                              std::move(arguments));
  }

  const char* kind_name() const override { return kKindName; }

  arrow::Status InputReceived(ac::ExecNode*, cp::ExecBatch batch) override {
    if (!gate_.closed()) ARROW_RETURN_NOT_OK(gate_.IgnoringClosed(Expand(batch)));
    {
      std::lock_guard lock(mutex_);
      ++batches_done_;
    }
    return MaybeFinish();
  }

  arrow::Status InputFinished(ac::ExecNode*, int total_batches) override {
    {
      std::lock_guard lock(mutex_);
      input_total_ = total_batches;
    }
    return MaybeFinish();
  }

  arrow::Status StartProducing() override { return arrow::Status::OK(); }
  void OutputNotNeeded() override { gate_.Close(/*may_finish=*/true); }
  void PauseProducing(ac::ExecNode*, int32_t counter) override {
    gate_.SetPaused(true, counter);
    inputs_[0]->PauseProducing(this, counter);
  }
  void ResumeProducing(ac::ExecNode*, int32_t counter) override {
    gate_.SetPaused(false, counter);
    inputs_[0]->ResumeProducing(this, counter);
  }
  arrow::Status StopProducingImpl() override {
    gate_.Close(/*may_finish=*/false);
    return arrow::Status::OK();
  }

 protected:
  std::string ToStringExtra(int) const override { return "function=" + options_.function; }

 private:
  static constexpr const char* kKindName = "SetFunctionNode";

  arrow::Status Expand(const cp::ExecBatch& batch) {
    auto* context = plan_->query_context()->exec_context();
    std::vector<arrow::Datum> values;
    for (const auto& argument : arguments_) {
      ARROW_ASSIGN_OR_RAISE(auto value, cp::ExecuteScalarExpression(argument, batch, context));
      values.push_back(std::move(value));
    }
    ARROW_ASSIGN_OR_RAISE(auto rows, SetFunctionRows::Make(options_.function, std::move(values), options_.outputs));
    // Runs collect until they make a full output batch.
    std::vector<ElementRun> runs;
    int64_t pending = 0;
    auto emit_pending = [&]() -> arrow::Status {
      if (pending > 0) ARROW_RETURN_NOT_OK(EmitRuns(batch, *rows, runs, pending));
      runs.clear();
      pending = 0;
      return arrow::Status::OK();
    };
    for (int64_t row = 0; row < batch.length; ++row) {
      ARROW_ASSIGN_OR_RAISE(int64_t count, rows->Count(row));
      if (count == 0 && options_.keep_empty) {
        if (pending == options_.max_batch_rows) ARROW_RETURN_NOT_OK(emit_pending());
        runs.push_back({row, 0, 1, /*null_row=*/true});
        ++pending;
      }
      for (int64_t first = 0; first < count;) {
        if (pending == options_.max_batch_rows) ARROW_RETURN_NOT_OK(emit_pending());
        const int64_t take = std::min(count - first, options_.max_batch_rows - pending);
        runs.push_back({row, first, take, false});
        pending += take;
        first += take;
      }
    }
    return emit_pending();
  }

  // The output rows of `runs`: the input columns repeated, the function's columns and
  // the element numbers.
  arrow::Status EmitRuns(const cp::ExecBatch& batch, SetFunctionRows& rows, const std::vector<ElementRun>& runs,
                         int64_t total) {
    auto* context = plan_->query_context()->exec_context();
    auto* pool = context->memory_pool();
    arrow::Int64Builder input_rows(pool), numbers(pool);
    ARROW_RETURN_NOT_OK(input_rows.Reserve(total));
    if (!options_.ordinality.empty()) ARROW_RETURN_NOT_OK(numbers.Reserve(total));
    for (const auto& run : runs) {
      for (int64_t k = run.first; k < run.first + run.count; ++k) {
        input_rows.UnsafeAppend(run.row);
        if (options_.ordinality.empty()) continue;
        if (run.null_row) {
          numbers.UnsafeAppendNull();
        } else {
          numbers.UnsafeAppend(k + 1);
        }
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto indices, input_rows.Finish());
    std::vector<arrow::Datum> columns;
    for (const auto& value : batch.values) {
      if (value.is_scalar()) {
        columns.push_back(value);
        continue;
      }
      ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(value, indices, cp::TakeOptions::NoBoundsCheck(), context));
      columns.push_back(std::move(taken));
    }
    ARROW_ASSIGN_OR_RAISE(auto function_columns, rows.Columns(runs, total, pool));
    for (auto& column : function_columns) columns.emplace_back(std::move(column));
    if (!options_.ordinality.empty()) {
      ARROW_ASSIGN_OR_RAISE(auto ordinals, numbers.Finish());
      columns.emplace_back(std::move(ordinals));
    }
    return gate_.Emit(this, output_, cp::ExecBatch(std::move(columns), total));
  }

  arrow::Status MaybeFinish() {
    {
      std::lock_guard lock(mutex_);
      if (finished_ || !input_total_ || batches_done_ != *input_total_) return arrow::Status::OK();
      finished_ = true;
    }
    // A stopped plan must not finish its output (a sort above would then work on what
    // it has received so far).
    if (!gate_.may_finish()) return arrow::Status::OK();
    return output_->InputFinished(this, gate_.emitted());
  }

  const SetFunctionNodeOptions options_;
  const std::vector<cp::Expression> arguments_;
  std::mutex mutex_;
  std::optional<int> input_total_;
  int batches_done_ = 0;
  bool finished_ = false;
  OutputGate gate_;
};

}  // namespace

arrow::Status RegisterSetFunctionNode() {
  return RegisterNodeFactory(SetFunctionNodeOptions::kFactoryName, SetFunctionNode::Make);
}

}  // namespace quiver::exec
