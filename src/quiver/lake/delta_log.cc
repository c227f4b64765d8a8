#include "quiver/lake/delta_log.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "quiver/common/durable_file.h"

namespace quiver::lake {

namespace {

namespace fs = std::filesystem;

// A commit file's name is exactly twenty digits and ".json".
int64_t VersionOfCommitFile(const std::string& name) {
  if (name.size() != 25 || name.compare(20, 5, ".json") != 0) return -1;
  int64_t version = 0;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    version = version * 10 + (name[i] - '0');
  }
  return version;
}

}  // namespace

DeltaLog::DeltaLog(std::string table_dir)
    : table_dir_(std::move(table_dir)), log_dir_((fs::path(table_dir_) / "_delta_log").string()) {}

std::string DeltaLog::CommitFileName(int64_t version) {
  char name[32];
  std::snprintf(name, sizeof(name), "%020lld.json", static_cast<long long>(version));
  return name;
}

std::string DeltaLog::CheckpointFileName(int64_t version) {
  char name[48];
  std::snprintf(name, sizeof(name), "%020lld.checkpoint.parquet", static_cast<long long>(version));
  return name;
}

arrow::Result<int64_t> DeltaLog::LatestVersion(int64_t at_least) const {
  std::error_code ec;
  if (at_least >= 0) {
    int64_t version = at_least;
    while (fs::exists(fs::path(log_dir_) / CommitFileName(version + 1), ec)) ++version;
    return version;
  }
  int64_t latest = -1;
  fs::directory_iterator entries(log_dir_, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return -1;
    return arrow::Status::IOError("cannot list ", log_dir_, ": ", ec.message());
  }
  for (const auto& entry : entries) latest = std::max(latest, VersionOfCommitFile(entry.path().filename().string()));
  return latest;
}

arrow::Result<DeltaCommit> DeltaLog::ReadCommit(int64_t version) const {
  const std::string path = (fs::path(log_dir_) / CommitFileName(version)).string();
  ARROW_ASSIGN_OR_RAISE(auto text, ReadWholeFile(path));
  return DecodeCommit(text, path);
}

arrow::Status DeltaLog::WriteCommit(int64_t version, const DeltaCommit& commit) const {
  return WriteCommitText(version, EncodeCommit(commit));
}

arrow::Status DeltaLog::WriteCommitText(int64_t version, const std::string& text) const {
  std::error_code ec;
  fs::create_directories(log_dir_, ec);
  if (ec) return arrow::Status::IOError("cannot create ", log_dir_, ": ", ec.message());
  return WriteFileExclusive((fs::path(log_dir_) / CommitFileName(version)).string(), text);
}

int64_t DeltaLog::LastCheckpointVersion() const {
  auto text = ReadWholeFile((fs::path(log_dir_) / "_last_checkpoint").string());
  if (!text.ok()) return -1;
  auto parsed = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("version") ||
      !parsed["version"].is_number_integer()) {
    return -1;
  }
  return parsed["version"].get<int64_t>();
}

}  // namespace quiver::lake
