#include "quiver/lake/file_stats.h"

#include <arrow/api.h>
#include <arrow/compute/api_aggregate.h>
#include <arrow/util/decimal.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace quiver::lake {

namespace {

using json = nlohmann::json;
namespace chrono = std::chrono;

constexpr size_t kStringPrefixLength = 32;
constexpr int kMaxExactDecimalDigits = 15;

bool HasRange(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::INT64:
    case arrow::Type::FLOAT:
    case arrow::Type::DOUBLE:
    case arrow::Type::DECIMAL128:
    case arrow::Type::STRING:
    case arrow::Type::DATE32:
    case arrow::Type::TIMESTAMP:
      return true;
    default:
      return false;
  }
}

std::string DateText(int32_t days) {
  chrono::year_month_day date{chrono::sys_days{chrono::days{days}}};
  char text[16];
  std::snprintf(text, sizeof(text), "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

std::string TimestampText(int64_t micros, bool utc) {
  int64_t millis = micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000);  // floor
  int64_t days = millis >= 0 ? millis / 86400000 : -((-millis + 86399999) / 86400000);
  int64_t in_day = millis - days * 86400000;
  char text[48];
  std::snprintf(text, sizeof(text), "%sT%02lld:%02lld:%02lld.%03lld%s", DateText(static_cast<int32_t>(days)).c_str(),
                static_cast<long long>(in_day / 3600000), static_cast<long long>(in_day / 60000 % 60),
                static_cast<long long>(in_day / 1000 % 60), static_cast<long long>(in_day % 1000), utc ? "Z" : "");
  return text;
}

// Cuts a string to at most `length` bytes without splitting a UTF-8 character.
std::string Utf8Prefix(std::string_view text, size_t length) {
  if (text.size() <= length) return std::string(text);
  size_t end = length;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

// The JSON text of a bound; empty when the value is not written (NaN, a string maximum
// too long to keep exactly).
std::string BoundJson(const arrow::Scalar& value, bool is_max) {
  switch (value.type->id()) {
    case arrow::Type::FLOAT:
    case arrow::Type::DOUBLE: {
      double number = value.type->id() == arrow::Type::FLOAT ? static_cast<const arrow::FloatScalar&>(value).value
                                                             : static_cast<const arrow::DoubleScalar&>(value).value;
      if (!std::isfinite(number)) return "";
      return json(number).dump();
    }
    case arrow::Type::DECIMAL128: {
      const auto& type = static_cast<const arrow::Decimal128Type&>(*value.type);
      return static_cast<const arrow::Decimal128Scalar&>(value).value.ToString(type.scale());
    }
    case arrow::Type::STRING: {
      auto text = static_cast<const arrow::StringScalar&>(value).view();
      if (is_max && text.size() > kStringPrefixLength) return "";
      return json(Utf8Prefix(text, kStringPrefixLength)).dump(-1, ' ', false, json::error_handler_t::replace);
    }
    case arrow::Type::DATE32:
      return "\"" + DateText(static_cast<const arrow::Date32Scalar&>(value).value) + "\"";
    case arrow::Type::TIMESTAMP: {
      const auto& type = static_cast<const arrow::TimestampType&>(*value.type);
      return "\"" + TimestampText(static_cast<const arrow::TimestampScalar&>(value).value, !type.timezone().empty()) +
             "\"";
    }
    default: {
      auto as_integer = value.CastTo(arrow::int64());
      if (!as_integer.ok()) return "";
      return std::to_string(std::static_pointer_cast<arrow::Int64Scalar>(*as_integer)->value);
    }
  }
}

// Parses "YYYY-MM-DD" into days since the epoch.
std::optional<int32_t> ParseDate(const std::string& text) {
  int year = 0;
  unsigned month = 0, day = 0;
  if (std::sscanf(text.c_str(), "%d-%u-%u", &year, &month, &day) != 3) return std::nullopt;
  chrono::year_month_day date{chrono::year{year}, chrono::month{month}, chrono::day{day}};
  if (!date.ok()) return std::nullopt;
  return static_cast<int32_t>(chrono::sys_days{date}.time_since_epoch().count());
}

// Parses "YYYY-MM-DDTHH:MM:SS[.fff…][Z]" into microseconds since the epoch.
std::optional<int64_t> ParseTimestamp(const std::string& text) {
  auto days = ParseDate(text.substr(0, 10));
  if (!days || text.size() < 19 || text[10] != 'T') return std::nullopt;
  int hours = 0, minutes = 0, seconds = 0;
  if (std::sscanf(text.c_str() + 11, "%d:%d:%d", &hours, &minutes, &seconds) != 3) return std::nullopt;
  int64_t micros = (((*days * 24LL + hours) * 60 + minutes) * 60 + seconds) * 1000000;
  if (text.size() > 19 && text[19] == '.') {
    int64_t scale = 100000;
    for (size_t i = 20; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, scale /= 10) {
      micros += (text[i] - '0') * scale;
    }
  }
  return micros;
}

std::shared_ptr<arrow::Scalar> ParseBound(const json& value, const std::shared_ptr<arrow::DataType>& type,
                                          bool is_max) {
  switch (type->id()) {
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::INT64: {
      if (!value.is_number_integer()) return nullptr;
      auto cast = arrow::Int64Scalar(value.get<int64_t>()).CastTo(type);
      return cast.ok() ? *cast : nullptr;
    }
    case arrow::Type::FLOAT:
    case arrow::Type::DOUBLE: {
      if (!value.is_number()) return nullptr;
      auto cast = arrow::DoubleScalar(value.get<double>()).CastTo(type);
      return cast.ok() ? *cast : nullptr;
    }
    case arrow::Type::DECIMAL128: {
      const auto& decimal = static_cast<const arrow::Decimal128Type&>(*type);
      if (!value.is_number() || decimal.precision() > kMaxExactDecimalDigits) return nullptr;
      auto parsed = arrow::Decimal128::FromReal(value.get<double>(), decimal.precision(), decimal.scale());
      if (!parsed.ok()) return nullptr;
      return std::make_shared<arrow::Decimal128Scalar>(*parsed, type);
    }
    case arrow::Type::STRING:
      // A truncated minimum is still a lower bound; maxima are only written whole.
      return value.is_string() ? std::make_shared<arrow::StringScalar>(value.get<std::string>()) : nullptr;
    case arrow::Type::DATE32: {
      if (!value.is_string()) return nullptr;
      auto days = ParseDate(value.get<std::string>());
      return days ? std::make_shared<arrow::Date32Scalar>(*days) : nullptr;
    }
    case arrow::Type::TIMESTAMP: {
      if (!value.is_string()) return nullptr;
      auto micros = ParseTimestamp(value.get<std::string>());
      if (!micros) return nullptr;
      return std::make_shared<arrow::TimestampScalar>(is_max ? *micros + 999 : *micros, type);
    }
    default:
      return nullptr;
  }
}

}  // namespace

FileStatsCollector::FileStatsCollector(std::shared_ptr<arrow::Schema> schema)
    : schema_(std::move(schema)), columns_(schema_->num_fields()) {}

arrow::Status FileStatsCollector::Add(const arrow::RecordBatch& batch) {
  rows_ += batch.num_rows();
  for (int i = 0; i < batch.num_columns(); ++i) {
    const auto& column = batch.column(i);
    columns_[i].nulls += column->null_count();
    if (!HasRange(*column->type()) || column->null_count() == column->length()) continue;
    ARROW_ASSIGN_OR_RAISE(auto result, arrow::compute::MinMax(column, arrow::compute::ScalarAggregateOptions(true)));
    const auto& pair = static_cast<const arrow::StructScalar&>(*result.scalar());
    if (!pair.value[0]->is_valid) continue;
    columns_[i].minima.push_back(pair.value[0]);
    columns_[i].maxima.push_back(pair.value[1]);
  }
  return arrow::Status::OK();
}

arrow::Result<std::string> FileStatsCollector::ToJson() const {
  std::string minima, maxima, nulls;
  auto append = [](std::string* out, const std::string& name, const std::string& value) {
    if (!out->empty()) *out += ",";
    *out += json(name).dump() + ":" + value;
  };
  for (int i = 0; i < schema_->num_fields(); ++i) {
    const auto& field = schema_->field(i);
    const ColumnStats& stats = columns_[i];
    append(&nulls, field->name(), std::to_string(stats.nulls));
    if (stats.minima.empty()) continue;
    auto extreme = [&](const std::vector<std::shared_ptr<arrow::Scalar>>& values,
                       bool is_max) -> arrow::Result<std::shared_ptr<arrow::Scalar>> {
      if (values.size() == 1) return values[0];
      std::unique_ptr<arrow::ArrayBuilder> builder;
      ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), field->type(), &builder));
      for (const auto& value : values) ARROW_RETURN_NOT_OK(builder->AppendScalar(*value));
      ARROW_ASSIGN_OR_RAISE(auto array, builder->Finish());
      ARROW_ASSIGN_OR_RAISE(auto result, arrow::compute::MinMax(array));
      return static_cast<const arrow::StructScalar&>(*result.scalar()).value[is_max ? 1 : 0];
    };
    ARROW_ASSIGN_OR_RAISE(auto min, extreme(stats.minima, false));
    ARROW_ASSIGN_OR_RAISE(auto max, extreme(stats.maxima, true));
    std::string min_text = BoundJson(*min, false), max_text = BoundJson(*max, true);
    if (!min_text.empty()) append(&minima, field->name(), min_text);
    if (!max_text.empty()) append(&maxima, field->name(), max_text);
  }
  return "{\"numRecords\":" + std::to_string(rows_) + ",\"minValues\":{" + minima + "},\"maxValues\":{" + maxima +
         "},\"nullCount\":{" + nulls + "}}";
}

ParsedStats ParseStats(const std::string& stats, const arrow::Schema& schema) {
  ParsedStats parsed;
  auto doc = json::parse(stats, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return parsed;
  if (doc.contains("numRecords") && doc["numRecords"].is_number_integer()) {
    parsed.num_records = doc["numRecords"].get<int64_t>();
  }
  auto section = [&](const char* name) -> const json* {
    auto it = doc.find(name);
    return it != doc.end() && it->is_object() ? &*it : nullptr;
  };
  const json* minima = section("minValues");
  const json* maxima = section("maxValues");
  const json* nulls = section("nullCount");
  for (const auto& field : schema.fields()) {
    ColumnBounds bounds;
    if (minima && minima->contains(field->name()))
      bounds.min = ParseBound(minima->at(field->name()), field->type(), false);
    if (maxima && maxima->contains(field->name()))
      bounds.max = ParseBound(maxima->at(field->name()), field->type(), true);
    if (nulls && nulls->contains(field->name()) && nulls->at(field->name()).is_number_integer()) {
      bounds.null_count = nulls->at(field->name()).get<int64_t>();
    }
    parsed.columns[field->name()] = std::move(bounds);
  }
  return parsed;
}

}  // namespace quiver::lake
