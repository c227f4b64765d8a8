#include "quiver/storage/parquet_footers.h"

#include <arrow/dataset/file_parquet.h>
#include <arrow/dataset/scanner.h>
#include <arrow/io/file.h>
#include <parquet/arrow/reader.h>
#include <parquet/file_reader.h>

#include <filesystem>
#include <list>
#include <map>
#include <mutex>

namespace quiver::storage {

namespace {

namespace fs = std::filesystem;

// Most recently read first; the map points into the list.
class FooterCache {
 public:
  std::shared_ptr<parquet::FileMetaData> Find(const FileVersion& version) {
    std::lock_guard lock(mutex_);
    auto found = index_.find(version);
    if (found == index_.end()) return nullptr;
    entries_.splice(entries_.begin(), entries_, found->second);
    return found->second->footer;
  }

  void Insert(const FileVersion& version, std::shared_ptr<parquet::FileMetaData> footer) {
    const int64_t bytes = footer->size();
    std::lock_guard lock(mutex_);
    if (index_.count(version)) return;
    entries_.push_front(Entry{version, std::move(footer), bytes});
    index_[version] = entries_.begin();
    bytes_ += bytes;
    while (bytes_ > kCachedFooterBytes && entries_.size() > 1) {
      bytes_ -= entries_.back().bytes;
      index_.erase(entries_.back().version);
      entries_.pop_back();
    }
  }

 private:
  struct Entry {
    FileVersion version;
    std::shared_ptr<parquet::FileMetaData> footer;
    int64_t bytes = 0;
  };
  std::mutex mutex_;
  std::list<Entry> entries_;
  std::map<FileVersion, std::list<Entry>::iterator> index_;
  int64_t bytes_ = 0;
};

FooterCache& Footers() {
  static FooterCache cache;
  return cache;
}

}  // namespace

arrow::Result<FileVersion> VersionOf(const std::string& path) {
  std::error_code error;
  FileVersion version{path, fs::file_size(path, error), 0};
  if (error) return arrow::Status::IOError("cannot read '", path, "': ", error.message());
  version.modified = fs::last_write_time(path, error).time_since_epoch().count();
  if (error) return arrow::Status::IOError("cannot read '", path, "': ", error.message());
  return version;
}

arrow::Result<std::shared_ptr<parquet::FileMetaData>> ReadParquetFooter(const std::string& path) {
  ARROW_ASSIGN_OR_RAISE(const auto version, VersionOf(path));
  if (auto footer = Footers().Find(version)) return footer;
  ARROW_ASSIGN_OR_RAISE(auto input, arrow::io::ReadableFile::Open(path));
  std::shared_ptr<parquet::FileMetaData> footer;
  // The Parquet reader reports damaged or encrypted footers by throwing.
  try {
    footer = parquet::ReadMetaData(input);
  } catch (const std::exception& e) {
    return arrow::Status::IOError("cannot read the Parquet footer of '", path, "': ", e.what());
  }
  Footers().Insert(version, footer);
  return footer;
}

arrow::Status AttachCachedFooter(const arrow::dataset::ParquetFileFormat& format,
                                 arrow::dataset::ParquetFileFragment* fragment) {
  ARROW_ASSIGN_OR_RAISE(auto footer, ReadParquetFooter(fragment->source().path()));
  // A reader opened with the footer given reads none; the fragment takes its footer
  // and schema from it.
  auto options = std::make_shared<arrow::dataset::ScanOptions>();
  ARROW_ASSIGN_OR_RAISE(auto reader, format.GetReader(fragment->source(), options, footer));
  return fragment->EnsureCompleteMetadata(reader.get());
}

}  // namespace quiver::storage
