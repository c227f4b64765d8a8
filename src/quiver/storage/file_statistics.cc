#include "quiver/storage/file_statistics.h"

#include <arrow/array.h>
#include <arrow/array/concatenate.h>
#include <arrow/compute/api.h>
#include <arrow/dataset/dataset.h>
#include <arrow/dataset/file_base.h>
#include <arrow/io/file.h>
#include <arrow/scalar.h>
#include <arrow/table.h>
#include <parquet/arrow/reader.h>
#include <parquet/file_reader.h>
#include <parquet/metadata.h>
#include <parquet/statistics.h>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "quiver/storage/parquet_footers.h"
#include "quiver/storage/scalar_numbers.h"

namespace quiver::storage {

namespace {

// Row groups read per table and column to estimate distinct counts.
constexpr size_t kSampledRowGroups = 4;

struct ChunkStatistics {
  std::shared_ptr<arrow::Scalar> min, max;
  std::optional<int64_t> null_count;
};

// One file's footer, as far as estimates need it.
struct FooterStatistics {
  std::vector<int64_t> row_group_rows;
  std::map<std::string, int> column_index;                     // top-level column name → leaf index
  std::map<std::string, std::vector<ChunkStatistics>> chunks;  // per row group, where every chunk has statistics
  std::vector<std::string> dictionary_encoded_strings;
};

bool IsStringColumn(const parquet::ColumnDescriptor& column) {
  if (column.physical_type() != parquet::Type::BYTE_ARRAY) return false;
  const auto& logical = column.logical_type();
  return logical && (logical->is_string() || logical->is_enum() || logical->is_JSON());
}

// Whether every data page of the chunk is dictionary-encoded (a writer falls back to
// plain pages when a dictionary grows too large).
bool AllPagesUseTheDictionary(const parquet::ColumnChunkMetaData& chunk) {
  const auto& pages = chunk.encoding_stats();
  if (pages.empty()) return false;  // the writer did not say
  for (const auto& page : pages) {
    if (page.page_type != parquet::PageType::DATA_PAGE && page.page_type != parquet::PageType::DATA_PAGE_V2) continue;
    if (page.encoding != parquet::Encoding::RLE_DICTIONARY && page.encoding != parquet::Encoding::PLAIN_DICTIONARY) {
      return false;
    }
  }
  return true;
}

struct DistinctSample {
  double distinct = 0;  // the estimate for the whole table
};

std::mutex cache_mutex;
std::map<FileVersion, std::shared_ptr<const FooterStatistics>> footer_cache;
std::map<std::pair<std::string, std::string>, DistinctSample> distinct_cache;  // (table signature, column)
// Whole statistics by (table signature, sampled columns): merging every row group's
// min and max is most of the work once footers are cached, and planning asks for a
// table's statistics once per scan of every statement.
std::map<std::pair<std::string, std::vector<std::string>>, TableStatistics> table_cache;
constexpr size_t kCachedTableStatistics = 1024;

// What estimates need from one footer. The Parquet reader reports damaged or encrypted
// footers by throwing; the caller catches.
std::shared_ptr<const FooterStatistics> SummarizeFooter(const parquet::FileMetaData& footer_metadata) {
  const auto* metadata = &footer_metadata;
  auto footer = std::make_shared<FooterStatistics>();
  const auto* schema = metadata->schema();
  for (int i = 0; i < schema->group_node()->field_count(); ++i) {
    const auto& field = schema->group_node()->field(i);
    if (!field->is_primitive()) continue;  // nested columns have no single min/max
    footer->column_index[field->name()] = schema->ColumnIndex(*field);
  }
  for (const auto& [name, index] : footer->column_index) {
    if (!IsStringColumn(*schema->Column(index))) continue;
    bool dictionary = metadata->num_row_groups() > 0;
    for (int group = 0; group < metadata->num_row_groups() && dictionary; ++group) {
      dictionary = AllPagesUseTheDictionary(*metadata->RowGroup(group)->ColumnChunk(index));
    }
    if (dictionary) footer->dictionary_encoded_strings.push_back(name);
  }
  for (int group = 0; group < metadata->num_row_groups(); ++group) {
    auto row_group = metadata->RowGroup(group);
    footer->row_group_rows.push_back(row_group->num_rows());
    for (const auto& [name, index] : footer->column_index) {
      ChunkStatistics chunk;
      auto column = row_group->ColumnChunk(index);
      auto statistics = column->statistics();
      if (statistics) {
        if (statistics->HasNullCount()) chunk.null_count = statistics->null_count();
        if (statistics->HasMinMax()) {
          // Types without an Arrow scalar form keep no min/max.
          (void)parquet::arrow::StatisticsAsScalars(*statistics, &chunk.min, &chunk.max);
        }
      }
      footer->chunks[name].push_back(std::move(chunk));
    }
  }
  return footer;
}

arrow::Result<std::shared_ptr<const FooterStatistics>> ReadFooter(const FileVersion& file) {
  {
    std::lock_guard lock(cache_mutex);
    if (auto found = footer_cache.find(file); found != footer_cache.end()) return found->second;
  }
  ARROW_ASSIGN_OR_RAISE(auto metadata, ReadParquetFooter(file.path));
  std::shared_ptr<const FooterStatistics> footer;
  try {
    footer = SummarizeFooter(*metadata);
  } catch (const std::exception& e) {
    return arrow::Status::IOError("cannot read the Parquet footer of '", file.path, "': ", e.what());
  }
  std::lock_guard lock(cache_mutex);
  footer_cache[file] = footer;
  return footer;
}

// min over chunks of `a`, treating a missing value as unknown for the whole column.
std::shared_ptr<arrow::Scalar> Extreme(const std::shared_ptr<arrow::Scalar>& a, const std::shared_ptr<arrow::Scalar>& b,
                                       bool want_min) {
  if (!a || !b) return nullptr;
  auto x = NumberOf(*a), y = NumberOf(*b);
  if (x && y) return (want_min ? *x <= *y : *x >= *y) ? a : b;
  if (a->type->id() == arrow::Type::STRING || a->type->id() == arrow::Type::BINARY) {
    const auto& sa = static_cast<const arrow::BaseBinaryScalar&>(*a);
    const auto& sb = static_cast<const arrow::BaseBinaryScalar&>(*b);
    bool a_first = sa.view() <= sb.view();
    return (want_min == a_first) ? a : b;
  }
  return nullptr;
}

// The column's values from the chosen row groups, as one array of a hashable type.
arrow::Result<std::shared_ptr<arrow::Array>> ReadSample(
    const std::vector<std::pair<const FileVersion*, int>>& row_groups, int column_index) {
  // Each file is opened (and its footer parsed) once, for all its chosen row groups.
  std::vector<std::pair<const FileVersion*, std::vector<int>>> by_file;
  for (const auto& [file, group] : row_groups) {
    auto same = std::find_if(by_file.begin(), by_file.end(), [&](const auto& entry) { return entry.first == file; });
    if (same == by_file.end()) same = by_file.insert(by_file.end(), {file, {}});
    same->second.push_back(group);
  }
  arrow::ArrayVector pieces;
  for (const auto& [file, groups] : by_file) {
    ARROW_ASSIGN_OR_RAISE(auto input, arrow::io::ReadableFile::Open(file->path));
    ARROW_ASSIGN_OR_RAISE(auto reader, parquet::arrow::OpenFile(input, arrow::default_memory_pool()));
    std::shared_ptr<arrow::Table> table;
    ARROW_RETURN_NOT_OK(reader->ReadRowGroups(groups, {column_index}, &table));
    for (auto chunk : table->column(0)->chunks()) {
      const auto id = chunk->type()->id();
      if (id == arrow::Type::STRING_VIEW || id == arrow::Type::LARGE_STRING || id == arrow::Type::DICTIONARY) {
        ARROW_ASSIGN_OR_RAISE(chunk, arrow::compute::Cast(*chunk, arrow::utf8()));
      } else if (id == arrow::Type::BINARY_VIEW || id == arrow::Type::LARGE_BINARY) {
        ARROW_ASSIGN_OR_RAISE(chunk, arrow::compute::Cast(*chunk, arrow::binary()));
      }
      pieces.push_back(chunk);
    }
  }
  if (pieces.empty()) return arrow::Status::Invalid("empty sample");
  return arrow::Concatenate(pieces);
}

// Whether the row groups' [min, max] ranges follow each other without overlap: data
// sorted or clustered by this column, where a sample of whole row groups sees few
// repeats and GEE would underestimate.
bool RangesAreDisjoint(const std::vector<ChunkStatistics>& chunks) {
  std::vector<std::pair<double, double>> ranges;
  for (const auto& chunk : chunks) {
    if (!chunk.min || !chunk.max) return false;
    auto low = NumberOf(*chunk.min), high = NumberOf(*chunk.max);
    if (!low || !high) return false;
    ranges.emplace_back(*low, *high);
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].first <= ranges[i - 1].second) return false;
  }
  return ranges.size() > 1;
}

struct TableFile {
  FileVersion identity;
  std::shared_ptr<const FooterStatistics> footer;
};

arrow::Result<double> EstimateDistinct(const std::string& signature, const std::vector<TableFile>& files,
                                       const std::string& column, double total_rows, double null_count) {
  {
    std::lock_guard lock(cache_mutex);
    if (auto found = distinct_cache.find({signature, column}); found != distinct_cache.end()) {
      return found->second.distinct;
    }
  }
  // Every row group of the table, then a few of them spread evenly.
  std::vector<std::pair<const FileVersion*, int>> all_groups;
  std::vector<ChunkStatistics> all_chunks;
  int column_index = -1;
  for (const auto& file : files) {
    auto index = file.footer->column_index.find(column);
    if (index == file.footer->column_index.end()) return arrow::Status::Invalid("no column");
    column_index = index->second;  // files of one table share their layout; checked below
    for (size_t group = 0; group < file.footer->row_group_rows.size(); ++group) {
      all_groups.emplace_back(&file.identity, static_cast<int>(group));
      all_chunks.push_back(file.footer->chunks.at(column)[group]);
    }
  }
  if (all_groups.empty()) return 0.0;
  std::vector<std::pair<const FileVersion*, int>> chosen;
  size_t count = std::min(kSampledRowGroups, all_groups.size());
  for (size_t i = 0; i < count; ++i) chosen.push_back(all_groups[i * all_groups.size() / count]);
  for (const auto& [file, group] : chosen) {
    const auto& footer =
        std::find_if(files.begin(), files.end(), [&](const TableFile& f) { return &f.identity == file; })->footer;
    if (footer->column_index.at(column) != column_index) return arrow::Status::Invalid("layouts differ");
  }
  ARROW_ASSIGN_OR_RAISE(auto sample, ReadSample(chosen, column_index));
  ARROW_ASSIGN_OR_RAISE(auto counted, arrow::compute::ValueCounts(sample));
  auto counts = std::static_pointer_cast<arrow::Int64Array>(counted->field(1));
  auto values = counted->field(0);
  double distinct = 0, singletons = 0;
  for (int64_t i = 0; i < counts->length(); ++i) {
    if (values->IsNull(i)) continue;
    ++distinct;
    if (counts->Value(i) == 1) ++singletons;
  }
  double sample_rows = static_cast<double>(sample->length() - sample->null_count());
  double non_null_rows = std::max(total_rows - null_count, 0.0);
  double estimate = sample_rows >= non_null_rows
                        ? distinct
                        : EstimateDistinctFromSample(non_null_rows, sample_rows, distinct, singletons);
  if (sample_rows > 0 && sample_rows < non_null_rows && RangesAreDisjoint(all_chunks)) {
    // Clustered: each row group holds its own values, as many per row as in the sample.
    estimate = std::max(estimate, distinct / sample_rows * non_null_rows);
  }
  estimate = std::min(std::max(estimate, distinct), non_null_rows);
  std::lock_guard lock(cache_mutex);
  distinct_cache[{signature, column}] = {estimate};
  return estimate;
}

}  // namespace

double EstimateDistinctFromSample(double total_rows, double sample_rows, double sample_distinct, double singletons) {
  if (sample_rows <= 0) return 0;
  if (sample_rows >= total_rows) return sample_distinct;
  return std::sqrt(total_rows / sample_rows) * singletons + (sample_distinct - singletons);
}

arrow::Result<std::vector<std::string>> DictionaryEncodedStringColumns(const std::string& path) {
  ARROW_ASSIGN_OR_RAISE(auto identity, VersionOf(path));
  ARROW_ASSIGN_OR_RAISE(auto footer, ReadFooter(identity));
  return footer->dictionary_encoded_strings;
}

arrow::Result<TableStatistics> GetTableStatistics(const FileTable& table,
                                                  const std::vector<std::string>& distinct_columns) {
  TableStatistics statistics;
  ARROW_ASSIGN_OR_RAISE(auto fragments, table.dataset()->GetFragments());
  std::vector<std::string> paths;
  for (auto fragment : fragments) {
    ARROW_ASSIGN_OR_RAISE(auto f, fragment);
    auto file = std::dynamic_pointer_cast<arrow::dataset::FileFragment>(f);
    if (!file) return arrow::Status::NotImplemented("statistics of non-file fragments");
    paths.push_back(file->source().path());
  }
  if (table.spec().format != "parquet" && table.spec().format != "delta") {
    // Without footers, guess from the bytes: about 100 bytes per CSV row.
    double bytes = 0;
    for (const auto& path : paths) {
      ARROW_ASSIGN_OR_RAISE(auto identity, VersionOf(path));
      bytes += static_cast<double>(identity.size);
    }
    statistics.row_count = std::max(1.0, bytes / 100);
    return statistics;
  }

  std::vector<TableFile> files;
  std::string signature;
  for (const auto& path : paths) {
    ARROW_ASSIGN_OR_RAISE(auto identity, VersionOf(path));
    ARROW_ASSIGN_OR_RAISE(auto footer, ReadFooter(identity));
    signature += path + ":" + std::to_string(identity.size) + ":" + std::to_string(identity.modified) + ";";
    files.push_back({std::move(identity), std::move(footer)});
  }
  std::vector<std::string> sampled = distinct_columns;
  std::sort(sampled.begin(), sampled.end());
  auto key = std::make_pair(signature, sampled);
  {
    std::lock_guard lock(cache_mutex);
    if (auto found = table_cache.find(key); found != table_cache.end()) return found->second;
  }
  statistics.row_count_known = true;
  for (const auto& file : files) {
    for (int64_t rows : file.footer->row_group_rows) statistics.row_count += static_cast<double>(rows);
  }
  for (const auto& [name, unused] : files.empty() ? std::map<std::string, int>{} : files[0].footer->column_index) {
    ColumnStatistics column;
    bool first = true, have_nulls = true;
    double nulls = 0;
    for (const auto& file : files) {
      auto chunks = file.footer->chunks.find(name);
      if (chunks == file.footer->chunks.end()) {
        column.min = column.max = nullptr;
        have_nulls = false;
        break;
      }
      for (const auto& chunk : chunks->second) {
        column.min = first ? chunk.min : Extreme(column.min, chunk.min, true);
        column.max = first ? chunk.max : Extreme(column.max, chunk.max, false);
        first = false;
        if (chunk.null_count) {
          nulls += static_cast<double>(*chunk.null_count);
        } else {
          have_nulls = false;
        }
      }
    }
    if (have_nulls) column.null_count = nulls;
    statistics.columns[name] = std::move(column);
  }
  for (const auto& name : distinct_columns) {
    auto column = statistics.columns.find(name);
    if (column == statistics.columns.end()) continue;
    auto distinct =
        EstimateDistinct(signature, files, name, statistics.row_count, column->second.null_count.value_or(0));
    // A sample that cannot be read leaves the distinct count unknown; the query itself
    // reports the file's problem if it reads the column.
    if (distinct.ok()) column->second.distinct_count = *distinct;
  }
  std::lock_guard lock(cache_mutex);
  if (table_cache.size() >= kCachedTableStatistics) table_cache.clear();
  table_cache[key] = statistics;
  return statistics;
}

}  // namespace quiver::storage
