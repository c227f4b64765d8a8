#include "quiver/exec/filter_node.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/map_node.h>
#include <arrow/acero/query_context.h>
#include <arrow/compute/exec.h>
#include <arrow/scalar.h>

#include <set>
#include <utility>

#include "quiver/exec/bound_columns.h"
#include "quiver/exec/dictionary_condition.h"
#include "quiver/exec/node_registry.h"
#include "quiver/exec/row_selection.h"

namespace quiver::exec {

namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

// One stage of the condition, split for evaluation.
struct Stage {
  explicit Stage(cp::Expression condition, const arrow::Schema& input) : condition(std::move(condition)) {
    DictionaryCondition::Split(this->condition, input, &on_dictionaries, &others);
    const std::set<int> read = ColumnsRead(this->condition);
    if (read.count(-1) == 0) {  // a nested field read keeps every column
      for (int i = 0; i < input.num_fields(); ++i) {
        if (read.count(i) == 0) left_out.emplace_back(i, arrow::MakeNullScalar(input.field(i)->type()));
      }
    }
  }

  // Which rows of `batch` pass: the conjuncts over dictionary columns per dictionary
  // entry, the rest row by row, the two ANDed. A scalar when all or none pass.
  arrow::Result<arrow::Datum> Mask(const cp::ExecBatch& batch, cp::ExecContext* context) const {
    if (batch.guarantee != cp::literal(true)) {
      // What the scan knows of the batch (its partition) may decide conjuncts outright.
      ARROW_ASSIGN_OR_RAISE(auto simplified, cp::SimplifyWithGuarantee(condition, batch.guarantee));
      return cp::ExecuteScalarExpression(simplified, batch, context);
    }
    if (on_dictionaries.empty()) return cp::ExecuteScalarExpression(condition, batch, context);
    arrow::Datum mask;
    for (const auto& conjunct : on_dictionaries) {
      ARROW_ASSIGN_OR_RAISE(auto part, conjunct.Evaluate(batch, context));
      ARROW_ASSIGN_OR_RAISE(mask, mask.is_value() ? cp::CallFunction("and", {mask, part}, context) : part);
    }
    for (const auto& conjunct : others) {
      ARROW_ASSIGN_OR_RAISE(auto part, cp::ExecuteScalarExpression(conjunct, batch, context));
      ARROW_ASSIGN_OR_RAISE(mask, cp::CallFunction("and", {mask, part}, context));
    }
    return mask;
  }

  // `batch` with the columns this stage does not read left out (NULL scalars in
  // their place), so gathering its rows copies only what the stage needs.
  cp::ExecBatch Narrowed(const cp::ExecBatch& batch) const {
    cp::ExecBatch narrowed = batch;
    for (const auto& [column, placeholder] : left_out) narrowed.values[column] = placeholder;
    return narrowed;
  }

  cp::Expression condition;
  std::vector<DictionaryCondition> on_dictionaries;
  std::vector<cp::Expression> others;
  std::vector<std::pair<int, arrow::Datum>> left_out;  // columns not read, and their NULL placeholders
};

class FilterNode : public ac::MapNode {
 public:
  FilterNode(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs, std::shared_ptr<arrow::Schema> output_schema,
             std::vector<Stage> stages, std::vector<int> outputs)
      : MapNode(plan, inputs, std::move(output_schema)), stages_(std::move(stages)), outputs_(std::move(outputs)) {}

  static arrow::Result<ac::ExecNode*> Make(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs,
                                           const ac::ExecNodeOptions& options) {
    RETURN_NOT_OK(ValidateExecNodeInputs(plan, inputs, 1, kKindName));
    const auto& filter = static_cast<const FilterNodeOptions&>(options);
    const auto& input = *inputs[0]->output_schema();
    std::vector<Stage> stages;
    for (const auto& condition : filter.stages) {
      if (!condition.IsBound() || condition.type()->id() != arrow::Type::BOOL) {
        return arrow::Status::Invalid("a filter needs bound boolean conditions, got ", condition.ToString());
      }
      stages.emplace_back(condition, input);
    }
    std::vector<int> outputs;
    if (filter.outputs.empty()) {
      for (int i = 0; i < input.num_fields(); ++i) outputs.push_back(i);
    }
    for (const auto& name : filter.outputs) {
      const int index = input.GetFieldIndex(name);
      if (index < 0) return arrow::Status::Invalid("a filter cannot pass on column '", name, "': not in its input");
      outputs.push_back(index);
    }
    arrow::FieldVector fields;
    for (int index : outputs) fields.push_back(input.field(index));
    return plan->EmplaceNode<FilterNode>(plan, std::move(inputs), arrow::schema(std::move(fields)), std::move(stages),
                                         std::move(outputs));
  }

  const char* kind_name() const override { return kKindName; }

 protected:
  arrow::Result<cp::ExecBatch> ProcessBatch(cp::ExecBatch batch) override {
    auto* context = plan()->query_context()->exec_context();
    auto* pool = plan()->query_context()->memory_pool();
    std::shared_ptr<arrow::ArrayData> kept;  // none: every row so far
    for (const auto& stage : stages_) {
      cp::ExecBatch input = batch;
      if (kept) {
        ARROW_ASSIGN_OR_RAISE(input, SelectRows(stage.Narrowed(batch), *kept, pool));
      }
      ARROW_ASSIGN_OR_RAISE(auto mask, stage.Mask(input, context));
      if (mask.is_scalar()) {
        const auto& keep = mask.scalar_as<arrow::BooleanScalar>();
        if (keep.is_valid && keep.value) continue;
        return Outputs(batch.Slice(0, 0));
      }
      if (kept) {
        ARROW_ASSIGN_OR_RAISE(kept, ComposeMasks(*kept, *mask.array(), pool));
      } else {
        kept = mask.array();
      }
    }
    if (!kept) return Outputs(std::move(batch));
    return SelectRows(Outputs(std::move(batch)), *kept, pool);
  }

  std::string ToStringExtra(int) const override {
    std::string out = "condition=";
    for (size_t i = 0; i < stages_.size(); ++i) out += (i ? " then " : "") + stages_[i].condition.ToString();
    return out;
  }

 private:
  cp::ExecBatch Outputs(cp::ExecBatch batch) const {
    cp::ExecBatch out = batch;
    out.values.clear();
    for (int index : outputs_) out.values.push_back(batch.values[index]);
    return out;
  }

  static constexpr const char* kKindName = "FilterNode";
  std::vector<Stage> stages_;
  std::vector<int> outputs_;
};

}  // namespace

arrow::Status RegisterFilterNode() { return RegisterNodeFactory(FilterNodeOptions::kFactoryName, FilterNode::Make); }

}  // namespace quiver::exec
