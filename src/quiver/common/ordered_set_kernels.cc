#include "quiver/common/ordered_set_kernels.h"

#include <arrow/array.h>
#include <arrow/array/util.h>
#include <arrow/buffer_builder.h>
#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/compute/kernel.h>
#include <arrow/compute/registry.h>
#include <arrow/record_batch.h>

#include <cmath>
#include <cstdio>
#include <mutex>

namespace quiver {

namespace {

namespace cp = arrow::compute;

// An argument as an array of the batch's length (a constant arrives as a scalar).
arrow::Result<std::shared_ptr<arrow::Array>> AsArray(const cp::ExecValue& value, int64_t length,
                                                     arrow::MemoryPool* pool) {
  if (value.is_array()) return value.array.ToArray();
  return arrow::MakeArrayFromScalar(*value.scalar, length, pool);
}

bool IsDescending(const cp::ExecValue& value) {
  if (value.is_scalar()) {
    return value.scalar->is_valid && static_cast<const arrow::BooleanScalar&>(*value.scalar).value;
  }
  return value.array.length > 0 && value.array.IsValid(0) && arrow::BooleanArray(value.array.ToArrayData()).Value(0);
}

// Every list's values, and for each list the positions of its values in ascending
// order with the NULLs (which the aggregates ignore) after them. One sort by (list,
// value) serves all lists, whatever their number.
struct SortedLists {
  std::shared_ptr<arrow::ListArray> lists;
  std::shared_ptr<arrow::Array> values;       // the lists' values, from the first list's start
  std::shared_ptr<arrow::UInt64Array> order;  // positions into values
  std::vector<int64_t> begin;                 // per list: where its positions start in order
  std::vector<int64_t> non_null;              // per list: how many of its values are not NULL

  /// True when list i has no value to pick (no rows, or only NULLs).
  bool Empty(int64_t i) const { return non_null[i] == 0; }
  /// The position in `values` of list i's k-th value (from 0) in the requested order.
  int64_t Position(int64_t i, int64_t k, bool descending) const {
    if (descending) k = non_null[i] - 1 - k;
    return static_cast<int64_t>(order->Value(begin[i] + k));
  }
};

arrow::Result<SortedLists> SortLists(const cp::ExecValue& argument, int64_t length, cp::KernelContext* context) {
  SortedLists out;
  arrow::MemoryPool* pool = context->memory_pool();
  ARROW_ASSIGN_OR_RAISE(auto array, AsArray(argument, length, pool));
  out.lists = std::static_pointer_cast<arrow::ListArray>(array);
  const auto& lists = *out.lists;
  const int64_t first = length == 0 ? 0 : lists.value_offset(0);
  const int64_t total = length == 0 ? 0 : lists.value_offset(length) - first;
  out.values = lists.values()->Slice(first, total);
  out.begin.resize(length);
  out.non_null.resize(length);
  arrow::Int64Builder owners(pool);
  ARROW_RETURN_NOT_OK(owners.Reserve(total));
  for (int64_t i = 0; i < length; ++i) {
    const int64_t from = lists.value_offset(i) - first, to = lists.value_offset(i + 1) - first;
    out.begin[i] = from;
    int64_t valid = 0;
    for (int64_t j = from; j < to; ++j) {
      owners.UnsafeAppend(i);
      valid += out.values->IsValid(j) ? 1 : 0;
    }
    out.non_null[i] = lists.IsNull(i) ? 0 : valid;
  }
  ARROW_ASSIGN_OR_RAISE(auto owner_array, owners.Finish());
  auto batch = arrow::RecordBatch::Make(
      arrow::schema({arrow::field("list", arrow::int64()), arrow::field("value", out.values->type())}), total,
      {owner_array, out.values});
  cp::SortOptions options({cp::SortKey("list"), cp::SortKey("value")}, cp::NullPlacement::AtEnd);
  ARROW_ASSIGN_OR_RAISE(auto order, cp::SortIndices(arrow::Datum(batch), options, context->exec_context()));
  out.order = std::static_pointer_cast<arrow::UInt64Array>(order);
  return out;
}

// Builds list results row by row: each row is NULL or a run of picked values.
class ListResultBuilder {
 public:
  explicit ListResultBuilder(arrow::MemoryPool* pool) : offsets_(pool), validity_(pool) {}

  arrow::Status AppendNull() {
    ARROW_RETURN_NOT_OK(offsets_.Append(count_));
    ++null_count_;
    return validity_.Append(false);
  }
  arrow::Status AppendValid(int32_t items) {
    ARROW_RETURN_NOT_OK(offsets_.Append(count_));
    count_ += items;
    return validity_.Append(true);
  }
  arrow::Result<std::shared_ptr<arrow::ArrayData>> Finish(const std::shared_ptr<arrow::Array>& values,
                                                          arrow::MemoryPool* pool) {
    ARROW_RETURN_NOT_OK(offsets_.Append(count_));
    const int64_t rows = validity_.length();
    ARROW_ASSIGN_OR_RAISE(auto offsets, offsets_.Finish());
    ARROW_ASSIGN_OR_RAISE(auto validity, validity_.Finish());
    arrow::Int32Array offset_array(rows + 1, offsets);
    ARROW_ASSIGN_OR_RAISE(auto lists, arrow::ListArray::FromArrays(offset_array, *values, pool,
                                                                   null_count_ > 0 ? validity : nullptr, null_count_));
    return lists->data();
  }

 private:
  arrow::TypedBufferBuilder<int32_t> offsets_;
  arrow::TypedBufferBuilder<bool> validity_;
  int32_t count_ = 0;
  int64_t null_count_ = 0;
};

// Where fractions come from: one per row, or a list of them per row.
struct Fractions {
  std::shared_ptr<arrow::Array> array;
  const arrow::ListArray* lists = nullptr;      // when the argument is a list of fractions
  const arrow::DoubleArray* doubles = nullptr;  // the fractions themselves

  static arrow::Result<Fractions> Read(const cp::ExecValue& argument, int64_t length, arrow::MemoryPool* pool) {
    Fractions out;
    ARROW_ASSIGN_OR_RAISE(out.array, AsArray(argument, length, pool));
    if (out.array->type_id() == arrow::Type::LIST) {
      out.lists = static_cast<const arrow::ListArray*>(out.array.get());
      out.doubles = static_cast<const arrow::DoubleArray*>(out.lists->values().get());
    } else {
      out.doubles = static_cast<const arrow::DoubleArray*>(out.array.get());
    }
    return out;
  }

  /// Checks every fraction of the batch, as PostgreSQL does even for groups without rows.
  arrow::Status CheckAll() const {
    const arrow::DoubleArray& values = *doubles;
    for (int64_t j = 0; j < values.length(); ++j) {
      if (values.IsValid(j)) ARROW_RETURN_NOT_OK(CheckPercentileFraction(values.Value(j)));
    }
    return arrow::Status::OK();
  }
};

// Runs `pick(row, fraction)` → position in the sorted values (or -1 for NULL) for every
// row and fraction, and takes the picked values: one per row, or a list per row.
template <typename Pick>
arrow::Status PickValues(cp::KernelContext* context, const SortedLists& sorted, const Fractions& fractions,
                         const Pick& pick, cp::ExecResult* out) {
  arrow::MemoryPool* pool = context->memory_pool();
  const int64_t rows = sorted.lists->length();
  arrow::Int64Builder positions(pool);
  auto append = [&](int64_t row, double fraction) -> arrow::Status {
    const int64_t position = pick(row, fraction);
    return position < 0 ? positions.AppendNull() : positions.Append(position);
  };
  if (!fractions.lists) {
    for (int64_t i = 0; i < rows; ++i) {
      if (sorted.Empty(i) || fractions.doubles->IsNull(i)) {
        ARROW_RETURN_NOT_OK(positions.AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(append(i, fractions.doubles->Value(i)));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto indices, positions.Finish());
    ARROW_ASSIGN_OR_RAISE(auto picked,
                          cp::Take(sorted.values, indices, cp::TakeOptions::Defaults(), context->exec_context()));
    out->value = picked.array();
    return arrow::Status::OK();
  }
  ListResultBuilder lists(pool);
  for (int64_t i = 0; i < rows; ++i) {
    if (sorted.Empty(i) || fractions.lists->IsNull(i)) {
      ARROW_RETURN_NOT_OK(lists.AppendNull());
      continue;
    }
    const int64_t from = fractions.lists->value_offset(i), to = fractions.lists->value_offset(i + 1);
    for (int64_t j = from; j < to; ++j) {
      if (fractions.doubles->IsNull(j)) {
        ARROW_RETURN_NOT_OK(positions.AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(append(i, fractions.doubles->Value(j)));
      }
    }
    ARROW_RETURN_NOT_OK(lists.AppendValid(static_cast<int32_t>(to - from)));
  }
  ARROW_ASSIGN_OR_RAISE(auto indices, positions.Finish());
  ARROW_ASSIGN_OR_RAISE(auto picked,
                        cp::Take(sorted.values, indices, cp::TakeOptions::Defaults(), context->exec_context()));
  ARROW_ASSIGN_OR_RAISE(out->value, lists.Finish(picked.make_array(), pool));
  return arrow::Status::OK();
}

arrow::Status PercentileDiscExec(cp::KernelContext* context, const cp::ExecSpan& batch, cp::ExecResult* out) {
  ARROW_ASSIGN_OR_RAISE(auto fractions, Fractions::Read(batch[1], batch.length, context->memory_pool()));
  ARROW_RETURN_NOT_OK(fractions.CheckAll());
  ARROW_ASSIGN_OR_RAISE(auto sorted, SortLists(batch[0], batch.length, context));
  const bool descending = IsDescending(batch[2]);
  // The first value whose cumulative share of the values reaches the fraction.
  auto pick = [&](int64_t row, double fraction) -> int64_t {
    const int64_t count = sorted.non_null[row];
    const auto rank = static_cast<int64_t>(std::ceil(fraction * static_cast<double>(count)));
    return sorted.Position(row, std::max<int64_t>(rank, 1) - 1, descending);
  };
  return PickValues(context, sorted, fractions, pick, out);
}

arrow::Status PercentileContExec(cp::KernelContext* context, const cp::ExecSpan& batch, cp::ExecResult* out) {
  arrow::MemoryPool* pool = context->memory_pool();
  ARROW_ASSIGN_OR_RAISE(auto fractions, Fractions::Read(batch[1], batch.length, pool));
  ARROW_RETURN_NOT_OK(fractions.CheckAll());
  ARROW_ASSIGN_OR_RAISE(auto sorted, SortLists(batch[0], batch.length, context));
  const bool descending = IsDescending(batch[2]);
  if (sorted.values->type_id() != arrow::Type::DOUBLE) {
    return arrow::Status::TypeError(kPercentileContFunction, " interpolates double precision values only");
  }
  const auto& values = static_cast<const arrow::DoubleArray&>(*sorted.values);
  // PostgreSQL's formula: the values at floor and ceil of fraction × (n - 1), and
  // low + (position - floor) × (high - low) between them.
  auto interpolate = [&](int64_t row, double fraction) {
    const double position = fraction * static_cast<double>(sorted.non_null[row] - 1);
    const double lower = std::floor(position), upper = std::ceil(position);
    const double low = values.Value(sorted.Position(row, static_cast<int64_t>(lower), descending));
    if (lower == upper) return low;
    const double high = values.Value(sorted.Position(row, static_cast<int64_t>(upper), descending));
    return low + (position - lower) * (high - low);
  };
  const int64_t rows = batch.length;
  arrow::DoubleBuilder results(pool);
  if (!fractions.lists) {
    for (int64_t i = 0; i < rows; ++i) {
      if (sorted.Empty(i) || fractions.doubles->IsNull(i)) {
        ARROW_RETURN_NOT_OK(results.AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(results.Append(interpolate(i, fractions.doubles->Value(i))));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto array, results.Finish());
    out->value = array->data();
    return arrow::Status::OK();
  }
  ListResultBuilder lists(pool);
  for (int64_t i = 0; i < rows; ++i) {
    if (sorted.Empty(i) || fractions.lists->IsNull(i)) {
      ARROW_RETURN_NOT_OK(lists.AppendNull());
      continue;
    }
    const int64_t from = fractions.lists->value_offset(i), to = fractions.lists->value_offset(i + 1);
    for (int64_t j = from; j < to; ++j) {
      if (fractions.doubles->IsNull(j)) {
        ARROW_RETURN_NOT_OK(results.AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(results.Append(interpolate(i, fractions.doubles->Value(j))));
      }
    }
    ARROW_RETURN_NOT_OK(lists.AppendValid(static_cast<int32_t>(to - from)));
  }
  ARROW_ASSIGN_OR_RAISE(auto array, results.Finish());
  ARROW_ASSIGN_OR_RAISE(out->value, lists.Finish(array, pool));
  return arrow::Status::OK();
}

// Whether each sorted value equals the next one (NaN equals NaN here, as in a sort).
arrow::Result<std::shared_ptr<arrow::BooleanArray>> EqualsNext(const std::shared_ptr<arrow::Array>& sorted,
                                                               cp::ExecContext* context) {
  if (sorted->length() < 2) {
    return std::make_shared<arrow::BooleanArray>(0, nullptr);
  }
  const int64_t pairs = sorted->length() - 1;
  auto current = sorted->Slice(0, pairs), next = sorted->Slice(1, pairs);
  ARROW_ASSIGN_OR_RAISE(auto equal, cp::CallFunction("equal", {current, next}, context));
  if (arrow::is_floating(sorted->type_id())) {
    ARROW_ASSIGN_OR_RAISE(auto current_nan, cp::CallFunction("is_nan", {current}, context));
    ARROW_ASSIGN_OR_RAISE(auto next_nan, cp::CallFunction("is_nan", {next}, context));
    ARROW_ASSIGN_OR_RAISE(auto both_nan, cp::CallFunction("and", {current_nan, next_nan}, context));
    ARROW_ASSIGN_OR_RAISE(equal, cp::CallFunction("or", {equal, both_nan}, context));
  }
  return std::static_pointer_cast<arrow::BooleanArray>(equal.make_array());
}

arrow::Status ModeExec(cp::KernelContext* context, const cp::ExecSpan& batch, cp::ExecResult* out) {
  ARROW_ASSIGN_OR_RAISE(auto sorted, SortLists(batch[0], batch.length, context));
  const bool descending = IsDescending(batch[1]);
  ARROW_ASSIGN_OR_RAISE(auto in_order,
                        cp::Take(sorted.values, sorted.order, cp::TakeOptions::Defaults(), context->exec_context()));
  ARROW_ASSIGN_OR_RAISE(auto equals_next, EqualsNext(in_order.make_array(), context->exec_context()));
  arrow::Int64Builder positions(context->memory_pool());
  for (int64_t i = 0; i < batch.length; ++i) {
    if (sorted.Empty(i)) {
      ARROW_RETURN_NOT_OK(positions.AppendNull());
      continue;
    }
    // Runs of equal values in ascending order. Among equally long runs the first in
    // the WITHIN GROUP order wins: the first ascending run, or the last for DESC.
    const int64_t begin = sorted.begin[i], end = begin + sorted.non_null[i];
    int64_t best_start = begin, best_length = 0;
    for (int64_t start = begin; start < end;) {
      int64_t stop = start + 1;
      while (stop < end && equals_next->Value(stop - 1)) ++stop;
      const int64_t length = stop - start;
      if (length > best_length || (descending && length == best_length)) {
        best_start = start;
        best_length = length;
      }
      start = stop;
    }
    ARROW_RETURN_NOT_OK(positions.Append(static_cast<int64_t>(sorted.order->Value(best_start))));
  }
  ARROW_ASSIGN_OR_RAISE(auto indices, positions.Finish());
  ARROW_ASSIGN_OR_RAISE(auto picked,
                        cp::Take(sorted.values, indices, cp::TakeOptions::Defaults(), context->exec_context()));
  out->value = picked.array();
  return arrow::Status::OK();
}

std::shared_ptr<arrow::DataType> ElementType(const arrow::TypeHolder& list) {
  return static_cast<const arrow::ListType&>(*list.type).value_type();
}

arrow::Result<arrow::TypeHolder> ElementOrListOfIt(cp::KernelContext*, const std::vector<arrow::TypeHolder>& types) {
  auto element = ElementType(types[0]);
  if (types[1].id() == arrow::Type::LIST) return arrow::TypeHolder(arrow::list(element));
  return arrow::TypeHolder(element);
}

arrow::Result<arrow::TypeHolder> Element(cp::KernelContext*, const std::vector<arrow::TypeHolder>& types) {
  return arrow::TypeHolder(ElementType(types[0]));
}

cp::ScalarKernel MakeKernel(std::vector<cp::InputType> inputs, cp::OutputType output, cp::ArrayKernelExec exec) {
  cp::ScalarKernel kernel(std::move(inputs), std::move(output), exec);
  kernel.null_handling = cp::NullHandling::COMPUTED_NO_PREALLOCATE;
  kernel.mem_allocation = cp::MemAllocation::NO_PREALLOCATE;
  return kernel;
}

arrow::Status Register() {
  auto* registry = cp::GetFunctionRegistry();
  const cp::InputType any_list(arrow::Type::LIST);
  const cp::InputType fraction(arrow::float64()), fractions(arrow::list(arrow::float64()));
  const cp::InputType flag(arrow::boolean());

  static const cp::FunctionDoc cont_doc{"Finishes percentile_cont", "", {"values", "fraction", "descending"}};
  auto cont = std::make_shared<cp::ScalarFunction>(kPercentileContFunction, cp::Arity::Ternary(), cont_doc);
  // Any list here (whatever its field is called); the values must be doubles.
  ARROW_RETURN_NOT_OK(cont->AddKernel(MakeKernel({any_list, fraction, flag}, arrow::float64(), PercentileContExec)));
  ARROW_RETURN_NOT_OK(
      cont->AddKernel(MakeKernel({any_list, fractions, flag}, arrow::list(arrow::float64()), PercentileContExec)));
  ARROW_RETURN_NOT_OK(registry->AddFunction(std::move(cont), /*allow_overwrite=*/true));

  static const cp::FunctionDoc disc_doc{"Finishes percentile_disc", "", {"values", "fraction", "descending"}};
  auto disc = std::make_shared<cp::ScalarFunction>(kPercentileDiscFunction, cp::Arity::Ternary(), disc_doc);
  for (const auto& which : {fraction, fractions}) {
    ARROW_RETURN_NOT_OK(
        disc->AddKernel(MakeKernel({any_list, which, flag}, cp::OutputType(ElementOrListOfIt), PercentileDiscExec)));
  }
  ARROW_RETURN_NOT_OK(registry->AddFunction(std::move(disc), /*allow_overwrite=*/true));

  static const cp::FunctionDoc mode_doc{"Finishes mode", "", {"values", "descending"}};
  auto mode = std::make_shared<cp::ScalarFunction>(kModeFunction, cp::Arity::Binary(), mode_doc);
  ARROW_RETURN_NOT_OK(mode->AddKernel(MakeKernel({any_list, flag}, cp::OutputType(Element), ModeExec)));
  return registry->AddFunction(std::move(mode), /*allow_overwrite=*/true);
}

}  // namespace

arrow::Status CheckPercentileFraction(double fraction) {
  if (fraction >= 0 && fraction <= 1) return arrow::Status::OK();
  // Named as PostgreSQL's message names it: %g, with NaN and Infinity spelled out.
  char text[64];
  if (std::isnan(fraction)) {
    std::snprintf(text, sizeof(text), "NaN");
  } else if (std::isinf(fraction)) {
    std::snprintf(text, sizeof(text), "%s", fraction > 0 ? "Infinity" : "-Infinity");
  } else {
    std::snprintf(text, sizeof(text), "%g", fraction);
  }
  return arrow::Status::Invalid("percentile value ", text, " is not between 0 and 1");
}

arrow::Status RegisterOrderedSetKernels() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] { status = Register(); });
  return status;
}

}  // namespace quiver
