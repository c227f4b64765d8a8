#include "quiver/cli/statement_splitter.h"

#include <gtest/gtest.h>

#include "quiver/cli/statement_kind.h"

namespace quiver::cli {
namespace {

std::vector<std::string> Texts(std::string_view script) {
  std::vector<std::string> texts;
  for (const auto& statement : SplitStatements(script)) texts.push_back(statement.text);
  return texts;
}

TEST(StatementSplitter, SplitsAtTopLevelSemicolons) {
  EXPECT_EQ(Texts("SELECT 1; SELECT 2;"), (std::vector<std::string>{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(Texts("SELECT 1;\n\nSELECT 2"), (std::vector<std::string>{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(Texts(" ; ;; "), std::vector<std::string>{});
}

TEST(StatementSplitter, IgnoresSemicolonsInStringsAndIdentifiers) {
  EXPECT_EQ(Texts("SELECT 'a;b', 'it''s;'; SELECT \"odd;name\" FROM t"),
            (std::vector<std::string>{"SELECT 'a;b', 'it''s;'", "SELECT \"odd;name\" FROM t"}));
  EXPECT_EQ(Texts(R"(SELECT E'\';'; SELECT 2)"), (std::vector<std::string>{R"(SELECT E'\';')", "SELECT 2"}));
}

TEST(StatementSplitter, IgnoresSemicolonsInComments) {
  EXPECT_EQ(Texts("SELECT 1 -- one; two\n, 2; /* a; /* nested; */ b; */ SELECT 3"),
            (std::vector<std::string>{"SELECT 1 -- one; two\n, 2", "/* a; /* nested; */ b; */ SELECT 3"}));
  // A piece that is only a comment is not a statement.
  EXPECT_EQ(Texts("SELECT 1; -- the end;\n"), std::vector<std::string>{"SELECT 1"});
}

TEST(StatementSplitter, IgnoresSemicolonsInDollarQuotes) {
  EXPECT_EQ(Texts("SELECT $$a;b$$; SELECT $fn$ x; $$ y; $fn$; SELECT 3"),
            (std::vector<std::string>{"SELECT $$a;b$$", "SELECT $fn$ x; $$ y; $fn$", "SELECT 3"}));
  // $1 is a placeholder, not a dollar quote.
  EXPECT_EQ(Texts("SELECT $1; SELECT $2"), (std::vector<std::string>{"SELECT $1", "SELECT $2"}));
}

TEST(StatementSplitter, RecordsFirstLineOfEachStatement) {
  auto statements = SplitStatements("\n-- header\nSELECT 1;\n\n  SELECT\n 2;");
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0].text, "-- header\nSELECT 1");
  EXPECT_EQ(statements[0].first_line, 2);
  EXPECT_EQ(statements[1].first_line, 5);
}

TEST(StatementSplitter, KnowsWhenAnInteractiveStatementIsComplete) {
  EXPECT_TRUE(EndsWithCompleteStatement("SELECT 1;"));
  EXPECT_TRUE(EndsWithCompleteStatement("SELECT 1;  -- done\n"));
  EXPECT_FALSE(EndsWithCompleteStatement("SELECT 1"));
  EXPECT_FALSE(EndsWithCompleteStatement("SELECT ';"));
  EXPECT_FALSE(EndsWithCompleteStatement("SELECT 1; SELECT 2"));
  EXPECT_FALSE(EndsWithCompleteStatement("SELECT $$;"));
  EXPECT_FALSE(EndsWithCompleteStatement("SELECT 1 /* ; "));
}

TEST(StatementKind, TellsQueriesFromUpdates) {
  EXPECT_TRUE(ReturnsRows("select 1"));
  EXPECT_TRUE(ReturnsRows("  -- comment\n/* block */ (SELECT 1) UNION (SELECT 2)"));
  EXPECT_TRUE(ReturnsRows("WITH t AS (SELECT 1) SELECT * FROM t"));
  EXPECT_TRUE(ReturnsRows("values (1)"));
  EXPECT_TRUE(ReturnsRows("EXPLAIN SELECT 1"));
  EXPECT_TRUE(ReturnsRows("SHOW tables"));
  EXPECT_FALSE(ReturnsRows("CREATE VIEW v AS SELECT 1"));
  EXPECT_FALSE(ReturnsRows("insert into t values (1)"));
  EXPECT_FALSE(ReturnsRows("SET x = 1"));
  EXPECT_EQ(FirstKeyword("  ((select"), "SELECT");
  EXPECT_EQ(FirstKeyword("-- only a comment"), "");
}

}  // namespace
}  // namespace quiver::cli
