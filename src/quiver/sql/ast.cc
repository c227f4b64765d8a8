#include "quiver/sql/ast.h"

#include <arrow/scalar.h>

#include <sstream>

namespace quiver::sql {

namespace {

std::string Join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

std::string JoinArgs(const std::vector<ParsedExprPtr>& args, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < args.size(); ++i) {
    if (i > from) out += ", ";
    out += args[i]->ToString();
  }
  return out;
}

// "x DESC, y": sort items as written (NULLS FIRST / LAST left out).
std::string JoinOrder(const std::vector<std::shared_ptr<OrderItem>>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i]->expr->ToString() + (items[i]->descending ? " DESC" : "");
  }
  return out;
}

}  // namespace

std::string ParsedExpr::ToString() const {
  switch (kind) {
    case ExprKind::kColumnRef:
      return Join(names, ".");
    case ExprKind::kStar:
      return names.empty() ? "*" : Join(names, ".") + ".*";
    case ExprKind::kLiteral:
      if (!value || !value->is_valid) return "NULL";
      if (untyped_string) return "'" + value->ToString() + "'";
      return value->ToString();
    case ExprKind::kParameter:
      return "$" + std::to_string(parameter_index);
    case ExprKind::kFunction: {
      std::string out = Join(names, ".") + "(" + (distinct ? "DISTINCT " : "") + (star ? "*" : JoinArgs(args));
      if (!aggregate_order.empty()) out += " ORDER BY " + JoinOrder(aggregate_order);
      out += ")";
      if (!within_group.empty()) out += " WITHIN GROUP (ORDER BY " + JoinOrder(within_group) + ")";
      return out;
    }
    case ExprKind::kOperator:
      if (args.size() == 1) return op + args[0]->ToString();
      return "(" + args[0]->ToString() + " " + op + " " + args[1]->ToString() + ")";
    case ExprKind::kAnd:
    case ExprKind::kOr: {
      std::string out = "(";
      for (size_t i = 0; i < args.size(); ++i) {
        if (i > 0) out += kind == ExprKind::kAnd ? " AND " : " OR ";
        out += args[i]->ToString();
      }
      return out + ")";
    }
    case ExprKind::kNot:
      return "NOT " + args[0]->ToString();
    case ExprKind::kIsNull:
      return args[0]->ToString() + (negated ? " IS NOT NULL" : " IS NULL");
    case ExprKind::kIsTrue:
      return args[0]->ToString() + (negated ? " IS NOT " : " IS ") + bool_test;
    case ExprKind::kIsDistinct:
      return args[0]->ToString() + (negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ") + args[1]->ToString();
    case ExprKind::kCast:
      return "CAST(" + args[0]->ToString() + " AS " + type.name + ")";
    case ExprKind::kCase:
      return "CASE … END";
    case ExprKind::kInList:
      return args[0]->ToString() + (negated ? " NOT IN (" : " IN (") + JoinArgs(args, 1) + ")";
    case ExprKind::kBetween:
      return args[0]->ToString() + (negated ? " NOT BETWEEN " : " BETWEEN ") + args[1]->ToString() + " AND " +
             args[2]->ToString();
    case ExprKind::kLike:
      return args[0]->ToString() + (negated ? " NOT" : "") + (case_insensitive ? " ILIKE " : " LIKE ") +
             args[1]->ToString();
    case ExprKind::kNullIf:
      return "NULLIF(" + JoinArgs(args) + ")";
    case ExprKind::kCoalesce:
      return "COALESCE(" + JoinArgs(args) + ")";
    case ExprKind::kGreatest:
      return "GREATEST(" + JoinArgs(args) + ")";
    case ExprKind::kLeast:
      return "LEAST(" + JoinArgs(args) + ")";
    case ExprKind::kSubquery:
      return "(subquery)";
    case ExprKind::kExists:
      return std::string(negated ? "NOT " : "") + "EXISTS (subquery)";
    case ExprKind::kInSubquery:
      return args[0]->ToString() + (negated ? " NOT IN (subquery)" : " IN (subquery)");
    case ExprKind::kQuantifiedSubquery:
      return args[0]->ToString() + " " + op + (quantifier_all ? " ALL (subquery)" : " ANY (subquery)");
    case ExprKind::kArray:
      return "ARRAY[" + JoinArgs(args) + "]";
    case ExprKind::kSpecialValue:
      return names.empty() ? "?" : names[0];
    case ExprKind::kGrouping:
      return "GROUPING(" + JoinArgs(args) + ")";
  }
  return "?";
}

std::string ParsedExpr::DefaultColumnName() const {
  switch (kind) {
    case ExprKind::kColumnRef:
      return names.back();
    case ExprKind::kFunction:
      return names.back();
    case ExprKind::kCast:
      if (args[0]->kind == ExprKind::kLiteral || args[0]->kind == ExprKind::kParameter) return type.name;
      return args[0]->DefaultColumnName();
    case ExprKind::kCase:
      return "case";
    case ExprKind::kCoalesce:
      return "coalesce";
    case ExprKind::kNullIf:
      return "nullif";
    case ExprKind::kGreatest:
      return "greatest";
    case ExprKind::kLeast:
      return "least";
    case ExprKind::kExists:
      return "exists";
    case ExprKind::kGrouping:
      return "grouping";
    case ExprKind::kArray:
      return "array";
    case ExprKind::kSpecialValue:
      return names.empty() ? "?column?" : names[0];
    default:
      return "?column?";
  }
}

}  // namespace quiver::sql
