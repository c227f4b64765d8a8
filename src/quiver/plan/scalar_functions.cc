#include "quiver/plan/scalar_functions.h"

#include <arrow/compute/api.h>
#include <arrow/scalar.h>
#include <arrow/type.h>

#include <functional>
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
arrow::Result<BoundExpression> Substring(CallSite& site) {
  ARROW_RETURN_NOT_OK(site.ExpectArgs(2, 3));
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
  ARROW_ASSIGN_OR_RAISE(auto value, Temporal(site, 1));
  static const std::map<std::string, const char*> kFields = {
      {"year", "year"},        {"month", "month"},      {"day", "day"},         {"hour", "hour"},
      {"minute", "minute"},    {"quarter", "quarter"},  {"doy", "day_of_year"}, {"week", "iso_week"},
      {"isoyear", "iso_year"}, {"millennium", nullptr}, {"century", nullptr},   {"decade", nullptr},
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
      {"trunc", [](CallSite& s) { return UnaryNumber(s, "trunc", true); }},
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
