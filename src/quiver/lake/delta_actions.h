#pragma once

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace quiver::lake {

/// The actions of the Delta Lake transaction log (PROTOCOL.md of the Delta project):
/// each commit file `_delta_log/<version>.json` holds one action per line.

struct DeltaProtocol {
  int32_t min_reader_version = 1;
  int32_t min_writer_version = 2;
  /// Table features, present from reader version 3 / writer version 7 on.
  std::vector<std::string> reader_features;
  std::vector<std::string> writer_features;
};

struct DeltaMetadata {
  std::string id;  // a UUID fixed when the table is created
  std::string name;
  std::string description;
  std::string schema_string;  // see delta_schema.h
  std::vector<std::string> partition_columns;
  std::map<std::string, std::string> configuration;
  int64_t created_time = 0;  // milliseconds since the epoch
};

/// A data file that became part of the table.
struct AddFile {
  std::string path;  // relative to the table directory, URL-encoded as Delta requires
  std::map<std::string, std::optional<std::string>> partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;  // milliseconds since the epoch
  bool data_change = true;
  /// JSON: {"numRecords":…,"minValues":{…},"maxValues":{…},"nullCount":{…}}; may be empty.
  std::string stats;
  /// Set when the writer attached a deletion vector; Quiver never does and refuses to
  /// read tables that have them.
  bool has_deletion_vector = false;
};

/// A data file that stopped being part of the table (the file stays until vacuumed,
/// so older versions can still be read).
struct RemoveFile {
  std::string path;
  int64_t deletion_timestamp = 0;
  bool data_change = true;
  std::map<std::string, std::optional<std::string>> partition_values;
  std::optional<int64_t> size;
};

struct CommitInfo {
  int64_t timestamp = 0;
  std::string operation;  // "WRITE", "DELETE", "UPDATE", "CREATE TABLE" …
  std::map<std::string, std::string> operation_parameters;
  std::map<std::string, std::string> operation_metrics;
  std::optional<int64_t> read_version;
  bool is_blind_append = false;
  std::string engine_info;
};

/// Everything one commit says.
struct DeltaCommit {
  std::optional<CommitInfo> commit_info;
  std::optional<DeltaProtocol> protocol;
  std::optional<DeltaMetadata> metadata;
  std::vector<AddFile> adds;
  std::vector<RemoveFile> removes;
};

/// The commit's lines, commitInfo first, each ending with a newline.
std::string EncodeCommit(const DeltaCommit& commit);

/// Parses a commit file's text. Unknown actions (txn, cdc, domainMetadata …) are
/// skipped. `source` names the file in errors.
arrow::Result<DeltaCommit> DecodeCommit(const std::string& text, const std::string& source);

/// Delta paths are URL-encoded (RFC 2396); these convert to and from file names.
std::string EncodePath(const std::string& path);
std::string DecodePath(const std::string& path);

/// Milliseconds since the epoch, now.
int64_t NowMillis();

/// A random UUID (version 4), as Delta uses for table ids.
std::string NewUuid();

}  // namespace quiver::lake
