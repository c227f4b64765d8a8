#include "quiver/common/sorted_list_kernel.h"

#include <arrow/array/array_nested.h>
#include <arrow/array/concatenate.h>
#include <arrow/array/util.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/function.h>
#include <arrow/compute/kernel.h>
#include <arrow/compute/registry.h>
#include <arrow/record_batch.h>
#include <arrow/scalar.h>
#include <arrow/util/bitmap_ops.h>

#include <mutex>
#include <string>
#include <vector>

namespace quiver {

namespace {

namespace cp = arrow::compute;

struct SortState : cp::KernelState {
  explicit SortState(cp::SortOptions options) : options(std::move(options)) {}
  cp::SortOptions options;
};

arrow::Result<std::unique_ptr<cp::KernelState>> InitSort(cp::KernelContext*, const cp::KernelInitArgs& args) {
  const auto* options = static_cast<const cp::SortOptions*>(args.options);
  if (options == nullptr || options->sort_keys.size() + 1 != args.inputs.size()) {
    return arrow::Status::Invalid(kSortListByFunction, " needs SortOptions with one key per list after the first");
  }
  return std::make_unique<SortState>(*options);
}

arrow::Result<arrow::TypeHolder> FirstListType(cp::KernelContext*, const std::vector<arrow::TypeHolder>& types) {
  return types[0];
}

// An argument: a column of lists, or one list standing for every row (no GROUP BY).
struct ListArgument {
  explicit ListArgument(const cp::ExecValue& value) {
    if (value.is_scalar()) {
      const auto& list = static_cast<const arrow::BaseListScalar&>(*value.scalar);
      if (list.is_valid) scalar = list.value;
    } else {
      lists = std::static_pointer_cast<arrow::ListArray>(arrow::MakeArray(value.array.ToArrayData()));
    }
  }

  // The list at `row`; null when it is NULL.
  std::shared_ptr<arrow::Array> At(int64_t row) const {
    if (!lists) return scalar;
    return lists->IsValid(row) ? lists->value_slice(row) : nullptr;
  }

  std::shared_ptr<arrow::ListArray> lists;
  std::shared_ptr<arrow::Array> scalar;
};

arrow::Status SortListBy(cp::KernelContext* kernel_context, const cp::ExecSpan& batch, cp::ExecResult* out) {
  const auto& options = static_cast<const SortState*>(kernel_context->state())->options;
  cp::ExecContext* context = kernel_context->exec_context();
  auto* pool = context->memory_pool();
  const auto& list_type = static_cast<const arrow::ListType&>(*batch[0].type());
  arrow::FieldVector fields = {arrow::field("value", list_type.value_type())};
  for (int i = 1; i < batch.num_values(); ++i) {
    fields.push_back(arrow::field("key" + std::to_string(i - 1),
                                  static_cast<const arrow::ListType&>(*batch[i].type()).value_type()));
  }
  auto schema = arrow::schema(fields);
  std::vector<ListArgument> arguments;
  for (int i = 0; i < batch.num_values(); ++i) arguments.emplace_back(batch[i]);
  arrow::ArrayVector sorted;
  ARROW_ASSIGN_OR_RAISE(auto offsets, arrow::AllocateBuffer((batch.length + 1) * sizeof(int32_t), pool));
  ARROW_ASSIGN_OR_RAISE(auto validity, arrow::AllocateEmptyBitmap(batch.length, pool));
  int32_t* offset = offsets->mutable_data_as<int32_t>();
  offset[0] = 0;
  int64_t null_count = 0;
  for (int64_t row = 0; row < batch.length; ++row) {
    arrow::ArrayVector columns;
    for (const auto& argument : arguments) columns.push_back(argument.At(row));
    offset[row + 1] = offset[row];
    if (columns[0] == nullptr) {
      ++null_count;
      continue;
    }
    arrow::bit_util::SetBit(validity->mutable_data(), row);
    for (const auto& column : columns) {
      if (column == nullptr || column->length() != columns[0]->length()) {
        return arrow::Status::Invalid(kSortListByFunction, ": the lists of row ", row, " differ in length");
      }
    }
    if (columns[0]->length() == 0) continue;
    auto lists = arrow::RecordBatch::Make(schema, columns[0]->length(), columns);
    ARROW_ASSIGN_OR_RAISE(auto order, cp::SortIndices(arrow::Datum(lists), options, context));
    ARROW_ASSIGN_OR_RAISE(auto values, cp::Take(columns[0], order, cp::TakeOptions::NoBoundsCheck(), context));
    offset[row + 1] += static_cast<int32_t>(values.length());
    sorted.push_back(values.make_array());
  }
  std::shared_ptr<arrow::Array> values;
  if (sorted.empty()) {
    ARROW_ASSIGN_OR_RAISE(values, arrow::MakeEmptyArray(list_type.value_type(), pool));
  } else {
    ARROW_ASSIGN_OR_RAISE(values, arrow::Concatenate(sorted, pool));
  }
  out->value = arrow::ArrayData::Make(batch[0].type()->GetSharedPtr(), batch.length,
                                      {null_count > 0 ? std::move(validity) : nullptr, std::move(offsets)},
                                      {values->data()}, null_count);
  return arrow::Status::OK();
}

}  // namespace

arrow::Status RegisterSortedListKernel() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] {
    static const cp::FunctionDoc doc{"Sorts each row's first list by the lists after it",
                                     "The lists of a row have equal lengths; entries pair by position.",
                                     {"values", "*keys"},
                                     "SortOptions"};
    auto function = std::make_shared<cp::ScalarFunction>(kSortListByFunction, cp::Arity::VarArgs(2), doc);
    cp::ScalarKernel kernel(
        cp::KernelSignature::Make({cp::InputType(arrow::Type::LIST), cp::InputType(arrow::Type::LIST)},
                                  cp::OutputType(FirstListType),
                                  /*is_varargs=*/true),
        SortListBy, InitSort);
    kernel.null_handling = cp::NullHandling::COMPUTED_NO_PREALLOCATE;
    kernel.mem_allocation = cp::MemAllocation::NO_PREALLOCATE;
    kernel.can_write_into_slices = false;
    status = function->AddKernel(std::move(kernel));
    if (status.ok()) status = cp::GetFunctionRegistry()->AddFunction(std::move(function));
  });
  return status;
}

}  // namespace quiver
