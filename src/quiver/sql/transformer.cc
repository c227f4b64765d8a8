#include "quiver/sql/transformer.h"

#include <arrow/scalar.h>
#include <arrow/util/decimal.h>

#include <charconv>

#include "quiver/sql/parse_tree_names.h"
#include "quiver/sql/source_text.h"
#include "quiver/sql/type_names.h"

namespace quiver::sql {

namespace {

using pg_query::Node;

// Function and type names may be qualified with pg_catalog; Quiver has one namespace.
std::vector<std::string> NameParts(const google::protobuf::RepeatedPtrField<Node>& nodes) {
  std::vector<std::string> parts;
  for (const auto& node : nodes) parts.push_back(StringValue(node));
  if (parts.size() > 1 && parts.front() == "pg_catalog") parts.erase(parts.begin());
  return parts;
}

ParsedExprPtr MakeExpr(ExprKind kind, int location) {
  auto expr = std::make_shared<ParsedExpr>();
  expr->kind = kind;
  expr->location = location;
  return expr;
}

std::string AliasName(const pg_query::Alias& alias) { return alias.aliasname(); }

// `(a, b)` written without ROW: in GROUP BY and grouping sets a list, not a row value.
bool IsImplicitRow(const Node& node) {
  return node.has_row_expr() && node.row_expr().row_format() == pg_query::COERCE_IMPLICIT_CAST;
}

bool IsComparisonOperator(const std::string& op) {
  return op == "=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=";
}

// How an operator is written, for messages (LIKE parses as the operator ~~).
std::string OperatorSpelling(const std::string& op) {
  if (op == "~~") return "LIKE";
  if (op == "!~~") return "NOT LIKE";
  if (op == "~~*") return "ILIKE";
  if (op == "!~~*") return "NOT ILIKE";
  return op;
}

std::vector<std::string> AliasColumns(const pg_query::Alias& alias) {
  std::vector<std::string> columns;
  for (const auto& node : alias.colnames()) columns.push_back(StringValue(node));
  return columns;
}

}  // namespace

arrow::Status Transformer::Unsupported(int location, const std::string& what) const {
  return SqlError(text_, location, what, " is not supported");
}

arrow::Result<Statement> Transformer::TransformStatement(const Node& node) {
  Statement statement;
  switch (node.node_case()) {
    case Node::kSelectStmt: {
      statement.kind = StatementKind::kQuery;
      ARROW_ASSIGN_OR_RAISE(statement.query, TransformQuery(node));
      return statement;
    }
    case Node::kExplainStmt:
      return TransformExplain(node.explain_stmt());
    case Node::kViewStmt:
      return TransformCreateView(node.view_stmt());
    case Node::kDropStmt:
      return TransformDrop(node.drop_stmt());
    case Node::kVariableSetStmt:
      return TransformSet(node.variable_set_stmt());
    case Node::kVariableShowStmt: {
      const std::string& name = node.variable_show_stmt().name();
      if (name == "tables") {
        statement.kind = StatementKind::kShowTables;
      } else {
        statement.kind = StatementKind::kShowVariable;
        statement.variable = name;
      }
      return statement;
    }
    case Node::kInsertStmt:
      return TransformInsert(node.insert_stmt());
    case Node::kUpdateStmt:
      return TransformUpdate(node.update_stmt());
    case Node::kDeleteStmt:
      return TransformDelete(node.delete_stmt());
    case Node::kCreateStmt:
      return TransformCreateTable(node.create_stmt());
    case Node::kCreateTableAsStmt:
      return TransformCreateTableAs(node.create_table_as_stmt());
    case Node::kTruncateStmt:
      return TransformTruncate(node.truncate_stmt());
    case Node::kAlterTableStmt:
      return TransformAlterTable(node.alter_table_stmt());
    case Node::kRenameStmt:
      return TransformRename(node.rename_stmt());
    case Node::kCreateSchemaStmt:
      return TransformCreateSchema(node.create_schema_stmt());
    case Node::kCreateRoleStmt:
      return TransformCreateRole(node.create_role_stmt());
    case Node::kAlterRoleStmt:
      return TransformAlterRole(node.alter_role_stmt());
    case Node::kDropRoleStmt:
      return TransformDropRole(node.drop_role_stmt());
    case Node::kGrantStmt:
      return TransformGrant(node.grant_stmt());
    case Node::kGrantRoleStmt:
      return TransformGrantRole(node.grant_role_stmt());
    case Node::kVacuumStmt:
      return TransformVacuum(node.vacuum_stmt());
    case Node::kTransactionStmt:
      return Unsupported(0, "transaction control");
    default:
      return arrow::Status::Invalid("statement type ",
                                    Node::descriptor()->FindFieldByNumber(node.node_case())
                                        ? Node::descriptor()->FindFieldByNumber(node.node_case())->name()
                                        : "unknown",
                                    " is not supported");
  }
}

arrow::Result<Statement> Transformer::TransformExplain(const pg_query::ExplainStmt& explain) {
  Statement statement;
  statement.kind = StatementKind::kExplain;
  for (const auto& option : explain.options()) {
    const std::string& name = option.def_elem().defname();
    // EXPLAIN (ANALYZE false): a boolean option may carry its value.
    bool value = true;
    if (option.def_elem().has_arg()) {
      const Node& arg = option.def_elem().arg();
      std::string text = arg.has_integer() ? std::to_string(arg.integer().ival()) : StringValue(arg);
      if (text == "true" || text == "on" || text == "1") {
        value = true;
      } else if (text == "false" || text == "off" || text == "0") {
        value = false;
      } else {
        return SqlError(text_, option.def_elem().location(), "EXPLAIN option \"", name, "\" requires a Boolean value");
      }
    }
    if (name == "analyze") {
      statement.explain_analyze = value;
    } else if (name == "verbose") {
      statement.explain_verbose = value;
    } else {
      return SqlError(text_, option.def_elem().location(), "EXPLAIN option \"", name, "\" is not supported");
    }
  }
  if (!explain.query().has_select_stmt()) {
    return arrow::Status::Invalid("EXPLAIN supports queries only");
  }
  ARROW_ASSIGN_OR_RAISE(statement.query, TransformQuery(explain.query()));
  return statement;
}

arrow::Result<Statement> Transformer::TransformCreateView(const pg_query::ViewStmt& view) {
  Statement statement;
  statement.kind = StatementKind::kCreateView;
  ARROW_ASSIGN_OR_RAISE(statement.names, CreatedTableNames(view.view()));
  statement.or_replace = view.replace();
  for (const auto& alias : view.aliases()) statement.column_aliases.push_back(StringValue(alias));
  ARROW_ASSIGN_OR_RAISE(statement.query, TransformQuery(view.query()));
  return statement;
}

arrow::Result<Statement> Transformer::TransformDrop(const pg_query::DropStmt& drop) {
  Statement statement;
  statement.kind = StatementKind::kDrop;
  switch (drop.remove_type()) {
    case pg_query::OBJECT_TABLE:
    case pg_query::OBJECT_FOREIGN_TABLE:
      statement.drop_view = false;
      break;
    case pg_query::OBJECT_VIEW:
      statement.drop_view = true;
      break;
    case pg_query::OBJECT_SCHEMA:
      statement.kind = StatementKind::kDropSchema;
      statement.if_exists = drop.missing_ok();
      statement.cascade = drop.behavior() == pg_query::DROP_CASCADE;
      if (drop.objects_size() != 1) return arrow::Status::Invalid("DROP SCHEMA takes exactly one name");
      statement.names.push_back(StringValue(drop.objects(0)));
      return statement;
    default:
      return arrow::Status::Invalid("only DROP TABLE, DROP VIEW and DROP SCHEMA are supported");
  }
  statement.if_exists = drop.missing_ok();
  if (drop.objects_size() != 1) return arrow::Status::Invalid("DROP takes exactly one name");
  for (const auto& part : drop.objects(0).list().items()) statement.names.push_back(StringValue(part));
  return statement;
}

arrow::Result<Statement> Transformer::TransformSet(const pg_query::VariableSetStmt& set) {
  Statement statement;
  statement.kind = StatementKind::kSet;
  statement.variable = set.name();
  if (set.kind() == pg_query::VAR_SET_VALUE) {
    std::string value;
    for (const auto& arg : set.args()) {
      const auto& constant = arg.a_const();
      if (!value.empty()) value += ", ";
      if (constant.has_sval()) {
        value += constant.sval().sval();
      } else if (constant.has_ival()) {
        value += std::to_string(constant.ival().ival());
      } else if (constant.has_fval()) {
        value += constant.fval().fval();
      } else if (constant.has_boolval()) {
        value += constant.boolval().boolval() ? "true" : "false";
      }
    }
    statement.value = value;
  } else if (set.kind() != pg_query::VAR_RESET && set.kind() != pg_query::VAR_SET_DEFAULT) {
    return arrow::Status::Invalid("this form of SET is not supported");
  }
  return statement;
}

arrow::Result<std::shared_ptr<QueryNode>> Transformer::TransformQuery(const Node& node) {
  if (!node.has_select_stmt()) return arrow::Status::Invalid("expected a query");
  return TransformSelect(node.select_stmt());
}

arrow::Result<std::vector<CommonTableExpr>> Transformer::TransformWith(const pg_query::WithClause& with) {
  std::vector<CommonTableExpr> ctes;
  for (const auto& node : with.ctes()) {
    const auto& cte = node.common_table_expr();
    CommonTableExpr out;
    out.name = cte.ctename();
    out.recursive = with.recursive();
    out.location = cte.location();
    for (const auto& alias : cte.aliascolnames()) out.column_aliases.push_back(StringValue(alias));
    ARROW_ASSIGN_OR_RAISE(out.query, TransformQuery(cte.ctequery()));
    ctes.push_back(std::move(out));
  }
  return ctes;
}

arrow::Result<std::shared_ptr<QueryNode>> Transformer::TransformSelect(const pg_query::SelectStmt& select) {
  auto query = std::make_shared<QueryNode>();
  if (select.has_with_clause()) {
    ARROW_ASSIGN_OR_RAISE(query->ctes, TransformWith(select.with_clause()));
  }
  if (select.has_into_clause()) return Unsupported(-1, "SELECT INTO");
  if (select.locking_clause_size() > 0) return Unsupported(-1, "FOR UPDATE/SHARE");

  if (select.op() != pg_query::SETOP_NONE) {
    query->kind = QueryKind::kSetOperation;
    switch (select.op()) {
      case pg_query::SETOP_UNION:
        query->set_operator = SetOperator::kUnion;
        break;
      case pg_query::SETOP_INTERSECT:
        query->set_operator = SetOperator::kIntersect;
        break;
      default:
        query->set_operator = SetOperator::kExcept;
        break;
    }
    query->set_all = select.all();
    ARROW_ASSIGN_OR_RAISE(query->left, TransformSelect(select.larg()));
    ARROW_ASSIGN_OR_RAISE(query->right, TransformSelect(select.rarg()));
  } else if (select.values_lists_size() > 0) {
    query->kind = QueryKind::kValues;
    for (const auto& row : select.values_lists()) {
      ARROW_ASSIGN_OR_RAISE(auto values, TransformExprList(row.list().items()));
      query->values_rows.push_back(std::move(values));
    }
  } else {
    query->kind = QueryKind::kSelect;
    if (select.distinct_clause_size() > 0) {
      if (select.distinct_clause_size() > 1 || select.distinct_clause(0).node_case() != Node::NODE_NOT_SET) {
        return Unsupported(-1, "DISTINCT ON");
      }
      query->distinct = true;
    }
    for (const auto& target : select.target_list()) {
      const auto& res = target.res_target();
      if (res.indirection_size() > 0) return Unsupported(res.location(), "subscripts in the select list");
      SelectItem item;
      ARROW_ASSIGN_OR_RAISE(item.expr, TransformExpr(res.val()));
      item.alias = res.name();
      query->select_list.push_back(std::move(item));
    }
    for (const auto& from : select.from_clause()) {
      ARROW_ASSIGN_OR_RAISE(auto ref, TransformTableRef(from));
      query->from.push_back(std::move(ref));
    }
    if (select.has_where_clause()) {
      ARROW_ASSIGN_OR_RAISE(query->where, TransformExpr(select.where_clause()));
    }
    query->group_by_distinct = select.group_distinct();
    for (const auto& group : select.group_clause()) {
      if (group.has_grouping_set()) {
        ARROW_ASSIGN_OR_RAISE(auto spec, TransformGroupingSet(group.grouping_set()));
        query->grouping_sets.push_back(std::move(spec));
      } else if (IsImplicitRow(group)) {
        // GROUP BY (a, b) is GROUP BY a, b.
        ARROW_ASSIGN_OR_RAISE(auto exprs, TransformExprList(group.row_expr().args()));
        for (auto& expr : exprs) query->group_by.push_back(std::move(expr));
      } else {
        ARROW_ASSIGN_OR_RAISE(auto expr, TransformExpr(group));
        query->group_by.push_back(std::move(expr));
      }
    }
    if (select.has_having_clause()) {
      ARROW_ASSIGN_OR_RAISE(query->having, TransformExpr(select.having_clause()));
    }
  }

  ARROW_ASSIGN_OR_RAISE(query->order_by, TransformSortClause(select.sort_clause()));
  for (const auto& node : select.window_clause()) {
    const auto& window = node.window_def();
    ARROW_ASSIGN_OR_RAISE(auto spec, TransformWindow(window, /*is_definition=*/true));
    query->windows.emplace_back(window.name(), std::move(spec));
  }
  if (select.limit_option() == pg_query::LIMIT_OPTION_WITH_TIES) return Unsupported(-1, "FETCH … WITH TIES");
  if (select.has_limit_count()) {
    const Node& count = select.limit_count();
    bool limit_all = count.has_a_const() && count.a_const().isnull();
    if (!limit_all) {
      ARROW_ASSIGN_OR_RAISE(query->limit, TransformExpr(count));
    }
  }
  if (select.has_limit_offset()) {
    ARROW_ASSIGN_OR_RAISE(query->offset, TransformExpr(select.limit_offset()));
  }
  return query;
}

arrow::Result<GroupingSetSpec> Transformer::TransformGroupingSet(const pg_query::GroupingSet& set) {
  GroupingSetSpec spec;
  spec.location = set.location();
  switch (set.kind()) {
    case pg_query::GROUPING_SET_EMPTY:
      spec.kind = GroupingSetSpec::kEmpty;
      return spec;
    case pg_query::GROUPING_SET_SIMPLE: {
      spec.kind = GroupingSetSpec::kSimple;
      ARROW_ASSIGN_OR_RAISE(spec.exprs, TransformExprList(set.content()));
      return spec;
    }
    case pg_query::GROUPING_SET_ROLLUP:
      spec.kind = GroupingSetSpec::kRollup;
      break;
    case pg_query::GROUPING_SET_CUBE:
      spec.kind = GroupingSetSpec::kCube;
      break;
    case pg_query::GROUPING_SET_SETS:
      spec.kind = GroupingSetSpec::kSets;
      break;
    default:
      return Unsupported(set.location(), "this kind of grouping set");
  }
  for (const auto& item : set.content()) {
    if (item.has_grouping_set()) {
      // Only GROUPING SETS can hold () and nested ROLLUP, CUBE or GROUPING SETS.
      ARROW_ASSIGN_OR_RAISE(auto nested, TransformGroupingSet(item.grouping_set()));
      spec.elements.push_back(std::move(nested));
      continue;
    }
    // A parenthesized list, (a, b), is one element of several expressions.
    GroupingSetSpec element;
    element.kind = GroupingSetSpec::kSimple;
    if (IsImplicitRow(item)) {
      element.location = item.row_expr().location();
      ARROW_ASSIGN_OR_RAISE(element.exprs, TransformExprList(item.row_expr().args()));
    } else {
      ARROW_ASSIGN_OR_RAISE(auto expr, TransformExpr(item));
      element.location = expr->location;
      element.exprs.push_back(std::move(expr));
    }
    spec.elements.push_back(std::move(element));
  }
  return spec;
}

arrow::Result<std::vector<OrderItem>> Transformer::TransformSortClause(
    const google::protobuf::RepeatedPtrField<Node>& sort_clause) {
  std::vector<OrderItem> items;
  for (const auto& sort : sort_clause) {
    const auto& by = sort.sort_by();
    OrderItem item;
    ARROW_ASSIGN_OR_RAISE(item.expr, TransformExpr(by.node()));
    if (by.sortby_dir() == pg_query::SORTBY_USING) return Unsupported(by.location(), "ORDER BY … USING");
    item.descending = by.sortby_dir() == pg_query::SORTBY_DESC;
    if (by.sortby_nulls() == pg_query::SORTBY_NULLS_FIRST) item.nulls_first = true;
    if (by.sortby_nulls() == pg_query::SORTBY_NULLS_LAST) item.nulls_first = false;
    items.push_back(std::move(item));
  }
  return items;
}

arrow::Result<WindowSpec> Transformer::TransformWindow(const pg_query::WindowDef& window, bool is_definition) {
  // PostgreSQL's frame option bits (parsenodes.h).
  constexpr int kNonDefault = 0x1, kRange = 0x2, kRows = 0x4, kGroups = 0x8;
  constexpr int kStartUnboundedPreceding = 0x20, kStartCurrentRow = 0x200, kStartOffsetPreceding = 0x800,
                kStartOffsetFollowing = 0x2000, kStartUnboundedFollowing = 0x80;
  constexpr int kEndUnboundedPreceding = 0x40, kEndUnboundedFollowing = 0x100, kEndCurrentRow = 0x400,
                kEndOffsetPreceding = 0x1000, kEndOffsetFollowing = 0x4000;
  constexpr int kExclusions = 0x8000 | 0x10000 | 0x20000;
  WindowSpec spec;
  spec.location = window.location();
  // `OVER w` names the window in `name`; `OVER (w ORDER BY …)` and `WINDOW v AS (w …)`
  // in `refname` (a WINDOW entry's `name` is its own).
  spec.base = !window.refname().empty() || is_definition ? window.refname() : window.name();
  ARROW_ASSIGN_OR_RAISE(spec.partition_by, TransformExprList(window.partition_clause()));
  ARROW_ASSIGN_OR_RAISE(auto order, TransformSortClause(window.order_clause()));
  for (auto& item : order) spec.order_by.push_back(std::make_shared<OrderItem>(std::move(item)));
  const int options = window.frame_options();
  if (options & kExclusions) return Unsupported(window.location(), "EXCLUDE in window frames");
  spec.has_frame = (options & kNonDefault) != 0;
  spec.units = options & kRows ? WindowSpec::kRows : options & kGroups ? WindowSpec::kGroups : WindowSpec::kRange;
  (void)kRange;
  auto bound = [&](int unbounded_preceding, int offset_preceding, int current_row, int offset_following,
                   int unbounded_following, const Node& offset) -> arrow::Result<FrameBound> {
    FrameBound out;
    if (options & unbounded_preceding) out.kind = FrameBound::kUnboundedPreceding;
    if (options & current_row) out.kind = FrameBound::kCurrentRow;
    if (options & unbounded_following) out.kind = FrameBound::kUnboundedFollowing;
    if (options & (offset_preceding | offset_following)) {
      out.kind = options & offset_preceding ? FrameBound::kPreceding : FrameBound::kFollowing;
      ARROW_ASSIGN_OR_RAISE(out.offset, TransformExpr(offset));
    }
    return out;
  };
  ARROW_ASSIGN_OR_RAISE(spec.start, bound(kStartUnboundedPreceding, kStartOffsetPreceding, kStartCurrentRow,
                                          kStartOffsetFollowing, kStartUnboundedFollowing, window.start_offset()));
  ARROW_ASSIGN_OR_RAISE(spec.end, bound(kEndUnboundedPreceding, kEndOffsetPreceding, kEndCurrentRow,
                                        kEndOffsetFollowing, kEndUnboundedFollowing, window.end_offset()));
  return spec;
}

arrow::Result<TableRefPtr> Transformer::TransformTableRef(const Node& node) {
  auto ref = std::make_shared<TableRef>();
  switch (node.node_case()) {
    case Node::kRangeVar: {
      const auto& var = node.range_var();
      ref->kind = TableRefKind::kNamed;
      ref->location = var.location();
      if (!var.catalogname().empty()) ref->names.push_back(var.catalogname());
      if (!var.schemaname().empty()) ref->names.push_back(var.schemaname());
      ref->names.push_back(var.relname());
      if (var.has_alias()) {
        ref->alias = AliasName(var.alias());
        ref->column_aliases = AliasColumns(var.alias());
      }
      return ref;
    }
    case Node::kRangeSubselect: {
      const auto& sub = node.range_subselect();
      ref->kind = TableRefKind::kSubquery;
      ref->lateral = sub.lateral();
      ARROW_ASSIGN_OR_RAISE(ref->subquery, TransformQuery(sub.subquery()));
      if (sub.has_alias()) {
        ref->alias = AliasName(sub.alias());
        ref->column_aliases = AliasColumns(sub.alias());
      }
      return ref;
    }
    case Node::kRangeFunction: {
      const auto& range = node.range_function();
      if (range.functions_size() != 1) return Unsupported(-1, "ROWS FROM with several functions");
      const auto& items = range.functions(0).list().items();
      ref->kind = TableRefKind::kFunction;
      ref->lateral = range.lateral();
      ref->ordinality = range.ordinality();
      ARROW_ASSIGN_OR_RAISE(ref->function, TransformExpr(items.Get(0)));
      ref->location = ref->function->location;
      if (range.has_alias()) {
        ref->alias = AliasName(range.alias());
        ref->column_aliases = AliasColumns(range.alias());
      }
      return ref;
    }
    case Node::kJoinExpr: {
      const auto& join = node.join_expr();
      ref->kind = TableRefKind::kJoin;
      switch (join.jointype()) {
        case pg_query::JOIN_INNER:
          ref->join_type = join.has_quals() || join.using_clause_size() > 0 || join.is_natural() ? JoinType::kInner
                                                                                                 : JoinType::kCross;
          break;
        case pg_query::JOIN_LEFT:
          ref->join_type = JoinType::kLeft;
          break;
        case pg_query::JOIN_RIGHT:
          ref->join_type = JoinType::kRight;
          break;
        case pg_query::JOIN_FULL:
          ref->join_type = JoinType::kFull;
          break;
        default:
          return Unsupported(-1, "this join type");
      }
      ref->natural = join.is_natural();
      ARROW_ASSIGN_OR_RAISE(ref->left, TransformTableRef(join.larg()));
      ARROW_ASSIGN_OR_RAISE(ref->right, TransformTableRef(join.rarg()));
      for (const auto& column : join.using_clause()) ref->using_columns.push_back(StringValue(column));
      if (join.has_quals()) {
        ARROW_ASSIGN_OR_RAISE(ref->condition, TransformExpr(join.quals()));
      }
      if (join.has_alias()) {
        ref->alias = AliasName(join.alias());
        ref->column_aliases = AliasColumns(join.alias());
      }
      return ref;
    }
    default:
      return arrow::Status::Invalid("unsupported item in FROM clause");
  }
}

arrow::Result<std::vector<ParsedExprPtr>> Transformer::TransformExprList(
    const google::protobuf::RepeatedPtrField<Node>& nodes) {
  std::vector<ParsedExprPtr> out;
  out.reserve(nodes.size());
  for (const auto& node : nodes) {
    ARROW_ASSIGN_OR_RAISE(auto expr, TransformExpr(node));
    out.push_back(std::move(expr));
  }
  return out;
}

arrow::Result<ParsedExprPtr> Transformer::TransformConstant(const pg_query::A_Const& constant) {
  auto expr = MakeExpr(ExprKind::kLiteral, constant.location());
  if (constant.isnull()) {
    expr->value = std::make_shared<arrow::NullScalar>();
  } else if (constant.has_ival()) {
    expr->value = std::make_shared<arrow::Int32Scalar>(constant.ival().ival());
  } else if (constant.has_fval()) {
    // PostgreSQL reads integers too large for int4 as "float" tokens; keep them exact.
    const std::string& text = constant.fval().fval();
    int64_t as_int = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), as_int);
    if (ec == std::errc() && end == text.data() + text.size()) {
      expr->value = std::make_shared<arrow::Int64Scalar>(as_int);
    } else {
      arrow::Decimal128 value;
      int32_t precision = 0, scale = 0;
      bool has_exponent = text.find_first_of("eE") != std::string::npos;
      if (!has_exponent && arrow::Decimal128::FromString(text, &value, &precision, &scale).ok() && precision <= 38 &&
          scale >= 0) {
        precision = std::max(precision, scale);
        if (precision == 0) precision = 1;
        expr->value = std::make_shared<arrow::Decimal128Scalar>(value, arrow::decimal128(precision, scale));
      } else {
        expr->value = std::make_shared<arrow::DoubleScalar>(std::stod(text));
      }
    }
  } else if (constant.has_boolval()) {
    expr->value = std::make_shared<arrow::BooleanScalar>(constant.boolval().boolval());
  } else if (constant.has_sval()) {
    expr->value = std::make_shared<arrow::StringScalar>(constant.sval().sval());
    expr->untyped_string = true;
  } else {
    return Unsupported(constant.location(), "bit-string literals");
  }
  return expr;
}

arrow::Result<TypeName> Transformer::TransformTypeName(const pg_query::TypeName& type) {
  TypeName out;
  out.location = type.location();
  auto parts = NameParts(type.names());
  if (parts.empty()) return arrow::Status::Invalid("empty type name");
  if (type.array_bounds_size() > 0) return Unsupported(type.location(), "array types");
  out.name = CanonicalTypeName(parts.back());
  for (const auto& mod : type.typmods()) {
    if (mod.has_a_const() && mod.a_const().has_ival()) {
      out.modifiers.push_back(mod.a_const().ival().ival());
    } else if (out.name != "interval") {
      return SqlError(text_, type.location(), "type modifiers of ", out.name, " must be integers");
    }
  }
  return out;
}

arrow::Result<ParsedExprPtr> Transformer::TransformAExpr(const pg_query::A_Expr& a_expr) {
  auto names = NameParts(a_expr.name());
  std::string op = names.empty() ? "" : names.back();
  const int location = a_expr.location();
  switch (a_expr.kind()) {
    case pg_query::AEXPR_OP: {
      auto expr = MakeExpr(ExprKind::kOperator, location);
      expr->op = op;
      if (a_expr.has_lexpr()) {
        ARROW_ASSIGN_OR_RAISE(auto left, TransformExpr(a_expr.lexpr()));
        expr->args.push_back(std::move(left));
      }
      ARROW_ASSIGN_OR_RAISE(auto right, TransformExpr(a_expr.rexpr()));
      expr->args.push_back(std::move(right));
      if (op == "~~" || op == "!~~" || op == "~~*" || op == "!~~*") {
        expr->kind = ExprKind::kLike;
        expr->negated = op[0] == '!';
        expr->case_insensitive = op.back() == '*';
      }
      return expr;
    }
    case pg_query::AEXPR_IN: {
      auto expr = MakeExpr(ExprKind::kInList, location);
      expr->negated = op == "<>";
      ARROW_ASSIGN_OR_RAISE(auto value, TransformExpr(a_expr.lexpr()));
      expr->args.push_back(std::move(value));
      ARROW_ASSIGN_OR_RAISE(auto list, TransformExprList(a_expr.rexpr().list().items()));
      for (auto& item : list) expr->args.push_back(std::move(item));
      return expr;
    }
    case pg_query::AEXPR_LIKE:
    case pg_query::AEXPR_ILIKE: {
      auto expr = MakeExpr(ExprKind::kLike, location);
      expr->negated = op.rfind("!", 0) == 0;
      expr->case_insensitive = a_expr.kind() == pg_query::AEXPR_ILIKE;
      ARROW_ASSIGN_OR_RAISE(auto value, TransformExpr(a_expr.lexpr()));
      ARROW_ASSIGN_OR_RAISE(auto pattern, TransformExpr(a_expr.rexpr()));
      expr->args = {std::move(value), std::move(pattern)};
      return expr;
    }
    case pg_query::AEXPR_BETWEEN:
    case pg_query::AEXPR_NOT_BETWEEN: {
      auto expr = MakeExpr(ExprKind::kBetween, location);
      expr->negated = a_expr.kind() == pg_query::AEXPR_NOT_BETWEEN;
      ARROW_ASSIGN_OR_RAISE(auto value, TransformExpr(a_expr.lexpr()));
      ARROW_ASSIGN_OR_RAISE(auto bounds, TransformExprList(a_expr.rexpr().list().items()));
      expr->args = {std::move(value), bounds.at(0), bounds.at(1)};
      return expr;
    }
    case pg_query::AEXPR_NULLIF: {
      auto expr = MakeExpr(ExprKind::kNullIf, location);
      ARROW_ASSIGN_OR_RAISE(auto left, TransformExpr(a_expr.lexpr()));
      ARROW_ASSIGN_OR_RAISE(auto right, TransformExpr(a_expr.rexpr()));
      expr->args = {std::move(left), std::move(right)};
      return expr;
    }
    case pg_query::AEXPR_DISTINCT:
    case pg_query::AEXPR_NOT_DISTINCT: {
      auto expr = MakeExpr(ExprKind::kIsDistinct, location);
      expr->negated = a_expr.kind() == pg_query::AEXPR_NOT_DISTINCT;
      ARROW_ASSIGN_OR_RAISE(auto left, TransformExpr(a_expr.lexpr()));
      ARROW_ASSIGN_OR_RAISE(auto right, TransformExpr(a_expr.rexpr()));
      expr->args = {std::move(left), std::move(right)};
      return expr;
    }
    case pg_query::AEXPR_OP_ANY:
    case pg_query::AEXPR_OP_ALL:
      return TransformQuantifiedArray(a_expr, op);
    case pg_query::AEXPR_SIMILAR:
      return Unsupported(location, "SIMILAR TO");
    default:
      return Unsupported(location, "this operator form");
  }
}

arrow::Result<ParsedExprPtr> Transformer::TransformQuantifiedArray(const pg_query::A_Expr& a_expr,
                                                                   const std::string& op) {
  const bool all = a_expr.kind() == pg_query::AEXPR_OP_ALL;
  const int location = a_expr.location();
  const char* form = all ? "ALL (array)" : "ANY (array)";
  if (!IsComparisonOperator(op)) return Unsupported(location, std::string(form) + " with " + OperatorSpelling(op));
  if (!a_expr.rexpr().has_a_array_expr()) {
    return Unsupported(location, std::string(form) + " other than with an ARRAY[…] constructor");
  }
  const auto& elements = a_expr.rexpr().a_array_expr().elements();
  if (elements.empty()) return Unsupported(a_expr.rexpr().a_array_expr().location(), "an empty ARRAY[]");
  ARROW_ASSIGN_OR_RAISE(auto value, TransformExpr(a_expr.lexpr()));
  ARROW_ASSIGN_OR_RAISE(auto items, TransformExprList(elements));
  // A literal array is a list of alternatives: = ANY is IN, <> ALL is NOT IN, and the
  // other forms are the OR (ANY) or AND (ALL) of one comparison per element, which
  // gives SQL's NULL rules through three-valued logic.
  if ((op == "=" && !all) || (op == "<>" && all)) {
    auto in = MakeExpr(ExprKind::kInList, location);
    in->negated = all;
    in->args.push_back(std::move(value));
    for (auto& item : items) in->args.push_back(std::move(item));
    return in;
  }
  auto chain = MakeExpr(all ? ExprKind::kAnd : ExprKind::kOr, location);
  for (auto& item : items) {
    auto comparison = MakeExpr(ExprKind::kOperator, location);
    comparison->op = op;
    comparison->args = {value, std::move(item)};
    chain->args.push_back(std::move(comparison));
  }
  if (chain->args.size() == 1) return chain->args[0];
  return chain;
}

arrow::Result<ParsedExprPtr> Transformer::TransformFuncCall(const pg_query::FuncCall& call) {
  auto expr = MakeExpr(ExprKind::kFunction, call.location());
  expr->names = NameParts(call.funcname());
  if (call.has_over()) {
    ARROW_ASSIGN_OR_RAISE(auto window, TransformWindow(call.over(), /*is_definition=*/false));
    expr->window = std::make_shared<WindowSpec>(std::move(window));
  }
  if (call.agg_within_group()) {
    ARROW_ASSIGN_OR_RAISE(auto order, TransformSortClause(call.agg_order()));
    for (auto& item : order) expr->within_group.push_back(std::make_shared<OrderItem>(std::move(item)));
  } else if (call.agg_order_size() > 0) {
    ARROW_ASSIGN_OR_RAISE(auto order, TransformSortClause(call.agg_order()));
    for (auto& item : order) expr->aggregate_order.push_back(std::make_shared<OrderItem>(std::move(item)));
  }
  if (call.func_variadic()) return Unsupported(call.location(), "VARIADIC");
  if (call.has_agg_filter()) {
    ARROW_ASSIGN_OR_RAISE(expr->filter, TransformExpr(call.agg_filter()));
  }
  expr->star = call.agg_star();
  expr->distinct = call.agg_distinct();
  for (const auto& arg : call.args()) {
    if (arg.has_named_arg_expr()) {
      const auto& named = arg.named_arg_expr();
      ARROW_ASSIGN_OR_RAISE(auto value, TransformExpr(named.arg()));
      expr->args.push_back(std::move(value));
      expr->arg_names.push_back(named.name());
    } else {
      ARROW_ASSIGN_OR_RAISE(auto value, TransformExpr(arg));
      expr->args.push_back(std::move(value));
      expr->arg_names.emplace_back();
    }
  }
  return expr;
}

arrow::Result<ParsedExprPtr> Transformer::TransformSubLink(const pg_query::SubLink& link) {
  ParsedExprPtr expr;
  switch (link.sub_link_type()) {
    case pg_query::EXPR_SUBLINK:
      expr = MakeExpr(ExprKind::kSubquery, link.location());
      break;
    case pg_query::EXISTS_SUBLINK:
      expr = MakeExpr(ExprKind::kExists, link.location());
      break;
    case pg_query::ANY_SUBLINK:
    case pg_query::ALL_SUBLINK: {
      const bool all = link.sub_link_type() == pg_query::ALL_SUBLINK;
      auto names = NameParts(link.oper_name());
      // IN (subquery) has no operator name; it is = ANY.
      const std::string op = names.empty() ? "=" : names.back();
      if (!IsComparisonOperator(op)) {
        return Unsupported(link.location(),
                           std::string(all ? "ALL" : "ANY") + " (subquery) with " + OperatorSpelling(op));
      }
      ARROW_ASSIGN_OR_RAISE(auto value, TransformExpr(link.testexpr()));
      ARROW_ASSIGN_OR_RAISE(auto subquery, TransformQuery(link.subselect()));
      if (op == "=" && !all) {
        expr = MakeExpr(ExprKind::kInSubquery, link.location());
      } else if (op == "<>" && all) {
        // x <> ALL (S) is NOT (x IN S), NULL rules included.
        auto in = MakeExpr(ExprKind::kInSubquery, link.location());
        in->args.push_back(std::move(value));
        in->subquery = std::move(subquery);
        expr = MakeExpr(ExprKind::kNot, link.location());
        expr->args.push_back(std::move(in));
        return expr;
      } else {
        expr = MakeExpr(ExprKind::kQuantifiedSubquery, link.location());
        expr->op = op;
        expr->quantifier_all = all;
      }
      expr->args.push_back(std::move(value));
      expr->subquery = std::move(subquery);
      return expr;
    }
    default:
      return Unsupported(link.location(), "this kind of subquery");
  }
  ARROW_ASSIGN_OR_RAISE(expr->subquery, TransformQuery(link.subselect()));
  return expr;
}

arrow::Result<ParsedExprPtr> Transformer::TransformExpr(const Node& node) {
  switch (node.node_case()) {
    case Node::kColumnRef: {
      const auto& ref = node.column_ref();
      auto expr = MakeExpr(ExprKind::kColumnRef, ref.location());
      for (const auto& field : ref.fields()) {
        if (field.has_a_star()) {
          expr->kind = ExprKind::kStar;
        } else {
          expr->names.push_back(StringValue(field));
        }
      }
      return expr;
    }
    case Node::kAConst:
      return TransformConstant(node.a_const());
    case Node::kParamRef: {
      auto expr = MakeExpr(ExprKind::kParameter, node.param_ref().location());
      expr->parameter_index = node.param_ref().number();
      return expr;
    }
    case Node::kAExpr:
      return TransformAExpr(node.a_expr());
    case Node::kBoolExpr: {
      const auto& bool_expr = node.bool_expr();
      ExprKind kind = bool_expr.boolop() == pg_query::AND_EXPR  ? ExprKind::kAnd
                      : bool_expr.boolop() == pg_query::OR_EXPR ? ExprKind::kOr
                                                                : ExprKind::kNot;
      auto expr = MakeExpr(kind, bool_expr.location());
      ARROW_ASSIGN_OR_RAISE(expr->args, TransformExprList(bool_expr.args()));
      return expr;
    }
    case Node::kNullTest: {
      const auto& test = node.null_test();
      auto expr = MakeExpr(ExprKind::kIsNull, test.location());
      expr->negated = test.nulltesttype() == pg_query::IS_NOT_NULL;
      ARROW_ASSIGN_OR_RAISE(auto arg, TransformExpr(test.arg()));
      expr->args.push_back(std::move(arg));
      return expr;
    }
    case Node::kBooleanTest: {
      const auto& test = node.boolean_test();
      auto expr = MakeExpr(ExprKind::kIsTrue, test.location());
      switch (test.booltesttype()) {
        case pg_query::IS_TRUE:
          expr->bool_test = "true";
          break;
        case pg_query::IS_NOT_TRUE:
          expr->bool_test = "true";
          expr->negated = true;
          break;
        case pg_query::IS_FALSE:
          expr->bool_test = "false";
          break;
        case pg_query::IS_NOT_FALSE:
          expr->bool_test = "false";
          expr->negated = true;
          break;
        case pg_query::IS_UNKNOWN:
          expr->bool_test = "unknown";
          break;
        default:
          expr->bool_test = "unknown";
          expr->negated = true;
          break;
      }
      ARROW_ASSIGN_OR_RAISE(auto arg, TransformExpr(test.arg()));
      expr->args.push_back(std::move(arg));
      return expr;
    }
    case Node::kTypeCast: {
      const auto& cast = node.type_cast();
      auto expr = MakeExpr(ExprKind::kCast, cast.location());
      ARROW_ASSIGN_OR_RAISE(auto arg, TransformExpr(cast.arg()));
      expr->args.push_back(std::move(arg));
      ARROW_ASSIGN_OR_RAISE(expr->type, TransformTypeName(cast.type_name()));
      return expr;
    }
    case Node::kCaseExpr: {
      const auto& case_expr = node.case_expr();
      auto expr = MakeExpr(ExprKind::kCase, case_expr.location());
      if (case_expr.has_arg()) {
        ARROW_ASSIGN_OR_RAISE(expr->case_operand, TransformExpr(case_expr.arg()));
      }
      for (const auto& when_node : case_expr.args()) {
        const auto& when = when_node.case_when();
        ARROW_ASSIGN_OR_RAISE(auto condition, TransformExpr(when.expr()));
        ARROW_ASSIGN_OR_RAISE(auto result, TransformExpr(when.result()));
        expr->args.push_back(std::move(condition));
        expr->args.push_back(std::move(result));
      }
      if (case_expr.has_defresult()) {
        ARROW_ASSIGN_OR_RAISE(expr->case_else, TransformExpr(case_expr.defresult()));
      }
      return expr;
    }
    case Node::kCoalesceExpr: {
      auto expr = MakeExpr(ExprKind::kCoalesce, node.coalesce_expr().location());
      ARROW_ASSIGN_OR_RAISE(expr->args, TransformExprList(node.coalesce_expr().args()));
      return expr;
    }
    case Node::kMinMaxExpr: {
      const auto& minmax = node.min_max_expr();
      auto expr =
          MakeExpr(minmax.op() == pg_query::IS_GREATEST ? ExprKind::kGreatest : ExprKind::kLeast, minmax.location());
      ARROW_ASSIGN_OR_RAISE(expr->args, TransformExprList(minmax.args()));
      return expr;
    }
    case Node::kFuncCall:
      return TransformFuncCall(node.func_call());
    case Node::kSqlvalueFunction: {
      const auto& value = node.sqlvalue_function();
      auto expr = MakeExpr(ExprKind::kSpecialValue, value.location());
      switch (value.op()) {
        case pg_query::SVFOP_CURRENT_DATE:
          expr->names = {"current_date"};
          break;
        case pg_query::SVFOP_CURRENT_TIMESTAMP:
        case pg_query::SVFOP_CURRENT_TIMESTAMP_N:
          expr->names = {"current_timestamp"};
          break;
        case pg_query::SVFOP_LOCALTIMESTAMP:
        case pg_query::SVFOP_LOCALTIMESTAMP_N:
          expr->names = {"localtimestamp"};
          break;
        case pg_query::SVFOP_CURRENT_USER:
        case pg_query::SVFOP_USER:
        case pg_query::SVFOP_SESSION_USER:
        case pg_query::SVFOP_CURRENT_ROLE:
          expr->names = {"current_user"};
          break;
        case pg_query::SVFOP_CURRENT_CATALOG:
          expr->names = {"current_catalog"};
          break;
        case pg_query::SVFOP_CURRENT_SCHEMA:
          expr->names = {"current_schema"};
          break;
        default:
          return Unsupported(value.location(), "this special value");
      }
      return expr;
    }
    case Node::kSubLink:
      return TransformSubLink(node.sub_link());
    case Node::kGroupingFunc: {
      auto expr = MakeExpr(ExprKind::kGrouping, node.grouping_func().location());
      ARROW_ASSIGN_OR_RAISE(expr->args, TransformExprList(node.grouping_func().args()));
      return expr;
    }
    case Node::kAArrayExpr: {
      const auto& array = node.a_array_expr();
      auto expr = MakeExpr(ExprKind::kArray, array.location());
      ARROW_ASSIGN_OR_RAISE(expr->args, TransformExprList(array.elements()));
      return expr;
    }
    case Node::kRowExpr:
      return Unsupported(node.row_expr().location(), "row constructors");
    case Node::kAIndirection:
      return Unsupported(-1, "subscripts and field selection");
    case Node::kCollateClause:
      return Unsupported(node.collate_clause().location(), "COLLATE");
    default:
      return arrow::Status::Invalid("unsupported expression");
  }
}

}  // namespace quiver::sql
