#include "quiver/lake/delta_table.h"

#include <algorithm>
#include <filesystem>

#include "quiver/lake/delta_checkpoint.h"
#include "quiver/lake/delta_schema.h"

namespace quiver::lake {

namespace {

namespace fs = std::filesystem;

constexpr const char* kEngineInfo = "Quiver/" QUIVER_VERSION;
// A writer that keeps losing the race for the next version gives up eventually.
constexpr int kMaxCommitAttempts = 1000;

DeltaProtocol ProtocolFor(const arrow::Schema& schema) {
  DeltaProtocol protocol;
  if (UsesTimestampWithoutTimeZone(schema)) {
    protocol.min_reader_version = 3;
    protocol.min_writer_version = 7;
    protocol.reader_features = {"timestampNtz"};
    protocol.writer_features = {"timestampNtz"};
  }
  return protocol;
}

arrow::Status Conflict(const DeltaLog& log, int64_t version, const std::string& what) {
  return arrow::Status::IOError("write conflict on table ", fs::path(log.table_dir()).filename().string(),
                                ": a concurrent statement (version ", version, ") ", what,
                                "; nothing was written, retry the statement");
}

// Whether `change`, computed from an older snapshot, can still be committed after
// `other` (committed concurrently as `version`).
arrow::Status CheckConflict(const DeltaLog& log, const DeltaCommit& other, int64_t version, const TableChange& change) {
  if (other.metadata || other.protocol) return Conflict(log, version, "changed the table's definition");
  if ((change.new_schema || change.new_configuration) && !other.adds.empty()) {
    return Conflict(log, version, "added rows while the table's definition was being changed");
  }
  for (const auto& remove : other.removes) {
    if (change.read_files.count(remove.path) > 0 ||
        std::find(change.removes.begin(), change.removes.end(), remove.path) != change.removes.end()) {
      return Conflict(log, version, "changed or deleted rows this statement read");
    }
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Result<std::shared_ptr<DeltaTable>> DeltaTable::Open(const std::string& dir) {
  std::shared_ptr<DeltaTable> table(new DeltaTable(dir));
  ARROW_RETURN_NOT_OK(table->Snapshot().status());
  return table;
}

arrow::Result<std::shared_ptr<DeltaTable>> DeltaTable::Create(const std::string& dir,
                                                              const std::shared_ptr<arrow::Schema>& schema,
                                                              const NewTableOptions& options, std::vector<AddFile> adds,
                                                              std::map<std::string, std::string> metrics) {
  std::shared_ptr<DeltaTable> table(new DeltaTable(dir));
  DeltaCommit commit;
  commit.protocol = ProtocolFor(*schema);
  DeltaMetadata metadata;
  metadata.id = NewUuid();
  metadata.name = options.name;
  ARROW_ASSIGN_OR_RAISE(metadata.schema_string, ToDeltaSchemaString(*schema));
  metadata.configuration = options.configuration;
  metadata.created_time = NowMillis();
  commit.metadata = std::move(metadata);
  CommitInfo info;
  info.timestamp = NowMillis();
  info.operation = adds.empty() ? "CREATE TABLE" : "CREATE TABLE AS SELECT";
  info.operation_metrics = std::move(metrics);
  info.engine_info = kEngineInfo;
  commit.commit_info = std::move(info);
  commit.adds = std::move(adds);
  auto status = table->log_.WriteCommit(0, commit);
  if (status.IsAlreadyExists()) return arrow::Status::AlreadyExists("a Delta table already exists at ", dir);
  ARROW_RETURN_NOT_OK(status);
  return table;
}

arrow::Result<std::shared_ptr<const DeltaSnapshot>> DeltaTable::Snapshot() {
  std::lock_guard lock(mutex_);
  ARROW_ASSIGN_OR_RAISE(latest_, RefreshSnapshot(log_, latest_));
  return latest_;
}

namespace {

// The commit that records `change`, made against `read`.
arrow::Result<DeltaCommit> CommitOf(const DeltaSnapshot& read, const TableChange& change) {
  DeltaCommit commit;
  CommitInfo info;
  info.timestamp = NowMillis();
  info.operation = change.operation;
  info.operation_parameters = change.parameters;
  info.operation_metrics = change.metrics;
  info.read_version = read.version;
  info.is_blind_append = change.removes.empty() && change.read_files.empty() && !change.new_schema;
  info.engine_info = kEngineInfo;
  commit.commit_info = std::move(info);
  if (change.new_schema || change.new_configuration) {
    DeltaMetadata metadata = read.metadata;
    const arrow::Schema& schema = change.new_schema ? **change.new_schema : *read.schema;
    ARROW_ASSIGN_OR_RAISE(metadata.schema_string, ToDeltaSchemaString(schema));
    if (change.new_configuration) metadata.configuration = *change.new_configuration;
    DeltaProtocol protocol = ProtocolFor(schema);
    if (protocol.min_reader_version != read.protocol.min_reader_version ||
        protocol.min_writer_version != read.protocol.min_writer_version) {
      commit.protocol = protocol;
    }
    commit.metadata = std::move(metadata);
  }
  const int64_t now = NowMillis();
  for (const auto& path : change.removes) {
    RemoveFile remove;
    remove.path = path;
    remove.deletion_timestamp = now;
    auto it = read.files.find(path);
    if (it != read.files.end()) {
      remove.partition_values = it->second.partition_values;
      remove.size = it->second.size;
    }
    commit.removes.push_back(std::move(remove));
  }
  commit.adds = change.adds;
  return commit;
}

}  // namespace

std::mutex& CommitLock() {
  static std::mutex lock;
  return lock;
}

arrow::Result<int64_t> DeltaTable::Commit(const DeltaSnapshot& read, const TableChange& change) {
  int64_t version;
  {
    std::lock_guard lock(CommitLock());
    ARROW_ASSIGN_OR_RAISE(auto prepared, Prepare(read, change));
    // Another process (a writer other than Quiver) may still take the version first;
    // then its commit is checked too and this one tried again after it.
    for (int attempt = 1;; ++attempt) {
      auto status = Publish(prepared);
      if (status.ok()) break;
      if (!status.IsAlreadyExists()) return status;
      if (attempt == kMaxCommitAttempts) return Conflict(log_, prepared.version, "kept committing first");
      ARROW_ASSIGN_OR_RAISE(prepared, Prepare(read, change));
    }
    version = prepared.version;
  }
  CheckpointIfDue(version);
  return version;
}

arrow::Result<PreparedCommit> DeltaTable::Prepare(const DeltaSnapshot& read, const TableChange& change) {
  ARROW_ASSIGN_OR_RAISE(auto commit, CommitOf(read, change));
  ARROW_ASSIGN_OR_RAISE(const int64_t latest, log_.LatestVersion(read.version));
  for (int64_t version = read.version + 1; version <= latest; ++version) {
    ARROW_ASSIGN_OR_RAISE(auto other, log_.ReadCommit(version));
    ARROW_RETURN_NOT_OK(CheckConflict(log_, other, version, change));
  }
  commit.commit_info->read_version = latest;
  return PreparedCommit{latest + 1, EncodeCommit(commit)};
}

arrow::Status DeltaTable::Publish(const PreparedCommit& commit) {
  return log_.WriteCommitText(commit.version, commit.text);
}

void DeltaTable::CheckpointIfDue(int64_t version) {
  // The checkpoint is an optimization for readers: failing to write one loses nothing.
  auto snapshot = Snapshot();
  if (snapshot.ok() && version % CheckpointInterval((*snapshot)->metadata) == 0) {
    auto at_version = (*snapshot)->version == version ? *snapshot : LoadSnapshot(log_, version).ValueOr(nullptr);
    if (at_version) (void)WriteCheckpoint(log_, *at_version);
  }
}

void DeleteUncommitted(const std::string& table_dir, const std::vector<AddFile>& adds) {
  std::error_code ec;
  for (const auto& add : adds) fs::remove(fs::path(table_dir) / add.path, ec);
}

arrow::Result<int64_t> RemoveUncommittedFiles(const std::string& table_dir, const DeltaSnapshot& latest) {
  DeltaLog log(table_dir);
  int64_t removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(table_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name.empty() || name[0] == '_') continue;
    if (latest.files.count(name) > 0 || latest.tombstones.count(name) > 0) continue;
    if (fs::remove(entry.path(), ec)) ++removed;
  }
  // Temporary files of commits and checkpoints a crash interrupted.
  for (const auto& entry : fs::directory_iterator(log.log_dir(), ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.size() > 1 && name[0] == '.' && name.find(".tmp") != std::string::npos) {
      if (fs::remove(entry.path(), ec)) ++removed;
    }
  }
  return removed;
}

arrow::Result<VacuumResult> VacuumRemovedFiles(const std::string& table_dir, const DeltaSnapshot& latest,
                                               int64_t removed_before) {
  VacuumResult result;
  for (const auto& [path, tombstone] : latest.tombstones) {
    if (tombstone.deletion_timestamp >= removed_before || latest.files.count(path) > 0) continue;
    const fs::path file = fs::path(table_dir) / path;
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec) continue;  // deleted already
    if (!fs::remove(file, ec)) {
      return arrow::Status::IOError("cannot delete ", file.string(), ": ", ec.message());
    }
    ++result.files;
    result.bytes += static_cast<int64_t>(size);
  }
  return result;
}

}  // namespace quiver::lake
