// Functions whose result is the value of one row of the partition or frame: the row
// is chosen by position (lag, lead, first_value, last_value, nth_value) or by
// comparison (min, max). Each computes the chosen row per output row, and one Take
// gathers the values, so every Arrow type works without type-specific output code.

#include <arrow/array/concatenate.h>
#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/scalar.h>
#include <arrow/util/decimal.h>

#include <cmath>
#include <deque>
#include <optional>

#include "quiver/exec/window_functions.h"

namespace quiver::exec::window {

namespace {

namespace cp = arrow::compute;
constexpr int64_t kNoRow = -1;

arrow::Result<std::optional<int64_t>> IntegerConstant(const WindowCall& call, size_t index, int64_t missing) {
  if (call.constants.size() <= index || !call.constants[index]) return std::optional<int64_t>(missing);
  const auto& constant = *call.constants[index];
  if (!constant.is_valid) return std::optional<int64_t>();
  if (!arrow::is_integer(constant.type->id())) {
    return arrow::Status::Invalid("argument ", index + 2, " of ", call.function, " must be an integer, not ",
                                  constant.type->ToString());
  }
  ARROW_ASSIGN_OR_RAISE(auto as_int64, constant.CastTo(arrow::int64()));
  return std::optional<int64_t>(static_cast<const arrow::Int64Scalar&>(*as_int64).value);
}

// Gathers values[rows[i]] (NULL where rows[i] is kNoRow).
arrow::Result<std::shared_ptr<arrow::Array>> Gather(const std::shared_ptr<arrow::Array>& values,
                                                    const std::vector<int64_t>& rows) {
  arrow::Int64Builder indices;
  ARROW_RETURN_NOT_OK(indices.Resize(static_cast<int64_t>(rows.size())));
  for (int64_t row : rows) {
    if (row == kNoRow) {
      indices.UnsafeAppendNull();
    } else {
      indices.UnsafeAppend(row);
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto index_array, indices.Finish());
  ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(values, index_array, cp::TakeOptions::NoBoundsCheck()));
  return taken.make_array();
}

arrow::Result<std::shared_ptr<arrow::Array>> LagLead(const WindowCallInput& input) {
  const auto& values = input.arguments[0];
  const int64_t n = input.layout.num_rows;
  ARROW_ASSIGN_OR_RAISE(auto offset, IntegerConstant(input.call, 0, 1));
  if (!offset) return arrow::MakeArrayOfNull(values->type(), n);
  const int64_t step = input.call.function == "lag" ? -*offset : *offset;
  // Rows whose offset row lies outside the partition read the default, appended to
  // the values as one extra row.
  std::shared_ptr<arrow::Array> source = values;
  int64_t outside = kNoRow;
  if (input.call.constants.size() > 1 && input.call.constants[1] && input.call.constants[1]->is_valid) {
    // The cast kernel, not Scalar::CastTo, which cannot cast between decimal types.
    ARROW_ASSIGN_OR_RAISE(auto fallback, arrow::compute::Cast(arrow::Datum(input.call.constants[1]), values->type()));
    ARROW_ASSIGN_OR_RAISE(auto fallback_array, arrow::MakeArrayFromScalar(*fallback.scalar(), 1));
    ARROW_ASSIGN_OR_RAISE(source, arrow::Concatenate({values, fallback_array}));
    outside = n;
  }
  std::vector<int64_t> rows(n);
  input.layout.ForEachPartition([&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      // Compare before adding, so huge offsets cannot overflow.
      const bool inside = step >= 0 ? step < end - row : -step <= row - begin;
      rows[row] = inside ? row + step : outside;
    }
  });
  return Gather(source, rows);
}

arrow::Result<std::shared_ptr<arrow::Array>> FramePosition(const WindowCallInput& input) {
  const auto& frames = input.frames;
  const std::string& function = input.call.function;
  const int64_t n = input.layout.num_rows;
  std::optional<int64_t> nth = 1;
  if (function == "nth_value") {
    if (input.call.constants.empty()) return arrow::Status::Invalid("nth_value needs its position argument");
    ARROW_ASSIGN_OR_RAISE(nth, IntegerConstant(input.call, 0, 1));
    if (!nth) return arrow::MakeArrayOfNull(input.arguments[0]->type(), n);
    if (*nth <= 0) return arrow::Status::Invalid("argument of nth_value must be greater than zero");
  }
  std::vector<int64_t> rows(n);
  for (int64_t row = 0; row < n; ++row) {
    const int64_t begin = frames.begin[row], end = frames.end[row];
    if (function == "last_value") {
      rows[row] = end > begin ? end - 1 : kNoRow;
    } else {
      rows[row] = *nth <= end - begin ? begin + *nth - 1 : kNoRow;
    }
  }
  return Gather(input.arguments[0], rows);
}

// For each frame, the row holding the best non-NULL value, where better(a, b) says row
// a's value beats row b's. Frames only move forward, so a deque of candidates (rows
// whose value no later row beats) gives each answer in amortized constant time.
template <typename Better>
std::vector<int64_t> BestRows(const FrameBounds& frames, const arrow::Array& values, Better better) {
  const int64_t n = static_cast<int64_t>(frames.begin.size());
  std::vector<int64_t> best(n, kNoRow);
  std::deque<int64_t> candidates;
  int64_t next = 0;
  for (int64_t row = 0; row < n; ++row) {
    const int64_t begin = frames.begin[row], end = frames.end[row];
    next = std::max(next, begin);
    for (; next < end; ++next) {
      if (values.IsNull(next)) continue;
      while (!candidates.empty() && !better(candidates.back(), next)) candidates.pop_back();
      candidates.push_back(next);
    }
    while (!candidates.empty() && candidates.front() < begin) candidates.pop_front();
    if (!candidates.empty()) best[row] = candidates.front();
  }
  return best;
}

// Calls fn(less) with less(a, b) true when row a's value sorts before row b's.
template <typename Fn>
arrow::Status WithRowOrder(const arrow::Array& values, Fn&& fn) {
  auto by_raw = [&]<typename CType>(CType*) {
    const CType* raw = values.data()->GetValues<CType>(1);
    fn([raw](int64_t a, int64_t b) { return raw[a] < raw[b]; });
  };
  auto by_float = [&]<typename CType>(CType*) {
    // NaN is larger than every number, as in PostgreSQL.
    const CType* raw = values.data()->GetValues<CType>(1);
    fn([raw](int64_t a, int64_t b) {
      if (std::isnan(raw[a])) return false;
      return std::isnan(raw[b]) || raw[a] < raw[b];
    });
  };
  auto by_view = [&]<typename ArrayType>(ArrayType*) {
    const auto& typed = static_cast<const ArrayType&>(values);
    fn([&typed](int64_t a, int64_t b) { return typed.GetView(a) < typed.GetView(b); });
  };
  switch (values.type_id()) {
    case arrow::Type::BOOL: {
      const auto& typed = static_cast<const arrow::BooleanArray&>(values);
      fn([&typed](int64_t a, int64_t b) { return typed.Value(a) < typed.Value(b); });
      return arrow::Status::OK();
    }
    case arrow::Type::INT8:
      by_raw(static_cast<int8_t*>(nullptr));
      return arrow::Status::OK();
    case arrow::Type::INT16:
      by_raw(static_cast<int16_t*>(nullptr));
      return arrow::Status::OK();
    case arrow::Type::INT32:
    case arrow::Type::DATE32:
    case arrow::Type::TIME32:
      by_raw(static_cast<int32_t*>(nullptr));
      return arrow::Status::OK();
    case arrow::Type::INT64:
    case arrow::Type::DATE64:
    case arrow::Type::TIMESTAMP:
    case arrow::Type::TIME64:
    case arrow::Type::DURATION:
      by_raw(static_cast<int64_t*>(nullptr));
      return arrow::Status::OK();
    case arrow::Type::UINT8:
      by_raw(static_cast<uint8_t*>(nullptr));
      return arrow::Status::OK();
    case arrow::Type::UINT16:
      by_raw(static_cast<uint16_t*>(nullptr));
      return arrow::Status::OK();
    case arrow::Type::UINT32:
      by_raw(static_cast<uint32_t*>(nullptr));
      return arrow::Status::OK();
    case arrow::Type::UINT64:
      by_raw(static_cast<uint64_t*>(nullptr));
      return arrow::Status::OK();
    case arrow::Type::FLOAT:
      by_float(static_cast<float*>(nullptr));
      return arrow::Status::OK();
    case arrow::Type::DOUBLE:
      by_float(static_cast<double*>(nullptr));
      return arrow::Status::OK();
    case arrow::Type::DECIMAL128: {
      const auto& typed = static_cast<const arrow::Decimal128Array&>(values);
      fn([&typed](int64_t a, int64_t b) {
        return arrow::Decimal128(typed.GetValue(a)) < arrow::Decimal128(typed.GetValue(b));
      });
      return arrow::Status::OK();
    }
    case arrow::Type::DECIMAL256: {
      const auto& typed = static_cast<const arrow::Decimal256Array&>(values);
      fn([&typed](int64_t a, int64_t b) {
        return arrow::Decimal256(typed.GetValue(a)) < arrow::Decimal256(typed.GetValue(b));
      });
      return arrow::Status::OK();
    }
    case arrow::Type::STRING:
      by_view(static_cast<arrow::StringArray*>(nullptr));
      return arrow::Status::OK();
    case arrow::Type::LARGE_STRING:
      by_view(static_cast<arrow::LargeStringArray*>(nullptr));
      return arrow::Status::OK();
    case arrow::Type::BINARY:
      by_view(static_cast<arrow::BinaryArray*>(nullptr));
      return arrow::Status::OK();
    case arrow::Type::LARGE_BINARY:
      by_view(static_cast<arrow::LargeBinaryArray*>(nullptr));
      return arrow::Status::OK();
    case arrow::Type::STRING_VIEW:
      by_view(static_cast<arrow::StringViewArray*>(nullptr));
      return arrow::Status::OK();
    default:
      return arrow::Status::NotImplemented("window min/max over ", values.type()->ToString());
  }
}

arrow::Result<std::shared_ptr<arrow::Array>> MinMax(const WindowCallInput& input) {
  const auto& values = *input.arguments[0];
  const bool is_max = input.call.function == "max";
  std::vector<int64_t> rows;
  ARROW_RETURN_NOT_OK(WithRowOrder(values, [&](auto less) {
    if (is_max) {
      rows = BestRows(input.frames, values, [&](int64_t a, int64_t b) { return less(b, a); });
    } else {
      rows = BestRows(input.frames, values, [&](int64_t a, int64_t b) { return less(a, b); });
    }
  }));
  return Gather(input.arguments[0], rows);
}

}  // namespace

bool IsValueFunction(const std::string& function) {
  return function == "lag" || function == "lead" || function == "first_value" || function == "last_value" ||
         function == "nth_value" || function == "min" || function == "max";
}

arrow::Result<std::shared_ptr<arrow::Array>> ComputeValueFunction(const WindowCallInput& input) {
  const std::string& function = input.call.function;
  if (function == "lag" || function == "lead") return LagLead(input);
  if (function == "min" || function == "max") return MinMax(input);
  return FramePosition(input);
}

}  // namespace quiver::exec::window
