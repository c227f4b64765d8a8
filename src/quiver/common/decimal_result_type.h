#pragma once

#include <arrow/compute/kernel.h>

#include <memory>
#include <vector>

namespace quiver {

/// Kernel hooks for Quiver's decimal functions whose caller names the result type in
/// CastOptions::to_type (the type Arrow's binding derived for the call they replace, or
/// the type a decimal value is pinned to): the init keeps the type (any decimal) as the
/// kernel's state, the resolver returns it.
arrow::Result<std::unique_ptr<arrow::compute::KernelState>> InitDecimalResultType(
    arrow::compute::KernelContext* context, const arrow::compute::KernelInitArgs& args);
arrow::Result<arrow::TypeHolder> DecimalResultType(arrow::compute::KernelContext* context,
                                                   const std::vector<arrow::TypeHolder>& inputs);
/// The result type kept by InitDecimalResultType, for the kernel's exec.
const arrow::TypeHolder& DecimalResultTypeOf(arrow::compute::KernelContext* context);

}  // namespace quiver
