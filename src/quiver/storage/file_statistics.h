#pragma once

// What a table's files say about their data without being read in full: row counts and
// per-column min, max and null counts from Parquet footers, and distinct counts
// estimated from a sample of row groups. The optimizer's cardinality estimates start here.

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "quiver/storage/file_table.h"

namespace quiver::storage {

struct ColumnStatistics {
  std::shared_ptr<arrow::Scalar> min;  // null when the files do not say
  std::shared_ptr<arrow::Scalar> max;
  std::optional<double> null_count;
  std::optional<double> distinct_count;  // an estimate, from a sample
};

struct TableStatistics {
  double row_count = 0;
  bool row_count_known = false;  // false: a guess from file sizes (CSV)
  /// By file column name; only columns the files have statistics for.
  std::map<std::string, ColumnStatistics> columns;
};

/// Statistics of `table`'s files, with distinct counts estimated for `distinct_columns`
/// (file column names). Footers are read once per file and samples once per file and
/// column: both are cached for the life of the process, keyed by path, size and
/// modification time, so a rewritten file is read again; so are the table's merged
/// statistics.
arrow::Result<TableStatistics> GetTableStatistics(const FileTable& table,
                                                  const std::vector<std::string>& distinct_columns);

/// The string columns of a Parquet file whose data pages are all dictionary-encoded in
/// every row group (from the footer's page encoding statistics; cached like the
/// statistics). Reading those as Arrow dictionaries and decoding them skips building
/// one string per row in the reader, which is much faster for repetitive values.
arrow::Result<std::vector<std::string>> DictionaryEncodedStringColumns(const std::string& path);

/// Estimates the number of distinct values in a column of `total_rows` rows from
/// a sample of it: `sample_rows` rows of which `sample_distinct` were distinct and
/// `singletons` occurred once. Uses the GEE estimator (Charikar et al., 2000):
/// sqrt(total/sample) * singletons + (sample_distinct - singletons).
double EstimateDistinctFromSample(double total_rows, double sample_rows, double sample_distinct, double singletons);

}  // namespace quiver::storage
