#pragma once

// Row access for Quiver's row-at-a-time kernels, whose arguments may each be an array
// or a scalar (a constant argument such as a format string arrives as a scalar).

#include <arrow/array/builder_base.h>
#include <arrow/compute/exec.h>
#include <arrow/compute/kernel.h>
#include <arrow/scalar.h>

#include <cstring>
#include <string_view>
#include <type_traits>

namespace quiver::kernel_rows {

inline bool IsNull(const arrow::compute::ExecValue& value, int64_t i) {
  return value.is_scalar() ? !value.scalar->is_valid : value.array.IsNull(i);
}

inline bool AnyNull(const arrow::compute::ExecSpan& batch, int64_t i) {
  for (const auto& value : batch.values) {
    if (IsNull(value, i)) return true;
  }
  return false;
}

/// A utf8 value (32-bit offsets).
inline std::string_view Text(const arrow::compute::ExecValue& value, int64_t i) {
  if (value.is_scalar()) return static_cast<const arrow::BaseBinaryScalar*>(value.scalar)->view();
  const int32_t* offsets = value.array.GetValues<int32_t>(1);
  const char* data = reinterpret_cast<const char*>(value.array.buffers[2].data);
  return std::string_view(data + offsets[i], static_cast<size_t>(offsets[i + 1] - offsets[i]));
}

/// A fixed-width value of C type T (int64 for timestamps, int32 for dates …).
template <typename T>
T Value(const arrow::compute::ExecValue& value, int64_t i) {
  if (value.is_array()) return value.array.GetValues<T>(1)[i];
  T out{};
  auto bytes = static_cast<const arrow::internal::PrimitiveScalarBase*>(value.scalar)->view();
  std::memcpy(&out, bytes.data(), sizeof(T));
  return out;
}

/// Finishes a builder into the kernel's output (for kernels that build their output).
inline arrow::Status Finish(arrow::ArrayBuilder* builder, const std::shared_ptr<arrow::DataType>& type,
                            arrow::compute::ExecResult* out) {
  std::shared_ptr<arrow::ArrayData> data;
  ARROW_RETURN_NOT_OK(builder->FinishInternal(&data));
  data->type = type;
  out->value = std::move(data);
  return arrow::Status::OK();
}

template <typename T>
struct IsResult : std::false_type {};
template <typename T>
struct IsResult<arrow::Result<T>> : std::true_type {};

/// The common row-at-a-time kernel: one output value per row, NULL where any argument
/// is NULL, else `value_of(i)` — what the builder appends, or an arrow::Result of it,
/// whose error fails the call — and the builder finished into the kernel's output.
template <typename Builder, typename ValueOf>
arrow::Status MapRows(Builder& builder, const arrow::compute::ExecSpan& batch,
                      const std::shared_ptr<arrow::DataType>& type, arrow::compute::ExecResult* out, ValueOf value_of) {
  ARROW_RETURN_NOT_OK(builder.Reserve(batch.length));
  for (int64_t i = 0; i < batch.length; ++i) {
    if (AnyNull(batch, i)) {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    auto value = value_of(i);
    if constexpr (IsResult<decltype(value)>::value) {
      ARROW_RETURN_NOT_OK(value.status());
      ARROW_RETURN_NOT_OK(builder.Append(*value));
    } else {
      ARROW_RETURN_NOT_OK(builder.Append(value));
    }
  }
  return Finish(&builder, type, out);
}

}  // namespace quiver::kernel_rows
