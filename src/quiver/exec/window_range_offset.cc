#include "quiver/exec/window_range_offset.h"

#include <arrow/scalar.h>
#include <arrow/type_traits.h>
#include <arrow/util/decimal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace quiver::exec::window {

namespace {

using Int128 = __int128;
constexpr Int128 kInt128Max = ~(static_cast<Int128>(1) << 127);
constexpr Int128 kInt128Min = static_cast<Int128>(1) << 127;
constexpr int64_t kNanosPerDay = 86'400'000'000'000;

Int128 SaturatingAdd(Int128 a, Int128 b) {
  Int128 sum;
  if (__builtin_add_overflow(a, b, &sum)) return b > 0 ? kInt128Max : kInt128Min;
  return sum;
}

Int128 FromDecimal(const arrow::Decimal128& value) {
  return (static_cast<Int128>(value.high_bits()) << 64) | static_cast<Int128>(value.low_bits());
}

Int128 PowerOfTen(int32_t exponent) {
  Int128 result = 1;
  for (int32_t i = 0; i < exponent; ++i) result *= 10;
  return result;
}

bool IsTemporalKey(arrow::Type::type id) {
  return id == arrow::Type::DATE32 || id == arrow::Type::DATE64 || id == arrow::Type::TIMESTAMP;
}

bool IsCalendarOffset(arrow::Type::type id) {
  return id == arrow::Type::DURATION || id == arrow::Type::INTERVAL_MONTH_DAY_NANO ||
         id == arrow::Type::INTERVAL_DAY_TIME;
}

int64_t NanosPerUnit(arrow::TimeUnit::type unit) {
  switch (unit) {
    case arrow::TimeUnit::SECOND:
      return 1'000'000'000;
    case arrow::TimeUnit::MILLI:
      return 1'000'000;
    case arrow::TimeUnit::MICRO:
      return 1'000;
    case arrow::TimeUnit::NANO:
      return 1;
  }
  return 1;
}

// A key value moved by the offset, forward or backward. Integer-like keys (integers,
// decimals as scaled integers, temporal values as nanoseconds) are exact; months are
// added on the calendar first (clamping the day to the month's end), then days and
// nanoseconds, as PostgreSQL adds intervals.
struct ExactShift {
  int32_t months = 0;
  Int128 delta = 0;

  Int128 operator()(Int128 value, bool forward) const {
    if (months != 0) value = AddMonths(value, forward ? months : -months);
    return SaturatingAdd(value, forward ? delta : -delta);
  }

  static Int128 AddMonths(Int128 nanos, int32_t months) {
    namespace ch = std::chrono;
    Int128 days = nanos / kNanosPerDay;
    Int128 time_of_day = nanos % kNanosPerDay;
    if (time_of_day < 0) {
      time_of_day += kNanosPerDay;
      --days;
    }
    if (days > std::numeric_limits<int32_t>::max() / 2 || days < std::numeric_limits<int32_t>::min() / 2) return nanos;
    ch::year_month_day date{ch::sys_days{ch::days{static_cast<int64_t>(days)}}};
    ch::year_month month_start = ch::year_month{date.year(), date.month()} + ch::months{months};
    ch::day last_day = ch::year_month_day_last{month_start.year(), ch::month_day_last{month_start.month()}}.day();
    ch::year_month_day moved{month_start.year(), month_start.month(), std::min(date.day(), last_day)};
    const Int128 moved_days = ch::sys_days{moved}.time_since_epoch().count();
    return moved_days * kNanosPerDay + time_of_day;
  }
};

struct FloatShift {
  double delta = 0;
  double operator()(double value, bool forward) const { return forward ? value + delta : value - delta; }
};

// Sorted key values of one column as numbers to compare, with NULLs and NaNs marked.
template <typename Value>
struct RangeKey {
  std::vector<Value> values;
  std::vector<uint8_t> special;
};

// Frame bounds for rows with ordinary keys are found by binary search among the
// partition's ordinary rows, which lie between the NULL/NaN rows at either end.
template <typename Value, typename Shift>
void FillBounds(const RangeKey<Value>& key, const Shift& shift, const WindowFrameBound& bound, bool is_start,
                bool ascending, const WindowLayout& layout, std::vector<int64_t>& out) {
  // The PRECEDING side is smaller values when ascending, larger when descending.
  const bool toward_larger = (bound.kind == WindowFrameBound::kFollowing) == ascending;
  layout.ForEachPartition([&](int64_t partition_begin, int64_t partition_end) {
    int64_t ordinary_begin = partition_begin, ordinary_end = partition_end;
    while (ordinary_begin < partition_end && key.special[ordinary_begin]) ++ordinary_begin;
    while (ordinary_end > ordinary_begin && key.special[ordinary_end - 1]) --ordinary_end;
    const auto first = key.values.begin() + ordinary_begin;
    const auto last = key.values.begin() + ordinary_end;
    for (int64_t row = partition_begin; row < partition_end; ++row) {
      if (key.special[row]) {
        out[row] = is_start ? layout.PeerBegin(row) : layout.PeerEnd(row);
        continue;
      }
      const Value limit = shift(key.values[row], toward_larger);
      // The frame starts at the first row not before `limit` in sort order and ends
      // before the first row after it.
      auto it = first;
      if (ascending) {
        it = is_start ? std::lower_bound(first, last, limit) : std::upper_bound(first, last, limit);
      } else {
        it = is_start ? std::lower_bound(first, last, limit, std::greater<Value>())
                      : std::upper_bound(first, last, limit, std::greater<Value>());
      }
      out[row] = it - key.values.begin();
    }
  });
}

template <typename ArrowType>
RangeKey<Int128> IntegerKey(const arrow::Array& array, Int128 multiplier) {
  using CType = typename ArrowType::c_type;
  RangeKey<Int128> key;
  const CType* raw = array.data()->GetValues<CType>(1);
  key.values.resize(array.length());
  key.special.resize(array.length());
  for (int64_t i = 0; i < array.length(); ++i) {
    key.special[i] = array.IsNull(i);
    key.values[i] = static_cast<Int128>(raw[i]) * multiplier;
  }
  return key;
}

arrow::Result<RangeKey<Int128>> ExactKey(const arrow::Array& array, Int128 multiplier) {
  switch (array.type_id()) {
    case arrow::Type::INT8:
      return IntegerKey<arrow::Int8Type>(array, multiplier);
    case arrow::Type::INT16:
      return IntegerKey<arrow::Int16Type>(array, multiplier);
    case arrow::Type::INT32:
    case arrow::Type::DATE32:
      return IntegerKey<arrow::Int32Type>(array, multiplier);
    case arrow::Type::INT64:
    case arrow::Type::DATE64:
    case arrow::Type::TIMESTAMP:
      return IntegerKey<arrow::Int64Type>(array, multiplier);
    case arrow::Type::UINT8:
      return IntegerKey<arrow::UInt8Type>(array, multiplier);
    case arrow::Type::UINT16:
      return IntegerKey<arrow::UInt16Type>(array, multiplier);
    case arrow::Type::UINT32:
      return IntegerKey<arrow::UInt32Type>(array, multiplier);
    case arrow::Type::UINT64:
      return IntegerKey<arrow::UInt64Type>(array, multiplier);
    case arrow::Type::DECIMAL128: {
      const auto& decimals = static_cast<const arrow::Decimal128Array&>(array);
      RangeKey<Int128> key;
      key.values.resize(array.length());
      key.special.resize(array.length());
      for (int64_t i = 0; i < array.length(); ++i) {
        key.special[i] = array.IsNull(i);
        if (!key.special[i]) key.values[i] = FromDecimal(arrow::Decimal128(decimals.GetValue(i))) * multiplier;
      }
      return key;
    }
    default:
      return arrow::Status::NotImplemented("RANGE offsets over ", array.type()->ToString());
  }
}

RangeKey<double> FloatKey(const arrow::Array& array) {
  RangeKey<double> key;
  key.values.resize(array.length());
  key.special.resize(array.length());
  for (int64_t i = 0; i < array.length(); ++i) {
    double value = array.type_id() == arrow::Type::FLOAT ? array.data()->GetValues<float>(1)[i]
                                                         : array.data()->GetValues<double>(1)[i];
    key.special[i] = array.IsNull(i) || std::isnan(value);
    key.values[i] = value;
  }
  return key;
}

// Nanoseconds per unit of a temporal key.
Int128 TemporalMultiplier(const arrow::DataType& type) {
  if (type.id() == arrow::Type::DATE32) return kNanosPerDay;
  if (type.id() == arrow::Type::DATE64) return 1'000'000;
  return NanosPerUnit(static_cast<const arrow::TimestampType&>(type).unit());
}

arrow::Result<ExactShift> CalendarShift(const arrow::Scalar& offset) {
  ExactShift shift;
  switch (offset.type->id()) {
    case arrow::Type::DURATION: {
      const auto& unit = static_cast<const arrow::DurationType&>(*offset.type).unit();
      shift.delta = static_cast<Int128>(static_cast<const arrow::DurationScalar&>(offset).value) * NanosPerUnit(unit);
      break;
    }
    case arrow::Type::INTERVAL_MONTH_DAY_NANO: {
      const auto& value = static_cast<const arrow::MonthDayNanoIntervalScalar&>(offset).value;
      if (value.months < 0 || value.days < 0 || value.nanoseconds < 0) {
        return arrow::Status::Invalid("invalid preceding or following size in window function");
      }
      shift.months = value.months;
      shift.delta = static_cast<Int128>(value.days) * kNanosPerDay + value.nanoseconds;
      break;
    }
    case arrow::Type::INTERVAL_DAY_TIME: {
      const auto& value = static_cast<const arrow::DayTimeIntervalScalar&>(offset).value;
      if (value.days < 0 || value.milliseconds < 0) {
        return arrow::Status::Invalid("invalid preceding or following size in window function");
      }
      shift.delta =
          static_cast<Int128>(value.days) * kNanosPerDay + static_cast<Int128>(value.milliseconds) * 1'000'000;
      break;
    }
    default:
      return arrow::Status::Invalid("RANGE offsets over dates and timestamps must be intervals or durations, not ",
                                    offset.type->ToString());
  }
  if (shift.delta < 0) return arrow::Status::Invalid("invalid preceding or following size in window function");
  return shift;
}

// An integer or decimal offset as an integer at `scale` decimal digits; `scale` must
// be at least the offset's own scale.
arrow::Result<Int128> ScaledOffset(const arrow::Scalar& offset, int32_t scale) {
  if (arrow::is_integer(offset.type->id())) {
    ARROW_ASSIGN_OR_RAISE(auto as_int64, offset.CastTo(arrow::int64()));
    return static_cast<Int128>(static_cast<const arrow::Int64Scalar&>(*as_int64).value) * PowerOfTen(scale);
  }
  if (offset.type->id() != arrow::Type::DECIMAL128) {
    return arrow::Status::NotImplemented("RANGE offsets of type ", offset.type->ToString());
  }
  const auto& decimal_type = static_cast<const arrow::DecimalType&>(*offset.type);
  return FromDecimal(static_cast<const arrow::Decimal128Scalar&>(offset).value) *
         PowerOfTen(scale - decimal_type.scale());
}

arrow::Result<double> OffsetAsDouble(const arrow::Scalar& offset) {
  if (offset.type->id() == arrow::Type::DECIMAL128) {
    const int32_t scale = static_cast<const arrow::DecimalType&>(*offset.type).scale();
    return static_cast<const arrow::Decimal128Scalar&>(offset).value.ToDouble(scale);
  }
  ARROW_ASSIGN_OR_RAISE(auto as_double, offset.CastTo(arrow::float64()));
  return static_cast<const arrow::DoubleScalar&>(*as_double).value;
}

int32_t ScaleOf(const arrow::DataType& type) {
  return arrow::is_decimal(type.id()) ? static_cast<const arrow::DecimalType&>(type).scale() : 0;
}

arrow::Status NotNegative(bool negative) {
  if (negative) return arrow::Status::Invalid("invalid preceding or following size in window function");
  return arrow::Status::OK();
}

}  // namespace

arrow::Status CheckRangeOffset(const arrow::DataType& key_type, const arrow::Scalar& offset) {
  const auto key = key_type.id();
  const auto kind = offset.type->id();
  if (!offset.is_valid) return arrow::Status::Invalid("window frame offset must not be NULL");
  if (IsTemporalKey(key)) return CalendarShift(offset).status();
  if (arrow::is_integer(key)) {
    if (!arrow::is_integer(kind)) {
      return arrow::Status::Invalid("RANGE offsets over ", key_type.ToString(), " must be integers, not ",
                                    offset.type->ToString());
    }
    ARROW_ASSIGN_OR_RAISE(Int128 value, ScaledOffset(offset, 0));
    return NotNegative(value < 0);
  }
  if (key == arrow::Type::DECIMAL128) {
    if (!arrow::is_integer(kind) && kind != arrow::Type::DECIMAL128) {
      return arrow::Status::Invalid("RANGE offsets over ", key_type.ToString(), " must be numbers, not ",
                                    offset.type->ToString());
    }
    ARROW_ASSIGN_OR_RAISE(Int128 value, ScaledOffset(offset, ScaleOf(*offset.type)));
    return NotNegative(value < 0);
  }
  if (key == arrow::Type::FLOAT || key == arrow::Type::DOUBLE) {
    if (!arrow::is_integer(kind) && !arrow::is_floating(kind) && !arrow::is_decimal(kind)) {
      return arrow::Status::Invalid("RANGE offsets over ", key_type.ToString(), " must be numbers, not ",
                                    offset.type->ToString());
    }
    ARROW_ASSIGN_OR_RAISE(const double value, OffsetAsDouble(offset));
    return NotNegative(!(value >= 0));
  }
  return arrow::Status::NotImplemented("RANGE with offset PRECEDING/FOLLOWING over ", key_type.ToString());
}

arrow::Status ComputeRangeOffsetBound(const WindowFrameBound& bound, bool is_start, const WindowLayout& layout,
                                      const arrow::Array& key, arrow::compute::SortOrder order,
                                      std::vector<int64_t>& out) {
  ARROW_RETURN_NOT_OK(CheckRangeOffset(*key.type(), *bound.offset));
  const bool ascending = order == arrow::compute::SortOrder::Ascending;
  const auto id = key.type_id();
  if (id == arrow::Type::FLOAT || id == arrow::Type::DOUBLE) {
    ARROW_ASSIGN_OR_RAISE(const double delta, OffsetAsDouble(*bound.offset));
    FloatShift shift{delta};
    FillBounds(FloatKey(key), shift, bound, is_start, ascending, layout, out);
    return arrow::Status::OK();
  }
  if (IsTemporalKey(id)) {
    ARROW_ASSIGN_OR_RAISE(ExactShift shift, CalendarShift(*bound.offset));
    ARROW_ASSIGN_OR_RAISE(auto values, ExactKey(key, TemporalMultiplier(*key.type())));
    FillBounds(values, shift, bound, is_start, ascending, layout, out);
    return arrow::Status::OK();
  }
  // Integers and decimals: compare at the finer of the key's and the offset's scales.
  const int32_t key_scale = ScaleOf(*key.type());
  const int32_t scale = std::max(key_scale, ScaleOf(*bound.offset->type));
  ExactShift shift;
  ARROW_ASSIGN_OR_RAISE(shift.delta, ScaledOffset(*bound.offset, scale));
  ARROW_ASSIGN_OR_RAISE(auto values, ExactKey(key, PowerOfTen(scale - key_scale)));
  FillBounds(values, shift, bound, is_start, ascending, layout, out);
  return arrow::Status::OK();
}

}  // namespace quiver::exec::window
