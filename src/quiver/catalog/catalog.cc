#include "quiver/catalog/catalog.h"

#include <arrow/buffer.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/reader.h>
#include <arrow/ipc/writer.h>
#include <arrow/type.h>
#include <arrow/util/base64.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "quiver/common/durable_file.h"

namespace quiver::catalog {

namespace fs = std::filesystem;
using json = nlohmann::json;

const char* TableKindName(TableKind kind) {
  switch (kind) {
    case TableKind::kExternal:
      return "TABLE";
    case TableKind::kView:
      return "VIEW";
    case TableKind::kManaged:
      return "TABLE";
  }
  return "TABLE";
}

namespace {

constexpr const char* kCatalogFile = "catalog.json";
constexpr int kFormatVersion = 1;

// Schemas are kept as Arrow IPC bytes (base64) so every type round-trips exactly.
arrow::Result<std::string> EncodeSchema(const arrow::Schema& schema) {
  ARROW_ASSIGN_OR_RAISE(auto buffer, arrow::ipc::SerializeSchema(schema));
  return arrow::util::base64_encode(std::string_view(*buffer));
}

arrow::Result<std::shared_ptr<arrow::Schema>> DecodeSchema(const std::string& text) {
  ARROW_ASSIGN_OR_RAISE(auto bytes, arrow::util::base64_decode(text));
  arrow::io::BufferReader reader(std::make_shared<arrow::Buffer>(bytes));
  arrow::ipc::DictionaryMemo memo;
  return arrow::ipc::ReadSchema(&reader, &memo);
}

const char* KindKey(TableKind kind) {
  switch (kind) {
    case TableKind::kView:
      return "view";
    case TableKind::kManaged:
      return "managed";
    case TableKind::kExternal:
      break;
  }
  return "external";
}

arrow::Result<TableKind> ParseKind(const std::string& text) {
  if (text == "view") return TableKind::kView;
  if (text == "external") return TableKind::kExternal;
  if (text == "managed") return TableKind::kManaged;
  return arrow::Status::Invalid("catalog: unknown table kind '", text, "'");
}

bool SameName(const TableEntry& entry, const std::string& schema_name, const std::string& name) {
  return entry.schema_name == schema_name && entry.name == name;
}

}  // namespace

Catalog::Catalog(std::string data_dir, bool persistent) : data_dir_(std::move(data_dir)), persistent_(persistent) {}

arrow::Result<std::shared_ptr<Catalog>> Catalog::Open(const std::string& data_dir) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) return arrow::Status::IOError("cannot create data directory ", data_dir, ": ", ec.message());
  std::shared_ptr<Catalog> catalog(new Catalog(fs::absolute(data_dir).lexically_normal().string(), true));
  ARROW_RETURN_NOT_OK(catalog->Load());
  return catalog;
}

std::shared_ptr<Catalog> Catalog::InMemory(const std::string& data_dir, const std::string& schema) {
  std::shared_ptr<Catalog> catalog(new Catalog(data_dir, false));
  catalog->schemas_.push_back(schema);
  return catalog;
}

arrow::Status Catalog::Load() {
  fs::path path = fs::path(data_dir_) / kCatalogFile;
  if (!fs::exists(path)) return arrow::Status::OK();
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  json doc = json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("tables")) {
    return arrow::Status::IOError("catalog file ", path.string(), " is not valid JSON");
  }
  for (const auto& item : doc["tables"]) {
    auto entry = std::make_shared<TableEntry>();
    entry->schema_name = item.value("schema", std::string(kDefaultSchema));
    entry->name = item.value("name", "");
    ARROW_ASSIGN_OR_RAISE(entry->kind, ParseKind(item.value("kind", "")));
    ARROW_ASSIGN_OR_RAISE(entry->schema, DecodeSchema(item.value("arrow_schema", "")));
    entry->format = item.value("format", "");
    entry->location = item.value("location", "");
    entry->options = item.value("options", std::map<std::string, std::string>{});
    entry->partition_columns = item.value("partition_columns", std::vector<std::string>{});
    entry->view_sql = item.value("view_sql", "");
    entry->primary_key = item.value("primary_key", std::vector<std::string>{});
    entry->cached = item.value("cached", false);
    tables_.push_back(std::move(entry));
  }
  schemas_ = doc.value("schemas", std::vector<std::string>{});
  return arrow::Status::OK();
}

arrow::Status Catalog::SaveLocked() const {
  if (!persistent_) return arrow::Status::OK();
  json tables = json::array();
  for (const auto& entry : tables_) {
    ARROW_ASSIGN_OR_RAISE(auto encoded, EncodeSchema(*entry->schema));
    json item = {{"schema", entry->schema_name},
                 {"name", entry->name},
                 {"kind", KindKey(entry->kind)},
                 {"arrow_schema", encoded}};
    if (entry->kind == TableKind::kExternal) {
      item["format"] = entry->format;
      item["location"] = entry->location;
      item["options"] = entry->options;
      item["partition_columns"] = entry->partition_columns;
    } else if (entry->kind == TableKind::kManaged) {
      item["location"] = entry->location;
      item["primary_key"] = entry->primary_key;
    } else {
      item["view_sql"] = entry->view_sql;
    }
    if (entry->cached) item["cached"] = true;
    tables.push_back(std::move(item));
  }
  json doc = {{"format_version", kFormatVersion}, {"schemas", schemas_}, {"tables", std::move(tables)}};
  return WriteFileReplacing((fs::path(data_dir_) / kCatalogFile).string(), doc.dump(2) + "\n");
}

std::shared_ptr<const TableEntry> Catalog::FindTable(const std::string& schema_name, const std::string& name) const {
  std::lock_guard lock(mutex_);
  for (const auto& entry : tables_) {
    if (SameName(*entry, schema_name, name)) return entry;
  }
  return nullptr;
}

arrow::Result<std::shared_ptr<const TableEntry>> Catalog::GetTable(const std::string& schema_name,
                                                                   const std::string& name) const {
  auto entry = FindTable(schema_name, name);
  if (!entry) return arrow::Status::KeyError("table \"", name, "\" does not exist");
  return entry;
}

std::vector<std::shared_ptr<const TableEntry>> Catalog::ListTables() const {
  std::lock_guard lock(mutex_);
  auto result = tables_;
  std::sort(result.begin(), result.end(), [](const auto& a, const auto& b) {
    return std::tie(a->schema_name, a->name) < std::tie(b->schema_name, b->name);
  });
  return result;
}

std::vector<std::string> Catalog::ListSchemas() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> names = schemas_;
  names.push_back(kDefaultSchema);
  std::sort(names.begin(), names.end());
  return names;
}

bool Catalog::HasSchema(const std::string& name) const {
  std::lock_guard lock(mutex_);
  return name == kDefaultSchema || std::find(schemas_.begin(), schemas_.end(), name) != schemas_.end();
}

arrow::Status Catalog::CreateSchema(const std::string& name, bool if_not_exists) {
  std::lock_guard lock(mutex_);
  if (name == kDefaultSchema || std::find(schemas_.begin(), schemas_.end(), name) != schemas_.end()) {
    if (if_not_exists) return arrow::Status::OK();
    return arrow::Status::AlreadyExists("schema \"", name, "\" already exists");
  }
  schemas_.push_back(name);
  auto status = SaveLocked();
  if (!status.ok()) schemas_.pop_back();
  return status;
}

arrow::Result<std::vector<std::shared_ptr<const TableEntry>>> Catalog::DropSchema(const std::string& name,
                                                                                  bool cascade) {
  std::lock_guard lock(mutex_);
  if (name == kDefaultSchema) return arrow::Status::Invalid("schema \"", name, "\" cannot be dropped");
  auto it = std::find(schemas_.begin(), schemas_.end(), name);
  if (it == schemas_.end()) return arrow::Status::KeyError("schema \"", name, "\" does not exist");
  std::vector<std::shared_ptr<const TableEntry>> dropped, kept;
  for (const auto& entry : tables_) (entry->schema_name == name ? dropped : kept).push_back(entry);
  if (!dropped.empty() && !cascade) {
    return arrow::Status::Invalid("cannot drop schema \"", name, "\" because it holds ", dropped.size(),
                                  dropped.size() == 1 ? " table or view" : " tables or views", " (\"",
                                  dropped.front()->name, "\" …); use DROP SCHEMA … CASCADE");
  }
  auto previous_tables = tables_;
  auto previous_schemas = schemas_;
  tables_ = std::move(kept);
  schemas_.erase(it);
  auto status = SaveLocked();
  if (!status.ok()) {
    tables_ = std::move(previous_tables);
    schemas_ = std::move(previous_schemas);
    return status;
  }
  return dropped;
}

arrow::Status Catalog::CreateTable(TableEntry entry, bool replace) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(tables_.begin(), tables_.end(),
                         [&](const auto& e) { return SameName(*e, entry.schema_name, entry.name); });
  auto previous = tables_;
  if (it != tables_.end()) {
    if (!replace) {
      return arrow::Status::AlreadyExists("relation \"", entry.name, "\" already exists");
    }
    if ((*it)->kind != entry.kind) {
      return arrow::Status::Invalid("\"", entry.name, "\" is a ", TableKindName((*it)->kind), ", not a ",
                                    TableKindName(entry.kind));
    }
    *it = std::make_shared<const TableEntry>(std::move(entry));
  } else {
    tables_.push_back(std::make_shared<const TableEntry>(std::move(entry)));
  }
  auto status = SaveLocked();
  if (!status.ok()) tables_ = std::move(previous);
  return status;
}

arrow::Result<std::shared_ptr<const TableEntry>> Catalog::DropTable(const std::string& schema_name,
                                                                    const std::string& name, TableKind kind) {
  std::lock_guard lock(mutex_);
  auto it =
      std::find_if(tables_.begin(), tables_.end(), [&](const auto& e) { return SameName(*e, schema_name, name); });
  const char* what = kind == TableKind::kView ? "view" : "table";
  if (it == tables_.end()) return arrow::Status::KeyError(what, " \"", name, "\" does not exist");
  const bool is_view = (*it)->kind == TableKind::kView;
  if (is_view != (kind == TableKind::kView)) {
    return arrow::Status::Invalid("\"", name, "\" is not a ", what);
  }
  auto previous = tables_;
  auto dropped = *it;
  tables_.erase(it);
  auto status = SaveLocked();
  if (!status.ok()) {
    tables_ = std::move(previous);
    return status;
  }
  return dropped;
}

arrow::Status Catalog::UpdateTable(TableEntry entry) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(tables_.begin(), tables_.end(),
                         [&](const auto& e) { return SameName(*e, entry.schema_name, entry.name); });
  if (it == tables_.end()) return arrow::Status::KeyError("table \"", entry.name, "\" does not exist");
  auto previous = *it;
  *it = std::make_shared<const TableEntry>(std::move(entry));
  auto status = SaveLocked();
  if (!status.ok()) *it = std::move(previous);
  return status;
}

arrow::Status Catalog::RenameTable(const std::string& schema_name, const std::string& name,
                                   const std::string& new_name) {
  std::lock_guard lock(mutex_);
  auto find = [&](const std::string& wanted) {
    return std::find_if(tables_.begin(), tables_.end(),
                        [&](const auto& e) { return SameName(*e, schema_name, wanted); });
  };
  auto it = find(name);
  if (it == tables_.end()) return arrow::Status::KeyError("relation \"", name, "\" does not exist");
  if (find(new_name) != tables_.end()) {
    return arrow::Status::AlreadyExists("relation \"", new_name, "\" already exists");
  }
  auto previous = *it;
  auto renamed = std::make_shared<TableEntry>(*previous);
  renamed->name = new_name;
  *it = std::move(renamed);
  auto status = SaveLocked();
  if (!status.ok()) *it = std::move(previous);
  return status;
}

}  // namespace quiver::catalog
