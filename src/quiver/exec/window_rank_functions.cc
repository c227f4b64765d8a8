#include <arrow/builder.h>
#include <arrow/scalar.h>

#include "quiver/exec/window_functions.h"

namespace quiver::exec::window {

namespace {

// PostgreSQL's ntile: the first (rows % buckets) buckets hold one row more than the
// others.
int64_t NtileBucket(int64_t position, int64_t rows, int64_t buckets) {
  const int64_t small_size = rows / buckets;
  const int64_t large_buckets = rows % buckets;
  const int64_t rows_in_large = large_buckets * (small_size + 1);
  if (position < rows_in_large) return position / (small_size + 1) + 1;
  return large_buckets + (position - rows_in_large) / small_size + 1;
}

arrow::Result<std::optional<int64_t>> NtileBuckets(const WindowCall& call) {
  if (call.constants.size() != 1 || !call.constants[0]) return arrow::Status::Invalid("ntile takes one argument");
  const auto& constant = *call.constants[0];
  if (!constant.is_valid) return std::optional<int64_t>();
  ARROW_ASSIGN_OR_RAISE(auto as_int64, constant.CastTo(arrow::int64()));
  const int64_t buckets = static_cast<const arrow::Int64Scalar&>(*as_int64).value;
  if (buckets <= 0) return arrow::Status::Invalid("argument of ntile must be greater than zero");
  return std::optional<int64_t>(buckets);
}

}  // namespace

bool IsRankFunction(const std::string& function) {
  return function == "row_number" || function == "rank" || function == "dense_rank" || function == "percent_rank" ||
         function == "cume_dist" || function == "ntile";
}

arrow::Result<std::shared_ptr<arrow::Array>> ComputeRankFunction(const WindowCallInput& input) {
  const auto& layout = input.layout;
  const std::string& function = input.call.function;
  const int64_t n = layout.num_rows;
  if (function == "percent_rank" || function == "cume_dist") {
    arrow::DoubleBuilder builder;
    ARROW_RETURN_NOT_OK(builder.Resize(n));
    layout.ForEachPartition([&](int64_t begin, int64_t end) {
      const double size = static_cast<double>(end - begin);
      for (int64_t row = begin; row < end; ++row) {
        if (function == "percent_rank") {
          const double rank_minus_one = static_cast<double>(layout.PeerBegin(row) - begin);
          builder.UnsafeAppend(size > 1 ? rank_minus_one / (size - 1) : 0.0);
        } else {
          builder.UnsafeAppend(static_cast<double>(layout.PeerEnd(row) - begin) / size);
        }
      }
    });
    return builder.Finish();
  }
  std::optional<int64_t> buckets;
  if (function == "ntile") {
    ARROW_ASSIGN_OR_RAISE(buckets, NtileBuckets(input.call));
    if (!buckets) return arrow::MakeArrayOfNull(arrow::int64(), n);
  }
  arrow::Int64Builder builder;
  ARROW_RETURN_NOT_OK(builder.Resize(n));
  layout.ForEachPartition([&](int64_t begin, int64_t end) {
    const int64_t first_group = layout.peer_group_of_row[begin];
    for (int64_t row = begin; row < end; ++row) {
      if (function == "row_number") {
        builder.UnsafeAppend(row - begin + 1);
      } else if (function == "rank") {
        builder.UnsafeAppend(layout.PeerBegin(row) - begin + 1);
      } else if (function == "dense_rank") {
        builder.UnsafeAppend(layout.peer_group_of_row[row] - first_group + 1);
      } else {
        builder.UnsafeAppend(NtileBucket(row - begin, end - begin, *buckets));
      }
    }
  });
  return builder.Finish();
}

}  // namespace quiver::exec::window
