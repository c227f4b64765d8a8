#include "quiver/common/collect_list_aggregate.h"

#include <arrow/array/concatenate.h>
#include <arrow/array/util.h>
#include <arrow/compute/api.h>
#include <arrow/compute/kernel.h>
#include <arrow/compute/registry.h>
#include <arrow/scalar.h>

#include <mutex>

namespace quiver {

namespace {

namespace cp = arrow::compute;

struct CollectState : cp::KernelState {
  std::shared_ptr<arrow::DataType> type;
  arrow::ArrayVector chunks;
  int64_t rows = 0;
};

arrow::Result<std::unique_ptr<cp::KernelState>> CollectInit(cp::KernelContext*, const cp::KernelInitArgs& args) {
  auto state = std::make_unique<CollectState>();
  state->type = args.inputs[0].GetSharedPtr();
  return state;
}

arrow::Status CollectConsume(cp::KernelContext* context, const cp::ExecSpan& batch) {
  auto* state = static_cast<CollectState*>(context->state());
  if (batch.length == 0) return arrow::Status::OK();
  std::shared_ptr<arrow::Array> chunk;
  if (batch[0].is_array()) {
    chunk = batch[0].array.ToArray();
  } else {
    ARROW_ASSIGN_OR_RAISE(chunk, arrow::MakeArrayFromScalar(*batch[0].scalar, batch.length, context->memory_pool()));
  }
  state->chunks.push_back(std::move(chunk));
  state->rows += batch.length;
  return arrow::Status::OK();
}

arrow::Status CollectMerge(cp::KernelContext*, cp::KernelState&& source, cp::KernelState* destination) {
  auto& from = static_cast<CollectState&>(source);
  auto* into = static_cast<CollectState*>(destination);
  for (auto& chunk : from.chunks) into->chunks.push_back(std::move(chunk));
  into->rows += from.rows;
  from.chunks.clear();
  return arrow::Status::OK();
}

arrow::Status CollectFinalize(cp::KernelContext* context, arrow::Datum* out) {
  auto* state = static_cast<CollectState*>(context->state());
  auto list_type = arrow::list(state->type);
  if (state->rows == 0) {
    *out = arrow::MakeNullScalar(list_type);
    return arrow::Status::OK();
  }
  ARROW_ASSIGN_OR_RAISE(auto values, arrow::Concatenate(state->chunks, context->memory_pool()));
  *out = std::make_shared<arrow::ListScalar>(std::move(values), list_type);
  return arrow::Status::OK();
}

arrow::Result<arrow::TypeHolder> ListOfInput(cp::KernelContext*, const std::vector<arrow::TypeHolder>& types) {
  return arrow::TypeHolder(arrow::list(types[0].GetSharedPtr()));
}

}  // namespace

arrow::Status RegisterCollectListAggregate() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] {
    static const cp::FunctionDoc doc{
        "Collects all values into one list", "NULL values are kept; no input rows give a NULL list.", {"values"}};
    auto function = std::make_shared<cp::ScalarAggregateFunction>(kCollectListFunction, cp::Arity::Unary(), doc);
    cp::ScalarAggregateKernel kernel({cp::InputType::Any()}, cp::OutputType(ListOfInput), CollectInit, CollectConsume,
                                     CollectMerge, CollectFinalize, /*ordered=*/false);
    status = function->AddKernel(std::move(kernel));
    if (status.ok()) status = cp::GetFunctionRegistry()->AddFunction(std::move(function), /*allow_overwrite=*/true);
  });
  return status;
}

}  // namespace quiver
