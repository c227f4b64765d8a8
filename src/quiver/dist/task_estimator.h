#pragma once

#include <cstddef>
#include <cstdint>

namespace quiver::dist {

/// What a stage's task count is decided from.
struct StageInput {
  /// Bytes the stage reads: its scans' files (as stored), or the estimated size of the
  /// rows an exchange brings it.
  double bytes = 0;
  size_t files = 0;  // files its scans read; 0 for a stage fed only by exchanges
  /// The units the scans can be cut into (files, or row groups); a scan stage with more
  /// tasks than units leaves some idle.
  size_t scan_units = 0;
  size_t workers = 1;  // workers the query may use
};

/// Decides how many tasks a stage gets: the extension point for parallelism. The
/// planner bounds the answer to 1 … workers. Implementations are thread-safe.
class TaskEstimator {
 public:
  virtual ~TaskEstimator() = default;
  virtual size_t Tasks(const StageInput& input) const = 0;
};

/// One task per `bytes_per_task` read (at least one), never more than the scan units
/// or the workers.
class BytesTaskEstimator : public TaskEstimator {
 public:
  static constexpr double kDefaultBytesPerTask = 16.0 * 1024 * 1024;
  explicit BytesTaskEstimator(double bytes_per_task = kDefaultBytesPerTask) : bytes_per_task_(bytes_per_task) {}
  size_t Tasks(const StageInput& input) const override;

 private:
  double bytes_per_task_;
};

}  // namespace quiver::dist
