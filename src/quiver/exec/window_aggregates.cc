// sum, avg, count and count(*) over sliding frames. Frames only move forward, so:
// - counts and exact sums (integers, decimals) are differences of prefix sums; the
//   wrap-around of two's complement arithmetic makes the differences exact whenever
//   the frame's own sum fits;
// - floating point sums are not differences (a huge value leaving the frame would
//   take the small ones' precision with it): a two-part window keeps, for the older
//   part of the frame, the sums of every suffix, and for the newer part a running
//   sum, so each value is added a constant number of times and each frame's sum
//   only ever contains the frame's own values.

#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/util/decimal.h>

#include "quiver/exec/window_functions.h"

namespace quiver::exec::window {

namespace {

namespace cp = arrow::compute;
using UInt128 = unsigned __int128;

// Non-NULL values in rows [0, i) for every i in [0, n].
std::vector<int64_t> PrefixCounts(const arrow::Array& values) {
  std::vector<int64_t> prefix(values.length() + 1, 0);
  for (int64_t i = 0; i < values.length(); ++i) prefix[i + 1] = prefix[i] + (values.IsValid(i) ? 1 : 0);
  return prefix;
}

template <typename Accumulator, typename Read>
std::vector<Accumulator> PrefixSums(const arrow::Array& values, Read read) {
  std::vector<Accumulator> prefix(values.length() + 1, 0);
  for (int64_t i = 0; i < values.length(); ++i) prefix[i + 1] = prefix[i] + (values.IsValid(i) ? read(i) : 0);
  return prefix;
}

// The sum of each frame's values, NULLs counting as zero.
std::vector<double> SlidingFloatSums(const FrameBounds& frames, const arrow::DoubleArray& values) {
  const int64_t n = values.length();
  std::vector<double> sums(n, 0.0);
  std::vector<double> suffix(n + 1, 0.0);  // suffix[j]: sum of rows [j, split)
  auto value = [&](int64_t row) { return values.IsValid(row) ? values.Value(row) : 0.0; };
  int64_t split = 0;   // rows [begin, split) are covered by suffix, [split, added) by newer
  int64_t added = 0;   // rows before `added` have entered the newer part or been skipped
  double newer = 0.0;  // sum of rows [split, added)
  for (int64_t row = 0; row < n; ++row) {
    const int64_t begin = frames.begin[row], end = frames.end[row];
    if (begin >= split) {
      // The older part is used up: the frame becomes the new older part.
      split = std::max(end, begin);
      double running = 0.0;
      for (int64_t j = split - 1; j >= begin; --j) suffix[j] = running = value(j) + running;
      added = split;
      newer = 0.0;
    }
    for (; added < end; ++added) newer += value(added);
    sums[row] = (begin < split ? suffix[begin] : 0.0) + newer;
  }
  return sums;
}

arrow::Result<std::shared_ptr<arrow::Array>> CountFrames(const WindowCallInput& input, bool count_all) {
  const auto& frames = input.frames;
  const int64_t n = input.layout.num_rows;
  std::vector<int64_t> prefix;
  if (!count_all) prefix = PrefixCounts(*input.arguments[0]);
  arrow::Int64Builder builder;
  ARROW_RETURN_NOT_OK(builder.Resize(n));
  for (int64_t row = 0; row < n; ++row) {
    const int64_t begin = frames.begin[row], end = frames.end[row];
    builder.UnsafeAppend(count_all ? end - begin : prefix[end] - prefix[begin]);
  }
  return builder.Finish();
}

// Appends, for every row, the frame's result or NULL when the frame has no values.
template <typename Builder, typename Result>
arrow::Result<std::shared_ptr<arrow::Array>> BuildPerFrame(Builder builder, const WindowCallInput& input,
                                                           const std::vector<int64_t>& counts, Result result) {
  const auto& frames = input.frames;
  const int64_t n = input.layout.num_rows;
  ARROW_RETURN_NOT_OK(builder.Resize(n));
  for (int64_t row = 0; row < n; ++row) {
    const int64_t begin = frames.begin[row], end = frames.end[row];
    if (counts[end] == counts[begin]) {
      builder.UnsafeAppendNull();
    } else {
      builder.UnsafeAppend(result(row, begin, end, counts[end] - counts[begin]));
    }
  }
  return builder.Finish();
}

arrow::Result<std::shared_ptr<arrow::Array>> SumOrAverage(const WindowCallInput& input) {
  const bool average = input.call.function == "avg";
  const auto& argument = input.arguments[0];
  const auto counts = PrefixCounts(*argument);
  const auto id = argument->type_id();
  if (arrow::is_integer(id)) {
    // Signed values are summed as int64, unsigned as uint64 (Arrow's sum types), both
    // in unsigned arithmetic, which wraps instead of overflowing.
    const bool is_signed = arrow::is_signed_integer(id);
    ARROW_ASSIGN_OR_RAISE(auto widened, cp::Cast(*argument, is_signed ? arrow::int64() : arrow::uint64()));
    const uint64_t* raw = widened->data()->GetValues<uint64_t>(1);
    const auto prefix = PrefixSums<uint64_t>(*widened, [raw](int64_t i) { return raw[i]; });
    if (average) {
      return BuildPerFrame(arrow::DoubleBuilder(), input, counts, [&](int64_t, int64_t b, int64_t e, int64_t count) {
        const uint64_t sum = prefix[e] - prefix[b];
        const double total = is_signed ? static_cast<double>(static_cast<int64_t>(sum)) : static_cast<double>(sum);
        return total / static_cast<double>(count);
      });
    }
    if (is_signed) {
      return BuildPerFrame(arrow::Int64Builder(), input, counts, [&](int64_t, int64_t b, int64_t e, int64_t) {
        return static_cast<int64_t>(prefix[e] - prefix[b]);
      });
    }
    return BuildPerFrame(arrow::UInt64Builder(), input, counts,
                         [&](int64_t, int64_t b, int64_t e, int64_t) { return prefix[e] - prefix[b]; });
  }
  if (arrow::is_floating(id)) {
    ARROW_ASSIGN_OR_RAISE(auto widened, cp::Cast(*argument, arrow::float64()));
    const auto sums = SlidingFloatSums(input.frames, static_cast<const arrow::DoubleArray&>(*widened));
    return BuildPerFrame(arrow::DoubleBuilder(), input, counts, [&](int64_t row, int64_t, int64_t, int64_t count) {
      return average ? sums[row] / static_cast<double>(count) : sums[row];
    });
  }
  if (id == arrow::Type::DECIMAL128) {
    const auto& decimals = static_cast<const arrow::Decimal128Array&>(*argument);
    const int32_t scale = static_cast<const arrow::Decimal128Type&>(*argument->type()).scale();
    const auto prefix = PrefixSums<UInt128>(*argument, [&](int64_t i) {
      const arrow::Decimal128 value(decimals.GetValue(i));
      return (static_cast<UInt128>(static_cast<uint64_t>(value.high_bits())) << 64) | value.low_bits();
    });
    auto frame_sum = [&](int64_t b, int64_t e) {
      const UInt128 sum = prefix[e] - prefix[b];
      return arrow::Decimal128(static_cast<int64_t>(static_cast<uint64_t>(sum >> 64)), static_cast<uint64_t>(sum));
    };
    if (average) {
      return BuildPerFrame(arrow::DoubleBuilder(), input, counts, [&](int64_t, int64_t b, int64_t e, int64_t count) {
        return frame_sum(b, e).ToDouble(scale) / static_cast<double>(count);
      });
    }
    return BuildPerFrame(arrow::Decimal128Builder(input.result_type), input, counts,
                         [&](int64_t, int64_t b, int64_t e, int64_t) { return frame_sum(b, e); });
  }
  return arrow::Status::NotImplemented("window ", input.call.function, " over ", argument->type()->ToString());
}

}  // namespace

bool IsAggregateFunction(const std::string& function) {
  return function == "sum" || function == "avg" || function == "count" || function == "count_all";
}

arrow::Result<std::shared_ptr<arrow::Array>> ComputeAggregateFunction(const WindowCallInput& input) {
  const std::string& function = input.call.function;
  if (function == "count_all") return CountFrames(input, /*count_all=*/true);
  if (function == "count") return CountFrames(input, /*count_all=*/false);
  return SumOrAverage(input);
}

}  // namespace quiver::exec::window
