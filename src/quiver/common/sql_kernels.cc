#include "quiver/common/sql_kernels.h"

#include <arrow/compute/api.h>
#include <arrow/compute/kernel.h>
#include <arrow/compute/registry.h>
#include <arrow/type.h>

#include <mutex>

#include "quiver/common/collect_list_aggregate.h"
#include "quiver/common/datetime_kernels.h"
#include "quiver/common/decimal_arithmetic.h"
#include "quiver/common/decimal_pin.h"
#include "quiver/common/decimal_sum_aggregate.h"
#include "quiver/common/decimal_unscaled.h"
#include "quiver/common/kernel_calendar.h"
#include "quiver/common/like_kernel.h"
#include "quiver/common/list_kernels.h"
#include "quiver/common/number_format_kernels.h"
#include "quiver/common/ordered_set_kernels.h"
#include "quiver/common/single_row_check.h"
#include "quiver/common/sorted_list_kernel.h"
#include "quiver/common/text_kernels.h"

namespace quiver {

namespace {

namespace cp = arrow::compute;

using namespace calendar;  // NOLINT: the helpers are named for this use

int64_t AddInterval(int64_t micros, MonthDayNanos interval, int sign) {
  return AddIntervalMicros(micros, sign * static_cast<int64_t>(interval.months),
                           sign * static_cast<int64_t>(interval.days), sign * interval.nanoseconds);
}

template <int Sign>
arrow::Status AddIntervalExec(cp::KernelContext*, const cp::ExecSpan& batch, cp::ExecResult* out) {
  int64_t* result = out->array_span_mutable()->GetValues<int64_t>(1);
  const int64_t length = batch.length;
  const auto& left = batch[0];
  const auto& right = batch[1];
  for (int64_t i = 0; i < length; ++i) {
    int64_t micros = left.is_array() ? left.array.GetValues<int64_t>(1)[i]
                                     : static_cast<const arrow::TimestampScalar*>(left.scalar)->value;
    MonthDayNanos interval = right.is_array()
                                 ? right.array.GetValues<MonthDayNanos>(1)[i]
                                 : static_cast<const arrow::MonthDayNanoIntervalScalar*>(right.scalar)->value;
    result[i] = AddInterval(micros, interval, Sign);
  }
  return arrow::Status::OK();
}

template <int Sign>
arrow::Status RegisterIntervalArithmetic(cp::FunctionRegistry* registry, const std::string& name) {
  static const cp::FunctionDoc doc{"Timestamp plus or minus a calendar interval",
                                   "Months move the calendar date (clamping the day), then days and time are added.",
                                   {"timestamp", "interval"}};
  auto function = std::make_shared<cp::ScalarFunction>(name, cp::Arity::Binary(), doc);
  cp::OutputType same_as_first(
      [](cp::KernelContext*, const std::vector<arrow::TypeHolder>& types) -> arrow::Result<arrow::TypeHolder> {
        return types[0];
      });
  cp::ScalarKernel kernel({cp::InputType(arrow::Type::TIMESTAMP), cp::InputType(arrow::month_day_nano_interval())},
                          same_as_first, AddIntervalExec<Sign>);
  kernel.null_handling = cp::NullHandling::INTERSECTION;
  kernel.mem_allocation = cp::MemAllocation::PREALLOCATE;
  ARROW_RETURN_NOT_OK(function->AddKernel(std::move(kernel)));
  return registry->AddFunction(std::move(function), /*allow_overwrite=*/true);
}

// The code point of a string's first character (0 for the empty string).
arrow::Status AsciiExec(cp::KernelContext*, const cp::ExecSpan& batch, cp::ExecResult* out) {
  int32_t* result = out->array_span_mutable()->GetValues<int32_t>(1);
  auto first_code_point = [](std::string_view text) -> int32_t {
    if (text.empty()) return 0;
    auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(0);
    if (lead < 0x80) return lead;
    int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
    int32_t code = lead & (0x3F >> extra);
    for (int i = 1; i <= extra && static_cast<size_t>(i) < text.size(); ++i) code = (code << 6) | (byte(i) & 0x3F);
    return code;
  };
  const auto& input = batch[0];
  if (input.is_scalar()) {
    const auto& scalar = static_cast<const arrow::StringScalar&>(*input.scalar);
    result[0] = scalar.is_valid ? first_code_point(scalar.view()) : 0;
    return arrow::Status::OK();
  }
  const int32_t* offsets = input.array.GetValues<int32_t>(1);
  const char* data = reinterpret_cast<const char*>(input.array.buffers[2].data);
  for (int64_t i = 0; i < batch.length; ++i) {
    result[i] = first_code_point(std::string_view(data + offsets[i], offsets[i + 1] - offsets[i]));
  }
  return arrow::Status::OK();
}

arrow::Status RegisterAscii(cp::FunctionRegistry* registry) {
  static const cp::FunctionDoc doc{"Code point of the first character", "0 for the empty string.", {"text"}};
  auto function = std::make_shared<cp::ScalarFunction>("quiver_ascii", cp::Arity::Unary(), doc);
  cp::ScalarKernel kernel({cp::InputType(arrow::utf8())}, arrow::int32(), AsciiExec);
  kernel.null_handling = cp::NullHandling::INTERSECTION;
  kernel.mem_allocation = cp::MemAllocation::PREALLOCATE;
  ARROW_RETURN_NOT_OK(function->AddKernel(std::move(kernel)));
  return registry->AddFunction(std::move(function), /*allow_overwrite=*/true);
}

}  // namespace

arrow::Status RegisterSqlKernels() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] {
    auto* registry = cp::GetFunctionRegistry();
    status = RegisterIntervalArithmetic<1>(registry, "quiver_add_interval");
    if (status.ok()) status = RegisterIntervalArithmetic<-1>(registry, "quiver_subtract_interval");
    if (status.ok()) status = RegisterAscii(registry);
    if (status.ok()) status = RegisterDateTimeKernels(registry);
    if (status.ok()) status = RegisterTextKernels(registry);
    if (status.ok()) status = RegisterPiecewiseLike(registry);
    if (status.ok()) status = RegisterNumberFormatKernels(registry);
    if (status.ok()) status = RegisterDecimalPin();
    if (status.ok()) status = RegisterSingleRowCheck();
    if (status.ok()) status = RegisterListKernels();
    if (status.ok()) status = RegisterSortedListKernel();
    if (status.ok()) status = RegisterCollectListAggregate();
    if (status.ok()) status = RegisterOrderedSetKernels();
    // Also registered when a plan first needs them; a worker runs plans made
    // elsewhere, so it needs them before that.
    if (status.ok()) status = RegisterDecimalArithmetic();
    if (status.ok()) status = RegisterDecimalSumAggregate();
    if (status.ok()) status = RegisterDecimalUnscaled();
  });
  return status;
}

}  // namespace quiver
