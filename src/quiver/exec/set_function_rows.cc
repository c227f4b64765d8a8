#include "quiver/exec/set_function_rows.h"

#include <arrow/array/builder_primitive.h>
#include <arrow/compute/api.h>
#include <arrow/scalar.h>
#include <arrow/util/bit_util.h>

#include <optional>

#include "quiver/common/kernel_calendar.h"

namespace quiver::exec {

namespace {

namespace cp = arrow::compute;
using Interval = arrow::MonthDayNanoIntervalType::MonthDayNanos;

bool IsValidAt(const arrow::ArrayData& array, int64_t row) {
  return array.null_count == 0 || !array.buffers[0] ||
         arrow::bit_util::GetBit(array.buffers[0]->data(), array.offset + row);
}

// An int64 or timestamp argument's value at `row`; nullopt for NULL.
std::optional<int64_t> Int64At(const arrow::Datum& value, int64_t row) {
  if (value.is_scalar()) {
    const auto& scalar = *value.scalar();
    if (!scalar.is_valid) return std::nullopt;
    if (scalar.type->id() == arrow::Type::TIMESTAMP) return static_cast<const arrow::TimestampScalar&>(scalar).value;
    return static_cast<const arrow::Int64Scalar&>(scalar).value;
  }
  const auto& array = *value.array();
  if (!IsValidAt(array, row)) return std::nullopt;
  return array.GetValues<int64_t>(1)[row];
}

std::optional<Interval> IntervalAt(const arrow::Datum& value, int64_t row) {
  if (value.is_scalar()) {
    const auto& scalar = static_cast<const arrow::MonthDayNanoIntervalScalar&>(*value.scalar());
    if (!scalar.is_valid) return std::nullopt;
    return scalar.value;
  }
  const auto& array = *value.array();
  if (!IsValidAt(array, row)) return std::nullopt;
  return array.GetValues<Interval>(1)[row];
}

arrow::Status ZeroStep() { return arrow::Status::Invalid("step size cannot equal zero"); }

// start, start + step, … not past stop, in two's complement so no step overflows.
struct FixedStep {
  int64_t start = 0;
  int64_t step = 0;
  int64_t count = 0;

  static FixedStep Of(int64_t start, int64_t stop, int64_t step) {
    FixedStep out{start, step, 0};
    const auto distance = [](int64_t from, int64_t to) {
      return static_cast<uint64_t>(to) - static_cast<uint64_t>(from);
    };
    if (step > 0 && start <= stop) {
      out.count = static_cast<int64_t>(distance(start, stop) / static_cast<uint64_t>(step) + 1);
    } else if (step < 0 && start >= stop) {
      out.count = static_cast<int64_t>(distance(stop, start) / (0 - static_cast<uint64_t>(step)) + 1);
    }
    return out;
  }

  int64_t At(int64_t k) const {
    return static_cast<int64_t>(static_cast<uint64_t>(start) + static_cast<uint64_t>(k) * static_cast<uint64_t>(step));
  }
};

// The int64 values of `runs` as an array of `type` (an integer or timestamp type),
// element k of a run's row given by `value(row, k)`.
template <typename Value>
arrow::Result<std::shared_ptr<arrow::Array>> Int64Column(const std::vector<ElementRun>& runs, int64_t total_rows,
                                                         const std::shared_ptr<arrow::DataType>& type,
                                                         arrow::MemoryPool* pool, Value&& value) {
  arrow::Int64Builder builder(pool);
  ARROW_RETURN_NOT_OK(builder.Reserve(total_rows));
  for (const auto& run : runs) {
    if (run.null_row) {
      builder.UnsafeAppendNull();
      continue;
    }
    for (int64_t k = run.first; k < run.first + run.count; ++k) {
      ARROW_ASSIGN_OR_RAISE(int64_t element, value(run.row, k));
      builder.UnsafeAppend(element);
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto values, builder.Finish());
  if (type->id() == arrow::Type::INT64) return values;
  if (type->id() == arrow::Type::TIMESTAMP) {
    auto data = values->data()->Copy();
    data->type = type;
    return arrow::MakeArray(std::move(data));
  }
  // int32 series: every element lies between start and stop, so the cast is exact.
  cp::ExecContext context(pool);
  return cp::Cast(*values, type, cp::CastOptions::Safe(), &context);
}

// generate_series over integers, or over timestamps with a step without months (a
// fixed number of microseconds).
class FixedStepSeries : public SetFunctionRows {
 public:
  FixedStepSeries(std::vector<arrow::Datum> arguments, std::shared_ptr<arrow::DataType> type)
      : arguments_(std::move(arguments)), type_(std::move(type)) {}

  arrow::Result<int64_t> Count(int64_t row) override {
    ARROW_ASSIGN_OR_RAISE(auto series, SeriesAt(row));
    return series ? series->count : 0;
  }

  arrow::Result<arrow::ArrayVector> Columns(const std::vector<ElementRun>& runs, int64_t total_rows,
                                            arrow::MemoryPool* pool) override {
    int64_t cached_row = -1;
    FixedStep cached;
    auto value = [&](int64_t row, int64_t k) -> arrow::Result<int64_t> {
      if (row != cached_row) {
        ARROW_ASSIGN_OR_RAISE(auto series, SeriesAt(row));
        cached = *series;
        cached_row = row;
      }
      return cached.At(k);
    };
    ARROW_ASSIGN_OR_RAISE(auto column, Int64Column(runs, total_rows, type_, pool, value));
    return arrow::ArrayVector{std::move(column)};
  }

 private:
  arrow::Result<std::optional<FixedStep>> SeriesAt(int64_t row) const {
    auto start = Int64At(arguments_[0], row);
    auto stop = Int64At(arguments_[1], row);
    std::optional<int64_t> step = int64_t{1};
    if (arguments_.size() > 2) {
      if (arguments_[2].type()->id() == arrow::Type::INTERVAL_MONTH_DAY_NANO) {
        auto interval = IntervalAt(arguments_[2], row);
        step = interval
                   ? std::optional<int64_t>(interval->days * calendar::kMicrosPerDay + interval->nanoseconds / 1000)
                   : std::nullopt;
      } else {
        step = Int64At(arguments_[2], row);
      }
    }
    if (!start || !stop || !step) return std::nullopt;
    if (*step == 0) return ZeroStep();
    return FixedStep::Of(*start, *stop, *step);
  }

  std::vector<arrow::Datum> arguments_;
  std::shared_ptr<arrow::DataType> type_;
};

// generate_series over timestamps with a step of months: each element is the one
// before plus the step, so the day of month can only shrink ('01-31', '02-29',
// '03-29'), as in PostgreSQL. A row's elements are computed whole, once.
class CalendarSeries : public SetFunctionRows {
 public:
  CalendarSeries(std::vector<arrow::Datum> arguments, std::shared_ptr<arrow::DataType> type)
      : arguments_(std::move(arguments)), type_(std::move(type)) {}

  arrow::Result<int64_t> Count(int64_t row) override {
    ARROW_RETURN_NOT_OK(Compute(row));
    return static_cast<int64_t>(elements_.size());
  }

  arrow::Result<arrow::ArrayVector> Columns(const std::vector<ElementRun>& runs, int64_t total_rows,
                                            arrow::MemoryPool* pool) override {
    auto value = [&](int64_t row, int64_t k) -> arrow::Result<int64_t> {
      ARROW_RETURN_NOT_OK(Compute(row));
      return elements_[k];
    };
    ARROW_ASSIGN_OR_RAISE(auto column, Int64Column(runs, total_rows, type_, pool, value));
    return arrow::ArrayVector{std::move(column)};
  }

 private:
  arrow::Status Compute(int64_t row) {
    if (row == computed_row_) return arrow::Status::OK();
    computed_row_ = row;
    elements_.clear();
    auto start = Int64At(arguments_[0], row);
    auto stop = Int64At(arguments_[1], row);
    auto step = IntervalAt(arguments_[2], row);
    if (!start || !stop || !step) return arrow::Status::OK();
    // The direction is the sign of the step's length, a month counted as 30 days (how
    // PostgreSQL compares intervals).
    const __int128 span =
        (static_cast<__int128>(step->months) * 30 + step->days) * calendar::kMicrosPerDay + step->nanoseconds / 1000;
    if (span == 0) return ZeroStep();
    const bool ascending = span > 0;
    int64_t value = *start;
    while (ascending ? value <= *stop : value >= *stop) {
      elements_.push_back(value);
      const int64_t next = calendar::AddIntervalMicros(value, step->months, step->days, step->nanoseconds);
      if (ascending ? next <= value : next >= value) break;  // a step that goes nowhere
      value = next;
    }
    return arrow::Status::OK();
  }

  std::vector<arrow::Datum> arguments_;
  std::shared_ptr<arrow::DataType> type_;
  int64_t computed_row_ = -1;
  std::vector<int64_t> elements_;
};

// One unnest argument: a column of lists or a single list.
class ListArgument {
 public:
  explicit ListArgument(const arrow::Datum& value) {
    if (value.is_scalar()) {
      const auto& scalar = static_cast<const arrow::BaseListScalar&>(*value.scalar());
      scalar_valid_ = scalar.is_valid;
      values_ = scalar.value;
    } else {
      lists_ = value.make_array();
      values_ = lists_->type_id() == arrow::Type::LARGE_LIST
                    ? static_cast<const arrow::LargeListArray&>(*lists_).values()
                    : static_cast<const arrow::ListArray&>(*lists_).values();
    }
  }

  /// The row's list as (first element's index in values(), length); length -1 for NULL.
  std::pair<int64_t, int64_t> At(int64_t row) const {
    if (!lists_)
      return scalar_valid_ ? std::pair<int64_t, int64_t>{0, values_->length()} : std::pair<int64_t, int64_t>{0, -1};
    if (lists_->IsNull(row)) return {0, -1};
    if (lists_->type_id() == arrow::Type::LARGE_LIST) {
      const auto& lists = static_cast<const arrow::LargeListArray&>(*lists_);
      return {lists.value_offset(row), lists.value_length(row)};
    }
    const auto& lists = static_cast<const arrow::ListArray&>(*lists_);
    return {lists.value_offset(row), lists.value_length(row)};
  }

  const std::shared_ptr<arrow::Array>& values() const { return values_; }

 private:
  std::shared_ptr<arrow::Array> lists_;  // null for a single list
  bool scalar_valid_ = false;
  std::shared_ptr<arrow::Array> values_;
};

class Unnest : public SetFunctionRows {
 public:
  explicit Unnest(const std::vector<arrow::Datum>& arguments) {
    for (const auto& argument : arguments) lists_.emplace_back(argument);
  }

  arrow::Result<int64_t> Count(int64_t row) override {
    int64_t longest = 0;
    for (const auto& list : lists_) longest = std::max(longest, list.At(row).second);
    return longest;
  }

  arrow::Result<arrow::ArrayVector> Columns(const std::vector<ElementRun>& runs, int64_t total_rows,
                                            arrow::MemoryPool* pool) override {
    arrow::ArrayVector columns;
    cp::ExecContext context(pool);
    for (const auto& list : lists_) {
      // The elements are taken from the list values by index; padding is a NULL index.
      arrow::Int64Builder indices(pool);
      ARROW_RETURN_NOT_OK(indices.Reserve(total_rows));
      for (const auto& run : runs) {
        const auto [offset, length] = run.null_row ? std::pair<int64_t, int64_t>{0, 0} : list.At(run.row);
        for (int64_t k = run.first; k < run.first + run.count; ++k) {
          if (!run.null_row && k < length) {
            indices.UnsafeAppend(offset + k);
          } else {
            indices.UnsafeAppendNull();
          }
        }
      }
      ARROW_ASSIGN_OR_RAISE(auto index_array, indices.Finish());
      ARROW_ASSIGN_OR_RAISE(auto taken,
                            cp::Take(list.values(), index_array, cp::TakeOptions::NoBoundsCheck(), &context));
      columns.push_back(taken.make_array());
    }
    return columns;
  }

 private:
  std::vector<ListArgument> lists_;
};

}  // namespace

arrow::Result<std::unique_ptr<SetFunctionRows>> SetFunctionRows::Make(const std::string& function,
                                                                      std::vector<arrow::Datum> arguments,
                                                                      const arrow::FieldVector& outputs) {
  if (function == "unnest") {
    if (arguments.empty() || arguments.size() != outputs.size()) {
      return arrow::Status::Invalid("unnest takes one list per output column");
    }
    return std::make_unique<Unnest>(arguments);
  }
  if (function != "generate_series") return arrow::Status::Invalid("unknown set-returning function ", function);
  if (arguments.size() < 2 || arguments.size() > 3 || outputs.size() != 1) {
    return arrow::Status::Invalid("generate_series takes a start, a stop and a step, and gives one column");
  }
  const bool months =
      arguments.size() == 3 && arguments[2].type()->id() == arrow::Type::INTERVAL_MONTH_DAY_NANO && [&] {
        // Months in any row's step: each element depends on the one before.
        if (arguments[2].is_scalar()) {
          const auto& step = static_cast<const arrow::MonthDayNanoIntervalScalar&>(*arguments[2].scalar());
          return step.is_valid && step.value.months != 0;
        }
        const auto& steps = *arguments[2].array();
        for (int64_t i = 0; i < steps.length; ++i) {
          if (IsValidAt(steps, i) && steps.GetValues<Interval>(1)[i].months != 0) return true;
        }
        return false;
      }();
  if (months) return std::make_unique<CalendarSeries>(std::move(arguments), outputs[0]->type());
  return std::make_unique<FixedStepSeries>(std::move(arguments), outputs[0]->type());
}

}  // namespace quiver::exec
