#pragma once

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace quiver::lake {

/// Collects the statistics Delta keeps per data file (the `stats` of an add action):
/// the row count and, per top-level column, the minimum, maximum and NULL count.
/// Readers skip files whose ranges cannot match a filter.
class FileStatsCollector {
 public:
  explicit FileStatsCollector(std::shared_ptr<arrow::Schema> schema);

  arrow::Status Add(const arrow::RecordBatch& batch);

  /// {"numRecords":…,"minValues":{…},"maxValues":{…},"nullCount":{…}}. Strings are
  /// cut to 32 characters in minValues (a prefix is still a lower bound) and left
  /// out of maxValues when longer; timestamps are written to the millisecond, as
  /// Delta does (a reader widens maxima by a millisecond).
  arrow::Result<std::string> ToJson() const;

 private:
  struct ColumnStats {
    std::vector<std::shared_ptr<arrow::Scalar>> minima, maxima;  // per batch
    int64_t nulls = 0;
  };
  std::shared_ptr<arrow::Schema> schema_;
  std::vector<ColumnStats> columns_;
  int64_t rows_ = 0;
};

/// What a file's stats say about one column; a bound is null where unknown.
struct ColumnBounds {
  std::shared_ptr<arrow::Scalar> min, max;
  std::optional<int64_t> null_count;
};

/// A stats JSON read back against the table's columns. Bounds that cannot be read
/// exactly as the column's type are left unknown (decimals of more than 15 digits,
/// which JSON numbers carry as doubles); timestamp maxima are widened by the
/// millisecond they were truncated to.
struct ParsedStats {
  int64_t num_records = -1;
  std::map<std::string, ColumnBounds> columns;
};
ParsedStats ParseStats(const std::string& stats, const arrow::Schema& schema);

}  // namespace quiver::lake
