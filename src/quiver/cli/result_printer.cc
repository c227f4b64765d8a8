#include "quiver/cli/result_printer.h"

#include <arrow/scalar.h>
#include <arrow/table.h>
#include <arrow/type.h>

#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

namespace quiver::cli {
namespace {

bool IsNumeric(const arrow::DataType& type) {
  return arrow::is_integer(type.id()) || arrow::is_floating(type.id()) || arrow::is_decimal(type.id());
}

// Decodes one UTF-8 code point at `i`, advancing `i`; invalid bytes count as one each.
char32_t NextCodePoint(std::string_view text, size_t& i) {
  const auto byte = static_cast<unsigned char>(text[i]);
  int extra = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : 0;
  if (i + extra >= text.size()) extra = 0;  // truncated sequence
  char32_t cp = extra == 0 ? byte : byte & (0x3F >> extra);
  ++i;
  for (int k = 0; k < extra && i < text.size(); ++k, ++i) cp = (cp << 6) | (static_cast<unsigned char>(text[i]) & 0x3F);
  return cp;
}

bool IsCombining(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
         (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0x200B || cp == 0x200D;
}

bool IsWide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
         (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

// A value on one line: line breaks would tear the box apart.
std::string SingleLine(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out;
}

arrow::Status PrintBox(const arrow::Table& table, std::ostream& out) {
  const int columns = table.num_columns();
  std::vector<std::vector<std::string>> cells(table.num_rows(), std::vector<std::string>(columns));
  std::vector<int> widths(columns);
  std::vector<bool> right_aligned(columns);
  for (int c = 0; c < columns; ++c) {
    const auto& field = table.schema()->field(c);
    widths[c] = DisplayWidth(field->name());
    right_aligned[c] = IsNumeric(*field->type());
    for (int64_t r = 0; r < table.num_rows(); ++r) {
      ARROW_ASSIGN_OR_RAISE(auto value, table.column(c)->GetScalar(r));
      cells[r][c] = SingleLine(ValueText(*value));
      widths[c] = std::max(widths[c], DisplayWidth(cells[r][c]));
    }
  }
  auto rule = [&] {
    out << '+';
    for (int c = 0; c < columns; ++c) out << std::string(widths[c] + 2, '-') << '+';
    out << '\n';
  };
  auto row = [&](const std::vector<std::string>& values, bool header) {
    out << '|';
    for (int c = 0; c < columns; ++c) {
      const std::string padding(widths[c] - DisplayWidth(values[c]), ' ');
      out << ' ';
      if (right_aligned[c] && !header) {
        out << padding << values[c];
      } else {
        out << values[c] << padding;
      }
      out << " |";
    }
    out << '\n';
  };
  std::vector<std::string> names(columns);
  for (int c = 0; c < columns; ++c) names[c] = SingleLine(table.schema()->field(c)->name());
  rule();
  row(names, true);
  rule();
  for (const auto& values : cells) row(values, false);
  rule();
  return arrow::Status::OK();
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos && !text.empty()) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

arrow::Status PrintCsv(const arrow::Table& table, std::ostream& out) {
  const int columns = table.num_columns();
  for (int c = 0; c < columns; ++c) out << (c ? "," : "") << CsvField(table.schema()->field(c)->name());
  out << "\r\n";
  for (int64_t r = 0; r < table.num_rows(); ++r) {
    for (int c = 0; c < columns; ++c) {
      ARROW_ASSIGN_OR_RAISE(auto value, table.column(c)->GetScalar(r));
      if (c) out << ',';
      // An empty field is NULL; an empty string is written as "" to tell them apart.
      if (value->is_valid) out << CsvField(ValueText(*value));
    }
    out << "\r\n";
  }
  return arrow::Status::OK();
}

nlohmann::ordered_json JsonValue(const arrow::Scalar& value) {
  if (!value.is_valid) return nullptr;
  switch (value.type->id()) {
    case arrow::Type::BOOL:
      return static_cast<const arrow::BooleanScalar&>(value).value;
    case arrow::Type::INT8:
      return static_cast<const arrow::Int8Scalar&>(value).value;
    case arrow::Type::INT16:
      return static_cast<const arrow::Int16Scalar&>(value).value;
    case arrow::Type::INT32:
      return static_cast<const arrow::Int32Scalar&>(value).value;
    case arrow::Type::INT64:
      return static_cast<const arrow::Int64Scalar&>(value).value;
    case arrow::Type::UINT8:
      return static_cast<const arrow::UInt8Scalar&>(value).value;
    case arrow::Type::UINT16:
      return static_cast<const arrow::UInt16Scalar&>(value).value;
    case arrow::Type::UINT32:
      return static_cast<const arrow::UInt32Scalar&>(value).value;
    case arrow::Type::UINT64:
      return static_cast<const arrow::UInt64Scalar&>(value).value;
    case arrow::Type::FLOAT:
      return static_cast<const arrow::FloatScalar&>(value).value;  // NaN becomes null
    case arrow::Type::DOUBLE:
      return static_cast<const arrow::DoubleScalar&>(value).value;
    default:
      return ValueText(value);
  }
}

arrow::Status PrintJsonLines(const arrow::Table& table, std::ostream& out) {
  for (int64_t r = 0; r < table.num_rows(); ++r) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (int c = 0; c < table.num_columns(); ++c) {
      ARROW_ASSIGN_OR_RAISE(auto value, table.column(c)->GetScalar(r));
      object[table.schema()->field(c)->name()] = JsonValue(*value);
    }
    // Replace invalid UTF-8 rather than fail halfway through a result.
    out << object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  }
  return arrow::Status::OK();
}

}  // namespace

bool ParseOutputFormat(std::string_view name, OutputFormat* format) {
  if (name == "table") {
    *format = OutputFormat::kTable;
  } else if (name == "csv") {
    *format = OutputFormat::kCsv;
  } else if (name == "json") {
    *format = OutputFormat::kJson;
  } else {
    return false;
  }
  return true;
}

int DisplayWidth(std::string_view text) {
  int width = 0;
  size_t i = 0;
  while (i < text.size()) {
    const char32_t cp = NextCodePoint(text, i);
    if (IsCombining(cp)) continue;
    width += IsWide(cp) ? 2 : 1;
  }
  return width;
}

std::string ValueText(const arrow::Scalar& value) {
  if (!value.is_valid) return "NULL";
  if (value.type->id() == arrow::Type::BOOL) {
    return static_cast<const arrow::BooleanScalar&>(value).value ? "true" : "false";
  }
  return value.ToString();
}

arrow::Status PrintResult(const arrow::Table& table, OutputFormat format, std::ostream& out) {
  switch (format) {
    case OutputFormat::kTable:
      return PrintBox(table, out);
    case OutputFormat::kCsv:
      return PrintCsv(table, out);
    case OutputFormat::kJson:
      return PrintJsonLines(table, out);
  }
  return arrow::Status::Invalid("unknown output format");
}

}  // namespace quiver::cli
