#pragma once

// What the examples share: a scratch directory with a small Parquet table, and running
// SQL through a session. Not part of any extension point.

#include <arrow/api.h>
#include <arrow/io/file.h>
#include <parquet/arrow/writer.h>

#include <filesystem>
#include <iostream>
#include <string>

#include "quiver/engine/engine.h"
#include "quiver/engine/session.h"

namespace example {

/// A fresh directory under the system's temporary one, named after the example.
inline std::filesystem::path ScratchDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("quiver_example_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// `files` Parquet files of 1,000 rows (id, city) under dir/trips, and its path.
inline arrow::Result<std::string> WriteTrips(const std::filesystem::path& dir, int files) {
  const auto table_dir = dir / "trips";
  std::filesystem::create_directories(table_dir);
  const char* cities[] = {"Amsterdam", "Berlin", "Lisbon", "Oslo"};
  for (int file = 0; file < files; ++file) {
    arrow::Int64Builder ids;
    arrow::StringBuilder names;
    for (int64_t i = 0; i < 1000; ++i) {
      ARROW_RETURN_NOT_OK(ids.Append(file * 1000 + i));
      ARROW_RETURN_NOT_OK(names.Append(cities[i % 4]));
    }
    ARROW_ASSIGN_OR_RAISE(auto id_array, ids.Finish());
    ARROW_ASSIGN_OR_RAISE(auto city_array, names.Finish());
    auto table =
        arrow::Table::Make(arrow::schema({arrow::field("id", arrow::int64()), arrow::field("city", arrow::utf8())}),
                           {id_array, city_array});
    ARROW_ASSIGN_OR_RAISE(auto out, arrow::io::FileOutputStream::Open(
                                        (table_dir / ("part" + std::to_string(file) + ".parquet")).string()));
    ARROW_RETURN_NOT_OK(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, 1000));
    ARROW_RETURN_NOT_OK(out->Close());
  }
  return table_dir.string();
}

/// Runs `sql` and returns its result as a table.
inline arrow::Result<std::shared_ptr<arrow::Table>> Query(quiver::engine::Session& session, const std::string& sql) {
  ARROW_ASSIGN_OR_RAISE(auto result, session.Execute(sql));
  if (!result.batches) return arrow::Table::MakeEmpty(arrow::schema({}));
  return result.batches->ToTable();
}

/// Runs an example's body, printing its error if it fails (exit status 1).
inline int Main(arrow::Status (*body)()) {
  auto status = body();
  if (!status.ok()) {
    std::cerr << "example failed: " << status.ToString() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace example
