#pragma once

#include <arrow/status.h>

namespace quiver {

/// Registers the kernels that finish SQL's ordered-set aggregates. Each group's values
/// arrive as one list (collected by hash_list or quiver_collect_list); NULL values in
/// it are ignored, and a NULL list (no rows) gives NULL. `descending` is the direction
/// of the WITHIN GROUP (ORDER BY …) sort.
///  - quiver_percentile_cont(list<double>, fraction, descending) → double: the value at
///    `fraction` of the sorted values, interpolated linearly between neighbours;
///  - quiver_percentile_disc(list<T>, fraction, descending) → T: the first value whose
///    position in the sorted values reaches `fraction` of them;
///    with a list<double> of fractions, both return a list of results (NULL for NULL
///    fractions); a fraction outside [0, 1] is an error naming it;
///  - quiver_mode(list<T>, descending) → T: the most frequent value, the first in the
///    sort order among equally frequent ones.
/// Idempotent.
arrow::Status RegisterOrderedSetKernels();

/// OK for a percentile fraction in [0, 1]; otherwise the error naming the value.
arrow::Status CheckPercentileFraction(double fraction);

inline constexpr const char* kPercentileContFunction = "quiver_percentile_cont";
inline constexpr const char* kPercentileDiscFunction = "quiver_percentile_disc";
inline constexpr const char* kModeFunction = "quiver_mode";

}  // namespace quiver
