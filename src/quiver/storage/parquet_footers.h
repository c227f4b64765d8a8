#pragma once

#include <arrow/dataset/type_fwd.h>
#include <arrow/result.h>
#include <parquet/metadata.h>

#include <memory>
#include <string>

namespace quiver::storage {

/// The parsed footer of a Parquet file, read once per version of the file (path, size
/// and modification time) for the life of the process. Parsing lineitem's footer (53
/// row groups of 16 columns) costs about a millisecond and many small allocations, and
/// every stage task of every query would do it for each file it scans. Footers of
/// at most kCachedFooterBytes in all are kept, the least recently read first out.
arrow::Result<std::shared_ptr<parquet::FileMetaData>> ReadParquetFooter(const std::string& path);

/// Gives a Parquet fragment its file's footer from ReadParquetFooter, so that planning
/// and scanning it neither read nor parse the footer again.
arrow::Status AttachCachedFooter(const arrow::dataset::ParquetFileFormat& format,
                                 arrow::dataset::ParquetFileFragment* fragment);

constexpr int64_t kCachedFooterBytes = int64_t{64} << 20;

}  // namespace quiver::storage
