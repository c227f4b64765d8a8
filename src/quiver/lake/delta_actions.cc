#include "quiver/lake/delta_actions.h"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

namespace quiver::lake {

namespace {

using json = nlohmann::json;

json PartitionValuesJson(const std::map<std::string, std::optional<std::string>>& values) {
  json out = json::object();
  for (const auto& [column, value] : values) out[column] = value ? json(*value) : json(nullptr);
  return out;
}

std::map<std::string, std::optional<std::string>> PartitionValuesFrom(const json& action) {
  std::map<std::string, std::optional<std::string>> out;
  auto it = action.find("partitionValues");
  if (it == action.end() || !it->is_object()) return out;
  for (const auto& [column, value] : it->items()) {
    out[column] = value.is_string() ? std::optional<std::string>(value.get<std::string>()) : std::nullopt;
  }
  return out;
}

std::map<std::string, std::string> StringMapFrom(const json& object) {
  std::map<std::string, std::string> out;
  if (!object.is_object()) return out;
  for (const auto& [key, value] : object.items())
    out[key] = value.is_string() ? value.get<std::string>() : value.dump();
  return out;
}

std::string StringOr(const json& object, const char* key, const std::string& fallback = "") {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

DeltaProtocol ProtocolFrom(const json& action) {
  DeltaProtocol protocol;
  protocol.min_reader_version = action.value("minReaderVersion", 1);
  protocol.min_writer_version = action.value("minWriterVersion", 2);
  if (action.contains("readerFeatures"))
    protocol.reader_features = action["readerFeatures"].get<std::vector<std::string>>();
  if (action.contains("writerFeatures"))
    protocol.writer_features = action["writerFeatures"].get<std::vector<std::string>>();
  return protocol;
}

DeltaMetadata MetadataFrom(const json& action) {
  DeltaMetadata metadata;
  metadata.id = StringOr(action, "id");
  metadata.name = StringOr(action, "name");
  metadata.description = StringOr(action, "description");
  metadata.schema_string = StringOr(action, "schemaString");
  if (action.contains("partitionColumns") && action["partitionColumns"].is_array()) {
    metadata.partition_columns = action["partitionColumns"].get<std::vector<std::string>>();
  }
  if (action.contains("configuration")) metadata.configuration = StringMapFrom(action["configuration"]);
  if (action.contains("createdTime") && action["createdTime"].is_number()) {
    metadata.created_time = action["createdTime"].get<int64_t>();
  }
  return metadata;
}

}  // namespace

std::string EncodeCommit(const DeltaCommit& commit) {
  std::string out;
  auto line = [&](const char* action, const json& body) { out += json{{action, body}}.dump() + "\n"; };
  if (commit.commit_info) {
    const CommitInfo& info = *commit.commit_info;
    json body = {{"timestamp", info.timestamp},
                 {"operation", info.operation},
                 {"operationParameters", info.operation_parameters},
                 {"operationMetrics", info.operation_metrics},
                 {"isBlindAppend", info.is_blind_append},
                 {"engineInfo", info.engine_info}};
    if (info.read_version) body["readVersion"] = *info.read_version;
    line("commitInfo", body);
  }
  if (commit.protocol) {
    const DeltaProtocol& protocol = *commit.protocol;
    json body = {{"minReaderVersion", protocol.min_reader_version}, {"minWriterVersion", protocol.min_writer_version}};
    if (protocol.min_reader_version >= 3) body["readerFeatures"] = protocol.reader_features;
    if (protocol.min_writer_version >= 7) body["writerFeatures"] = protocol.writer_features;
    line("protocol", body);
  }
  if (commit.metadata) {
    const DeltaMetadata& metadata = *commit.metadata;
    json body = {{"id", metadata.id},
                 {"format", {{"provider", "parquet"}, {"options", json::object()}}},
                 {"schemaString", metadata.schema_string},
                 {"partitionColumns", metadata.partition_columns},
                 {"configuration", metadata.configuration},
                 {"createdTime", metadata.created_time}};
    if (!metadata.name.empty()) body["name"] = metadata.name;
    if (!metadata.description.empty()) body["description"] = metadata.description;
    line("metaData", body);
  }
  for (const auto& remove : commit.removes) {
    json body = {{"path", remove.path},
                 {"deletionTimestamp", remove.deletion_timestamp},
                 {"dataChange", remove.data_change},
                 {"extendedFileMetadata", remove.size.has_value()},
                 {"partitionValues", PartitionValuesJson(remove.partition_values)}};
    if (remove.size) body["size"] = *remove.size;
    line("remove", body);
  }
  for (const auto& add : commit.adds) {
    json body = {{"path", add.path},
                 {"partitionValues", PartitionValuesJson(add.partition_values)},
                 {"size", add.size},
                 {"modificationTime", add.modification_time},
                 {"dataChange", add.data_change}};
    if (!add.stats.empty()) body["stats"] = add.stats;
    line("add", body);
  }
  return out;
}

arrow::Result<DeltaCommit> DecodeCommit(const std::string& text, const std::string& source) {
  DeltaCommit commit;
  std::istringstream lines(text);
  std::string line;
  int line_number = 0;
  while (std::getline(lines, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      return arrow::Status::IOError("Delta log ", source, " line ", line_number, " is not a JSON object");
    }
    try {
      if (auto it = parsed.find("add"); it != parsed.end()) {
        AddFile add;
        add.path = DecodePath(it->at("path").get<std::string>());
        add.partition_values = PartitionValuesFrom(*it);
        add.size = it->value("size", int64_t{0});
        add.modification_time = it->value("modificationTime", int64_t{0});
        add.data_change = it->value("dataChange", true);
        add.stats = StringOr(*it, "stats");
        add.has_deletion_vector = it->contains("deletionVector") && !(*it)["deletionVector"].is_null();
        commit.adds.push_back(std::move(add));
      } else if (auto it = parsed.find("remove"); it != parsed.end()) {
        RemoveFile remove;
        remove.path = DecodePath(it->at("path").get<std::string>());
        remove.deletion_timestamp = it->value("deletionTimestamp", int64_t{0});
        remove.data_change = it->value("dataChange", true);
        remove.partition_values = PartitionValuesFrom(*it);
        if (it->contains("size") && (*it)["size"].is_number()) remove.size = (*it)["size"].get<int64_t>();
        commit.removes.push_back(std::move(remove));
      } else if (auto it = parsed.find("metaData"); it != parsed.end()) {
        commit.metadata = MetadataFrom(*it);
      } else if (auto it = parsed.find("protocol"); it != parsed.end()) {
        commit.protocol = ProtocolFrom(*it);
      } else if (auto it = parsed.find("commitInfo"); it != parsed.end()) {
        CommitInfo info;
        info.timestamp = it->value("timestamp", int64_t{0});
        info.operation = StringOr(*it, "operation");
        if (it->contains("operationParameters"))
          info.operation_parameters = StringMapFrom((*it)["operationParameters"]);
        if (it->contains("operationMetrics")) info.operation_metrics = StringMapFrom((*it)["operationMetrics"]);
        if (it->contains("readVersion") && (*it)["readVersion"].is_number()) {
          info.read_version = (*it)["readVersion"].get<int64_t>();
        }
        info.is_blind_append = it->value("isBlindAppend", false);
        info.engine_info = StringOr(*it, "engineInfo");
        commit.commit_info = std::move(info);
      }
    } catch (const json::exception& error) {
      return arrow::Status::IOError("Delta log ", source, " line ", line_number, " is malformed: ", error.what());
    }
  }
  return commit;
}

std::string EncodePath(const std::string& path) {
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '=' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof(escaped), "%%%02X", c);
      out += escaped;
    }
  }
  return out;
}

std::string DecodePath(const std::string& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size() && std::isxdigit(static_cast<unsigned char>(path[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(path[i + 2]))) {
      out += static_cast<char>(std::stoi(path.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += path[i];
    }
  }
  return out;
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string NewUuid() {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  uint64_t high = generator(), low = generator();
  high = (high & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;    // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof(text), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xFFFF), static_cast<unsigned>(high & 0xFFFF),
                static_cast<unsigned>(low >> 48), static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
  return text;
}

}  // namespace quiver::lake
