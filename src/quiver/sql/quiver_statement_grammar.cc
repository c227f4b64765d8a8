#include "quiver/sql/quiver_statement_grammar.h"

#include <algorithm>
#include <cctype>
#include <tao/pegtl.hpp>

#include "quiver/sql/source_text.h"
#include "quiver/sql/type_names.h"

namespace quiver::sql {

namespace {

namespace pegtl = tao::pegtl;

// ---- lexical rules -------------------------------------------------------------------

struct line_comment : pegtl::seq<pegtl::string<'-', '-'>, pegtl::until<pegtl::eolf>> {};
struct block_comment : pegtl::seq<pegtl::string<'/', '*'>, pegtl::until<pegtl::string<'*', '/'>>> {};
struct sp : pegtl::star<pegtl::sor<pegtl::space, line_comment, block_comment>> {};

struct ident_char : pegtl::sor<pegtl::alnum, pegtl::one<'_', '$'>> {};
template <typename Keyword>
struct kw : pegtl::seq<Keyword, pegtl::not_at<ident_char>, sp> {};

struct k_create : kw<TAO_PEGTL_ISTRING("create")> {};
struct k_or : kw<TAO_PEGTL_ISTRING("or")> {};
struct k_replace : kw<TAO_PEGTL_ISTRING("replace")> {};
struct k_external : kw<TAO_PEGTL_ISTRING("external")> {};
struct k_table : kw<TAO_PEGTL_ISTRING("table")> {};
struct k_if : kw<TAO_PEGTL_ISTRING("if")> {};
struct k_not : kw<TAO_PEGTL_ISTRING("not")> {};
struct k_exists : kw<TAO_PEGTL_ISTRING("exists")> {};
struct k_stored : kw<TAO_PEGTL_ISTRING("stored")> {};
struct k_as : kw<TAO_PEGTL_ISTRING("as")> {};
struct k_location : kw<TAO_PEGTL_ISTRING("location")> {};
struct k_with : kw<TAO_PEGTL_ISTRING("with")> {};
struct k_header : kw<TAO_PEGTL_ISTRING("header")> {};
struct k_row : kw<TAO_PEGTL_ISTRING("row")> {};
struct k_delimiter : kw<TAO_PEGTL_ISTRING("delimiter")> {};
struct k_partitioned : kw<TAO_PEGTL_ISTRING("partitioned")> {};
struct k_by : kw<TAO_PEGTL_ISTRING("by")> {};
struct k_options : kw<TAO_PEGTL_ISTRING("options")> {};
struct k_cache : kw<TAO_PEGTL_ISTRING("cache")> {};
struct k_uncache : kw<TAO_PEGTL_ISTRING("uncache")> {};
struct k_describe : kw<pegtl::sor<TAO_PEGTL_ISTRING("describe"), TAO_PEGTL_ISTRING("desc")>> {};

template <char C>
struct sym : pegtl::seq<pegtl::one<C>, sp> {};

struct unquoted_ident : pegtl::seq<pegtl::sor<pegtl::alpha, pegtl::one<'_'>>, pegtl::star<ident_char>> {};
struct quoted_ident : pegtl::seq<pegtl::one<'"'>, pegtl::star<pegtl::sor<pegtl::string<'"', '"'>, pegtl::not_one<'"'>>>,
                                 pegtl::one<'"'>> {};
struct ident : pegtl::seq<pegtl::sor<quoted_ident, unquoted_ident>, sp> {};
struct string_literal
    : pegtl::seq<pegtl::one<'\''>, pegtl::star<pegtl::sor<pegtl::string<'\'', '\''>, pegtl::not_one<'\''>>>,
                 pegtl::one<'\''>, sp> {};
struct integer : pegtl::seq<pegtl::plus<pegtl::digit>, sp> {};

// ---- CREATE EXTERNAL TABLE ------------------------------------------------------------

struct table_name : pegtl::seq<ident, pegtl::opt<sym<'.'>, ident>> {};
struct type_modifier : integer {};
struct type_words : pegtl::plus<pegtl::seq<unquoted_ident, sp>> {};
struct type_spec
    : pegtl::seq<type_words, pegtl::opt<sym<'('>, pegtl::list<type_modifier, sym<','>>, pegtl::must<sym<')'>>>> {};
struct column_name : ident {};
struct column_def : pegtl::seq<column_name, pegtl::must<type_spec>> {};
struct column_list : pegtl::seq<sym<'('>, pegtl::list<column_def, sym<','>>, pegtl::must<sym<')'>>> {};

struct format_name : ident {};
struct stored_as : pegtl::seq<k_stored, pegtl::must<k_as, format_name>> {};
struct location_path : string_literal {};
struct location_clause : pegtl::seq<k_location, pegtl::must<location_path>> {};
struct with_header : pegtl::seq<k_with, pegtl::must<k_header>, pegtl::opt<k_row>> {};
struct delimiter_value : string_literal {};
struct delimiter_clause : pegtl::seq<k_delimiter, pegtl::must<delimiter_value>> {};
struct partition_column : ident {};
struct partitioned_by
    : pegtl::seq<k_partitioned, pegtl::must<k_by, sym<'('>, pegtl::list<partition_column, sym<','>>, sym<')'>>> {};
struct option_key : pegtl::sor<string_literal, ident> {};
struct option_value : pegtl::sor<string_literal, integer, ident> {};
struct option_pair : pegtl::seq<option_key, pegtl::opt<sym<'='>>, pegtl::must<option_value>> {};
struct options_clause : pegtl::seq<k_options, pegtl::must<sym<'('>, pegtl::list<option_pair, sym<','>>, sym<')'>>> {};
struct table_clause
    : pegtl::sor<stored_as, location_clause, with_header, delimiter_clause, partitioned_by, options_clause> {};

struct or_replace : pegtl::seq<k_or, k_replace> {};
struct if_not_exists : pegtl::seq<k_if, k_not, k_exists> {};
struct create_external_head : pegtl::seq<sp, k_create, pegtl::opt<or_replace>, k_external> {};
struct create_external
    : pegtl::seq<create_external_head, pegtl::must<k_table>, pegtl::opt<if_not_exists>, pegtl::must<table_name>,
                 pegtl::opt<column_list>, pegtl::star<table_clause>, pegtl::must<pegtl::eof>> {};

// ---- DESCRIBE -------------------------------------------------------------------------

struct describe_head : pegtl::seq<sp, k_describe> {};
struct describe : pegtl::seq<describe_head, pegtl::must<table_name, pegtl::eof>> {};

// ---- CACHE TABLE / UNCACHE TABLE (Spark's spelling) ------------------------------------

struct cache_head : pegtl::seq<sp, k_cache> {};
struct cache_table : pegtl::seq<cache_head, pegtl::must<k_table, table_name, pegtl::eof>> {};
struct if_exists : pegtl::seq<k_if, k_exists> {};
struct uncache_head : pegtl::seq<sp, k_uncache> {};
struct uncache_table
    : pegtl::seq<uncache_head, pegtl::must<k_table>, pegtl::opt<if_exists>, pegtl::must<table_name, pegtl::eof>> {};

struct quiver_head : pegtl::sor<create_external_head, describe_head, cache_head, uncache_head> {};
struct quiver_statement : pegtl::sor<create_external, describe, cache_table, uncache_table> {};

// ---- error messages for `must` ----------------------------------------------------------

template <typename Rule>
struct error_message {
  static constexpr const char* value = nullptr;
};
#define QUIVER_ERROR(rule, text)               \
  template <>                                  \
  struct error_message<rule> {                 \
    static constexpr const char* value = text; \
  };
QUIVER_ERROR(k_table, "expected TABLE")
QUIVER_ERROR(table_name, "expected a table name")
QUIVER_ERROR(type_spec, "expected a column type")
QUIVER_ERROR(k_as, "expected AS after STORED")
QUIVER_ERROR(format_name, "expected a file format (PARQUET or CSV)")
QUIVER_ERROR(location_path, "expected a quoted path after LOCATION")
QUIVER_ERROR(k_header, "expected HEADER after WITH")
QUIVER_ERROR(delimiter_value, "expected a quoted delimiter")
QUIVER_ERROR(k_by, "expected BY after PARTITIONED")
QUIVER_ERROR(option_value, "expected an option value")
QUIVER_ERROR(sym<'('>, "expected '('")
QUIVER_ERROR(sym<')'>, "expected ')'")
QUIVER_ERROR(pegtl::eof, "unexpected text")
#undef QUIVER_ERROR

template <typename Rule>
struct control : pegtl::normal<Rule> {
  template <typename Input, typename... States>
  [[noreturn]] static void raise(const Input& in, States&&...) {
    const char* message = error_message<Rule>::value;
    throw pegtl::parse_error(message ? message : "syntax error", in);
  }
};

// ---- actions ----------------------------------------------------------------------------

std::string IdentifierText(std::string_view raw) {
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
  if (!raw.empty() && raw.front() == '"') {
    std::string out;
    for (size_t i = 1; i + 1 < raw.size(); ++i) {
      out += raw[i];
      if (raw[i] == '"') ++i;  // "" inside a quoted identifier is one quote
    }
    return out;
  }
  std::string out(raw);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string StringLiteralText(std::string_view raw) {
  while (!raw.empty() && raw.back() != '\'') raw.remove_suffix(1);
  std::string out;
  for (size_t i = 1; i + 1 < raw.size(); ++i) {
    out += raw[i];
    if (raw[i] == '\'') ++i;
  }
  return out;
}

struct ParseState {
  Statement statement;
  std::string pending_option_key;
  std::string type_words;
};

template <typename Rule>
struct action : pegtl::nothing<Rule> {};

template <>
struct action<or_replace> {
  template <typename Input>
  static void apply(const Input&, ParseState& s) {
    s.statement.or_replace = true;
  }
};
template <>
struct action<if_not_exists> {
  template <typename Input>
  static void apply(const Input&, ParseState& s) {
    s.statement.if_not_exists = true;
  }
};
template <>
struct action<table_name> {
  template <typename Input>
  static void apply(const Input& in, ParseState& s) {
    std::string text = in.string();
    s.statement.names.clear();
    // Split on a dot outside quotes.
    bool quoted = false;
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '"') quoted = !quoted;
      if (text[i] == '.' && !quoted) {
        s.statement.names.push_back(IdentifierText(text.substr(start, i - start)));
        start = i + 1;
      }
    }
    std::string last = text.substr(start);
    last.erase(0, last.find_first_not_of(" \t\r\n"));
    s.statement.names.push_back(IdentifierText(last));
  }
};
template <>
struct action<column_name> {
  template <typename Input>
  static void apply(const Input& in, ParseState& s) {
    ColumnDefinition column;
    column.name = IdentifierText(in.string_view());
    s.statement.columns.push_back(std::move(column));
  }
};
template <>
struct action<type_words> {
  template <typename Input>
  static void apply(const Input& in, ParseState& s) {
    auto& type = s.statement.columns.back().type;
    type.location = static_cast<int>(in.position().byte);
    std::string words;
    std::string raw = in.string();
    bool space = false;
    for (char c : raw) {
      if (std::isspace(static_cast<unsigned char>(c))) {
        space = true;
      } else {
        if (space && !words.empty()) words += ' ';
        space = false;
        words += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    type.name = CanonicalTypeName(words);
  }
};
template <>
struct action<type_modifier> {
  template <typename Input>
  static void apply(const Input& in, ParseState& s) {
    s.statement.columns.back().type.modifiers.push_back(std::stoi(in.string()));
  }
};
template <>
struct action<format_name> {
  template <typename Input>
  static void apply(const Input& in, ParseState& s) {
    s.statement.format = IdentifierText(in.string_view());
  }
};
template <>
struct action<location_path> {
  template <typename Input>
  static void apply(const Input& in, ParseState& s) {
    s.statement.location_path = StringLiteralText(in.string_view());
  }
};
template <>
struct action<with_header> {
  template <typename Input>
  static void apply(const Input&, ParseState& s) {
    s.statement.options["header"] = "true";
  }
};
template <>
struct action<delimiter_value> {
  template <typename Input>
  static void apply(const Input& in, ParseState& s) {
    s.statement.options["delimiter"] = StringLiteralText(in.string_view());
  }
};
template <>
struct action<partition_column> {
  template <typename Input>
  static void apply(const Input& in, ParseState& s) {
    s.statement.partitioned_by.push_back(IdentifierText(in.string_view()));
  }
};
template <>
struct action<option_key> {
  template <typename Input>
  static void apply(const Input& in, ParseState& s) {
    std::string_view raw = in.string_view();
    s.pending_option_key = raw.front() == '\'' ? StringLiteralText(raw) : IdentifierText(raw);
  }
};
template <>
struct action<option_value> {
  template <typename Input>
  static void apply(const Input& in, ParseState& s) {
    std::string_view raw = in.string_view();
    std::string value;
    if (raw.front() == '\'') {
      value = StringLiteralText(raw);
    } else {
      value = std::string(raw);
      while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
    }
    s.statement.options[s.pending_option_key] = value;
  }
};
// A statement's head decides its kind.
template <StatementKind Kind>
struct statement_kind {
  template <typename Input>
  static void apply(const Input&, ParseState& s) {
    s.statement.kind = Kind;
  }
};
template <>
struct action<create_external_head> : statement_kind<StatementKind::kCreateExternalTable> {};
template <>
struct action<describe_head> : statement_kind<StatementKind::kDescribe> {};
template <>
struct action<cache_head> : statement_kind<StatementKind::kCacheTable> {};
template <>
struct action<uncache_head> : statement_kind<StatementKind::kUncacheTable> {};
template <>
struct action<if_exists> {
  template <typename Input>
  static void apply(const Input&, ParseState& s) {
    s.statement.if_exists = true;
  }
};

}  // namespace

arrow::Result<std::optional<Statement>> ParseQuiverStatement(std::string_view text) {
  pegtl::memory_input<> head_input(text.data(), text.size(), "sql");
  if (!pegtl::parse<quiver_head>(head_input)) return std::nullopt;

  pegtl::memory_input<> input(text.data(), text.size(), "sql");
  ParseState state;
  try {
    if (!pegtl::parse<quiver_statement, action, control>(input, state)) {
      return arrow::Status::Invalid("syntax error", LocationSuffix(text, 0));
    }
  } catch (const pegtl::parse_error& error) {
    const auto& position = error.positions().front();
    return SqlError(text, static_cast<int>(position.byte), error.message());
  }
  Statement& statement = state.statement;
  if (statement.kind == StatementKind::kCreateExternalTable) {
    if (statement.format.empty()) return SqlError(text, 0, "CREATE EXTERNAL TABLE needs STORED AS PARQUET or CSV");
    if (statement.format != "parquet" && statement.format != "csv") {
      return arrow::Status::Invalid("unknown file format \"", statement.format, "\" (expected PARQUET or CSV)");
    }
    if (statement.location_path.empty()) return SqlError(text, 0, "CREATE EXTERNAL TABLE needs LOCATION '<path>'");
  }
  return statement;
}

}  // namespace quiver::sql
