#include "quiver/sql/parser.h"

#include <arrow/scalar.h>
#include <gtest/gtest.h>

#include "quiver/sql/source_text.h"

namespace quiver::sql {
namespace {

TEST(SourceText, SplitsOnlyAtTopLevelSemicolons) {
  auto parts = SplitStatements("SELECT 'a;b'; SELECT \"x;y\" -- c;d\n; /* e;f */ SELECT $$g;h$$;  ;");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].text, "SELECT 'a;b'");
  EXPECT_EQ(parts[1].offset, 13);
  EXPECT_EQ(parts[2].text, " /* e;f */ SELECT $$g;h$$");
}

TEST(SourceText, RewritesQuestionMarksOutsideQuotesAndComments) {
  EXPECT_EQ(RewriteQuestionMarkPlaceholders("SELECT ?, '?', \"?\" -- ?\n FROM t WHERE a = ? /* ? */"),
            "SELECT $1, '?', \"?\" -- ?\n FROM t WHERE a = $2 /* ? */");
  EXPECT_EQ(RewriteQuestionMarkPlaceholders("SELECT 1"), "SELECT 1");
}

TEST(SourceText, LocationsCountCharactersNotBytes) {
  EXPECT_EQ(LocationSuffix("SELECT 'é', x", 13), " at line 1, column 13");
  EXPECT_EQ(LocationSuffix("SELECT\n  x", 9), " at line 2, column 3");
  EXPECT_EQ(LocationSuffix("SELECT", -1), "");
}

TEST(Parser, SelectBecomesAQueryTree) {
  auto statement = ParseSingleStatement(
      "WITH w AS (SELECT 1 AS x) SELECT DISTINCT a.x AS y, count(*) FROM w AS a JOIN t ON a.x = t.x "
      "WHERE a.x > 0 GROUP BY 1 HAVING count(*) > 1 ORDER BY 2 DESC NULLS LAST LIMIT 10 OFFSET 5");
  ASSERT_TRUE(statement.ok()) << statement.status().ToString();
  ASSERT_EQ(statement->kind, StatementKind::kQuery);
  const QueryNode& query = *statement->query;
  EXPECT_EQ(query.ctes.size(), 1u);
  EXPECT_TRUE(query.distinct);
  ASSERT_EQ(query.select_list.size(), 2u);
  EXPECT_EQ(query.select_list[0].alias, "y");
  EXPECT_TRUE(query.select_list[1].expr->star);
  ASSERT_EQ(query.from.size(), 1u);
  EXPECT_EQ(query.from[0]->kind, TableRefKind::kJoin);
  EXPECT_EQ(query.from[0]->left->alias, "a");
  ASSERT_TRUE(query.where);
  EXPECT_EQ(query.group_by.size(), 1u);
  ASSERT_TRUE(query.having);
  ASSERT_EQ(query.order_by.size(), 1u);
  EXPECT_TRUE(query.order_by[0].descending);
  EXPECT_EQ(query.order_by[0].nulls_first, std::optional<bool>(false));
  ASSERT_TRUE(query.limit && query.offset);
}

TEST(Parser, LateralAndRecursiveAreMarked) {
  auto statement = ParseSingleStatement(
      "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) "
      "SELECT * FROM r, LATERAL (SELECT r.n * 2 AS m) s LEFT JOIN LATERAL (SELECT 1 AS k) u ON true");
  ASSERT_TRUE(statement.ok()) << statement.status().ToString();
  const QueryNode& query = *statement->query;
  ASSERT_EQ(query.ctes.size(), 1u);
  EXPECT_TRUE(query.ctes[0].recursive);
  ASSERT_EQ(query.from.size(), 2u);
  EXPECT_FALSE(query.from[0]->lateral);
  ASSERT_EQ(query.from[1]->kind, TableRefKind::kJoin);
  EXPECT_TRUE(query.from[1]->left->lateral);
  EXPECT_TRUE(query.from[1]->right->lateral);
  EXPECT_EQ(query.from[1]->join_type, JoinType::kLeft);

  auto plain = ParseSingleStatement("WITH w AS (SELECT 1) SELECT * FROM w, (SELECT 2) AS s");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->query->ctes[0].recursive);
  EXPECT_FALSE(plain->query->from[1]->lateral);

  auto function = ParseSingleStatement("SELECT * FROM t, LATERAL generate_series(1, t.n) WITH ORDINALITY AS g(v, i)");
  ASSERT_TRUE(function.ok()) << function.status().ToString();
  const TableRef& call = *function->query->from[1];
  EXPECT_EQ(call.kind, TableRefKind::kFunction);
  EXPECT_TRUE(call.lateral);
  EXPECT_TRUE(call.ordinality);
  EXPECT_EQ(call.column_aliases, (std::vector<std::string>{"v", "i"}));
}

TEST(Parser, LiteralsKeepTheirExactType) {
  auto statement = ParseSingleStatement("SELECT 1, 10000000000, 1.25, 'text', true, NULL, 1e3");
  ASSERT_TRUE(statement.ok());
  const auto& items = statement->query->select_list;
  EXPECT_EQ(items[0].expr->value->type->id(), arrow::Type::INT32);
  EXPECT_EQ(items[1].expr->value->type->id(), arrow::Type::INT64);
  EXPECT_EQ(items[2].expr->value->type->ToString(), "decimal128(3, 2)");
  EXPECT_TRUE(items[3].expr->untyped_string);
  EXPECT_EQ(items[4].expr->value->type->id(), arrow::Type::BOOL);
  EXPECT_FALSE(items[5].expr->value->is_valid);
  EXPECT_EQ(items[6].expr->value->type->id(), arrow::Type::DOUBLE);
}

TEST(Parser, DefaultColumnNamesFollowPostgres) {
  auto statement = ParseSingleStatement("SELECT t.a, count(*), x::int, 1 + 2, CASE WHEN true THEN 1 END FROM t");
  ASSERT_TRUE(statement.ok());
  std::vector<std::string> names;
  for (const auto& item : statement->query->select_list) names.push_back(item.expr->DefaultColumnName());
  EXPECT_EQ(names, (std::vector<std::string>{"a", "count", "x", "?column?", "case"}));
}

TEST(Parser, CreateExternalTableClausesInAnyOrder) {
  auto statement = ParseSingleStatement(
      "create or replace external table if not exists Sales.\"Orders\" (id bigint, price numeric(12, 2), "
      "at timestamp with time zone) LOCATION '/data/o''s/' PARTITIONED BY (year) STORED AS csv "
      "WITH HEADER ROW DELIMITER '|' OPTIONS (quote '\"')");
  ASSERT_TRUE(statement.ok()) << statement.status().ToString();
  EXPECT_EQ(statement->kind, StatementKind::kCreateExternalTable);
  EXPECT_EQ(statement->names, (std::vector<std::string>{"sales", "Orders"}));
  EXPECT_TRUE(statement->or_replace);
  EXPECT_TRUE(statement->if_not_exists);
  EXPECT_EQ(statement->format, "csv");
  EXPECT_EQ(statement->location_path, "/data/o's/");
  ASSERT_EQ(statement->columns.size(), 3u);
  EXPECT_EQ(statement->columns[1].type.name, "numeric");
  EXPECT_EQ(statement->columns[1].type.modifiers, (std::vector<int>{12, 2}));
  EXPECT_EQ(statement->columns[2].type.name, "timestamptz");
  EXPECT_EQ(statement->partitioned_by, std::vector<std::string>{"year"});
  EXPECT_EQ(statement->options.at("header"), "true");
  EXPECT_EQ(statement->options.at("delimiter"), "|");
  EXPECT_EQ(statement->options.at("quote"), "\"");
}

TEST(Parser, CreateExternalTableErrorsSayWhatIsMissingAndWhere) {
  auto no_location = ParseSingleStatement("CREATE EXTERNAL TABLE t STORED AS PARQUET");
  EXPECT_TRUE(no_location.status().IsInvalid());
  EXPECT_NE(no_location.status().message().find("LOCATION"), std::string::npos);

  auto bad_path = ParseSingleStatement("CREATE EXTERNAL TABLE t STORED AS PARQUET\nLOCATION /no/quotes");
  EXPECT_NE(bad_path.status().message().find("expected a quoted path after LOCATION at line 2, column 10"),
            std::string::npos)
      << bad_path.status().ToString();

  auto bad_format = ParseSingleStatement("CREATE EXTERNAL TABLE t STORED AS ORC LOCATION 'x'");
  EXPECT_NE(bad_format.status().message().find("unknown file format \"orc\""), std::string::npos);
}

TEST(Parser, DescribeAndShowTables) {
  auto describe = ParseSingleStatement("DESC public.trips");
  ASSERT_TRUE(describe.ok());
  EXPECT_EQ(describe->kind, StatementKind::kDescribe);
  EXPECT_EQ(describe->names, (std::vector<std::string>{"public", "trips"}));
  auto show = ParseSingleStatement("SHOW TABLES");
  ASSERT_TRUE(show.ok());
  EXPECT_EQ(show->kind, StatementKind::kShowTables);
}

TEST(Parser, SyntaxErrorsPointIntoTheSubmittedText) {
  auto error = ParseSql("SELECT 1;\nSELECT * FORM t");
  ASSERT_FALSE(error.ok());
  EXPECT_NE(error.status().message().find("syntax error at or near \"FORM\" at line 2, column 10"), std::string::npos)
      << error.status().ToString();
}

TEST(Parser, GroupingSetsKeepTheirStructure) {
  auto statement = ParseSingleStatement(
      "SELECT a, grouping(a, b) FROM t GROUP BY DISTINCT a, (b, c), ROLLUP (a, (b, c)), "
      "GROUPING SETS ((a, b), (), CUBE (c))");
  ASSERT_TRUE(statement.ok()) << statement.status().ToString();
  const QueryNode& query = *statement->query;
  EXPECT_TRUE(query.group_by_distinct);
  // (b, c) at the top is a list of plain keys, not a row value.
  ASSERT_EQ(query.group_by.size(), 3u);
  EXPECT_EQ(query.group_by[2]->ToString(), "c");
  ASSERT_EQ(query.grouping_sets.size(), 2u);
  const GroupingSetSpec& rollup = query.grouping_sets[0];
  EXPECT_EQ(rollup.kind, GroupingSetSpec::kRollup);
  ASSERT_EQ(rollup.elements.size(), 2u);
  EXPECT_EQ(rollup.elements[1].kind, GroupingSetSpec::kSimple);
  EXPECT_EQ(rollup.elements[1].exprs.size(), 2u);
  const GroupingSetSpec& sets = query.grouping_sets[1];
  EXPECT_EQ(sets.kind, GroupingSetSpec::kSets);
  ASSERT_EQ(sets.elements.size(), 3u);
  EXPECT_EQ(sets.elements[0].exprs.size(), 2u);
  EXPECT_EQ(sets.elements[1].kind, GroupingSetSpec::kEmpty);
  EXPECT_EQ(sets.elements[2].kind, GroupingSetSpec::kCube);
  const ParsedExpr& grouping = *query.select_list[1].expr;
  EXPECT_EQ(grouping.kind, ExprKind::kGrouping);
  EXPECT_EQ(grouping.args.size(), 2u);
  EXPECT_EQ(grouping.DefaultColumnName(), "grouping");
}

TEST(Parser, UnsupportedConstructsAreNamed) {
  auto row = ParseSingleStatement("SELECT a FROM t GROUP BY ROLLUP (ROW (a, b))");
  EXPECT_NE(row.status().message().find("row constructors is not supported at line 1, column 34"), std::string::npos)
      << row.status().ToString();
  auto upsert = ParseSingleStatement("INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING");
  EXPECT_NE(upsert.status().message().find("ON CONFLICT is not supported"), std::string::npos) << upsert.status();
}

TEST(Parser, TableStatements) {
  auto create = ParseSingleStatement("CREATE TABLE s.t (a int NOT NULL, b text, c numeric(10, 2), PRIMARY KEY (a, b))");
  ASSERT_TRUE(create.ok()) << create.status();
  EXPECT_EQ(create->kind, StatementKind::kCreateTable);
  EXPECT_EQ(create->names, (std::vector<std::string>{"s", "t"}));
  ASSERT_EQ(create->columns.size(), 3u);
  EXPECT_TRUE(create->columns[0].not_null);
  EXPECT_TRUE(create->columns[1].not_null);  // part of the primary key
  EXPECT_FALSE(create->columns[2].not_null);
  EXPECT_EQ(create->primary_key, (std::vector<std::string>{"a", "b"}));

  auto insert = ParseSingleStatement("INSERT INTO t (b, a) SELECT x, y FROM u");
  ASSERT_TRUE(insert.ok()) << insert.status();
  EXPECT_EQ(insert->kind, StatementKind::kInsert);
  EXPECT_EQ(insert->target_columns, (std::vector<std::string>{"b", "a"}));
  ASSERT_TRUE(insert->query);

  auto update = ParseSingleStatement("UPDATE t AS x SET a = a + 1, b = DEFAULT WHERE a > 2");
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_EQ(update->target_alias, "x");
  ASSERT_EQ(update->assignments.size(), 2u);
  EXPECT_TRUE(update->assignments[0].value);
  EXPECT_FALSE(update->assignments[1].value);
  ASSERT_TRUE(update->where);

  auto rename = ParseSingleStatement("ALTER TABLE t RENAME COLUMN a TO z");
  ASSERT_TRUE(rename.ok()) << rename.status();
  EXPECT_EQ(rename->alter_action, AlterTableAction::kRenameColumn);
  EXPECT_EQ(rename->column_name, "a");
  EXPECT_EQ(rename->new_name, "z");

  auto drop_schema = ParseSingleStatement("DROP SCHEMA IF EXISTS s CASCADE");
  ASSERT_TRUE(drop_schema.ok()) << drop_schema.status();
  EXPECT_EQ(drop_schema->kind, StatementKind::kDropSchema);
  EXPECT_TRUE(drop_schema->cascade);
  EXPECT_TRUE(drop_schema->if_exists);

  auto defaults = ParseSingleStatement("CREATE TABLE t (a int DEFAULT 1)");
  EXPECT_NE(defaults.status().message().find("DEFAULT"), std::string::npos);
}

TEST(Parser, WithinGroupKeepsTheSortOfAnOrderedSetAggregate) {
  auto statement = ParseSingleStatement("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x DESC) FROM t");
  ASSERT_TRUE(statement.ok()) << statement.status().ToString();
  const ParsedExpr& call = *statement->query->select_list[0].expr;
  ASSERT_EQ(call.kind, ExprKind::kFunction);
  ASSERT_EQ(call.args.size(), 1u);
  ASSERT_EQ(call.within_group.size(), 1u);
  EXPECT_TRUE(call.within_group[0]->descending);
  EXPECT_EQ(call.ToString(), "percentile_cont(0.5) WITHIN GROUP (ORDER BY x DESC)");
  EXPECT_EQ(call.DefaultColumnName(), "percentile_cont");
  auto ordered = ParseSingleStatement("SELECT string_agg(x, ',' ORDER BY y DESC, x) FROM t");
  ASSERT_TRUE(ordered.ok()) << ordered.status();
  const auto& aggregate = *ordered->query->select_list[0].expr;
  ASSERT_EQ(aggregate.aggregate_order.size(), 2u);
  EXPECT_TRUE(aggregate.aggregate_order[0]->descending);
  EXPECT_EQ(aggregate.ToString(), "string_agg(x, ',' ORDER BY y DESC, x)");
}

TEST(Parser, QuantifiedComparisonsWithSubqueries) {
  auto statement = ParseSingleStatement(
      "SELECT x > ALL (SELECT y FROM u), x <= SOME (SELECT y FROM u), x = ANY (SELECT y FROM u), "
      "x <> ALL (SELECT y FROM u) FROM t");
  ASSERT_TRUE(statement.ok()) << statement.status().ToString();
  const auto& items = statement->query->select_list;
  EXPECT_EQ(items[0].expr->kind, ExprKind::kQuantifiedSubquery);
  EXPECT_EQ(items[0].expr->op, ">");
  EXPECT_TRUE(items[0].expr->quantifier_all);
  EXPECT_EQ(items[1].expr->kind, ExprKind::kQuantifiedSubquery);
  EXPECT_FALSE(items[1].expr->quantifier_all);
  // = ANY is IN; <> ALL is NOT IN.
  EXPECT_EQ(items[2].expr->kind, ExprKind::kInSubquery);
  ASSERT_EQ(items[3].expr->kind, ExprKind::kNot);
  EXPECT_EQ(items[3].expr->args[0]->kind, ExprKind::kInSubquery);
  auto like = ParseSingleStatement("SELECT x LIKE ANY (SELECT y FROM u) FROM t");
  EXPECT_NE(like.status().message().find("ANY (subquery) with LIKE is not supported"), std::string::npos)
      << like.status().ToString();
}

TEST(Parser, QuantifiedComparisonsWithArraysBecomeListsOrChains) {
  auto statement = ParseSingleStatement(
      "SELECT x = ANY (ARRAY[1, 2]), x <> ALL (ARRAY[1, 2]), x < ANY (ARRAY[1, 2]), x >= ALL (ARRAY[1]) FROM t");
  ASSERT_TRUE(statement.ok()) << statement.status().ToString();
  const auto& items = statement->query->select_list;
  EXPECT_EQ(items[0].expr->ToString(), "x IN (1, 2)");
  EXPECT_EQ(items[1].expr->ToString(), "x NOT IN (1, 2)");
  EXPECT_EQ(items[2].expr->ToString(), "((x < 1) OR (x < 2))");
  EXPECT_EQ(items[3].expr->ToString(), "(x >= 1)");
  auto column = ParseSingleStatement("SELECT x = ANY (a) FROM t");
  EXPECT_NE(column.status().message().find("ARRAY[…] constructor"), std::string::npos) << column.status().ToString();
}

TEST(Parser, ViewsKeepACanonicalQueryText) {
  auto view = ParseSingleStatement("create view v (a) as select   x+1 from   t where y = 'q'");
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->kind, StatementKind::kCreateView);
  EXPECT_EQ(view->column_aliases, std::vector<std::string>{"a"});
  EXPECT_EQ(view->view_query_text, "SELECT x + 1 FROM t WHERE y = 'q'");
}

}  // namespace
}  // namespace quiver::sql
