#include "quiver/dist/task_estimator.h"

#include <algorithm>
#include <cmath>

namespace quiver::dist {

size_t BytesTaskEstimator::Tasks(const StageInput& input) const {
  auto tasks = static_cast<size_t>(std::ceil(input.bytes / bytes_per_task_));
  if (input.scan_units > 0) tasks = std::min(tasks, input.scan_units);
  return std::clamp<size_t>(tasks, 1, std::max<size_t>(input.workers, 1));
}

}  // namespace quiver::dist
