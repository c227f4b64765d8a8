#include "quiver/common/decimal_result_type.h"

#include <arrow/compute/cast.h>
#include <arrow/type_traits.h>

namespace quiver {

namespace {

namespace cp = arrow::compute;

struct ResultTypeState : cp::KernelState {
  explicit ResultTypeState(arrow::TypeHolder type) : type(std::move(type)) {}
  arrow::TypeHolder type;
};

}  // namespace

arrow::Result<std::unique_ptr<cp::KernelState>> InitDecimalResultType(cp::KernelContext*,
                                                                      const cp::KernelInitArgs& args) {
  const auto* options = static_cast<const cp::CastOptions*>(args.options);
  if (!options || !options->to_type.type || !arrow::is_decimal(options->to_type.id())) {
    return arrow::Status::Invalid("this decimal function needs its decimal result type in CastOptions");
  }
  return std::make_unique<ResultTypeState>(options->to_type);
}

arrow::Result<arrow::TypeHolder> DecimalResultType(cp::KernelContext* context, const std::vector<arrow::TypeHolder>&) {
  return DecimalResultTypeOf(context);
}

const arrow::TypeHolder& DecimalResultTypeOf(cp::KernelContext* context) {
  return static_cast<const ResultTypeState*>(context->state())->type;
}

}  // namespace quiver
