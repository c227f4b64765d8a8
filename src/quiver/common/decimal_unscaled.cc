#include "quiver/common/decimal_unscaled.h"

#include <arrow/array/data.h>
#include <arrow/compute/cast.h>
#include <arrow/compute/function.h>
#include <arrow/compute/kernel.h>
#include <arrow/compute/registry.h>
#include <arrow/scalar.h>

#include <cstring>
#include <mutex>

#include "quiver/common/decimal_result_type.h"

namespace quiver {

namespace {

namespace cp = arrow::compute;
using Int128 = __int128;

// Row i's input bytes: a column's, or a scalar's for every row.
const uint8_t* InputBytes(const cp::ExecValue& input, int width) {
  if (input.is_scalar()) {
    return static_cast<const uint8_t*>(static_cast<const arrow::internal::PrimitiveScalarBase&>(*input.scalar).data());
  }
  return input.array.buffers[1].data + input.array.offset * width;
}

arrow::Status ToUnscaled(cp::KernelContext*, const cp::ExecSpan& batch, cp::ExecResult* out) {
  const uint8_t* values = InputBytes(batch[0], sizeof(Int128));
  const int64_t step = batch[0].is_scalar() ? 0 : sizeof(Int128);
  arrow::ArraySpan* result = out->array_span_mutable();
  int64_t* unscaled = result->GetValues<int64_t>(1);
  for (int64_t i = 0; i < batch.length; ++i) {
    Int128 value;
    std::memcpy(&value, values + i * step, sizeof(value));
    // Exact: the callers pass decimals of at most 18 digits, whose values fit.
    unscaled[i] = static_cast<int64_t>(value);
  }
  return arrow::Status::OK();
}

arrow::Status FromUnscaled(cp::KernelContext*, const cp::ExecSpan& batch, cp::ExecResult* out) {
  const uint8_t* unscaled = InputBytes(batch[0], sizeof(int64_t));
  const int64_t step = batch[0].is_scalar() ? 0 : sizeof(int64_t);
  arrow::ArraySpan* result = out->array_span_mutable();
  uint8_t* values = result->buffers[1].data + result->offset * sizeof(Int128);
  for (int64_t i = 0; i < batch.length; ++i) {
    int64_t narrow;
    std::memcpy(&narrow, unscaled + i * step, sizeof(narrow));
    const Int128 value = narrow;
    std::memcpy(values + i * sizeof(Int128), &value, sizeof(value));
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Status RegisterDecimalUnscaled() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] {
    static const cp::FunctionDoc to_doc{"A decimal's unscaled value", "For decimals of at most 18 digits.", {"value"}};
    auto to = std::make_shared<cp::ScalarFunction>(kDecimalUnscaledFunction, cp::Arity::Unary(), to_doc);
    cp::ScalarKernel to_kernel({cp::InputType(arrow::Type::DECIMAL128)}, arrow::int64(), ToUnscaled);
    to_kernel.can_write_into_slices = true;
    status = to->AddKernel(std::move(to_kernel));
    if (status.ok()) status = cp::GetFunctionRegistry()->AddFunction(std::move(to));
    if (!status.ok()) return;
    static const cp::FunctionDoc from_doc{
        "A decimal from its unscaled value", "The inverse of quiver_decimal_unscaled.", {"unscaled"}, "CastOptions"};
    auto from = std::make_shared<cp::ScalarFunction>(kDecimalFromUnscaledFunction, cp::Arity::Unary(), from_doc);
    cp::ScalarKernel from_kernel({cp::InputType(arrow::Type::INT64)}, cp::OutputType(DecimalResultType), FromUnscaled,
                                 InitDecimalResultType);
    status = from->AddKernel(std::move(from_kernel));
    if (status.ok()) status = cp::GetFunctionRegistry()->AddFunction(std::move(from));
  });
  return status;
}

}  // namespace quiver
