#include "quiver/plan/scalar_functions.h"

#include <arrow/array/util.h>
#include <arrow/compute/api.h>
#include <arrow/scalar.h>
#include <arrow/type.h>

#include <cctype>
#include <cmath>
#include <functional>
#include <limits>
#include <map>

#include "quiver/plan/expression_binder.h"
#include "quiver/plan/sql_types.h"
#include "quiver/sql/source_text.h"

namespace quiver::plan {

namespace cp = arrow::compute;

namespace {

struct CallSite {
  ExpressionBinder& binder;
  const sql::ParsedExpr& call;
  std::vector<BoundExpression> args;

  const std::string& name() const { return call.names.back(); }
  int location() const { return call.location; }

  template <typename... Args>
  arrow::Status Error(Args&&... parts) const {
    return sql::SqlError(binder.context().sql, call.location, std::forward<Args>(parts)...);
  }

  arrow::Status ExpectArgs(size_t min, size_t max) const {
    if (args.size() < min || args.size() > max) {
      std::string types;
      for (size_t i = 0; i < args.size(); ++i) types += (i ? ", " : "") + SqlTypeName(*args[i].type);
      return Error("function ", name(), "(", types, ") does not exist");
    }
    return arrow::Status::OK();
  }

  // Text arguments: quoted literals and other values are turned into text.
  arrow::Result<BoundExpression> Text(size_t i) {
    if (IsString(*args[i].type)) return args[i];
    if (args[i].adapts_to_context || args[i].type->id() == arrow::Type::NA) {
      return binder.CastTo(args[i], arrow::utf8(), location());
    }
    return Error("function ", name(), " expects text, not ", SqlTypeName(*args[i].type));
  }

  arrow::Result<BoundExpression> Number(size_t i) {
    if (IsNumeric(*args[i].type)) return args[i];
    if (args[i].adapts_to_context || args[i].type->id() == arrow::Type::NA) {
      return binder.CastTo(args[i], arrow::float64(), location());
    }
    return Error("function ", name(), " expects a number, not ", SqlTypeName(*args[i].type));
  }

  // Arguments Arrow needs as options (patterns, positions) must be constants.
  arrow::Result<std::optional<std::string>> ConstantText(size_t i) {
    ARROW_ASSIGN_OR_RAISE(auto text, Text(i));
    auto scalar = LiteralValue(text);
    if (!scalar) return Error("argument ", i + 1, " of ", name(), " must be a constant in this version");
    if (!scalar->is_valid) return std::nullopt;
    return static_cast<const arrow::StringScalar&>(*scalar).value->ToString();
  }

  arrow::Result<std::optional<int64_t>> ConstantInteger(size_t i) {
    ARROW_ASSIGN_OR_RAISE(auto value, binder.CastTo(args[i], arrow::int64(), location()));
    auto scalar = LiteralValue(value);
    if (!scalar) return Error("argument ", i + 1, " of ", name(), " must be a constant in this version");
    if (!scalar->is_valid) return std::nullopt;
    return static_cast<const arrow::Int64Scalar&>(*scalar).value;
  }

  arrow::Result<BoundExpression> Call(const std::string& function, std::vector<BoundExpression> call_args,
                                      std::shared_ptr<cp::FunctionOptions> options = nullptr) {
    return binder.Call(function, std::move(call_args), std::move(options), name(), location());
  }

  BoundExpression Null(std::shared_ptr<arrow::DataType> type) { return MakeLiteral(arrow::MakeNullScalar(type)); }
};

using FunctionBinder = std::function<arrow::Result<BoundExpression>(CallSite&)>;

arrow::Result<BoundExpression> UnaryText(CallSite& site, const char* kernel) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(1, 1));
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  return site.Call(kernel, {text});
}

arrow::Result<BoundExpression> Length(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(1, 1));
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  ARROW_ASSIGN_OR_RAISE(auto length, site.Call("utf8_length", {text}));
  return site.binder.CastTo(length, arrow::int32(), site.location());
}

// substring(s, start [, count]): characters from 1-based `start`; positions before the
// string's start still count against `count`, as in PostgreSQL.
arrow::Result<BoundExpression> RegexSubstring(CallSite& site);

arrow::Result<BoundExpression> Substring(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 3));
  // substring(s FROM pattern) has a text second argument, as in PostgreSQL, where a
  // quoted literal there also means a pattern.
  if (site.args.size() == 2 && (IsString(*site.args[1].type) || site.args[1].adapts_to_context)) {
    return RegexSubstring(site);
  }
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  ARROW_ASSIGN_OR_RAISE(auto start, site.ConstantInteger(1));
  std::optional<int64_t> count;
  if (site.args.size() == 3) {
    ARROW_ASSIGN_OR_RAISE(count, site.ConstantInteger(2));
    if (!count) return site.Null(arrow::utf8());
    if (*count < 0) return site.Error("negative substring length not allowed");
  }
  if (!start) return site.Null(arrow::utf8());
  int64_t begin = *start - 1;
  int64_t stop = count ? begin + *count : std::numeric_limits<int64_t>::max();
  begin = std::max<int64_t>(begin, 0);
  stop = std::max<int64_t>(stop, 0);
  return site.Call("utf8_slice_codeunits", {text}, std::make_shared<cp::SliceOptions>(begin, stop));
}

arrow::Result<BoundExpression> Trim(CallSite& site, const char* whitespace_kernel, const char* chars_kernel) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(1, 2));
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  if (site.args.size() == 1) {
    // PostgreSQL trims spaces only, not all whitespace.
    return site.Call(chars_kernel, {text}, std::make_shared<cp::TrimOptions>(" "));
  }
  (void)whitespace_kernel;
  ARROW_ASSIGN_OR_RAISE(auto chars, site.ConstantText(1));
  if (!chars) return site.Null(arrow::utf8());
  return site.Call(chars_kernel, {text}, std::make_shared<cp::TrimOptions>(*chars));
}

arrow::Result<BoundExpression> Replace(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(3, 3));
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  ARROW_ASSIGN_OR_RAISE(auto from, site.ConstantText(1));
  ARROW_ASSIGN_OR_RAISE(auto to, site.ConstantText(2));
  if (!from || !to) return site.Null(arrow::utf8());
  if (from->empty()) return text;
  return site.Call("replace_substring", {text}, std::make_shared<cp::ReplaceSubstringOptions>(*from, *to));
}

// position(sub IN s) arrives as position(s, sub); strpos(s, sub) likewise. 1-based, 0
// when absent.
arrow::Result<BoundExpression> Position(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 2));
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  ARROW_ASSIGN_OR_RAISE(auto needle, site.ConstantText(1));
  if (!needle) return site.Null(arrow::int32());
  ARROW_ASSIGN_OR_RAISE(auto found,
                        site.Call("find_substring", {text}, std::make_shared<cp::MatchSubstringOptions>(*needle)));
  ARROW_ASSIGN_OR_RAISE(found, site.binder.CastTo(found, arrow::int32(), site.location()));
  return site.Call("add", {found, MakeLiteral(std::make_shared<arrow::Int32Scalar>(1))});
}

arrow::Result<BoundExpression> Concat(CallSite& site) {
  std::vector<BoundExpression> parts;
  for (size_t i = 0; i < site.args.size(); ++i) {
    BoundExpression part = site.args[i];
    if (!IsString(*part.type)) {
      ARROW_ASSIGN_OR_RAISE(part, site.binder.CastTo(part, arrow::utf8(), site.location()));
    }
    parts.push_back(std::move(part));
  }
  if (parts.empty()) return site.Error("function concat() does not exist");
  parts.push_back(MakeLiteral(std::make_shared<arrow::StringScalar>("")));
  // concat ignores NULL arguments, unlike ||.
  return site.Call("binary_join_element_wise", std::move(parts),
                   std::make_shared<cp::JoinOptions>(cp::JoinOptions::SKIP));
}

arrow::Result<BoundExpression> UnaryNumber(CallSite& site, const char* kernel, bool integers_unchanged) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(1, 1));
  ARROW_ASSIGN_OR_RAISE(auto value, site.Number(0));
  if (integers_unchanged && IsInteger(*value.type)) return value;
  return site.Call(kernel, {value});
}

arrow::Result<BoundExpression> FloatingUnary(CallSite& site, const char* kernel) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(1, 1));
  ARROW_ASSIGN_OR_RAISE(auto value, site.Number(0));
  ARROW_ASSIGN_OR_RAISE(value, site.binder.CastTo(value, arrow::float64(), site.location()));
  return site.Call(kernel, {value});
}

// round(x [, digits]): half away from zero for exact numbers, half to even for
// floating point (PostgreSQL uses rint there).
arrow::Result<BoundExpression> Round(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(1, 2));
  ARROW_ASSIGN_OR_RAISE(auto value, site.Number(0));
  int64_t digits = 0;
  if (site.args.size() == 2) {
    ARROW_ASSIGN_OR_RAISE(auto given, site.ConstantInteger(1));
    if (!given) return site.Null(value.type);
    digits = *given;
  }
  if (IsInteger(*value.type) && digits >= 0) return value;
  bool floating = value.type->id() == arrow::Type::DOUBLE || value.type->id() == arrow::Type::FLOAT;
  auto mode = floating ? cp::RoundMode::HALF_TO_EVEN : cp::RoundMode::HALF_TOWARDS_INFINITY;
  return site.Call("round", {value}, std::make_shared<cp::RoundOptions>(digits, mode));
}

arrow::Result<BoundExpression> Binary(CallSite& site, const char* kernel, bool to_double) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 2));
  ARROW_ASSIGN_OR_RAISE(auto a, site.Number(0));
  ARROW_ASSIGN_OR_RAISE(auto b, site.Number(1));
  if (to_double) {
    ARROW_ASSIGN_OR_RAISE(a, site.binder.CastTo(a, arrow::float64(), site.location()));
    ARROW_ASSIGN_OR_RAISE(b, site.binder.CastTo(b, arrow::float64(), site.location()));
  }
  return site.Call(kernel, {a, b});
}

// The temporal argument of extract / date_trunc: quoted literals are timestamps.
arrow::Result<BoundExpression> Temporal(CallSite& site, size_t i) {
  BoundExpression value = site.args[i];
  if (value.adapts_to_context) {
    ARROW_ASSIGN_OR_RAISE(value, site.binder.CastTo(value, arrow::timestamp(arrow::TimeUnit::MICRO), site.location()));
  }
  if (!IsTemporal(*value.type) && value.type->id() != arrow::Type::TIME64) {
    return site.Error("function ", site.name(), " expects a date or timestamp, not ", SqlTypeName(*value.type));
  }
  return value;
}

std::string Lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// extract(field FROM x) and date_part('field', x).
arrow::Result<BoundExpression> Extract(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 2));
  ARROW_ASSIGN_OR_RAISE(auto field_text, site.ConstantText(0));
  if (!field_text) return site.Null(arrow::float64());
  std::string field = Lower(*field_text);
  if (site.args[1].type->id() == arrow::Type::DURATION && field == "epoch") {
    // A difference of timestamps, in seconds.
    const auto& unit = static_cast<const arrow::DurationType&>(*site.args[1].type).unit();
    double per_second = unit == arrow::TimeUnit::SECOND  ? 1
                        : unit == arrow::TimeUnit::MILLI ? 1e3
                        : unit == arrow::TimeUnit::MICRO ? 1e6
                                                         : 1e9;
    ARROW_ASSIGN_OR_RAISE(
        auto count,
        site.Call("cast", {site.args[1]}, std::make_shared<cp::CastOptions>(cp::CastOptions::Unsafe(arrow::int64()))));
    ARROW_ASSIGN_OR_RAISE(count, site.binder.CastTo(count, arrow::float64(), site.location()));
    return site.Call("divide", {count, MakeLiteral(std::make_shared<arrow::DoubleScalar>(per_second))});
  }
  if (site.args[1].type->id() == arrow::Type::INTERVAL_MONTH_DAY_NANO) {
    // Interval fields are double precision here, as date_part gives them.
    return site.Call("quiver_interval_part", {site.args[1], MakeLiteral(std::make_shared<arrow::StringScalar>(field))});
  }
  ARROW_ASSIGN_OR_RAISE(auto value, Temporal(site, 1));
  if (field == "century" || field == "decade" || field == "millennium") {
    // From the year: the 21st century and 3rd millennium begin in 2001, decades are
    // year / 10 (years are positive here; BC dates are out of Arrow's calendar use).
    ARROW_ASSIGN_OR_RAISE(auto year, site.Call("year", {value}));
    int64_t span = field == "decade" ? 10 : field == "century" ? 100 : 1000;
    auto literal = [](int64_t v) { return MakeLiteral(std::make_shared<arrow::Int64Scalar>(v)); };
    if (field != "decade") {
      ARROW_ASSIGN_OR_RAISE(year, site.Call("add", {year, literal(span - 1)}));
    }
    return site.Call("divide", {year, literal(span)});
  }
  static const std::map<std::string, const char*> kFields = {
      {"year", "year"},       {"month", "month"},   {"day", "day"},
      {"hour", "hour"},       {"minute", "minute"}, {"quarter", "quarter"},
      {"doy", "day_of_year"}, {"week", "iso_week"}, {"isoyear", "iso_year"},
  };
  if (field == "second") {
    // Seconds with their fraction, as PostgreSQL gives them.
    ARROW_ASSIGN_OR_RAISE(auto whole, site.Call("second", {value}));
    ARROW_ASSIGN_OR_RAISE(auto fraction, site.Call("subsecond", {value}));
    ARROW_ASSIGN_OR_RAISE(whole, site.binder.CastTo(whole, arrow::float64(), site.location()));
    return site.Call("add", {whole, fraction});
  }
  if (field == "dow" || field == "isodow") {
    // PostgreSQL: dow counts Sunday as 0; isodow counts Monday as 1 … Sunday as 7.
    auto options = field == "dow" ? std::make_shared<cp::DayOfWeekOptions>(true, 7)
                                  : std::make_shared<cp::DayOfWeekOptions>(false, 1);
    return site.Call("day_of_week", {value}, options);
  }
  if (field == "epoch") {
    if (value.type->id() == arrow::Type::DATE32) {
      ARROW_ASSIGN_OR_RAISE(value,
                            site.binder.CastTo(value, arrow::timestamp(arrow::TimeUnit::MICRO), site.location()));
    }
    ARROW_ASSIGN_OR_RAISE(auto micros,
                          site.binder.CastTo(value, arrow::timestamp(arrow::TimeUnit::MICRO), site.location()));
    ARROW_ASSIGN_OR_RAISE(
        auto count,
        site.Call("cast", {micros}, std::make_shared<cp::CastOptions>(cp::CastOptions::Unsafe(arrow::int64()))));
    ARROW_ASSIGN_OR_RAISE(count, site.binder.CastTo(count, arrow::float64(), site.location()));
    return site.Call("divide", {count, MakeLiteral(std::make_shared<arrow::DoubleScalar>(1e6))});
  }
  if (field == "millisecond" || field == "milliseconds" || field == "microsecond" || field == "microseconds") {
    ARROW_ASSIGN_OR_RAISE(auto whole, site.Call("second", {value}));
    ARROW_ASSIGN_OR_RAISE(auto fraction, site.Call("subsecond", {value}));
    ARROW_ASSIGN_OR_RAISE(whole, site.binder.CastTo(whole, arrow::float64(), site.location()));
    ARROW_ASSIGN_OR_RAISE(auto seconds, site.Call("add", {whole, fraction}));
    double scale = field[1] == 'i' && field[2] == 'l' ? 1e3 : 1e6;
    return site.Call("multiply", {seconds, MakeLiteral(std::make_shared<arrow::DoubleScalar>(scale))});
  }
  auto it = kFields.find(field);
  if (it == kFields.end() || it->second == nullptr) {
    return site.Error("unit \"", *field_text, "\" not recognized for ", site.name());
  }
  return site.Call(it->second, {value});
}

// date_trunc to decades, centuries or millennia. Arrow floors to multiples of years
// counted from year 0; centuries and millennia begin in years ending in 01, so the
// value is moved back a year, floored, and moved forward again.
arrow::Result<BoundExpression> TruncateToYears(CallSite& site, BoundExpression value, const std::string& unit) {
  if (value.type->id() == arrow::Type::DATE32) {
    ARROW_ASSIGN_OR_RAISE(value, site.binder.CastTo(value, arrow::timestamp(arrow::TimeUnit::MICRO), site.location()));
  }
  const int years = unit == "decade" ? 10 : unit == "century" ? 100 : 1000;
  const int32_t shift_months = unit == "decade" ? 0 : 12;
  auto shift = MakeLiteral(std::make_shared<arrow::MonthDayNanoIntervalScalar>(
      arrow::MonthDayNanoIntervalType::MonthDayNanos{shift_months, 0, 0}));
  if (shift_months) {
    ARROW_ASSIGN_OR_RAISE(value, site.Call("quiver_subtract_interval", {value, shift}));
  }
  auto options = std::make_shared<cp::RoundTemporalOptions>(years, cp::CalendarUnit::YEAR);
  ARROW_ASSIGN_OR_RAISE(value, site.Call("floor_temporal", {value}, options));
  if (!shift_months) return value;
  return site.Call("quiver_add_interval", {value, shift});
}

arrow::Result<BoundExpression> DateTrunc(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 2));
  ARROW_ASSIGN_OR_RAISE(auto unit_text, site.ConstantText(0));
  ARROW_ASSIGN_OR_RAISE(auto value, Temporal(site, 1));
  if (!unit_text) return site.Null(value.type);
  static const std::map<std::string, cp::CalendarUnit> kUnits = {
      {"microseconds", cp::CalendarUnit::MICROSECOND},
      {"milliseconds", cp::CalendarUnit::MILLISECOND},
      {"second", cp::CalendarUnit::SECOND},
      {"minute", cp::CalendarUnit::MINUTE},
      {"hour", cp::CalendarUnit::HOUR},
      {"day", cp::CalendarUnit::DAY},
      {"week", cp::CalendarUnit::WEEK},
      {"month", cp::CalendarUnit::MONTH},
      {"quarter", cp::CalendarUnit::QUARTER},
      {"year", cp::CalendarUnit::YEAR},
  };
  std::string unit = Lower(*unit_text);
  if (unit == "decade" || unit == "century" || unit == "millennium") return TruncateToYears(site, value, unit);
  auto it = kUnits.find(unit);
  if (it == kUnits.end() && unit.size() > 1 && unit.back() == 's') it = kUnits.find(unit.substr(0, unit.size() - 1));
  if (it == kUnits.end()) return site.Error("unit \"", *unit_text, "\" not recognized for date_trunc");
  // date_trunc of a date is a timestamp, as in PostgreSQL.
  if (value.type->id() == arrow::Type::DATE32) {
    ARROW_ASSIGN_OR_RAISE(value, site.binder.CastTo(value, arrow::timestamp(arrow::TimeUnit::MICRO), site.location()));
  }
  auto options = std::make_shared<cp::RoundTemporalOptions>(1, it->second, /*week_starts_monday=*/true);
  return site.Call("floor_temporal", {value}, options);
}

// make_date(year, month, day), through the ISO text Arrow parses exactly.
arrow::Result<BoundExpression> MakeDate(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(3, 3));
  std::vector<BoundExpression> parts;
  for (size_t i = 0; i < 3; ++i) {
    ARROW_ASSIGN_OR_RAISE(auto number, site.binder.CastTo(site.args[i], arrow::int32(), site.location()));
    ARROW_ASSIGN_OR_RAISE(auto text, site.binder.CastTo(number, arrow::utf8(), site.location()));
    ARROW_ASSIGN_OR_RAISE(text, site.Call("utf8_lpad", {text}, std::make_shared<cp::PadOptions>(i == 0 ? 4 : 2, "0")));
    parts.push_back(std::move(text));
  }
  parts.push_back(MakeLiteral(std::make_shared<arrow::StringScalar>("-")));
  ARROW_ASSIGN_OR_RAISE(auto iso, site.Call("binary_join_element_wise", std::move(parts)));
  return site.Call("cast", {iso}, std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(arrow::date32())));
}

// left(s, n) / right(s, n): the first / last n characters; a negative n means all
// but the last / first |n|.
arrow::Result<BoundExpression> LeftOrRight(CallSite& site, bool left) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 2));
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  ARROW_ASSIGN_OR_RAISE(auto count, site.ConstantInteger(1));
  if (!count) return site.Null(arrow::utf8());
  const int64_t n = *count;
  constexpr int64_t kEnd = std::numeric_limits<int64_t>::max();
  int64_t start = 0, stop = 0;
  if (left) {
    stop = n;  // a negative stop counts from the end
  } else if (n > 0) {
    start = -n;
    stop = kEnd;
  } else {
    start = -n;
    stop = n == 0 ? 0 : kEnd;
  }
  return site.Call("utf8_slice_codeunits", {text}, std::make_shared<cp::SliceOptions>(start, stop));
}

// lpad / rpad: pad to n characters with a one-character fill, or cut to n.
arrow::Result<BoundExpression> Pad(CallSite& site, const char* kernel) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 3));
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  ARROW_ASSIGN_OR_RAISE(auto width, site.ConstantInteger(1));
  std::optional<std::string> fill = std::string(" ");
  if (site.args.size() == 3) {
    ARROW_ASSIGN_OR_RAISE(fill, site.ConstantText(2));
  }
  if (!width || !fill) return site.Null(arrow::utf8());
  if (fill->size() != 1) return site.Error(site.name(), " fill must be one character in this version");
  int64_t n = std::max<int64_t>(*width, 0);
  ARROW_ASSIGN_OR_RAISE(auto padded, site.Call(kernel, {text}, std::make_shared<cp::PadOptions>(n, *fill)));
  return site.Call("utf8_slice_codeunits", {padded}, std::make_shared<cp::SliceOptions>(0, n));
}

arrow::Result<BoundExpression> Repeat(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 2));
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  ARROW_ASSIGN_OR_RAISE(auto count, site.binder.CastTo(site.args[1], arrow::int64(), site.location()));
  // PostgreSQL gives '' for counts below one.
  ARROW_ASSIGN_OR_RAISE(count,
                        site.Call("max_element_wise", {count, MakeLiteral(std::make_shared<arrow::Int64Scalar>(0))}));
  return site.Call("binary_repeat", {text, count});
}

arrow::Result<BoundExpression> StartsWith(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 2));
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  ARROW_ASSIGN_OR_RAISE(auto prefix, site.ConstantText(1));
  if (!prefix) return site.Null(arrow::boolean());
  return site.Call("starts_with", {text}, std::make_shared<cp::MatchSubstringOptions>(*prefix));
}

// split_part(s, delimiter, n): the n-th field (1-based), '' when there is none.
arrow::Result<BoundExpression> SplitPart(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(3, 3));
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  ARROW_ASSIGN_OR_RAISE(auto delimiter, site.ConstantText(1));
  ARROW_ASSIGN_OR_RAISE(auto field, site.ConstantInteger(2));
  if (!delimiter || !field) return site.Null(arrow::utf8());
  if (*field == 0) return site.Error("field position must not be zero");
  if (delimiter->empty())
    return *field == 1 || *field == -1 ? text : MakeLiteral(std::make_shared<arrow::StringScalar>(""));
  ARROW_ASSIGN_OR_RAISE(auto parts,
                        site.Call("split_pattern", {text}, std::make_shared<cp::SplitPatternOptions>(*delimiter)));
  if (*field < 0) return site.Error("negative field positions are not supported in this version");
  ARROW_ASSIGN_OR_RAISE(auto one,
                        site.Call("list_slice", {parts}, std::make_shared<cp::ListSliceOptions>(*field - 1, *field)));
  // Joining a zero- or one-element list gives '' or the element.
  return site.Call("binary_join", {one, MakeLiteral(std::make_shared<arrow::StringScalar>(""))});
}

arrow::Result<BoundExpression> Now(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(0, 0));
  sql::ParsedExpr special;
  special.kind = sql::ExprKind::kSpecialValue;
  special.names = {"current_timestamp"};
  special.location = site.location();
  return site.binder.Bind(special);
}

// ---------------------------------------------------------------- regular expressions
//
// PostgreSQL's advanced regular expressions are translated to RE2, which Arrow's regex
// kernels use. RE2 has no back references in patterns, no lookahead or lookbehind, and
// no \m, \M (word start / end); those patterns are refused with a message. \y, \Y and
// \Z become RE2's \b, \B and \z. PostgreSQL lets `.` match a newline unless the 'n'
// flag is given; RE2 needs (?s) for that.

struct RegexFlags {
  bool ignore_case = false;
  bool global = false;
  bool dot_matches_newline = true;
  bool multiline = false;
  bool literal = false;
};

arrow::Result<RegexFlags> ParseRegexFlags(CallSite& site, const std::string& flags, bool allow_global) {
  RegexFlags out;
  for (char flag : flags) {
    switch (flag) {
      case 'i':
        out.ignore_case = true;
        break;
      case 'c':
        out.ignore_case = false;
        break;
      case 'g':
        if (!allow_global) return site.Error(site.name(), "() does not support the \"global\" option");
        out.global = true;
        break;
      case 'n':
      case 'm':
        out.dot_matches_newline = false;
        out.multiline = true;
        break;
      case 's':
        out.dot_matches_newline = true;
        out.multiline = false;
        break;
      case 'p':
        out.dot_matches_newline = false;
        out.multiline = false;
        break;
      case 'w':
        out.dot_matches_newline = true;
        out.multiline = true;
        break;
      case 'q':
        out.literal = true;
        break;
      case 'x':
      case 'b':
      case 'e':
        return site.Error("regular expression option \"", std::string(1, flag), "\" is not supported");
      default:
        return site.Error("invalid regular expression option: \"", std::string(1, flag), "\"");
    }
  }
  return out;
}

// The pattern as RE2 syntax. `capture` < 0 keeps the pattern's groups; 0 names the
// whole match "match"; n > 0 names the n-th group "match" and makes the others
// non-capturing (Arrow's extract_regex wants named groups only).
struct TranslatedRegex {
  std::string pattern;
  int groups = 0;  // capturing groups in the original pattern
};

arrow::Result<TranslatedRegex> TranslateRegex(CallSite& site, const std::string& pattern, const RegexFlags& flags,
                                              int capture) {
  TranslatedRegex out;
  std::string body;
  if (flags.literal) {
    for (char c : pattern) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && !(static_cast<unsigned char>(c) & 0x80)) body += '\\';
      body += c;
    }
  } else {
    bool in_bracket = false;
    for (size_t i = 0; i < pattern.size(); ++i) {
      char c = pattern[i];
      if (in_bracket) {
        body += c;
        if (c == '\\' && i + 1 < pattern.size()) {
          body += pattern[++i];
        } else if (c == '[' && i + 1 < pattern.size() &&
                   (pattern[i + 1] == ':' || pattern[i + 1] == '=' || pattern[i + 1] == '.')) {
          // [:alpha:] and friends run to their own closing bracket.
          size_t close = pattern.find(std::string(1, pattern[i + 1]) + "]", i + 2);
          if (close != std::string::npos) {
            body += pattern.substr(i + 1, close + 1 - i);
            i = close + 1;
          }
        } else if (c == ']') {
          in_bracket = false;
        }
        continue;
      }
      if (c == '\\' && i + 1 < pattern.size()) {
        char next = pattern[++i];
        if (next >= '1' && next <= '9') return site.Error("back references in regular expressions are not supported");
        if (next == 'm' || next == 'M')
          return site.Error("\\", std::string(1, next), " is not supported in regular expressions");
        body += next == 'y' ? "\\b" : next == 'Y' ? "\\B" : next == 'Z' ? "\\z" : std::string{'\\', next};
        continue;
      }
      if (c == '[') {
        // A ']' right after '[' or '[^' is a member, not the end.
        in_bracket = true;
        body += c;
        if (i + 1 < pattern.size() && pattern[i + 1] == '^') body += pattern[++i];
        if (i + 1 < pattern.size() && pattern[i + 1] == ']') body += pattern[++i];
        continue;
      }
      if (c == '(' && (i + 1 >= pattern.size() || pattern[i + 1] != '?')) {
        ++out.groups;
        body += capture < 0 ? "(" : out.groups == capture ? "(?P<match>" : "(?:";
        continue;
      }
      body += c;
    }
  }
  std::string options =
      std::string(flags.ignore_case ? "i" : "") + (flags.dot_matches_newline ? "s" : "") + (flags.multiline ? "m" : "");
  out.pattern = (options.empty() ? "" : "(?" + options + ")") + (capture == 0 ? "(?P<match>" + body + ")" : body);
  return out;
}

// Compiles the pattern now, so a bad one is reported at its call rather than when the
// first batch runs.
arrow::Status CheckRegex(CallSite& site, const std::string& pattern) {
  ARROW_ASSIGN_OR_RAISE(auto probe, arrow::MakeArrayFromScalar(arrow::StringScalar(""), 1));
  cp::MatchSubstringOptions options(pattern);
  auto result = cp::CallFunction("match_substring_regex", {probe}, &options);
  if (result.ok()) return arrow::Status::OK();
  std::string message = result.status().message();
  const std::string prefix = "Invalid regular expression: ";
  if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
  return site.Error("invalid regular expression: ", message);
}

// The pattern and flags arguments of a regexp_* call; nullopt when either is NULL.
arrow::Result<std::optional<TranslatedRegex>> RegexArgument(CallSite& site, size_t pattern_index,
                                                            std::optional<size_t> flags_index, bool allow_global,
                                                            int capture, RegexFlags* flags_out = nullptr) {
  ARROW_ASSIGN_OR_RAISE(auto pattern, site.ConstantText(pattern_index));
  std::optional<std::string> flags = std::string();
  if (flags_index) {
    ARROW_ASSIGN_OR_RAISE(flags, site.ConstantText(*flags_index));
  }
  if (!pattern || !flags) return std::nullopt;
  ARROW_ASSIGN_OR_RAISE(auto parsed_flags, ParseRegexFlags(site, *flags, allow_global));
  ARROW_ASSIGN_OR_RAISE(auto translated, TranslateRegex(site, *pattern, parsed_flags, capture));
  ARROW_RETURN_NOT_OK(CheckRegex(site, translated.pattern));
  if (flags_out) *flags_out = parsed_flags;
  return translated;
}

bool IsIntegerArgument(const BoundExpression& arg) { return IsInteger(*arg.type); }

// The text from the 1-based character position `start` on (regexp_* functions' start).
arrow::Result<std::optional<BoundExpression>> FromStart(CallSite& site, BoundExpression text, size_t start_index) {
  ARROW_ASSIGN_OR_RAISE(auto start, site.ConstantInteger(start_index));
  if (!start) return std::nullopt;
  if (*start <= 0) return site.Error("invalid value for parameter \"start\": ", *start);
  if (*start == 1) return text;
  return site.Call("utf8_slice_codeunits", {text},
                   std::make_shared<cp::SliceOptions>(*start - 1, std::numeric_limits<int64_t>::max()));
}

// regexp_like(s, pattern [, flags]); also the ~ ~* !~ !~* operators.
arrow::Result<BoundExpression> RegexpLike(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 3));
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  std::optional<size_t> flags_index;
  if (site.args.size() == 3) flags_index = 2;
  ARROW_ASSIGN_OR_RAISE(auto regex, RegexArgument(site, 1, flags_index, false, -1));
  if (!regex) return site.Null(arrow::boolean());
  return site.Call("match_substring_regex", {text}, std::make_shared<cp::MatchSubstringOptions>(regex->pattern));
}

// PostgreSQL's replacement text: \1..\9 groups, \& the whole match, \\ a backslash;
// any other backslash is kept. References to groups the pattern lacks are empty.
std::string TranslateReplacement(const std::string& replacement, int groups) {
  std::string out;
  for (size_t i = 0; i < replacement.size(); ++i) {
    char c = replacement[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i + 1 >= replacement.size()) {
      out += "\\\\";
      continue;
    }
    char next = replacement[i + 1];
    if (next >= '1' && next <= '9') {
      if (next - '0' <= groups) out += std::string{'\\', next};
      ++i;
    } else if (next == '&') {
      out += "\\0";
      ++i;
    } else if (next == '\\') {
      out += "\\\\";
      ++i;
    } else {
      out += "\\\\";
    }
  }
  return out;
}

// regexp_replace(s, pattern, replacement [, start [, N]] [, flags]): the first match
// unless flag 'g' (or N = 0); N > 1 is not supported.
arrow::Result<BoundExpression> RegexpReplace(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(3, 6));
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  std::optional<size_t> start_index, n_index, flags_index;
  if (site.args.size() == 4) {
    (IsIntegerArgument(site.args[3]) ? start_index : flags_index) = 3;
  } else if (site.args.size() >= 5) {
    start_index = 3;
    n_index = 4;
    if (site.args.size() == 6) flags_index = 5;
  }
  RegexFlags flags;
  ARROW_ASSIGN_OR_RAISE(auto regex, RegexArgument(site, 1, flags_index, true, -1, &flags));
  ARROW_ASSIGN_OR_RAISE(auto replacement, site.ConstantText(2));
  if (!regex || !replacement) return site.Null(arrow::utf8());
  bool global = flags.global;
  if (n_index) {
    ARROW_ASSIGN_OR_RAISE(auto n, site.ConstantInteger(*n_index));
    if (!n) return site.Null(arrow::utf8());
    if (*n < 0) return site.Error("invalid value for parameter \"n\": ", *n);
    if (*n > 1) return site.Error("regexp_replace of the N-th match (N > 1) is not supported in this version");
    global = *n == 0;
  }
  auto options = std::make_shared<cp::ReplaceSubstringOptions>(
      regex->pattern, TranslateReplacement(*replacement, regex->groups), global ? -1 : 1);
  if (!start_index) return site.Call("replace_substring_regex", {text}, options);
  ARROW_ASSIGN_OR_RAISE(auto start, site.ConstantInteger(*start_index));
  if (!start) return site.Null(arrow::utf8());
  ARROW_ASSIGN_OR_RAISE(auto rest, FromStart(site, text, *start_index));
  ARROW_ASSIGN_OR_RAISE(auto replaced, site.Call("replace_substring_regex", {*rest}, options));
  if (*start == 1) return replaced;
  ARROW_ASSIGN_OR_RAISE(auto head,
                        site.Call("utf8_slice_codeunits", {text}, std::make_shared<cp::SliceOptions>(0, *start - 1)));
  return site.Call("binary_join_element_wise",
                   {head, replaced, MakeLiteral(std::make_shared<arrow::StringScalar>(""))});
}

// regexp_count(s, pattern [, start [, flags]]).
arrow::Result<BoundExpression> RegexpCount(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 4));
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  std::optional<size_t> flags_index;
  if (site.args.size() == 4) flags_index = 3;
  ARROW_ASSIGN_OR_RAISE(auto regex, RegexArgument(site, 1, flags_index, false, -1));
  if (!regex) return site.Null(arrow::int32());
  if (site.args.size() >= 3) {
    ARROW_ASSIGN_OR_RAISE(auto rest, FromStart(site, text, 2));
    if (!rest) return site.Null(arrow::int32());
    text = *rest;
  }
  ARROW_ASSIGN_OR_RAISE(auto count, site.Call("count_substring_regex", {text},
                                              std::make_shared<cp::MatchSubstringOptions>(regex->pattern)));
  return site.binder.CastTo(count, arrow::int32(), site.location());
}

// The first match (or its `capture`-th group) of a translated pattern, NULL when none.
arrow::Result<BoundExpression> ExtractMatch(CallSite& site, BoundExpression text, const std::string& pattern) {
  ARROW_ASSIGN_OR_RAISE(auto extracted,
                        site.Call("extract_regex", {text}, std::make_shared<cp::ExtractRegexOptions>(pattern)));
  return site.Call("struct_field", {extracted}, std::make_shared<cp::StructFieldOptions>(std::vector<int>{0}));
}

// regexp_substr(s, pattern [, start [, N [, flags [, subexpr]]]]): N must be 1.
arrow::Result<BoundExpression> RegexpSubstr(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 6));
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  int capture = 0;
  if (site.args.size() == 6) {
    ARROW_ASSIGN_OR_RAISE(auto subexpr, site.ConstantInteger(5));
    if (!subexpr) return site.Null(arrow::utf8());
    if (*subexpr < 0) return site.Error("invalid value for parameter \"subexpr\": ", *subexpr);
    capture = static_cast<int>(std::min<int64_t>(*subexpr, 1000));
  }
  std::optional<size_t> flags_index;
  if (site.args.size() >= 5) flags_index = 4;
  ARROW_ASSIGN_OR_RAISE(auto regex, RegexArgument(site, 1, flags_index, false, capture));
  if (!regex) return site.Null(arrow::utf8());
  if (capture > regex->groups) return site.Null(arrow::utf8());
  if (site.args.size() >= 4) {
    ARROW_ASSIGN_OR_RAISE(auto n, site.ConstantInteger(3));
    if (!n) return site.Null(arrow::utf8());
    if (*n <= 0) return site.Error("invalid value for parameter \"n\": ", *n);
    if (*n > 1) return site.Error("regexp_substr of the N-th match (N > 1) is not supported in this version");
  }
  if (site.args.size() >= 3) {
    ARROW_ASSIGN_OR_RAISE(auto rest, FromStart(site, text, 2));
    if (!rest) return site.Null(arrow::utf8());
    text = *rest;
  }
  return ExtractMatch(site, text, regex->pattern);
}

// substring(s FROM pattern): the part matching the pattern's first parenthesized
// group, or the whole match when it has none.
arrow::Result<BoundExpression> RegexSubstring(CallSite& site) {
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  ARROW_ASSIGN_OR_RAISE(auto pattern, site.ConstantText(1));
  if (!pattern) return site.Null(arrow::utf8());
  RegexFlags flags;
  ARROW_ASSIGN_OR_RAISE(auto probe, TranslateRegex(site, *pattern, flags, -1));
  ARROW_ASSIGN_OR_RAISE(auto regex, TranslateRegex(site, *pattern, flags, probe.groups > 0 ? 1 : 0));
  ARROW_RETURN_NOT_OK(CheckRegex(site, regex.pattern));
  return ExtractMatch(site, text, regex.pattern);
}

// ---------------------------------------------------------------- more date/time

BoundExpression TextLiteral(std::string text) {
  return MakeLiteral(std::make_shared<arrow::StringScalar>(std::move(text)));
}

arrow::Result<BoundExpression> ToMicros(CallSite& site, BoundExpression value) {
  // Timestamps keep their zone; dates become timestamps at midnight.
  if (value.type->id() == arrow::Type::DATE32 || value.type->id() == arrow::Type::DATE64) {
    return site.binder.CastTo(value, arrow::timestamp(arrow::TimeUnit::MICRO), site.location());
  }
  return value;
}

// to_char(number, format): the number goes to the kernel as exact decimal text.
arrow::Result<BoundExpression> ToCharNumber(CallSite& site, BoundExpression value, BoundExpression format) {
  ARROW_ASSIGN_OR_RAISE(auto text, site.binder.CastTo(value, arrow::utf8(), site.location()));
  return site.Call("quiver_to_char_number", {text, format});
}

// to_char(timestamp | date, format).
arrow::Result<BoundExpression> ToChar(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 2));
  ARROW_ASSIGN_OR_RAISE(auto format, site.Text(1));
  BoundExpression value = site.args[0];
  if (IsNumeric(*value.type)) return ToCharNumber(site, value, format);
  ARROW_ASSIGN_OR_RAISE(value, Temporal(site, 0));
  if (value.type->id() == arrow::Type::TIME64) return site.Error("function to_char(time, text) does not exist");
  if (value.type->id() == arrow::Type::DATE64) {
    ARROW_ASSIGN_OR_RAISE(value, site.binder.CastTo(value, arrow::date32(), site.location()));
  }
  return site.Call("quiver_to_char", {value, format});
}

// to_timestamp(epoch seconds) and to_timestamp(text, format), both timestamptz.
arrow::Result<BoundExpression> ToTimestamp(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(1, 2));
  if (site.args.size() == 2) {
    ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
    ARROW_ASSIGN_OR_RAISE(auto format, site.Text(1));
    return site.Call("quiver_to_timestamp", {text, format});
  }
  ARROW_ASSIGN_OR_RAISE(auto seconds, site.Number(0));
  ARROW_ASSIGN_OR_RAISE(seconds, site.binder.CastTo(seconds, arrow::float64(), site.location()));
  ARROW_ASSIGN_OR_RAISE(
      auto micros, site.Call("multiply_checked", {seconds, MakeLiteral(std::make_shared<arrow::DoubleScalar>(1e6))}));
  ARROW_ASSIGN_OR_RAISE(
      micros, site.Call("round", {micros}, std::make_shared<cp::RoundOptions>(0, cp::RoundMode::HALF_TO_EVEN)));
  ARROW_ASSIGN_OR_RAISE(
      micros, site.Call("cast", {micros}, std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(arrow::int64()))));
  return site.Call(
      "cast", {micros},
      std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"))));
}

arrow::Result<BoundExpression> ToDate(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 2));
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  ARROW_ASSIGN_OR_RAISE(auto format, site.Text(1));
  return site.Call("quiver_to_date", {text, format});
}

// make_timestamp(year, month, day, hour, minute, seconds double).
arrow::Result<BoundExpression> MakeTimestamp(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(6, 6));
  std::vector<BoundExpression> parts;
  for (size_t i = 0; i < 6; ++i) {
    ARROW_ASSIGN_OR_RAISE(auto number, site.Number(i));
    ARROW_ASSIGN_OR_RAISE(number,
                          site.binder.CastTo(number, i < 5 ? arrow::int64() : arrow::float64(), site.location()));
    parts.push_back(std::move(number));
  }
  return site.Call("quiver_make_timestamp", std::move(parts));
}

// age(later, earlier) and age(ts) = age(today at midnight, ts).
arrow::Result<BoundExpression> Age(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(1, 2));
  std::vector<BoundExpression> values;
  if (site.args.size() == 1) {
    sql::ParsedExpr today;
    today.kind = sql::ExprKind::kSpecialValue;
    today.names = {"current_date"};
    today.location = site.location();
    ARROW_ASSIGN_OR_RAISE(auto date, site.binder.Bind(today));
    ARROW_ASSIGN_OR_RAISE(date, ToMicros(site, date));
    values.push_back(std::move(date));
  }
  for (size_t i = 0; i < site.args.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto value, Temporal(site, i));
    if (value.type->id() == arrow::Type::TIME64) return site.Error("function age(time) does not exist");
    ARROW_ASSIGN_OR_RAISE(value, ToMicros(site, value));
    ARROW_ASSIGN_OR_RAISE(
        value, site.binder.CastTo(value,
                                  arrow::timestamp(arrow::TimeUnit::MICRO,
                                                   static_cast<const arrow::TimestampType&>(*value.type).timezone()),
                                  site.location()));
    values.push_back(std::move(value));
  }
  return site.Call("quiver_age", std::move(values));
}

// ---------------------------------------------------------------- more numbers and text

// Rebinds the call's own arguments as the operator `op` (mod → %, div → /), so
// the operator's type rules apply.
arrow::Result<BoundExpression> AsOperator(CallSite& site, const char* op) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 2));
  if (site.call.args.size() != 2) return site.Error("function ", site.name(), " expects two arguments");
  sql::ParsedExpr expr;
  expr.kind = sql::ExprKind::kOperator;
  expr.op = op;
  expr.args = site.call.args;
  expr.location = site.location();
  return site.binder.Bind(expr);
}

// div(a, b): the integer quotient, truncated towards zero.
arrow::Result<BoundExpression> Div(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 2));
  ARROW_ASSIGN_OR_RAISE(auto a, site.Number(0));
  ARROW_ASSIGN_OR_RAISE(auto b, site.Number(1));
  if (IsInteger(*a.type) && IsInteger(*b.type)) return AsOperator(site, "/");
  ARROW_ASSIGN_OR_RAISE(a, site.binder.CastTo(a, arrow::float64(), site.location()));
  ARROW_ASSIGN_OR_RAISE(b, site.binder.CastTo(b, arrow::float64(), site.location()));
  ARROW_ASSIGN_OR_RAISE(auto quotient, site.Call("divide_checked", {a, b}));
  return site.Call("trunc", {quotient});
}

// trunc(x) and trunc(x, digits).
arrow::Result<BoundExpression> Trunc(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(1, 2));
  if (site.args.size() == 1) return UnaryNumber(site, "trunc", true);
  ARROW_ASSIGN_OR_RAISE(auto value, site.Number(0));
  ARROW_ASSIGN_OR_RAISE(auto digits, site.ConstantInteger(1));
  if (!digits) return site.Null(value.type);
  if (IsInteger(*value.type) && *digits >= 0) return value;
  return site.Call("round", {value}, std::make_shared<cp::RoundOptions>(*digits, cp::RoundMode::TOWARDS_ZERO));
}

BoundExpression DoubleLiteral(double value) { return MakeLiteral(std::make_shared<arrow::DoubleScalar>(value)); }

arrow::Result<BoundExpression> Scaled(CallSite& site, double factor) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(1, 1));
  ARROW_ASSIGN_OR_RAISE(auto value, site.Number(0));
  ARROW_ASSIGN_OR_RAISE(value, site.binder.CastTo(value, arrow::float64(), site.location()));
  return site.Call("multiply", {value, DoubleLiteral(factor)});
}

// cbrt(x): the real cube root, negative for negative x.
arrow::Result<BoundExpression> Cbrt(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(1, 1));
  ARROW_ASSIGN_OR_RAISE(auto value, site.Number(0));
  ARROW_ASSIGN_OR_RAISE(value, site.binder.CastTo(value, arrow::float64(), site.location()));
  ARROW_ASSIGN_OR_RAISE(auto magnitude, site.Call("abs", {value}));
  ARROW_ASSIGN_OR_RAISE(auto root, site.Call("power", {magnitude, DoubleLiteral(1.0 / 3.0)}));
  // power(27, 1/3) is 3.0000000000000004: where the root rounded to 12 digits cubes
  // back exactly, that is the root.
  ARROW_ASSIGN_OR_RAISE(
      auto rounded, site.Call("round", {root}, std::make_shared<cp::RoundOptions>(12, cp::RoundMode::HALF_TO_EVEN)));
  ARROW_ASSIGN_OR_RAISE(auto cube, site.Call("power", {rounded, DoubleLiteral(3.0)}));
  ARROW_ASSIGN_OR_RAISE(auto exact, site.Call("equal", {cube, magnitude}));
  ARROW_ASSIGN_OR_RAISE(root, site.Call("if_else", {exact, rounded, root}));
  ARROW_ASSIGN_OR_RAISE(auto sign, site.Call("sign", {value}));
  return site.Call("multiply", {root, sign});
}

// log(x) is log10; log(b, x) the base-b logarithm.
arrow::Result<BoundExpression> Log(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(1, 2));
  if (site.args.size() == 1) return FloatingUnary(site, "log10_checked");
  ARROW_ASSIGN_OR_RAISE(auto base, site.Number(0));
  ARROW_ASSIGN_OR_RAISE(auto value, site.Number(1));
  ARROW_ASSIGN_OR_RAISE(base, site.binder.CastTo(base, arrow::float64(), site.location()));
  ARROW_ASSIGN_OR_RAISE(value, site.binder.CastTo(value, arrow::float64(), site.location()));
  return site.Call("logb_checked", {value, base});
}

arrow::Result<BoundExpression> Pi(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(0, 0));
  return DoubleLiteral(M_PI);
}

arrow::Result<BoundExpression> Random(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(0, 0));
  return site.Call("random", {}, std::make_shared<cp::RandomOptions>(cp::RandomOptions::FromSystemRandom()));
}

arrow::Result<BoundExpression> OctetLength(CallSite& site, int64_t bits_per_byte) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(1, 1));
  ARROW_ASSIGN_OR_RAISE(auto text, site.Text(0));
  ARROW_ASSIGN_OR_RAISE(auto length, site.Call("binary_length", {text}));
  ARROW_ASSIGN_OR_RAISE(length, site.binder.CastTo(length, arrow::int32(), site.location()));
  if (bits_per_byte == 1) return length;
  return site.Call("multiply", {length, MakeLiteral(std::make_shared<arrow::Int32Scalar>(8))});
}

arrow::Result<BoundExpression> Chr(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(1, 1));
  ARROW_ASSIGN_OR_RAISE(auto code, site.Number(0));
  if (!IsInteger(*code.type) && !site.args[0].adapts_to_context) {
    return site.Error("function chr(", SqlTypeName(*code.type), ") does not exist");
  }
  ARROW_ASSIGN_OR_RAISE(code, site.binder.CastTo(code, arrow::int64(), site.location()));
  return site.Call("quiver_chr", {code});
}

arrow::Result<BoundExpression> Translate(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(3, 3));
  std::vector<BoundExpression> texts;
  for (size_t i = 0; i < 3; ++i) {
    ARROW_ASSIGN_OR_RAISE(auto text, site.Text(i));
    ARROW_ASSIGN_OR_RAISE(text, site.binder.CastTo(text, arrow::utf8(), site.location()));
    texts.push_back(std::move(text));
  }
  return site.Call("quiver_translate", std::move(texts));
}

arrow::Result<BoundExpression> ToHex(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(1, 1));
  BoundExpression value = site.args[0];
  if (value.adapts_to_context) {
    ARROW_ASSIGN_OR_RAISE(value, site.binder.CastTo(value, arrow::int32(), site.location()));
  }
  if (!IsInteger(*value.type)) return site.Error("function to_hex(", SqlTypeName(*value.type), ") does not exist");
  bool wide = value.type->id() == arrow::Type::INT64 || value.type->id() == arrow::Type::UINT32 ||
              value.type->id() == arrow::Type::UINT64;
  ARROW_ASSIGN_OR_RAISE(value, site.binder.CastTo(value, wide ? arrow::int64() : arrow::int32(), site.location()));
  return site.Call("quiver_to_hex", {value});
}

const std::map<std::string, FunctionBinder>& Functions() {
  static const std::map<std::string, FunctionBinder> kFunctions = {
      {"lower", [](CallSite& s) { return UnaryText(s, "utf8_lower"); }},
      {"upper", [](CallSite& s) { return UnaryText(s, "utf8_upper"); }},
      {"length", Length},
      {"char_length", Length},
      {"character_length", Length},
      {"substring", Substring},
      {"substr", Substring},
      {"btrim", [](CallSite& s) { return Trim(s, "utf8_trim_whitespace", "utf8_trim"); }},
      {"trim", [](CallSite& s) { return Trim(s, "utf8_trim_whitespace", "utf8_trim"); }},
      {"ltrim", [](CallSite& s) { return Trim(s, "utf8_ltrim_whitespace", "utf8_ltrim"); }},
      {"rtrim", [](CallSite& s) { return Trim(s, "utf8_rtrim_whitespace", "utf8_rtrim"); }},
      {"replace", Replace},
      {"position", Position},
      {"strpos", Position},
      {"concat", Concat},
      {"reverse", [](CallSite& s) { return UnaryText(s, "utf8_reverse"); }},
      {"abs", [](CallSite& s) { return UnaryNumber(s, "abs_checked", false); }},
      {"floor", [](CallSite& s) { return UnaryNumber(s, "floor", true); }},
      {"ceil", [](CallSite& s) { return UnaryNumber(s, "ceil", true); }},
      {"ceiling", [](CallSite& s) { return UnaryNumber(s, "ceil", true); }},
      {"trunc", Trunc},
      {"sign", [](CallSite& s) { return UnaryNumber(s, "sign", false); }},
      {"round", Round},
      {"sqrt", [](CallSite& s) { return FloatingUnary(s, "sqrt_checked"); }},
      {"exp", [](CallSite& s) { return FloatingUnary(s, "exp"); }},
      {"ln", [](CallSite& s) { return FloatingUnary(s, "ln_checked"); }},
      {"log10", [](CallSite& s) { return FloatingUnary(s, "log10_checked"); }},
      {"power", [](CallSite& s) { return Binary(s, "power_checked", true); }},
      {"pow", [](CallSite& s) { return Binary(s, "power_checked", true); }},
      {"extract", Extract},
      {"date_part", Extract},
      {"date_trunc", DateTrunc},
      {"now", Now},
      {"make_date", MakeDate},
      {"left", [](CallSite& s) { return LeftOrRight(s, true); }},
      {"right", [](CallSite& s) { return LeftOrRight(s, false); }},
      {"lpad", [](CallSite& s) { return Pad(s, "utf8_lpad"); }},
      {"rpad", [](CallSite& s) { return Pad(s, "utf8_rpad"); }},
      {"repeat", Repeat},
      {"starts_with", StartsWith},
      {"split_part", SplitPart},
      {"initcap", [](CallSite& s) { return UnaryText(s, "utf8_title"); }},
      {"ascii", [](CallSite& s) { return UnaryText(s, "quiver_ascii"); }},
      {"regexp_like", RegexpLike},
      {"regexp_replace", RegexpReplace},
      {"regexp_count", RegexpCount},
      {"regexp_substr", RegexpSubstr},
      {"to_char", ToChar},
      {"to_timestamp", ToTimestamp},
      {"to_date", ToDate},
      {"make_timestamp", MakeTimestamp},
      {"age", Age},
      {"clock_timestamp", Now},
      {"statement_timestamp", Now},
      {"transaction_timestamp", Now},
      {"chr", Chr},
      {"translate", Translate},
      {"octet_length", [](CallSite& s) { return OctetLength(s, 1); }},
      {"bit_length", [](CallSite& s) { return OctetLength(s, 8); }},
      {"to_hex", ToHex},
      {"mod", [](CallSite& s) { return AsOperator(s, "%"); }},
      {"div", Div},
      {"cbrt", Cbrt},
      {"degrees", [](CallSite& s) { return Scaled(s, 180.0 / M_PI); }},
      {"radians", [](CallSite& s) { return Scaled(s, M_PI / 180.0); }},
      {"pi", Pi},
      {"random", Random},
      {"log", Log},
  };
  return kFunctions;
}

}  // namespace

arrow::Result<BoundExpression> BindScalarFunction(ExpressionBinder& binder, const sql::ParsedExpr& call,
                                                  std::vector<BoundExpression> args) {
  CallSite site{binder, call, std::move(args)};
  if (call.names.size() == 1) {
    auto it = Functions().find(call.names[0]);
    if (it != Functions().end()) return it->second(site);
  }
  std::string types;
  for (size_t i = 0; i < site.args.size(); ++i) types += (i ? ", " : "") + SqlTypeName(*site.args[i].type);
  return site.Error("function ", call.ToString().substr(0, call.ToString().find('(')), "(", types, ") does not exist");
}

}  // namespace quiver::plan
