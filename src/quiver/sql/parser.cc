#include "quiver/sql/parser.h"

#include <pg_query.h>

#include <memory>

#include "pg_query/pg_query.pb.h"
#include "quiver/sql/quiver_statement_grammar.h"
#include "quiver/sql/source_text.h"
#include "quiver/sql/transformer.h"

namespace quiver::sql {

namespace {

// Owns libpg_query's C result and frees it however we leave.
struct ProtobufParseResult {
  PgQueryProtobufParseResult result;
  explicit ProtobufParseResult(const char* text) : result(pg_query_parse_protobuf(text)) {}
  ~ProtobufParseResult() { pg_query_free_protobuf_parse_result(result); }
};

// Turns a parse tree back into SQL text; used to store a view's query canonically.
arrow::Result<std::string> Deparse(const pg_query::Node& query) {
  pg_query::ParseResult tree;
  tree.set_version(PG_VERSION_NUM);
  *tree.add_stmts()->mutable_stmt() = query;
  std::string bytes = tree.SerializeAsString();
  PgQueryProtobuf protobuf{bytes.size(), bytes.data()};
  PgQueryDeparseResult result = pg_query_deparse_protobuf(protobuf);
  std::unique_ptr<PgQueryDeparseResult, void (*)(PgQueryDeparseResult*)> guard(
      &result, [](PgQueryDeparseResult* r) { pg_query_free_deparse_result(*r); });
  if (result.error) return arrow::Status::Invalid("cannot store view query: ", result.error->message);
  return std::string(result.query);
}

// Parses one statement's text with libpg_query. `whole` and `offset` place the text in
// what the user submitted, so error positions point into that.
arrow::Result<Statement> ParsePostgres(const std::string& text, std::string_view whole, int offset) {
  ProtobufParseResult parsed(text.c_str());
  if (parsed.result.error) {
    // cursorpos is 1-based, 0 when unknown.
    int position = parsed.result.error->cursorpos > 0 ? parsed.result.error->cursorpos - 1 : -1;
    return arrow::Status::Invalid(parsed.result.error->message,
                                  LocationSuffix(whole, position < 0 ? -1 : offset + position));
  }
  pg_query::ParseResult tree;
  if (!tree.ParseFromArray(parsed.result.parse_tree.data, static_cast<int>(parsed.result.parse_tree.len))) {
    return arrow::Status::Invalid("internal error: unreadable parse tree");
  }
  if (tree.stmts_size() != 1) return arrow::Status::Invalid("expected exactly one statement");
  const pg_query::Node& node = tree.stmts(0).stmt();
  Transformer transformer(text);
  // Positions in the AST and in transformer errors are relative to this statement.
  ARROW_ASSIGN_OR_RAISE(auto statement, transformer.TransformStatement(node));
  if (statement.kind == StatementKind::kCreateView) {
    ARROW_ASSIGN_OR_RAISE(statement.view_query_text, Deparse(node.view_stmt().query()));
  }
  return statement;
}

}  // namespace

arrow::Result<std::vector<Statement>> ParseSql(std::string_view text) {
  std::vector<Statement> statements;
  for (auto& piece : SplitStatements(text)) {
    ARROW_ASSIGN_OR_RAISE(auto quiver_statement, ParseQuiverStatement(piece.text));
    Statement statement;
    if (quiver_statement.has_value()) {
      statement = std::move(*quiver_statement);
    } else {
      std::string rewritten = RewriteQuestionMarkPlaceholders(piece.text);
      ARROW_ASSIGN_OR_RAISE(statement, ParsePostgres(rewritten, text, piece.offset));
      statement.text = std::move(rewritten);
    }
    if (statement.text.empty()) statement.text = piece.text;
    statement.location = piece.offset;
    statements.push_back(std::move(statement));
  }
  return statements;
}

arrow::Result<Statement> ParseSingleStatement(std::string_view text) {
  ARROW_ASSIGN_OR_RAISE(auto statements, ParseSql(text));
  if (statements.empty()) return arrow::Status::Invalid("empty statement");
  if (statements.size() > 1) {
    return arrow::Status::Invalid("expected one statement but got ", statements.size());
  }
  return std::move(statements.front());
}

}  // namespace quiver::sql
