#include "quiver/common/datetime_kernels.h"

#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/compute/kernel.h>
#include <arrow/util/checked_cast.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <vector>

#include "quiver/common/kernel_calendar.h"
#include "quiver/common/kernel_rows.h"

namespace quiver {

namespace {

namespace cp = arrow::compute;
using namespace calendar;  // NOLINT: the helpers are named for this use

// ---------------------------------------------------------------- template patterns

enum class Pattern {
  kAD,
  kBC,
  kAM,
  kPM,
  kCC,
  kDay,
  kDDD,
  kDD,
  kDy,
  kD,
  kFF,
  kHH24,
  kHH12,
  kIDDD,
  kID,
  kIW,
  kIYYY,
  kIYY,
  kIY,
  kI,
  kJ,
  kMI,
  kMM,
  kMonth,
  kMon,
  kMS,
  kOF,
  kQ,
  kRM,
  kSSSS,
  kSS,
  kTZH,
  kTZM,
  kTZ,
  kUS,
  kWW,
  kW,
  kYCommaYYY,
  kYYYY,
  kYYY,
  kYY,
  kY,
};

struct Keyword {
  const char* text;  // upper case; matched case-insensitively
  Pattern pattern;
  int digits;  // width of a numeric field (0: text, -1: numeric of any width)
};

// Longer keywords come before their prefixes, so the first match is the longest.
constexpr Keyword kKeywords[] = {
    {"A.D.", Pattern::kAD, 0},
    {"A.M.", Pattern::kAM, 0},
    {"AD", Pattern::kAD, 0},
    {"AM", Pattern::kAM, 0},
    {"B.C.", Pattern::kBC, 0},
    {"BC", Pattern::kBC, 0},
    {"CC", Pattern::kCC, 2},
    {"DAY", Pattern::kDay, 0},
    {"DDD", Pattern::kDDD, 3},
    {"DD", Pattern::kDD, 2},
    {"DY", Pattern::kDy, 0},
    {"D", Pattern::kD, 1},
    {"FF1", Pattern::kFF, 1},
    {"FF2", Pattern::kFF, 2},
    {"FF3", Pattern::kFF, 3},
    {"FF4", Pattern::kFF, 4},
    {"FF5", Pattern::kFF, 5},
    {"FF6", Pattern::kFF, 6},
    {"HH24", Pattern::kHH24, 2},
    {"HH12", Pattern::kHH12, 2},
    {"HH", Pattern::kHH12, 2},
    {"IDDD", Pattern::kIDDD, 3},
    {"ID", Pattern::kID, 1},
    {"IW", Pattern::kIW, 2},
    {"IYYY", Pattern::kIYYY, 4},
    {"IYY", Pattern::kIYY, 3},
    {"IY", Pattern::kIY, 2},
    {"I", Pattern::kI, 1},
    {"J", Pattern::kJ, -1},
    {"MI", Pattern::kMI, 2},
    {"MM", Pattern::kMM, 2},
    {"MONTH", Pattern::kMonth, 0},
    {"MON", Pattern::kMon, 0},
    {"MS", Pattern::kMS, 3},
    {"OF", Pattern::kOF, 0},
    {"P.M.", Pattern::kPM, 0},
    {"PM", Pattern::kPM, 0},
    {"Q", Pattern::kQ, 1},
    {"RM", Pattern::kRM, 0},
    {"SSSSS", Pattern::kSSSS, -1},
    {"SSSS", Pattern::kSSSS, -1},
    {"SS", Pattern::kSS, 2},
    {"TZH", Pattern::kTZH, 0},
    {"TZM", Pattern::kTZM, 0},
    {"TZ", Pattern::kTZ, 0},
    {"US", Pattern::kUS, 6},
    {"WW", Pattern::kWW, 2},
    {"W", Pattern::kW, 1},
    {"Y,YYY", Pattern::kYCommaYYY, -1},
    {"YYYY", Pattern::kYYYY, 4},
    {"YYY", Pattern::kYYY, 3},
    {"YY", Pattern::kYY, 2},
    {"Y", Pattern::kY, 1},
};

// How a text field is spelled: MONTH, Month or month.
enum class LetterCase { kUpper, kCapitalized, kLower };

struct TemplateNode {
  enum Kind { kKeyword, kText, kSeparator } kind = kText;
  const Keyword* keyword = nullptr;
  std::string written;  // the keyword as written, or the literal text
  LetterCase letter_case = LetterCase::kUpper;
  bool fill_mode = false;  // FM: no padding
  int ordinal = 0;         // TH suffix: 1 upper (TH), 2 lower (th)
  bool is_digit_field() const { return kind == kKeyword && keyword->digits != 0; }
};

bool StartsWithNoCase(std::string_view text, size_t pos, std::string_view word) {
  if (text.size() - pos < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[pos + i])) != word[i]) return false;
  }
  return true;
}

LetterCase CaseOf(std::string_view written) {
  if (std::islower(static_cast<unsigned char>(written[0]))) return LetterCase::kLower;
  for (size_t i = 1; i < written.size(); ++i) {
    if (std::isalpha(static_cast<unsigned char>(written[i]))) {
      return std::islower(static_cast<unsigned char>(written[i])) ? LetterCase::kCapitalized : LetterCase::kUpper;
    }
  }
  return LetterCase::kUpper;
}

const Keyword* MatchKeyword(std::string_view format, size_t pos) {
  for (const auto& keyword : kKeywords) {
    if (StartsWithNoCase(format, pos, keyword.text)) return &keyword;
  }
  return nullptr;
}

std::vector<TemplateNode> ParseTemplate(std::string_view format) {
  std::vector<TemplateNode> nodes;
  bool fill_mode = false;
  size_t pos = 0;
  while (pos < format.size()) {
    // Prefixes: FM (fill mode) applies to the next field; FX and TM change nothing here.
    if (StartsWithNoCase(format, pos, "FM")) {
      fill_mode = true;
      pos += 2;
      continue;
    }
    if (StartsWithNoCase(format, pos, "FX") || StartsWithNoCase(format, pos, "TM")) {
      pos += 2;
      continue;
    }
    if (const Keyword* keyword = MatchKeyword(format, pos)) {
      TemplateNode node;
      node.kind = TemplateNode::kKeyword;
      node.keyword = keyword;
      node.written = std::string(format.substr(pos, std::char_traits<char>::length(keyword->text)));
      node.letter_case = CaseOf(node.written);
      node.fill_mode = std::exchange(fill_mode, false);
      pos += node.written.size();
      if (keyword->digits != 0 && pos + 1 < format.size() + 1 && StartsWithNoCase(format, pos, "TH")) {
        node.ordinal = format[pos] == 'T' ? 1 : 2;
        pos += 2;
      }
      nodes.push_back(std::move(node));
      continue;
    }
    TemplateNode node;
    char c = format[pos];
    if (c == '"') {
      // Quoted text; a backslash inside quotes escapes the next character.
      ++pos;
      while (pos < format.size() && format[pos] != '"') {
        if (format[pos] == '\\' && pos + 1 < format.size()) ++pos;
        node.written += format[pos++];
      }
      ++pos;
      nodes.push_back(std::move(node));
      continue;
    }
    if (c == '\\' && pos + 1 < format.size() && format[pos + 1] == '"') {
      node.written = "\"";
      pos += 2;
      nodes.push_back(std::move(node));
      continue;
    }
    node.written = std::string(1, c);
    if (!std::isalnum(static_cast<unsigned char>(c)) && !(static_cast<unsigned char>(c) & 0x80)) {
      node.kind = TemplateNode::kSeparator;
    }
    ++pos;
    nodes.push_back(std::move(node));
  }
  return nodes;
}

// ---------------------------------------------------------------- names

constexpr const char* kMonthNames[] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kDayNames[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr const char* kRomanMonths[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"};

std::string InCase(std::string_view name, LetterCase letter_case) {
  std::string out(name);
  for (size_t i = 0; i < out.size(); ++i) {
    auto c = static_cast<unsigned char>(out[i]);
    if (letter_case == LetterCase::kUpper) out[i] = static_cast<char>(std::toupper(c));
    if (letter_case == LetterCase::kLower) out[i] = static_cast<char>(std::tolower(c));
    if (letter_case == LetterCase::kCapitalized) {
      out[i] = static_cast<char>(i == 0 ? std::toupper(c) : std::tolower(c));
    }
  }
  return out;
}

// ---------------------------------------------------------------- to_char

struct TimestampFields {
  int64_t days;  // since 1970-01-01
  int64_t year;  // astronomical: 0 is 1 BC
  unsigned month, day, hour, minute, second;
  int64_t microsecond;
  unsigned day_of_year;
  unsigned day_of_week;  // 0 = Sunday
  int64_t iso_year;
  unsigned iso_week;
};

TimestampFields Decompose(int64_t micros) {
  TimestampFields f{};
  f.days = FloorDiv(micros, kMicrosPerDay);
  int64_t time = micros - f.days * kMicrosPerDay;
  CivilDate date = CivilFromDays(f.days);
  f.year = date.year;
  f.month = date.month;
  f.day = date.day;
  f.hour = static_cast<unsigned>(time / 3'600'000'000LL);
  f.minute = static_cast<unsigned>(time / 60'000'000LL % 60);
  f.second = static_cast<unsigned>(time / kMicrosPerSecond % 60);
  f.microsecond = time % kMicrosPerSecond;
  f.day_of_year = static_cast<unsigned>(f.days - DaysFromCivil(f.year, 1, 1) + 1);
  f.day_of_week = DayOfWeek(f.days);
  IsoWeek(f.days, &f.iso_year, &f.iso_week);
  return f;
}

std::string OrdinalSuffix(int64_t value, int style) {
  int64_t last_two = std::abs(value) % 100;
  int64_t last = last_two % 10;
  const char* suffix = (last_two >= 11 && last_two <= 13) ? "th"
                       : last == 1                        ? "st"
                       : last == 2                        ? "nd"
                       : last == 3                        ? "rd"
                                                          : "th";
  return style == 1 ? InCase(suffix, LetterCase::kUpper) : suffix;
}

std::string Digits(int64_t value, int width, const TemplateNode& node) {
  char buffer[32];
  if (node.fill_mode || width <= 0) {
    std::snprintf(buffer, sizeof(buffer), "%lld", static_cast<long long>(value));
  } else {
    std::snprintf(buffer, sizeof(buffer), "%0*lld", width, static_cast<long long>(value));
  }
  std::string out = buffer;
  if (node.ordinal) out += OrdinalSuffix(value, node.ordinal);
  return out;
}

std::string PaddedName(std::string_view name, const TemplateNode& node, size_t width) {
  std::string out = InCase(name, node.letter_case);
  if (!node.fill_mode && out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

std::string Meridiem(bool after_noon, const TemplateNode& node) {
  bool dotted = node.written.size() == 4;
  std::string text = after_noon ? (dotted ? "P.M." : "PM") : (dotted ? "A.M." : "AM");
  return node.letter_case == LetterCase::kLower ? InCase(text, LetterCase::kLower) : text;
}

std::string Era(bool ad, const TemplateNode& node) {
  bool dotted = node.written.size() == 4;
  std::string text = ad ? (dotted ? "A.D." : "AD") : (dotted ? "B.C." : "BC");
  return node.letter_case == LetterCase::kLower ? InCase(text, LetterCase::kLower) : text;
}

int64_t Power10(int n) {
  int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

std::string FormatField(const TemplateNode& node, const TimestampFields& f, std::string_view zone) {
  const int width = node.keyword->digits;
  // Years print without sign; BC years are counted back from 1 BC.
  const int64_t year = f.year > 0 ? f.year : 1 - f.year;
  switch (node.keyword->pattern) {
    case Pattern::kAD:
    case Pattern::kBC:
      return Era(f.year > 0, node);
    case Pattern::kAM:
    case Pattern::kPM:
      return Meridiem(f.hour >= 12, node);
    case Pattern::kCC:
      return Digits(f.year > 0 ? (f.year - 1) / 100 + 1 : f.year / 100 - 1, width, node);
    case Pattern::kDay:
      return PaddedName(kDayNames[f.day_of_week], node, 9);
    case Pattern::kDy:
      return InCase(std::string_view(kDayNames[f.day_of_week]).substr(0, 3), node.letter_case);
    case Pattern::kDDD:
      return Digits(f.day_of_year, width, node);
    case Pattern::kDD:
      return Digits(f.day, width, node);
    case Pattern::kD:
      return Digits(f.day_of_week + 1, width, node);
    case Pattern::kFF:
      return Digits(f.microsecond / Power10(6 - width), width, node);
    case Pattern::kHH24:
      return Digits(f.hour, width, node);
    case Pattern::kHH12:
      return Digits(f.hour % 12 == 0 ? 12 : f.hour % 12, width, node);
    case Pattern::kIDDD:
      return Digits((f.iso_week - 1) * 7 + (f.day_of_week + 6) % 7 + 1, width, node);
    case Pattern::kID:
      return Digits((f.day_of_week + 6) % 7 + 1, width, node);
    case Pattern::kIW:
      return Digits(f.iso_week, width, node);
    case Pattern::kIYYY:
    case Pattern::kIYY:
    case Pattern::kIY:
    case Pattern::kI: {
      int64_t iso_year = f.iso_year > 0 ? f.iso_year : 1 - f.iso_year;
      return Digits(width == 4 ? iso_year : iso_year % Power10(width), width, node);
    }
    case Pattern::kJ:
      return Digits(f.days + 2440588, width, node);
    case Pattern::kMI:
      return Digits(f.minute, width, node);
    case Pattern::kMM:
      return Digits(f.month, width, node);
    case Pattern::kMonth:
      return PaddedName(kMonthNames[f.month - 1], node, 9);
    case Pattern::kMon:
      return InCase(std::string_view(kMonthNames[f.month - 1]).substr(0, 3), node.letter_case);
    case Pattern::kMS:
      return Digits(f.microsecond / 1000, width, node);
    case Pattern::kOF:
    case Pattern::kTZH:
      return "+00";
    case Pattern::kTZM:
      return "00";
    case Pattern::kTZ:
      return node.letter_case == LetterCase::kLower ? InCase(zone, LetterCase::kLower) : std::string(zone);
    case Pattern::kQ:
      return Digits((f.month - 1) / 3 + 1, width, node);
    case Pattern::kRM: {
      TemplateNode name = node;
      name.letter_case = node.letter_case == LetterCase::kLower ? LetterCase::kLower : LetterCase::kUpper;
      return PaddedName(kRomanMonths[f.month - 1], name, 4);
    }
    case Pattern::kSSSS:
      return Digits(f.hour * 3600 + f.minute * 60 + f.second, width, node);
    case Pattern::kSS:
      return Digits(f.second, width, node);
    case Pattern::kUS:
      return Digits(f.microsecond, width, node);
    case Pattern::kWW:
      return Digits((f.day_of_year - 1) / 7 + 1, width, node);
    case Pattern::kW:
      return Digits((f.day - 1) / 7 + 1, width, node);
    case Pattern::kYCommaYYY: {
      char buffer[32];
      std::snprintf(buffer, sizeof(buffer), "%lld,%03lld", static_cast<long long>(year / 1000),
                    static_cast<long long>(year % 1000));
      std::string out = buffer;
      if (node.ordinal) out += OrdinalSuffix(year, node.ordinal);
      return out;
    }
    case Pattern::kYYYY:
      return Digits(year, width, node);
    case Pattern::kYYY:
    case Pattern::kYY:
    case Pattern::kY:
      return Digits(year % Power10(width), width, node);
  }
  return "";
}

// ---------------------------------------------------------------- to_timestamp

struct ParsedFields {
  int64_t year = 1;
  bool has_year = false;
  int64_t century = 0;
  unsigned month = 1, day = 1;
  int64_t day_of_year = 0;
  int64_t hour = 0, minute = 0, second = 0, microsecond = 0;
  int64_t seconds_of_day = -1;
  int64_t julian = -1;
  int meridiem = 0;  // 0 none, 1 AM, 2 PM
  bool twelve_hour = false;
  bool bc = false;
};

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool IsSeparatorChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x80 && !std::isalnum(u);
}

class TimestampParser {
 public:
  TimestampParser(std::string_view text, std::string_view format) : text_(text), nodes_(ParseTemplate(format)) {}

  arrow::Result<int64_t> Run() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
    for (size_t i = 0; i < nodes_.size() && pos_ < text_.size(); ++i) {
      const TemplateNode& node = nodes_[i];
      if (node.kind == TemplateNode::kSeparator) {
        // A separator matches any one separator in the input, or nothing.
        if (node.written == " ") {
          while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
        } else if (IsSeparatorChar(text_[pos_])) {
          ++pos_;
        }
        continue;
      }
      if (node.kind == TemplateNode::kText) {
        // Literal text consumes as many characters, whatever they are.
        pos_ = std::min(text_.size(), pos_ + node.written.size());
        continue;
      }
      while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
      ARROW_RETURN_NOT_OK(ParseField(node, i + 1 < nodes_.size() ? &nodes_[i + 1] : nullptr));
    }
    return Assemble();
  }

 private:
  arrow::Status InvalidValue(std::string_view value, const TemplateNode& node) const {
    return arrow::Status::Invalid("invalid value \"", value, "\" for \"", node.written, "\"");
  }

  // Reads a number: exactly the field's width when the next field is also digits
  // (YYYYMMDD), else as many digits as there are.
  arrow::Result<int64_t> ReadNumber(const TemplateNode& node, const TemplateNode* next) {
    int width = node.keyword->digits;
    bool greedy = width < 0 || node.fill_mode || node.ordinal || next == nullptr || !next->is_digit_field();
    size_t start = pos_;
    size_t end = greedy ? text_.size() : std::min(text_.size(), pos_ + static_cast<size_t>(width));
    if (!greedy && end - start < static_cast<size_t>(width)) {
      return arrow::Status::Invalid("source string too short for \"", node.written, "\" formatting field");
    }
    size_t p = start;
    bool negative = false;
    if (p < end && (text_[p] == '-' || text_[p] == '+')) negative = text_[p++] == '-';
    size_t digits_start = p;
    int64_t value = 0;
    while (p < end && std::isdigit(static_cast<unsigned char>(text_[p])) && p - digits_start < 18) {
      value = value * 10 + (text_[p++] - '0');
    }
    if (p == digits_start) {
      size_t shown = std::min(text_.size() - start, static_cast<size_t>(std::max(width, 1)));
      return InvalidValue(text_.substr(start, shown), node);
    }
    if (!greedy && p < end) return InvalidValue(text_.substr(start, end - start), node);
    pos_ = p;
    if (node.ordinal && pos_ + 2 <= text_.size()) pos_ += 2;  // the 'th' after the number
    return negative ? -value : value;
  }

  // The longest of `names` (case-insensitive) at the input position; its index.
  arrow::Result<int> ReadName(const TemplateNode& node, const char* const* names, int count, size_t length) {
    int best = -1;
    size_t best_length = 0;
    for (int i = 0; i < count; ++i) {
      std::string name = InCase(std::string_view(names[i]).substr(0, length), LetterCase::kUpper);
      if (name.size() > best_length && StartsWithNoCase(text_, pos_, name)) {
        best = i;
        best_length = name.size();
      }
    }
    if (best < 0) {
      size_t shown = 0;
      while (pos_ + shown < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_ + shown]))) ++shown;
      return InvalidValue(text_.substr(pos_, std::max<size_t>(shown, 1)), node);
    }
    pos_ += best_length;
    return best;
  }

  arrow::Status ParseField(const TemplateNode& node, const TemplateNode* next) {
    ParsedFields& f = fields_;
    switch (node.keyword->pattern) {
      case Pattern::kAD:
      case Pattern::kBC: {
        static const char* const kEras[] = {"AD", "BC", "A.D.", "B.C."};
        ARROW_ASSIGN_OR_RAISE(int era, ReadName(node, kEras, 4, 4));
        f.bc = era % 2 == 1;
        return arrow::Status::OK();
      }
      case Pattern::kAM:
      case Pattern::kPM: {
        static const char* const kMeridiems[] = {"AM", "PM", "A.M.", "P.M."};
        ARROW_ASSIGN_OR_RAISE(int meridiem, ReadName(node, kMeridiems, 4, 4));
        f.meridiem = meridiem % 2 + 1;
        return arrow::Status::OK();
      }
      case Pattern::kMonth:
      case Pattern::kMon: {
        ARROW_ASSIGN_OR_RAISE(int month,
                              ReadName(node, kMonthNames, 12, node.keyword->pattern == Pattern::kMon ? 3 : 9));
        f.month = static_cast<unsigned>(month + 1);
        return arrow::Status::OK();
      }
      case Pattern::kDay:
      case Pattern::kDy: {
        // The day's name is checked but, as in PostgreSQL, does not decide the date.
        ARROW_ASSIGN_OR_RAISE(int day, ReadName(node, kDayNames, 7, node.keyword->pattern == Pattern::kDy ? 3 : 9));
        (void)day;
        return arrow::Status::OK();
      }
      case Pattern::kRM: {
        // Longest numerals first, so VIII is not read as V.
        static const char* const kByLength[] = {"VIII", "III", "VII", "XII", "II", "IV",
                                                "VI",   "IX",  "XI",  "I",   "V",  "X"};
        static const unsigned kMonthOf[] = {8, 3, 7, 12, 2, 4, 6, 9, 11, 1, 5, 10};
        ARROW_ASSIGN_OR_RAISE(int index, ReadName(node, kByLength, 12, 4));
        f.month = kMonthOf[index];
        return arrow::Status::OK();
      }
      case Pattern::kTZ:
      case Pattern::kTZH:
      case Pattern::kTZM:
      case Pattern::kOF:
        return arrow::Status::NotImplemented("formatting field \"", node.written, "\" is only supported in to_char");
      case Pattern::kYCommaYYY: {
        ARROW_ASSIGN_OR_RAISE(int64_t thousands, ReadNumber(node, nullptr));
        if (pos_ >= text_.size() || text_[pos_] != ',') return InvalidValue(text_.substr(pos_, 1), node);
        ++pos_;
        ARROW_ASSIGN_OR_RAISE(int64_t rest, ReadNumber(node, next));
        f.year = thousands * 1000 + rest;
        f.has_year = true;
        return arrow::Status::OK();
      }
      default:
        break;
    }
    size_t start = pos_;
    ARROW_ASSIGN_OR_RAISE(int64_t value, ReadNumber(node, next));
    size_t length = pos_ - start;
    switch (node.keyword->pattern) {
      case Pattern::kYYYY:
      case Pattern::kIYYY:
        f.year = value;
        f.has_year = true;
        break;
      case Pattern::kYYY:
      case Pattern::kYY:
      case Pattern::kY:
      case Pattern::kIYY:
      case Pattern::kIY:
      case Pattern::kI:
        // Short years land near 2020, as PostgreSQL's adjust_partial_year_to_2020.
        f.year = length >= 4    ? value
                 : value < 70   ? value + 2000
                 : value < 100  ? value + 1900
                 : value < 520  ? value + 2000
                 : value < 1000 ? value + 1000
                                : value;
        f.has_year = true;
        break;
      case Pattern::kCC:
        f.century = value;
        break;
      case Pattern::kMM:
        f.month = static_cast<unsigned>(std::clamp<int64_t>(value, 0, 1000));
        if (value < 1 || value > 12) return OutOfRange();
        break;
      case Pattern::kDD:
        if (value < 1 || value > 31) return OutOfRange();
        f.day = static_cast<unsigned>(value);
        break;
      case Pattern::kDDD:
      case Pattern::kIDDD:
        f.day_of_year = value;
        break;
      case Pattern::kHH24:
        f.hour = value;
        break;
      case Pattern::kHH12:
        f.hour = value;
        f.twelve_hour = true;
        break;
      case Pattern::kMI:
        f.minute = value;
        break;
      case Pattern::kSS:
        f.second = value;
        break;
      case Pattern::kMS:
        f.microsecond = value * Power10(3 - static_cast<int>(std::min<size_t>(length, 3))) * 1000;
        break;
      case Pattern::kUS:
        f.microsecond = value * Power10(6 - static_cast<int>(std::min<size_t>(length, 6)));
        break;
      case Pattern::kFF:
        f.microsecond = value * Power10(6 - static_cast<int>(std::min<size_t>(length, 6)));
        break;
      case Pattern::kSSSS:
        f.seconds_of_day = value;
        break;
      case Pattern::kJ:
        f.julian = value;
        break;
      default:
        break;  // D, ID, Q, W, WW, IW: read but, as in PostgreSQL's to_date, not used alone
    }
    return arrow::Status::OK();
  }

  arrow::Status OutOfRange() const {
    return arrow::Status::Invalid("date/time field value out of range: \"", text_, "\"");
  }

  arrow::Result<int64_t> Assemble() {
    ParsedFields& f = fields_;
    if (f.twelve_hour || f.meridiem) {
      if (f.twelve_hour && (f.hour < 1 || f.hour > 12)) {
        return arrow::Status::Invalid("hour \"", f.hour, "\" is invalid for the 12-hour clock");
      }
      if (f.meridiem == 2 && f.hour < 12) f.hour += 12;
      if (f.meridiem == 1 && f.hour == 12) f.hour = 0;
    }
    int64_t year = f.year;
    if (!f.has_year && f.century) year = (f.century - 1) * 100 + 1;
    if (f.bc) year = 1 - year;
    int64_t days;
    if (f.julian >= 0) {
      days = f.julian - 2440588;
    } else {
      if (f.day_of_year > 0) {
        days = DaysFromCivil(year, 1, 1) + f.day_of_year - 1;
      } else {
        if (f.month < 1 || f.month > 12 || f.day > DaysInMonth(year, f.month)) return OutOfRange();
        days = DaysFromCivil(year, f.month, f.day);
      }
    }
    int64_t seconds = f.seconds_of_day >= 0 ? f.seconds_of_day : f.hour * 3600 + f.minute * 60 + f.second;
    if (f.hour < 0 || f.hour > 24 || f.minute < 0 || f.minute > 59 || f.second < 0 || f.second > 60 ||
        (f.hour == 24 && (f.minute > 0 || f.second > 0 || f.microsecond > 0))) {
      return OutOfRange();
    }
    return days * kMicrosPerDay + seconds * kMicrosPerSecond + f.microsecond;
  }

  std::string_view text_;
  std::vector<TemplateNode> nodes_;
  size_t pos_ = 0;
  ParsedFields fields_;
};

// ---------------------------------------------------------------- kernels

int64_t MicrosPerUnit(arrow::TimeUnit::type unit) {
  switch (unit) {
    case arrow::TimeUnit::SECOND:
      return 1'000'000;
    case arrow::TimeUnit::MILLI:
      return 1'000;
    default:
      return 1;
  }
}

// A date or timestamp argument as microseconds since the epoch.
int64_t MicrosAt(const cp::ExecValue& value, int64_t i) {
  const arrow::DataType& type = *value.type();
  if (type.id() == arrow::Type::DATE32) return kernel_rows::Value<int32_t>(value, i) * kMicrosPerDay;
  const auto& timestamp = static_cast<const arrow::TimestampType&>(type);
  int64_t raw = kernel_rows::Value<int64_t>(value, i);
  if (timestamp.unit() == arrow::TimeUnit::NANO) return FloorDiv(raw, 1000);
  return raw * MicrosPerUnit(timestamp.unit());
}

arrow::Status ToCharExec(cp::KernelContext* ctx, const cp::ExecSpan& batch, cp::ExecResult* out) {
  std::string zone;
  if (batch[0].type()->id() == arrow::Type::TIMESTAMP) {
    // Timestamps with a zone are stored in UTC and shown in the session's zone, UTC.
    if (!static_cast<const arrow::TimestampType&>(*batch[0].type()).timezone().empty()) zone = "UTC";
  }
  arrow::StringBuilder builder(ctx->memory_pool());
  ARROW_RETURN_NOT_OK(builder.Reserve(batch.length));
  for (int64_t i = 0; i < batch.length; ++i) {
    if (kernel_rows::AnyNull(batch, i)) {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    std::string_view format = kernel_rows::Text(batch[1], i);
    if (format.empty()) {
      // PostgreSQL returns NULL for an empty format.
      ARROW_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto text, FormatTimestamp(MicrosAt(batch[0], i), format, zone));
    ARROW_RETURN_NOT_OK(builder.Append(text));
  }
  return kernel_rows::Finish(&builder, arrow::utf8(), out);
}

template <bool kDate>
arrow::Status ToTimestampExec(cp::KernelContext* ctx, const cp::ExecSpan& batch, cp::ExecResult* out) {
  std::shared_ptr<arrow::DataType> type = kDate ? arrow::date32() : arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(ctx->memory_pool(), type, &builder));
  for (int64_t i = 0; i < batch.length; ++i) {
    if (kernel_rows::AnyNull(batch, i)) {
      ARROW_RETURN_NOT_OK(builder->AppendNull());
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(int64_t micros,
                          ParseTimestamp(kernel_rows::Text(batch[0], i), kernel_rows::Text(batch[1], i)));
    if constexpr (kDate) {
      ARROW_RETURN_NOT_OK(
          static_cast<arrow::Date32Builder&>(*builder).Append(static_cast<int32_t>(FloorDiv(micros, kMicrosPerDay))));
    } else {
      ARROW_RETURN_NOT_OK(static_cast<arrow::TimestampBuilder&>(*builder).Append(micros));
    }
  }
  return kernel_rows::Finish(builder.get(), type, out);
}

arrow::Status AgeExec(cp::KernelContext* ctx, const cp::ExecSpan& batch, cp::ExecResult* out) {
  arrow::MonthDayNanoIntervalBuilder builder(ctx->memory_pool());
  return kernel_rows::MapRows(builder, batch, arrow::month_day_nano_interval(), out,
                              [&](int64_t i) { return Age(MicrosAt(batch[0], i), MicrosAt(batch[1], i)); });
}

arrow::Status MakeTimestampExec(cp::KernelContext* ctx, const cp::ExecSpan& batch, cp::ExecResult* out) {
  auto type = arrow::timestamp(arrow::TimeUnit::MICRO);
  arrow::TimestampBuilder builder(type, ctx->memory_pool());
  return kernel_rows::MapRows(builder, batch, type, out, [&](int64_t i) {
    int64_t parts[5];
    for (int k = 0; k < 5; ++k) parts[k] = kernel_rows::Value<int64_t>(batch[k], i);
    return MakeTimestamp(parts[0], parts[1], parts[2], parts[3], parts[4], kernel_rows::Value<double>(batch[5], i));
  });
}

arrow::Status IntervalPartExec(cp::KernelContext* ctx, const cp::ExecSpan& batch, cp::ExecResult* out) {
  arrow::DoubleBuilder builder(ctx->memory_pool());
  return kernel_rows::MapRows(builder, batch, arrow::float64(), out, [&](int64_t i) {
    return IntervalPart(kernel_rows::Value<MonthDayNanos>(batch[0], i), kernel_rows::Text(batch[1], i));
  });
}

arrow::Status AddFunction(cp::FunctionRegistry* registry, const std::string& name, const cp::FunctionDoc& doc,
                          std::vector<std::vector<cp::InputType>> signatures, cp::OutputType output,
                          cp::ArrayKernelExec exec) {
  auto function = std::make_shared<cp::ScalarFunction>(name, cp::Arity(static_cast<int>(signatures[0].size())), doc);
  for (auto& inputs : signatures) {
    cp::ScalarKernel kernel(std::move(inputs), output, exec);
    kernel.null_handling = cp::NullHandling::COMPUTED_NO_PREALLOCATE;
    kernel.mem_allocation = cp::MemAllocation::NO_PREALLOCATE;
    ARROW_RETURN_NOT_OK(function->AddKernel(std::move(kernel)));
  }
  return registry->AddFunction(std::move(function), /*allow_overwrite=*/true);
}

}  // namespace

arrow::Result<std::string> FormatTimestamp(int64_t micros, std::string_view format, std::string_view zone) {
  const TimestampFields fields = Decompose(micros);
  std::string out;
  for (const auto& node : ParseTemplate(format)) {
    out += node.kind == TemplateNode::kKeyword ? FormatField(node, fields, zone) : node.written;
  }
  return out;
}

arrow::Result<int64_t> ParseTimestamp(std::string_view text, std::string_view format) {
  return TimestampParser(text, format).Run();
}

MonthDayNanos Age(int64_t later_micros, int64_t earlier_micros) {
  // PostgreSQL subtracts field by field, then borrows from the next larger field; days
  // are borrowed from the month of the earlier timestamp (the later when negative).
  const TimestampFields a = Decompose(later_micros);
  const TimestampFields b = Decompose(earlier_micros);
  const bool negative = later_micros < earlier_micros;
  const int sign = negative ? -1 : 1;
  int64_t micros = sign * (a.microsecond - b.microsecond);
  int64_t second = sign * (static_cast<int64_t>(a.second) - b.second);
  int64_t minute = sign * (static_cast<int64_t>(a.minute) - b.minute);
  int64_t hour = sign * (static_cast<int64_t>(a.hour) - b.hour);
  int64_t day = sign * (static_cast<int64_t>(a.day) - b.day);
  int64_t month = sign * (static_cast<int64_t>(a.month) - b.month);
  int64_t year = sign * (a.year - b.year);
  while (micros < 0) micros += kMicrosPerSecond, --second;
  while (second < 0) second += 60, --minute;
  while (minute < 0) minute += 60, --hour;
  while (hour < 0) hour += 24, --day;
  while (day < 0) {
    const TimestampFields& from = negative ? a : b;
    day += DaysInMonth(from.year, from.month);
    --month;
  }
  while (month < 0) month += 12, --year;
  int64_t time = ((hour * 60 + minute) * 60 + second) * kMicrosPerSecond + micros;
  MonthDayNanos result;
  result.months = static_cast<int32_t>(sign * (year * 12 + month));
  result.days = static_cast<int32_t>(sign * day);
  result.nanoseconds = sign * time * 1000;
  return result;
}

arrow::Result<int64_t> MakeTimestamp(int64_t year, int64_t month, int64_t day, int64_t hour, int64_t minute,
                                     double second) {
  const int64_t astronomical_year = year < 0 ? year + 1 : year;
  if (year == 0 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(astronomical_year, static_cast<unsigned>(month))) {
    char buffer[96];
    std::snprintf(buffer, sizeof(buffer), "date field value out of range: %lld-%02lld-%02lld",
                  static_cast<long long>(year), static_cast<long long>(month), static_cast<long long>(day));
    return arrow::Status::Invalid(buffer);
  }
  if (hour < 0 || minute < 0 || minute > 59 || !(second >= 0) || second > 60 || hour > 24 ||
      (hour == 24 && (minute > 0 || second > 0))) {
    char buffer[96];
    std::snprintf(buffer, sizeof(buffer), "time field value out of range: %lld:%02lld:%02g",
                  static_cast<long long>(hour), static_cast<long long>(minute), second);
    return arrow::Status::Invalid(buffer);
  }
  int64_t days = DaysFromCivil(astronomical_year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t time = (hour * 60 + minute) * 60 * kMicrosPerSecond + static_cast<int64_t>(std::nearbyint(second * 1e6));
  return days * kMicrosPerDay + time;
}

arrow::Result<double> IntervalPart(MonthDayNanos interval, std::string_view field) {
  const int64_t months = interval.months;
  const int64_t years = months / 12;
  const double micros = static_cast<double>(interval.nanoseconds / 1000);
  const int64_t whole_micros = interval.nanoseconds / 1000;
  if (field == "epoch") {
    return micros / 1e6 + 365.25 * 86400.0 * static_cast<double>(years) +
           30.0 * 86400.0 * static_cast<double>(months % 12) + 86400.0 * interval.days;
  }
  if (field == "year" || field == "years") return static_cast<double>(years);
  if (field == "month" || field == "months") return static_cast<double>(months % 12);
  if (field == "quarter") return static_cast<double>((months % 12) / 3 + 1);
  if (field == "decade" || field == "decades") return static_cast<double>(years / 10);
  if (field == "century" || field == "centuries") return static_cast<double>(years / 100);
  if (field == "millennium" || field == "millennia") return static_cast<double>(years / 1000);
  if (field == "day" || field == "days") return static_cast<double>(interval.days);
  if (field == "hour" || field == "hours") return static_cast<double>(whole_micros / 3'600'000'000LL);
  if (field == "minute" || field == "minutes") return static_cast<double>(whole_micros / 60'000'000LL % 60);
  const double second_micros = static_cast<double>(whole_micros % 60'000'000LL);
  if (field == "second" || field == "seconds") return second_micros / 1e6;
  if (field == "millisecond" || field == "milliseconds") return second_micros / 1e3;
  if (field == "microsecond" || field == "microseconds") return second_micros;
  return arrow::Status::Invalid("unit \"", field, "\" not supported for type interval");
}

arrow::Status RegisterDateTimeKernels(cp::FunctionRegistry* registry) {
  const cp::InputType timestamp(arrow::Type::TIMESTAMP);
  const cp::InputType date(arrow::date32());
  const cp::InputType text(arrow::utf8());
  const cp::InputType integer(arrow::int64());

  static const cp::FunctionDoc to_char_doc{"PostgreSQL's to_char for dates and timestamps", "", {"value", "format"}};
  ARROW_RETURN_NOT_OK(AddFunction(registry, "quiver_to_char", to_char_doc, {{timestamp, text}, {date, text}},
                                  arrow::utf8(), ToCharExec));

  static const cp::FunctionDoc to_timestamp_doc{"PostgreSQL's to_timestamp(text, format)", "", {"text", "format"}};
  ARROW_RETURN_NOT_OK(AddFunction(registry, "quiver_to_timestamp", to_timestamp_doc, {{text, text}},
                                  arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), ToTimestampExec<false>));
  static const cp::FunctionDoc to_date_doc{"PostgreSQL's to_date(text, format)", "", {"text", "format"}};
  ARROW_RETURN_NOT_OK(
      AddFunction(registry, "quiver_to_date", to_date_doc, {{text, text}}, arrow::date32(), ToTimestampExec<true>));

  static const cp::FunctionDoc age_doc{"PostgreSQL's age(later, earlier)", "", {"later", "earlier"}};
  ARROW_RETURN_NOT_OK(AddFunction(registry, "quiver_age", age_doc, {{timestamp, timestamp}},
                                  arrow::month_day_nano_interval(), AgeExec));

  static const cp::FunctionDoc make_doc{
      "PostgreSQL's make_timestamp", "", {"year", "month", "day", "hour", "minute", "second"}};
  ARROW_RETURN_NOT_OK(AddFunction(registry, "quiver_make_timestamp", make_doc,
                                  {{integer, integer, integer, integer, integer, cp::InputType(arrow::float64())}},
                                  arrow::timestamp(arrow::TimeUnit::MICRO), MakeTimestampExec));

  static const cp::FunctionDoc part_doc{"extract(field FROM interval)", "", {"interval", "field"}};
  return AddFunction(registry, "quiver_interval_part", part_doc,
                     {{cp::InputType(arrow::month_day_nano_interval()), text}}, arrow::float64(), IntervalPartExec);
}

}  // namespace quiver
