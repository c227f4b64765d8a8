#include "quiver/plan/interval_literal.h"

#include <cctype>
#include <cmath>
#include <string>

namespace quiver::plan {

namespace {

using MonthDayNanos = arrow::MonthDayNanoIntervalType::MonthDayNanos;

constexpr int64_t kNanosPerSecond = 1'000'000'000LL;

// PostgreSQL's interval typmod bits (see its datetime.h): the unit a bare number means.
constexpr int kMonthBit = 1 << 1;
constexpr int kYearBit = 1 << 2;
constexpr int kDayBit = 1 << 3;
constexpr int kHourBit = 1 << 10;
constexpr int kMinuteBit = 1 << 11;
constexpr int kSecondBit = 1 << 12;

arrow::Status AddUnit(MonthDayNanos* out, double amount, std::string unit, std::string_view text) {
  for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
  if (unit == "year" || unit == "yr" || unit == "y") {
    out->months += static_cast<int32_t>(std::llround(amount * 12));
  } else if (unit == "month" || unit == "mon") {
    out->months += static_cast<int32_t>(std::llround(amount));
  } else if (unit == "week" || unit == "w") {
    out->days += static_cast<int32_t>(std::llround(amount * 7));
  } else if (unit == "day" || unit == "d") {
    out->days += static_cast<int32_t>(std::llround(amount));
  } else if (unit == "hour" || unit == "hr" || unit == "h") {
    out->nanoseconds += static_cast<int64_t>(std::llround(amount * 3600 * kNanosPerSecond));
  } else if (unit == "minute" || unit == "min" || unit == "m") {
    out->nanoseconds += static_cast<int64_t>(std::llround(amount * 60 * kNanosPerSecond));
  } else if (unit == "second" || unit == "sec" || unit == "s") {
    out->nanoseconds += static_cast<int64_t>(std::llround(amount * kNanosPerSecond));
  } else if (unit == "millisecond" || unit == "ms") {
    out->nanoseconds += static_cast<int64_t>(std::llround(amount * 1'000'000));
  } else if (unit == "microsecond" || unit == "us") {
    out->nanoseconds += static_cast<int64_t>(std::llround(amount * 1000));
  } else {
    return arrow::Status::Invalid("invalid input syntax for type interval: \"", std::string(text), "\"");
  }
  return arrow::Status::OK();
}

// "02:30:00" or "-1:15" → nanoseconds.
bool ParseClock(const std::string& token, int64_t* nanos) {
  bool negative = !token.empty() && token[0] == '-';
  std::string rest = negative ? token.substr(1) : token;
  double parts[3] = {0, 0, 0};
  int count = 0;
  size_t start = 0;
  while (count < 3) {
    size_t colon = rest.find(':', start);
    std::string piece = rest.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (piece.empty()) return false;
    char* end = nullptr;
    parts[count++] = std::strtod(piece.c_str(), &end);
    if (*end != '\0') return false;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (count < 2) return false;
  double seconds = parts[0] * 3600 + parts[1] * 60 + parts[2];
  *nanos = static_cast<int64_t>(std::llround(seconds * kNanosPerSecond)) * (negative ? -1 : 1);
  return true;
}

const char* UnitForMask(int mask) {
  if (mask & kSecondBit) return "second";
  if (mask & kMinuteBit) return "minute";
  if (mask & kHourBit) return "hour";
  if (mask & kDayBit) return "day";
  if (mask & kMonthBit) return "month";
  if (mask & kYearBit) return "year";
  return "second";
}

}  // namespace

arrow::Result<MonthDayNanos> ParseIntervalText(std::string_view text, int unit_mask) {
  MonthDayNanos out{0, 0, 0};
  std::vector<std::string> tokens;
  std::string current;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
      if (!current.empty()) tokens.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  if (tokens.empty()) return arrow::Status::Invalid("invalid input syntax for type interval: \"\"");
  if (!tokens.empty() && tokens.back() == "ago") {
    tokens.pop_back();
    ARROW_ASSIGN_OR_RAISE(auto positive, ParseIntervalText(std::string(text.substr(0, text.rfind("ago"))), unit_mask));
    return MonthDayNanos{-positive.months, -positive.days, -positive.nanoseconds};
  }

  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    if (token.find(':') != std::string::npos) {
      int64_t nanos = 0;
      if (!ParseClock(token, &nanos)) {
        return arrow::Status::Invalid("invalid input syntax for type interval: \"", std::string(text), "\"");
      }
      out.nanoseconds += nanos;
      continue;
    }
    // A number, with its unit either attached ("3days") or as the next token.
    char* end = nullptr;
    double amount = std::strtod(token.c_str(), &end);
    if (end == token.c_str()) {
      return arrow::Status::Invalid("invalid input syntax for type interval: \"", std::string(text), "\"");
    }
    std::string unit = end;
    if (unit.empty()) {
      if (i + 1 < tokens.size() && std::isalpha(static_cast<unsigned char>(tokens[i + 1][0]))) {
        unit = tokens[++i];
      } else {
        unit = UnitForMask(unit_mask);
      }
    }
    ARROW_RETURN_NOT_OK(AddUnit(&out, amount, unit, text));
  }
  return out;
}

}  // namespace quiver::plan
