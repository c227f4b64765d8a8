#include "quiver/lake/delta_schema.h"

#include <arrow/type.h>

#include <nlohmann/json.hpp>
#include <regex>

namespace quiver::lake {

namespace {

using json = nlohmann::json;

arrow::Result<json> TypeToJson(const arrow::DataType& type, const std::string& column) {
  switch (type.id()) {
    case arrow::Type::BOOL:
      return "boolean";
    case arrow::Type::INT8:
      return "byte";
    case arrow::Type::INT16:
      return "short";
    case arrow::Type::INT32:
      return "integer";
    case arrow::Type::INT64:
      return "long";
    case arrow::Type::FLOAT:
      return "float";
    case arrow::Type::DOUBLE:
      return "double";
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING:
    case arrow::Type::STRING_VIEW:
      return "string";
    case arrow::Type::BINARY:
    case arrow::Type::LARGE_BINARY:
    case arrow::Type::BINARY_VIEW:
      return "binary";
    case arrow::Type::DATE32:
      return "date";
    case arrow::Type::TIMESTAMP: {
      const auto& timestamp = static_cast<const arrow::TimestampType&>(type);
      return timestamp.timezone().empty() ? "timestamp_ntz" : "timestamp";
    }
    case arrow::Type::DECIMAL128: {
      const auto& decimal = static_cast<const arrow::Decimal128Type&>(type);
      return "decimal(" + std::to_string(decimal.precision()) + "," + std::to_string(decimal.scale()) + ")";
    }
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST: {
      const auto& list = static_cast<const arrow::BaseListType&>(type);
      ARROW_ASSIGN_OR_RAISE(auto element, TypeToJson(*list.value_type(), column));
      return json{{"type", "array"}, {"elementType", element}, {"containsNull", list.value_field()->nullable()}};
    }
    case arrow::Type::STRUCT: {
      json fields = json::array();
      for (const auto& field : type.fields()) {
        ARROW_ASSIGN_OR_RAISE(
            auto field_type, TypeToJson(*field->type(), column.empty() ? field->name() : column + "." + field->name()));
        fields.push_back({{"name", field->name()},
                          {"type", field_type},
                          {"nullable", field->nullable()},
                          {"metadata", json::object()}});
      }
      return json{{"type", "struct"}, {"fields", fields}};
    }
    default:
      break;
  }
  return arrow::Status::Invalid("column \"", column, "\" has type ", type.ToString(),
                                ", which a Delta Lake table cannot store");
}

arrow::Result<std::shared_ptr<arrow::DataType>> TypeFromJson(const json& type) {
  if (type.is_string()) {
    const std::string name = type.get<std::string>();
    if (name == "boolean") return arrow::boolean();
    if (name == "byte") return arrow::int8();
    if (name == "short") return arrow::int16();
    if (name == "integer") return arrow::int32();
    if (name == "long") return arrow::int64();
    if (name == "float") return arrow::float32();
    if (name == "double") return arrow::float64();
    if (name == "string") return arrow::utf8();
    if (name == "binary") return arrow::binary();
    if (name == "date") return arrow::date32();
    if (name == "timestamp") return arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
    if (name == "timestamp_ntz") return arrow::timestamp(arrow::TimeUnit::MICRO);
    static const std::regex decimal(R"(decimal\(\s*(\d+)\s*,\s*(\d+)\s*\))");
    std::smatch match;
    if (std::regex_match(name, match, decimal)) {
      return arrow::decimal128(std::stoi(match[1]), std::stoi(match[2]));
    }
    return arrow::Status::NotImplemented("Delta type \"", name, "\"");
  }
  if (!type.is_object()) return arrow::Status::Invalid("Delta schema: a type is neither a name nor an object");
  const std::string kind = type.value("type", "");
  if (kind == "array") {
    ARROW_ASSIGN_OR_RAISE(auto element, TypeFromJson(type.at("elementType")));
    return arrow::list(arrow::field("element", element, type.value("containsNull", true)));
  }
  if (kind == "struct") {
    arrow::FieldVector fields;
    for (const auto& field : type.at("fields")) {
      ARROW_ASSIGN_OR_RAISE(auto field_type, TypeFromJson(field.at("type")));
      fields.push_back(arrow::field(field.at("name").get<std::string>(), field_type, field.value("nullable", true)));
    }
    return arrow::struct_(fields);
  }
  if (kind == "map") {
    ARROW_ASSIGN_OR_RAISE(auto key, TypeFromJson(type.at("keyType")));
    ARROW_ASSIGN_OR_RAISE(auto value, TypeFromJson(type.at("valueType")));
    return arrow::map(key, arrow::field("value", value, type.value("valueContainsNull", true)));
  }
  return arrow::Status::NotImplemented("Delta type \"", kind, "\"");
}

bool HasTimestampWithoutTimeZone(const arrow::DataType& type) {
  if (type.id() == arrow::Type::TIMESTAMP) {
    return static_cast<const arrow::TimestampType&>(type).timezone().empty();
  }
  for (const auto& field : type.fields()) {
    if (HasTimestampWithoutTimeZone(*field->type())) return true;
  }
  return false;
}

}  // namespace

arrow::Result<std::string> ToDeltaSchemaString(const arrow::Schema& schema) {
  ARROW_ASSIGN_OR_RAISE(auto type, TypeToJson(*arrow::struct_(schema.fields()), ""));
  return type.dump();
}

arrow::Result<std::shared_ptr<arrow::Schema>> FromDeltaSchemaString(const std::string& schema_string) {
  json parsed = json::parse(schema_string, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return arrow::Status::Invalid("Delta schemaString is not valid JSON");
  try {
    ARROW_ASSIGN_OR_RAISE(auto type, TypeFromJson(parsed));
    if (type->id() != arrow::Type::STRUCT) return arrow::Status::Invalid("Delta schemaString is not a struct");
    return arrow::schema(type->fields());
  } catch (const json::exception& error) {
    return arrow::Status::Invalid("Delta schemaString is malformed: ", error.what());
  }
}

bool UsesTimestampWithoutTimeZone(const arrow::Schema& schema) {
  for (const auto& field : schema.fields()) {
    if (HasTimestampWithoutTimeZone(*field->type())) return true;
  }
  return false;
}

}  // namespace quiver::lake
