#pragma once

#include <arrow/dataset/type_fwd.h>
#include <arrow/result.h>
#include <parquet/metadata.h>

#include <compare>
#include <cstdint>
#include <memory>
#include <string>

namespace quiver::storage {

/// A version of a file: a rewritten file is another file to every cache keyed so.
struct FileVersion {
  std::string path;
  uintmax_t size = 0;
  int64_t modified = 0;
  auto operator<=>(const FileVersion&) const = default;
};

/// The file's version now, or an IOError naming it.
arrow::Result<FileVersion> VersionOf(const std::string& path);

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
