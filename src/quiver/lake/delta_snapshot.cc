#include "quiver/lake/delta_snapshot.h"

#include <nlohmann/json.hpp>

#include "quiver/lake/delta_checkpoint.h"
#include "quiver/lake/delta_schema.h"

namespace quiver::lake {

namespace {

// What this reader understands of the protocol. Tables asking for more are refused
// rather than read wrongly.
arrow::Status CheckReadable(const DeltaSnapshot& snapshot, const DeltaLog& log) {
  const DeltaProtocol& protocol = snapshot.protocol;
  if (protocol.min_reader_version > 3) {
    return arrow::Status::NotImplemented("Delta table ", log.table_dir(), " needs reader version ",
                                         protocol.min_reader_version, " (Quiver reads up to 3)");
  }
  for (const auto& feature : protocol.reader_features) {
    if (feature != "timestampNtz") {
      return arrow::Status::NotImplemented("Delta table ", log.table_dir(), " uses the reader feature \"", feature,
                                           "\", which Quiver cannot read yet");
    }
  }
  auto mapping = snapshot.metadata.configuration.find("delta.columnMapping.mode");
  if (mapping != snapshot.metadata.configuration.end() && mapping->second != "none") {
    return arrow::Status::NotImplemented("Delta table ", log.table_dir(),
                                         " uses column mapping, which Quiver cannot read yet");
  }
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<DeltaSnapshot>> ReplayFrom(const DeltaLog& log, std::shared_ptr<DeltaSnapshot> state,
                                                         int64_t target) {
  for (int64_t version = state->version + 1; version <= target; ++version) {
    ARROW_ASSIGN_OR_RAISE(auto commit, log.ReadCommit(version));
    ARROW_RETURN_NOT_OK(state->Apply(commit));
    state->version = version;
  }
  if (state->version < 0) return arrow::Status::KeyError("no Delta table at ", log.table_dir());
  if (!state->schema) return arrow::Status::IOError("Delta table ", log.table_dir(), " has no metaData action");
  ARROW_RETURN_NOT_OK(CheckReadable(*state, log));
  return state;
}

}  // namespace

arrow::Status DeltaSnapshot::Apply(const DeltaCommit& commit) {
  if (commit.protocol) protocol = *commit.protocol;
  if (commit.metadata) {
    ARROW_ASSIGN_OR_RAISE(schema, FromDeltaSchemaString(commit.metadata->schema_string));
    metadata = *commit.metadata;
  }
  for (const auto& remove : commit.removes) {
    files.erase(remove.path);
    tombstones[remove.path] = remove;
  }
  for (const auto& add : commit.adds) {
    if (add.has_deletion_vector) {
      return arrow::Status::NotImplemented("Delta file ", add.path,
                                           " has a deletion vector, which Quiver cannot read yet");
    }
    tombstones.erase(add.path);
    files[add.path] = add;
  }
  return arrow::Status::OK();
}

int64_t DeltaSnapshot::RowCount() const {
  int64_t rows = 0;
  for (const auto& [path, file] : files) {
    auto stats = nlohmann::json::parse(file.stats, nullptr, /*allow_exceptions=*/false);
    if (stats.is_discarded() || !stats.contains("numRecords") || !stats["numRecords"].is_number_integer()) return -1;
    rows += stats["numRecords"].get<int64_t>();
  }
  return rows;
}

arrow::Result<std::shared_ptr<const DeltaSnapshot>> LoadSnapshot(const DeltaLog& log, std::optional<int64_t> version) {
  int64_t target = 0;
  if (version) {
    target = *version;
  } else {
    ARROW_ASSIGN_OR_RAISE(target, log.LatestVersion());
    if (target < 0) return arrow::Status::KeyError("no Delta table at ", log.table_dir());
  }
  auto state = std::make_shared<DeltaSnapshot>();
  const int64_t checkpoint = log.LastCheckpointVersion();
  if (checkpoint >= 0 && checkpoint <= target) {
    // A checkpoint that cannot be read is not fatal: every commit is still there.
    auto actions = ReadCheckpoint(log, checkpoint);
    if (actions.ok()) {
      auto from_checkpoint = std::make_shared<DeltaSnapshot>();
      if (from_checkpoint->Apply(*actions).ok()) {
        from_checkpoint->version = checkpoint;
        state = std::move(from_checkpoint);
      }
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto loaded, ReplayFrom(log, std::move(state), target));
  return std::shared_ptr<const DeltaSnapshot>(std::move(loaded));
}

arrow::Result<std::shared_ptr<const DeltaSnapshot>> RefreshSnapshot(const DeltaLog& log,
                                                                    std::shared_ptr<const DeltaSnapshot> previous) {
  if (!previous) return LoadSnapshot(log);
  ARROW_ASSIGN_OR_RAISE(int64_t latest, log.LatestVersion(previous->version));
  if (latest == previous->version) return previous;
  ARROW_ASSIGN_OR_RAISE(auto loaded, ReplayFrom(log, std::make_shared<DeltaSnapshot>(*previous), latest));
  return std::shared_ptr<const DeltaSnapshot>(std::move(loaded));
}

}  // namespace quiver::lake
