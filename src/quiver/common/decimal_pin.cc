#include "quiver/common/decimal_pin.h"

#include <arrow/array/data.h>
#include <arrow/compute/api.h>
#include <arrow/compute/kernel.h>
#include <arrow/compute/registry.h>

#include <mutex>

#include "quiver/common/decimal_result_type.h"

namespace quiver {

namespace {

namespace cp = arrow::compute;

arrow::Status PinExec(cp::KernelContext* context, const cp::ExecSpan& batch, cp::ExecResult* out) {
  const arrow::TypeHolder& type = DecimalResultTypeOf(context);
  std::shared_ptr<arrow::ArrayData> input = batch[0].array.ToArrayData();
  if (input->type->Equals(*type.type)) {
    out->value = std::move(input);  // already the pinned type: no work
    return arrow::Status::OK();
  }
  ARROW_ASSIGN_OR_RAISE(
      auto cast, cp::Cast(arrow::Datum(input), cp::CastOptions::Safe(type.GetSharedPtr()), context->exec_context()));
  out->value = cast.array();
  return arrow::Status::OK();
}

}  // namespace

arrow::Status RegisterDecimalPin() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] {
    static const cp::FunctionDoc doc{"Fixes a decimal value's type",
                                     "Passes values of the target type through; casts others.",
                                     {"value"},
                                     "CastOptions"};
    auto function = std::make_shared<cp::ScalarFunction>(kPinDecimalFunction, cp::Arity::Unary(), doc);
    for (auto id : {arrow::Type::DECIMAL128, arrow::Type::DECIMAL256}) {
      cp::ScalarKernel kernel({cp::InputType(id)}, cp::OutputType(DecimalResultType), PinExec, InitDecimalResultType);
      kernel.null_handling = cp::NullHandling::COMPUTED_NO_PREALLOCATE;
      kernel.mem_allocation = cp::MemAllocation::NO_PREALLOCATE;
      kernel.can_write_into_slices = false;
      status = function->AddKernel(std::move(kernel));
      if (!status.ok()) return;
    }
    status = cp::GetFunctionRegistry()->AddFunction(std::move(function));
  });
  return status;
}

}  // namespace quiver
