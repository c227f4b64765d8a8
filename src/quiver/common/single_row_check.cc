#include "quiver/common/single_row_check.h"

#include <arrow/compute/api.h>
#include <arrow/compute/kernel.h>
#include <arrow/compute/registry.h>

#include <mutex>

namespace quiver {

namespace {

namespace cp = arrow::compute;

arrow::Status CheckExec(cp::KernelContext*, const cp::ExecSpan& batch, cp::ExecResult* out) {
  auto error = [] { return arrow::Status::Invalid("more than one row returned by a subquery used as an expression"); };
  auto* output = out->array_span_mutable();
  const auto& input = batch[0];
  if (input.is_scalar()) {
    const auto& scalar = static_cast<const arrow::Int64Scalar&>(*input.scalar);
    if (scalar.is_valid && scalar.value > 1) return error();
    arrow::bit_util::SetBitTo(output->buffers[1].data, output->offset, true);
    return arrow::Status::OK();
  }
  const int64_t* counts = input.array.GetValues<int64_t>(1);
  for (int64_t i = 0; i < batch.length; ++i) {
    if (counts[i] > 1 && input.array.IsValid(i)) return error();
    arrow::bit_util::SetBitTo(output->buffers[1].data, output->offset + i, true);
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Status RegisterSingleRowCheck() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] {
    static const cp::FunctionDoc doc{
        "Checks that a scalar subquery returned at most one row", "Errors when the count is above one.", {"count"}};
    auto function = std::make_shared<cp::ScalarFunction>(kSingleRowCheckFunction, cp::Arity::Unary(), doc);
    cp::ScalarKernel kernel({cp::InputType(arrow::int64())}, arrow::boolean(), CheckExec);
    kernel.null_handling = cp::NullHandling::INTERSECTION;
    kernel.mem_allocation = cp::MemAllocation::PREALLOCATE;
    status = function->AddKernel(std::move(kernel));
    if (status.ok()) status = cp::GetFunctionRegistry()->AddFunction(std::move(function), /*allow_overwrite=*/true);
  });
  return status;
}

}  // namespace quiver
