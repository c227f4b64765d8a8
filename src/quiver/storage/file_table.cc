#include "quiver/storage/file_table.h"

#include <arrow/csv/options.h>
#include <arrow/dataset/dataset.h>
#include <arrow/dataset/discovery.h>
#include <arrow/dataset/file_csv.h>
#include <arrow/dataset/file_parquet.h>
#include <arrow/dataset/partition.h>
#include <arrow/filesystem/localfs.h>
#include <arrow/type.h>
#include <fnmatch.h>
#include <parquet/properties.h>

#include <algorithm>
#include <atomic>
#include <filesystem>

#include "quiver/storage/file_statistics.h"
#include "quiver/storage/opened_file_tables.h"

namespace quiver::storage {

namespace fs = std::filesystem;
namespace ds = arrow::dataset;

namespace {

bool HasGlob(const std::string& path) { return path.find_first_of("*?[") != std::string::npos; }

bool IsHiddenName(const std::string& path) {
  auto name = fs::path(path).filename().string();
  return !name.empty() && (name[0] == '.' || name[0] == '_');
}

arrow::Result<std::shared_ptr<ds::FileFormat>> MakeFormat(const FileTableSpec& spec) {
  if (spec.format == "delta") return std::make_shared<ds::ParquetFileFormat>();
  if (spec.format == "parquet") return std::make_shared<ds::ParquetFileFormat>();
  if (spec.format == "csv") {
    auto format = std::make_shared<ds::CsvFileFormat>();
    for (const auto& [key, value] : spec.options) {
      if (key == "header") {
        if (value != "true" && value != "false") {
          return arrow::Status::Invalid("CSV option header must be true or false, not '", value, "'");
        }
        auto read_options = arrow::csv::ReadOptions::Defaults();
        read_options.autogenerate_column_names = value == "false";
        auto fragment_options = std::make_shared<ds::CsvFragmentScanOptions>();
        fragment_options->read_options = read_options;
        format->default_fragment_scan_options = fragment_options;
      } else if (key == "delimiter") {
        if (value.size() != 1) {
          return arrow::Status::Invalid("CSV delimiter must be one character, not '", value, "'");
        }
        format->parse_options.delimiter = value[0];
      } else {
        return arrow::Status::Invalid("unknown CSV option '", key, "' (known: header, delimiter)");
      }
    }
    if (spec.declared_schema) {
      auto fragment_options =
          format->default_fragment_scan_options
              ? std::static_pointer_cast<ds::CsvFragmentScanOptions>(format->default_fragment_scan_options)
              : std::make_shared<ds::CsvFragmentScanOptions>();
      for (const auto& field : spec.declared_schema->fields()) {
        fragment_options->convert_options.column_types[field->name()] = field->type();
      }
      format->default_fragment_scan_options = fragment_options;
    }
    return format;
  }
  return arrow::Status::Invalid("unknown file format '", spec.format, "' (expected parquet or csv)");
}

// The directory part of a glob before its first wildcard segment: the files of
// "/data/20*/x*.parquet" are found below "/data".
std::string GlobBase(const std::string& pattern) {
  size_t wildcard = pattern.find_first_of("*?[");
  size_t slash = pattern.rfind('/', wildcard);
  return slash == std::string::npos ? "." : pattern.substr(0, slash);
}

arrow::Result<std::vector<arrow::fs::FileInfo>> ExpandGlob(arrow::fs::FileSystem& filesystem,
                                                           const std::string& pattern) {
  std::string base = GlobBase(pattern);
  arrow::fs::FileSelector selector;
  selector.base_dir = base;
  selector.recursive = true;
  ARROW_ASSIGN_OR_RAISE(auto infos, filesystem.GetFileInfo(selector));
  // `**` may cross directories; a single `*` stays within one.
  int flags = pattern.find("**") == std::string::npos ? FNM_PATHNAME : 0;
  std::vector<arrow::fs::FileInfo> files;
  // `dir/**/x` also matches `dir/x`: ** stands for zero or more directories.
  std::string without_globstar = pattern;
  for (size_t at; (at = without_globstar.find("**/")) != std::string::npos;) without_globstar.erase(at, 3);
  for (auto& info : infos) {
    if (!info.IsFile() || IsHiddenName(info.path())) continue;
    if (fnmatch(pattern.c_str(), info.path().c_str(), flags) == 0 ||
        fnmatch(without_globstar.c_str(), info.path().c_str(), FNM_PATHNAME) == 0) {
      files.push_back(std::move(info));
    }
  }
  return files;
}

// The data files a location matches, sorted by path, with their sizes and times.
struct Listing {
  std::vector<arrow::fs::FileInfo> files;
  std::string partition_base_dir;  // where Hive partition directories start
};

arrow::Result<Listing> ListFiles(arrow::fs::FileSystem& filesystem, std::string location) {
  Listing listing;
  if (HasGlob(location)) {
    ARROW_ASSIGN_OR_RAISE(listing.files, ExpandGlob(filesystem, location));
    if (listing.files.empty()) return arrow::Status::IOError("no files match '", location, "'");
    listing.partition_base_dir = GlobBase(location);
  } else {
    while (location.size() > 1 && location.back() == '/') location.pop_back();
    ARROW_ASSIGN_OR_RAISE(auto info, filesystem.GetFileInfo(location));
    if (info.type() == arrow::fs::FileType::NotFound) {
      return arrow::Status::IOError("no such file or directory: '", location, "'");
    }
    if (info.IsDirectory()) {
      arrow::fs::FileSelector selector;
      selector.base_dir = location;
      selector.recursive = true;
      ARROW_ASSIGN_OR_RAISE(auto infos, filesystem.GetFileInfo(selector));
      for (auto& file : infos) {
        if (file.IsFile() && !IsHiddenName(file.path())) listing.files.push_back(std::move(file));
      }
      if (listing.files.empty()) return arrow::Status::IOError("directory '", location, "' has no data files");
      listing.partition_base_dir = location;
    } else {
      listing.files.push_back(std::move(info));
    }
  }
  std::sort(listing.files.begin(), listing.files.end(), arrow::fs::FileInfo::ByPath{});
  return listing;
}

std::atomic<arrow::MemoryPool*> file_read_pool{nullptr};

// Files may store strings as string_view, large_string or dictionaries (the Arrow
// schema saved in Parquet says so, e.g. tpchgen-cli writes string_view). Many compute
// kernels and Acero's joins handle only plain strings, so the table reads every string
// column as utf8 (and binary likewise); the scan converts while decoding.
std::shared_ptr<arrow::DataType> NormalizedType(const std::shared_ptr<arrow::DataType>& type) {
  switch (type->id()) {
    case arrow::Type::STRING_VIEW:
    case arrow::Type::LARGE_STRING:
      return arrow::utf8();
    case arrow::Type::BINARY_VIEW:
    case arrow::Type::LARGE_BINARY:
      return arrow::binary();
    case arrow::Type::DICTIONARY:
      return NormalizedType(static_cast<const arrow::DictionaryType&>(*type).value_type());
    default:
      return type;
  }
}

}  // namespace

std::shared_ptr<arrow::Schema> NormalizedSchema(const arrow::Schema& schema) {
  arrow::FieldVector fields;
  for (const auto& field : schema.fields()) fields.push_back(field->WithType(NormalizedType(field->type())));
  return arrow::schema(std::move(fields), schema.metadata());
}

void SetFileReadPool(arrow::MemoryPool* pool) { file_read_pool.store(pool); }

std::shared_ptr<ds::ParquetFragmentScanOptions> ParquetOptionsReadingInto(const ds::ParquetFragmentScanOptions& options,
                                                                          arrow::MemoryPool* pool) {
  auto reading = std::make_shared<ds::ParquetFragmentScanOptions>(options);
  reading->arrow_reader_properties = std::make_shared<parquet::ArrowReaderProperties>(*options.arrow_reader_properties);
  reading->arrow_reader_properties->set_io_context(arrow::io::IOContext(pool));
  return reading;
}

arrow::Result<std::shared_ptr<ds::FileFormat>> MakeFileFormat(const FileTableSpec& spec) { return MakeFormat(spec); }

std::shared_ptr<arrow::fs::FileSystem> LocalReadFileSystem() {
  arrow::MemoryPool* read_pool = file_read_pool.load();
  return std::make_shared<arrow::fs::LocalFileSystem>(
      arrow::fs::LocalFileSystemOptions::Defaults(),
      arrow::io::IOContext(read_pool ? read_pool : arrow::default_memory_pool()));
}

std::string AbsoluteLocation(const std::string& location) {
  if (location.empty() || location[0] == '/') return location;
  std::string absolute = (fs::current_path() / location).lexically_normal().string();
  // lexically_normal drops a trailing slash of "dir/"; keep it for readability.
  if (location.back() == '/' && absolute.back() != '/') absolute += '/';
  return absolute;
}

arrow::Result<std::shared_ptr<FileTable>> FileTable::Open(FileTableSpec spec,
                                                          std::shared_ptr<arrow::Schema> known_schema) {
  spec.location = AbsoluteLocation(spec.location);
  ARROW_ASSIGN_OR_RAISE(auto format, MakeFormat(spec));
  auto filesystem = LocalReadFileSystem();
  ARROW_ASSIGN_OR_RAISE(auto listing, ListFiles(*filesystem, spec.location));
  const std::string key = OpenedFileTables::Key(spec, known_schema.get());
  if (auto opened = OpenedFileTables::Instance().Find(key, listing.files)) return opened;

  std::shared_ptr<FileTable> table(new FileTable());
  table->file_count_ = listing.files.size();
  const std::string first_file = listing.files[0].path();  // decides which strings are read as dictionaries
  ds::FileSystemFactoryOptions options;
  options.partitioning = ds::HivePartitioning::MakeFactory();
  options.partition_base_dir = listing.partition_base_dir;
  ARROW_ASSIGN_OR_RAISE(auto factory, ds::FileSystemDatasetFactory::Make(filesystem, listing.files, format, options));

  if (spec.format == "parquet") {
    // Strings stored with dictionaries are read as Arrow dictionaries (the scan
    // decodes them to utf8): much faster than the reader building each string.
    auto dictionary_columns = DictionaryEncodedStringColumns(first_file);
    if (dictionary_columns.ok()) {
      auto& options = std::static_pointer_cast<ds::ParquetFileFormat>(format)->reader_options;
      options.dict_columns.insert(dictionary_columns->begin(), dictionary_columns->end());
    }
  }

  // The dataset reads the files' own types; the table presents normalized (or
  // declared) types, and the scan converts between the two.
  auto inspected = factory->Inspect();
  if (!inspected.ok()) {
    return arrow::Status::IOError("cannot read ", spec.format, " files at '", spec.location,
                                  "': ", inspected.status().message());
  }
  auto dataset = factory->Finish(*inspected);
  if (!dataset.ok()) {
    return arrow::Status::IOError("cannot open ", spec.format, " files at '", spec.location,
                                  "': ", dataset.status().message());
  }
  table->dataset_ = *dataset;

  // Partition columns are the fields of the directory-name partitioning.
  auto* file_dataset = dynamic_cast<ds::FileSystemDataset*>(table->dataset_.get());
  if (file_dataset && file_dataset->partitioning()) {
    for (const auto& field : file_dataset->partitioning()->schema()->fields()) {
      table->partition_columns_.push_back(field->name());
    }
  }

  std::shared_ptr<arrow::Schema> schema = known_schema;
  if (!schema && spec.declared_schema) {
    // Declared columns decide names and types; partition columns still come from paths.
    auto fields = spec.declared_schema->fields();
    for (const auto& name : table->partition_columns_) {
      if (spec.declared_schema->GetFieldIndex(name) < 0) fields.push_back((*inspected)->GetFieldByName(name));
    }
    schema = arrow::schema(fields);
  }
  if (!schema) schema = NormalizedSchema(**inspected);
  for (const auto& field : schema->fields()) {
    if ((*inspected)->GetFieldIndex(field->name()) < 0) {
      return arrow::Status::IOError("column \"", field->name(), "\" is not in the ", spec.format, " files at '",
                                    spec.location, "'");
    }
  }
  table->schema_ = schema;
  table->spec_ = std::move(spec);
  OpenedFileTables::Instance().Remember(key, std::move(listing.files), table);
  return table;
}

std::shared_ptr<FileTable> FileTable::Make(FileTableSpec spec, std::shared_ptr<arrow::Schema> schema,
                                           std::shared_ptr<arrow::dataset::Dataset> dataset, size_t file_count) {
  std::shared_ptr<FileTable> table(new FileTable());
  table->spec_ = std::move(spec);
  table->schema_ = std::move(schema);
  table->dataset_ = std::move(dataset);
  table->file_count_ = file_count;
  return table;
}

std::shared_ptr<FileTable> FileTable::WithFileNameColumn(const std::string& name) const {
  auto table = std::make_shared<FileTable>(*this);
  auto fields = schema_->fields();
  fields.push_back(arrow::field(name, arrow::utf8()));
  table->schema_ = arrow::schema(std::move(fields));
  table->file_name_column_ = name;
  return table;
}

std::shared_ptr<arrow::Schema> FileTable::file_schema() const { return dataset_->schema(); }

std::string FileTable::Describe() const {
  return spec_.format + " '" + spec_.location + "' (" + std::to_string(file_count_) +
         (file_count_ == 1 ? " file)" : " files)");
}

}  // namespace quiver::storage
