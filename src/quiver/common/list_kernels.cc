#include "quiver/common/list_kernels.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/compute/kernel.h>
#include <arrow/compute/registry.h>

#include <mutex>

namespace quiver {

namespace {

namespace cp = arrow::compute;

arrow::Status JoinNonNullExec(cp::KernelContext* context, const cp::ExecSpan& batch, cp::ExecResult* out) {
  // Works on whole arrays; a scalar separator is the common case.
  std::shared_ptr<arrow::Array> lists = batch[0].is_array() ? batch[0].array.ToArray() : nullptr;
  if (!lists) {
    ARROW_ASSIGN_OR_RAISE(lists, arrow::MakeArrayFromScalar(*batch[0].scalar, batch.length));
  }
  std::shared_ptr<arrow::Array> separators = batch[1].is_array() ? batch[1].array.ToArray() : nullptr;
  const auto& list_array = static_cast<const arrow::ListArray&>(*lists);
  const auto& values = static_cast<const arrow::StringArray&>(*list_array.values());
  arrow::StringBuilder builder(context->memory_pool());
  for (int64_t i = 0; i < batch.length; ++i) {
    std::string_view separator;
    bool separator_valid = true;
    if (separators) {
      separator_valid = separators->IsValid(i);
      if (separator_valid) separator = static_cast<const arrow::StringArray&>(*separators).GetView(i);
    } else {
      separator_valid = batch[1].scalar->is_valid;
      if (separator_valid) separator = static_cast<const arrow::StringScalar&>(*batch[1].scalar).view();
    }
    if (list_array.IsNull(i) || !separator_valid) {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    std::string joined;
    bool any = false;
    for (int64_t j = list_array.value_offset(i); j < list_array.value_offset(i + 1); ++j) {
      if (values.IsNull(j)) continue;
      if (any) joined.append(separator);
      joined.append(values.GetView(j));
      any = true;
    }
    ARROW_RETURN_NOT_OK(any ? builder.Append(joined) : builder.AppendNull());
  }
  ARROW_ASSIGN_OR_RAISE(auto result, builder.Finish());
  out->value = result->data();
  return arrow::Status::OK();
}

}  // namespace

arrow::Status RegisterListKernels() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] {
    static const cp::FunctionDoc doc{
        "Joins a list's non-null strings", "NULL when there are none.", {"strings", "separator"}};
    auto function = std::make_shared<cp::ScalarFunction>(kJoinNonNullFunction, cp::Arity::Binary(), doc);
    cp::ScalarKernel kernel({cp::InputType(arrow::list(arrow::utf8())), cp::InputType(arrow::utf8())}, arrow::utf8(),
                            JoinNonNullExec);
    kernel.null_handling = cp::NullHandling::COMPUTED_NO_PREALLOCATE;
    kernel.mem_allocation = cp::MemAllocation::NO_PREALLOCATE;
    status = function->AddKernel(std::move(kernel));
    if (status.ok()) status = cp::GetFunctionRegistry()->AddFunction(std::move(function), /*allow_overwrite=*/true);
  });
  return status;
}

}  // namespace quiver
