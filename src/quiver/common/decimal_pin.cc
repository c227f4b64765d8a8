#include "quiver/common/decimal_pin.h"

#include <arrow/array/data.h>
#include <arrow/compute/api.h>
#include <arrow/compute/kernel.h>
#include <arrow/compute/registry.h>

#include <mutex>

namespace quiver {

namespace {

namespace cp = arrow::compute;

struct PinState : cp::KernelState {
  explicit PinState(cp::CastOptions options) : options(std::move(options)) {}
  cp::CastOptions options;
};

arrow::Result<std::unique_ptr<cp::KernelState>> InitPin(cp::KernelContext*, const cp::KernelInitArgs& args) {
  const auto* options = static_cast<const cp::CastOptions*>(args.options);
  if (!options || !options->to_type.type) return arrow::Status::Invalid(kPinDecimalFunction, " needs a target type");
  return std::make_unique<PinState>(*options);
}

arrow::Result<arrow::TypeHolder> PinnedType(cp::KernelContext* context, const std::vector<arrow::TypeHolder>&) {
  return static_cast<const PinState*>(context->state())->options.to_type;
}

arrow::Status PinExec(cp::KernelContext* context, const cp::ExecSpan& batch, cp::ExecResult* out) {
  const auto& options = static_cast<const PinState*>(context->state())->options;
  std::shared_ptr<arrow::ArrayData> input = batch[0].array.ToArrayData();
  if (input->type->Equals(*options.to_type)) {
    out->value = std::move(input);  // already the pinned type: no work
    return arrow::Status::OK();
  }
  ARROW_ASSIGN_OR_RAISE(auto cast, cp::Cast(arrow::Datum(input), options, context->exec_context()));
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
      cp::ScalarKernel kernel({cp::InputType(id)}, cp::OutputType(PinnedType), PinExec, InitPin);
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
