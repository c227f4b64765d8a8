#include "quiver/plan/expression_binder.h"

#include <arrow/array/builder_base.h>
#include <arrow/compute/api.h>
#include <arrow/scalar.h>
#include <arrow/type.h>

#include <chrono>

#include "quiver/common/decimal_arithmetic.h"
#include "quiver/common/decimal_pin.h"
#include "quiver/common/like_kernel.h"
#include "quiver/plan/interval_literal.h"
#include "quiver/plan/scalar_functions.h"
#include "quiver/plan/sql_types.h"
#include "quiver/sql/source_text.h"

namespace quiver::plan {

namespace cp = arrow::compute;
using sql::ExprKind;
using sql::ParsedExpr;

namespace {

const char* const kAggregateNames[] = {
    "count",           "sum",      "avg",     "min",        "max",         "mean",
    "bool_and",        "bool_or",  "every",   "stddev",     "stddev_samp", "stddev_pop",
    "variance",        "var_samp", "var_pop", "string_agg", "array_agg",   "percentile_cont",
    "percentile_disc", "mode",     "median"};

std::string JoinTypeNames(const std::vector<BoundExpression>& args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ", ";
    out += SqlTypeName(*args[i].type);
  }
  return out;
}

bool IsComparison(const std::string& op) {
  return op == "=" || op == "<>" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=";
}

const char* ComparisonFunction(const std::string& op) {
  if (op == "=") return "equal";
  if (op == "<>" || op == "!=") return "not_equal";
  if (op == "<") return "less";
  if (op == "<=") return "less_equal";
  if (op == ">") return "greater";
  return "greater_equal";
}

bool IsFloatingType(const arrow::DataType& type) {
  return type.id() == arrow::Type::FLOAT || type.id() == arrow::Type::DOUBLE;
}

bool IsDecimalType(const arrow::DataType& type) { return type.id() == arrow::Type::DECIMAL128; }

}  // namespace

bool IsAggregateFunction(const std::vector<std::string>& names) {
  if (names.size() != 1) return false;
  for (const char* name : kAggregateNames) {
    if (names[0] == name) return true;
  }
  return false;
}

const ParsedExpr* FindAggregate(const ParsedExpr& expr) {
  // A window call is not an aggregate, though its arguments may hold one.
  if (expr.kind == ExprKind::kFunction && IsAggregateFunction(expr.names) && !expr.window) return &expr;
  if (expr.kind == ExprKind::kGrouping) return &expr;
  for (const auto& arg : expr.args) {
    if (!arg) continue;
    if (const auto* found = FindAggregate(*arg)) return found;
  }
  for (const auto* child : {expr.case_operand.get(), expr.case_else.get()}) {
    if (!child) continue;
    if (const auto* found = FindAggregate(*child)) return found;
  }
  return nullptr;
}

arrow::Status AggregateNotAllowed(std::string_view sql, const ParsedExpr& found, const std::string& clause) {
  const char* what = found.kind == ExprKind::kGrouping ? "grouping operations" : "aggregate functions";
  return sql::SqlError(sql, found.location, what, " are not allowed in ", clause);
}

bool ContainsWindow(const ParsedExpr& expr) {
  if (expr.kind == ExprKind::kFunction && expr.window) return true;
  for (const auto& arg : expr.args) {
    if (arg && ContainsWindow(*arg)) return true;
  }
  for (const auto* child : {expr.case_operand.get(), expr.case_else.get()}) {
    if (child && ContainsWindow(*child)) return true;
  }
  return false;
}

std::shared_ptr<arrow::Scalar> LiteralValue(const BoundExpression& expr) {
  const arrow::Datum* datum = expr.expr.literal();
  return datum && datum->is_scalar() ? datum->scalar() : nullptr;
}

BoundExpression MakeLiteral(std::shared_ptr<arrow::Scalar> value) {
  BoundExpression out;
  out.type = value->type;
  out.expr = cp::literal(arrow::Datum(std::move(value)));
  return out;
}

std::shared_ptr<arrow::Schema> ExpressionBinder::CurrentSchema() const {
  auto schema = aggregates_ ? aggregates_->GroupedSchema() : scope_.schema();
  if (!subqueries_ && !windows_) return schema;
  auto fields = schema->fields();
  if (subqueries_) {
    auto extra = subqueries_->ExtraFields();
    fields.insert(fields.end(), extra.begin(), extra.end());
  }
  if (windows_) {
    auto extra = windows_->ExtraFields();
    fields.insert(fields.end(), extra.begin(), extra.end());
  }
  return arrow::schema(std::move(fields));
}

arrow::Result<BoundExpression> ExpressionBinder::Call(const std::string& function, std::vector<BoundExpression> args,
                                                      std::shared_ptr<cp::FunctionOptions> options,
                                                      const std::string& display_name, int location) {
  std::vector<cp::Expression> arguments;
  arguments.reserve(args.size());
  for (auto& arg : args) arguments.push_back(arg.expr);
  cp::Expression call = cp::call(function, std::move(arguments), std::move(options));
  auto bound = call.Bind(*CurrentSchema());
  if (!bound.ok()) {
    if (bound.status().IsNotImplemented() || bound.status().IsTypeError()) {
      return sql::SqlError(context_.sql, location, "function ", display_name, "(", JoinTypeNames(args),
                           ") does not exist");
    }
    return sql::SqlError(context_.sql, location, bound.status().message());
  }
  BoundExpression out;
  out.type = bound->type()->GetSharedPtr();
  out.expr = std::move(*bound);
  if (!IsDecimalType(*out.type) || function == "cast") return out;
  // Decimal +, - and * run on native 128-bit integers (decimal_arithmetic.h), whose
  // result type is fixed by their options.
  auto native = WithNativeDecimalArithmetic(out.expr, *CurrentSchema());
  if (native.ok() && !native->Equals(out.expr)) {
    out.expr = std::move(*native);
    return out;
  }
  // Other decimal results are pinned to the type bound here: Arrow's per-batch
  // simplification can re-derive a nested decimal call one digit wider than declared.
  auto pinned =
      cp::call(kPinDecimalFunction, {out.expr}, std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(out.type)))
          .Bind(*CurrentSchema());
  if (pinned.ok()) out.expr = std::move(*pinned);
  return out;
}

arrow::Result<BoundExpression> ExpressionBinder::BindBuilt(const cp::Expression& expr, int location) {
  auto bound = expr.Bind(*CurrentSchema());
  if (!bound.ok()) return sql::SqlError(context_.sql, location, bound.status().message());
  BoundExpression out;
  out.type = bound->type()->GetSharedPtr();
  out.expr = std::move(*bound);
  return out;
}

arrow::Result<BoundExpression> ExpressionBinder::CastTo(BoundExpression value,
                                                        const std::shared_ptr<arrow::DataType>& type, int location) {
  if (value.type->Equals(*type)) return value;
  if (value.parameter_index > 0) {
    // An open parameter takes the type its use asks for.
    auto& types = context_.parameter_types;
    if (types.size() < static_cast<size_t>(value.parameter_index)) types.resize(value.parameter_index);
    if (!types[value.parameter_index - 1] || types[value.parameter_index - 1]->id() == arrow::Type::NA) {
      types[value.parameter_index - 1] = type;
    }
    BoundExpression out = MakeLiteral(arrow::MakeNullScalar(type));
    return out;
  }
  if (auto scalar = LiteralValue(value)) {
    if (!scalar->is_valid) return MakeLiteral(arrow::MakeNullScalar(type));
    if (type->id() == arrow::Type::INTERVAL_MONTH_DAY_NANO && IsString(*scalar->type)) {
      const auto& text = static_cast<const arrow::StringScalar&>(*scalar).value->ToString();
      auto interval = ParseIntervalText(text);
      if (!interval.ok()) return sql::SqlError(context_.sql, location, interval.status().message());
      return MakeLiteral(std::make_shared<arrow::MonthDayNanoIntervalScalar>(*interval));
    }
    if (type->id() == arrow::Type::BOOL && IsString(*scalar->type)) {
      // PostgreSQL's spellings of booleans.
      std::string text = static_cast<const arrow::StringScalar&>(*scalar).value->ToString();
      for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (text == "t" || text == "true" || text == "yes" || text == "y" || text == "on" || text == "1") {
        return MakeLiteral(std::make_shared<arrow::BooleanScalar>(true));
      }
      if (text == "f" || text == "false" || text == "no" || text == "n" || text == "off" || text == "0") {
        return MakeLiteral(std::make_shared<arrow::BooleanScalar>(false));
      }
      return sql::SqlError(context_.sql, location, "invalid input syntax for type boolean: \"", text, "\"");
    }
  }

  // PostgreSQL rounds when converting to integers or to fewer decimal places; Arrow's
  // safe casts refuse to lose digits, so round first.
  cp::Expression input = value.expr;
  if (IsInteger(*type) && IsFloatingType(*value.type)) {
    input = cp::call("round", {input}, std::make_shared<cp::RoundOptions>(0, cp::RoundMode::HALF_TO_EVEN));
  } else if (IsInteger(*type) && IsDecimalType(*value.type)) {
    input = cp::call("round", {input}, std::make_shared<cp::RoundOptions>(0, cp::RoundMode::HALF_TOWARDS_INFINITY));
  } else if (IsDecimalType(*type) && IsDecimalType(*value.type) &&
             static_cast<const arrow::DecimalType&>(*type).scale() <
                 static_cast<const arrow::DecimalType&>(*value.type).scale()) {
    input = cp::call("round", {input},
                     std::make_shared<cp::RoundOptions>(static_cast<const arrow::DecimalType&>(*type).scale(),
                                                        cp::RoundMode::HALF_TOWARDS_INFINITY));
  } else if (IsDecimalType(*type) && IsInteger(*value.type)) {
    // Arrow refuses an integer type whose every value might not fit the decimal (int32
    // into numeric(10,2)); going through a wide exact decimal checks each value instead.
    input =
        cp::call("cast", {input}, std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(arrow::decimal128(20, 0))));
  } else if (IsDecimalType(*type) && IsFloatingType(*value.type)) {
    input = cp::call("round", {input},
                     std::make_shared<cp::RoundOptions>(static_cast<const arrow::DecimalType&>(*type).scale(),
                                                        cp::RoundMode::HALF_TO_EVEN));
  }
  cp::Expression cast = cp::call("cast", {input}, std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(type)));
  auto bound = cast.Bind(*CurrentSchema());
  if (!bound.ok()) {
    return sql::SqlError(context_.sql, location, "cannot cast type ", SqlTypeName(*value.type), " to ",
                         SqlTypeName(*type));
  }
  BoundExpression out;
  out.type = type;
  out.expr = std::move(*bound);
  // Fold literal casts now so bad input is reported at bind time, with its position.
  if (LiteralValue(value)) {
    auto folded = cp::ExecuteScalarExpression(out.expr, arrow::compute::ExecBatch({}, 1));
    if (!folded.ok()) {
      std::string text = LiteralValue(value)->ToString();
      return sql::SqlError(context_.sql, location, "invalid input syntax for type ", SqlTypeName(*type), ": \"", text,
                           "\"");
    }
    return MakeLiteral(folded->scalar());
  }
  return out;
}

arrow::Status ExpressionBinder::Unify(std::vector<BoundExpression>* values, int location, const char* what) {
  // Values whose type comes from context (quoted literals, parameters) follow the others.
  std::shared_ptr<arrow::DataType> common;
  for (const auto& value : *values) {
    if (value.adapts_to_context) continue;
    if (!common) {
      common = value.type;
      continue;
    }
    auto unified = CommonType(common, value.type);
    if (!unified.ok()) {
      return sql::SqlError(context_.sql, location, what, " types ", SqlTypeName(*common), " and ",
                           SqlTypeName(*value.type), " cannot be matched");
    }
    common = *unified;
  }
  if (!common) {
    // Only literals of unknown type: PostgreSQL resolves them as text.
    common = arrow::utf8();
  }
  for (auto& value : *values) {
    ARROW_ASSIGN_OR_RAISE(value, CastTo(std::move(value), common, location));
  }
  return arrow::Status::OK();
}

arrow::Result<std::vector<BoundExpression>> ExpressionBinder::BindAll(const std::vector<sql::ParsedExprPtr>& exprs) {
  std::vector<BoundExpression> out;
  out.reserve(exprs.size());
  for (const auto& expr : exprs) {
    ARROW_ASSIGN_OR_RAISE(auto bound, Bind(*expr));
    out.push_back(std::move(bound));
  }
  return out;
}

arrow::Result<BoundExpression> ExpressionBinder::BindCondition(const ParsedExpr& expr) {
  ARROW_ASSIGN_OR_RAISE(auto bound, Bind(expr));
  if (bound.type->id() == arrow::Type::BOOL) return bound;
  if (bound.adapts_to_context || bound.type->id() == arrow::Type::NA) {
    return CastTo(std::move(bound), arrow::boolean(), expr.location);
  }
  return sql::SqlError(context_.sql, expr.location, "argument of ", clause_, " must be type boolean, not type ",
                       SqlTypeName(*bound.type));
}

arrow::Result<BoundExpression> ExpressionBinder::Bind(const ParsedExpr& expr) {
  const bool is_subquery = expr.kind == ExprKind::kSubquery || expr.kind == ExprKind::kExists ||
                           expr.kind == ExprKind::kInSubquery || expr.kind == ExprKind::kQuantifiedSubquery;
  if (aggregates_ && expr.kind != ExprKind::kLiteral && expr.kind != ExprKind::kParameter && !is_subquery) {
    if (expr.kind == ExprKind::kFunction && IsAggregateFunction(expr.names) && !expr.window) {
      return aggregates_->BindAggregate(expr);
    }
    if (expr.kind == ExprKind::kGrouping) return aggregates_->BindGrouping(expr);
    if (!ContainsAggregate(expr) && !ContainsWindow(expr)) {
      ARROW_ASSIGN_OR_RAISE(auto key, aggregates_->MatchGroupKey(expr));
      if (key) return *key;
    }
  }
  switch (expr.kind) {
    case ExprKind::kColumnRef:
      return BindColumn(expr);
    case ExprKind::kStar:
      return sql::SqlError(context_.sql, expr.location, "* is not allowed in ", clause_);
    case ExprKind::kLiteral:
      return BindLiteral(expr);
    case ExprKind::kParameter:
      return BindParameter(expr);
    case ExprKind::kOperator:
      return BindOperator(expr);
    case ExprKind::kAnd:
    case ExprKind::kOr:
    case ExprKind::kNot:
      return BindBoolean(expr);
    case ExprKind::kIsNull: {
      ARROW_ASSIGN_OR_RAISE(auto value, Bind(*expr.args[0]));
      return Call(expr.negated ? "is_valid" : "is_null", {std::move(value)}, nullptr, "IS NULL", expr.location);
    }
    case ExprKind::kIsTrue: {
      ARROW_ASSIGN_OR_RAISE(auto value, BindCondition(*expr.args[0]));
      BoundExpression result;
      if (expr.bool_test == "unknown") {
        ARROW_ASSIGN_OR_RAISE(result, Call("is_null", {value}, nullptr, "IS UNKNOWN", expr.location));
      } else {
        // x IS TRUE: x = true, with NULL counting as not true.
        BoundExpression probe = value;
        if (expr.bool_test == "false") {
          ARROW_ASSIGN_OR_RAISE(probe, Call("invert", {value}, nullptr, "NOT", expr.location));
        }
        ARROW_ASSIGN_OR_RAISE(
            result, Call("coalesce", {probe, MakeLiteral(std::make_shared<arrow::BooleanScalar>(false))}, nullptr,
                         "IS TRUE", expr.location));
      }
      if (expr.negated) return Call("invert", {result}, nullptr, "NOT", expr.location);
      return result;
    }
    case ExprKind::kIsDistinct: {
      ARROW_ASSIGN_OR_RAISE(auto values, BindAll(expr.args));
      ARROW_RETURN_NOT_OK(Unify(&values, expr.location, "IS DISTINCT FROM"));
      // Distinct if exactly one is NULL, or both are values that differ; never NULL.
      ARROW_ASSIGN_OR_RAISE(auto left_null, Call("is_null", {values[0]}, nullptr, "IS NULL", expr.location));
      ARROW_ASSIGN_OR_RAISE(auto right_null, Call("is_null", {values[1]}, nullptr, "IS NULL", expr.location));
      ARROW_ASSIGN_OR_RAISE(auto one_null, Call("xor", {left_null, right_null}, nullptr, "xor", expr.location));
      ARROW_ASSIGN_OR_RAISE(auto differ, Call("not_equal", values, nullptr, "<>", expr.location));
      ARROW_ASSIGN_OR_RAISE(auto distinct,
                            Call("coalesce", {differ, one_null}, nullptr, "IS DISTINCT FROM", expr.location));
      if (expr.negated) return Call("invert", {distinct}, nullptr, "NOT", expr.location);
      return distinct;
    }
    case ExprKind::kCast: {
      ARROW_ASSIGN_OR_RAISE(auto value, Bind(*expr.args[0]));
      ARROW_ASSIGN_OR_RAISE(auto type, ResolveTypeName(expr.type));
      if (type->id() == arrow::Type::INTERVAL_MONTH_DAY_NANO && !expr.type.modifiers.empty()) {
        if (auto scalar = LiteralValue(value); scalar && IsString(*scalar->type)) {
          auto interval = ParseIntervalText(scalar->ToString(), expr.type.modifiers[0]);
          if (!interval.ok()) return sql::SqlError(context_.sql, expr.location, interval.status().message());
          return MakeLiteral(std::make_shared<arrow::MonthDayNanoIntervalScalar>(*interval));
        }
      }
      ARROW_ASSIGN_OR_RAISE(auto cast, CastTo(std::move(value), type, expr.location));
      cast.adapts_to_context = false;  // an explicit type is final
      return cast;
    }
    case ExprKind::kCase:
      return BindCase(expr);
    case ExprKind::kInList:
      return BindInList(expr);
    case ExprKind::kBetween: {
      ARROW_ASSIGN_OR_RAISE(auto values, BindAll(expr.args));
      ARROW_RETURN_NOT_OK(Unify(&values, expr.location, "BETWEEN"));
      ARROW_ASSIGN_OR_RAISE(auto low, Call("greater_equal", {values[0], values[1]}, nullptr, ">=", expr.location));
      ARROW_ASSIGN_OR_RAISE(auto high, Call("less_equal", {values[0], values[2]}, nullptr, "<=", expr.location));
      ARROW_ASSIGN_OR_RAISE(auto both, Call("and_kleene", {low, high}, nullptr, "AND", expr.location));
      if (expr.negated) return Call("invert", {both}, nullptr, "NOT", expr.location);
      return both;
    }
    case ExprKind::kLike:
      return BindLike(expr);
    case ExprKind::kNullIf: {
      ARROW_ASSIGN_OR_RAISE(auto values, BindAll(expr.args));
      ARROW_RETURN_NOT_OK(Unify(&values, expr.location, "NULLIF"));
      ARROW_ASSIGN_OR_RAISE(auto equal, Call("equal", values, nullptr, "=", expr.location));
      ARROW_ASSIGN_OR_RAISE(auto known_equal,
                            Call("coalesce", {equal, MakeLiteral(std::make_shared<arrow::BooleanScalar>(false))},
                                 nullptr, "coalesce", expr.location));
      return Call("if_else", {known_equal, MakeLiteral(arrow::MakeNullScalar(values[0].type)), values[0]}, nullptr,
                  "NULLIF", expr.location);
    }
    case ExprKind::kCoalesce:
    case ExprKind::kGreatest:
    case ExprKind::kLeast: {
      ARROW_ASSIGN_OR_RAISE(auto values, BindAll(expr.args));
      const char* name = expr.kind == ExprKind::kCoalesce   ? "COALESCE"
                         : expr.kind == ExprKind::kGreatest ? "GREATEST"
                                                            : "LEAST";
      ARROW_RETURN_NOT_OK(Unify(&values, expr.location, name));
      if (values.size() == 1) return values[0];
      const char* function = expr.kind == ExprKind::kCoalesce   ? "coalesce"
                             : expr.kind == ExprKind::kGreatest ? "max_element_wise"
                                                                : "min_element_wise";
      return Call(function, std::move(values), nullptr, name, expr.location);
    }
    case ExprKind::kFunction:
      return BindFunction(expr);
    case ExprKind::kSpecialValue:
      return BindSpecialValue(expr);
    case ExprKind::kGrouping:
      return AggregateNotAllowed(context_.sql, expr, clause_);
    case ExprKind::kArray:
      return BindArray(expr);
    case ExprKind::kSubquery:
    case ExprKind::kExists:
    case ExprKind::kInSubquery:
    case ExprKind::kQuantifiedSubquery:
      if (!subqueries_) return sql::SqlError(context_.sql, expr.location, "subqueries are not allowed in ", clause_);
      return subqueries_->BindSubquery(expr, *this);
  }
  return arrow::Status::Invalid("unknown expression kind");
}

arrow::Result<BoundExpression> ExpressionBinder::BindColumn(const ParsedExpr& expr) {
  const std::string display = expr.ToString();
  if (aggregates_) {
    // Reached only when the column is not a group key.
    return sql::SqlError(context_.sql, expr.location, "column \"", display,
                         "\" must appear in the GROUP BY clause or be used in an aggregate function");
  }
  auto found = scope_.Find(expr.names);
  if (!found.ok()) return sql::SqlError(context_.sql, expr.location, found.status().message());
  if (*found == nullptr) {
    if (expr.names.size() >= 2 && !scope_.HasTable(expr.names[expr.names.size() - 2])) {
      return sql::SqlError(context_.sql, expr.location, "missing FROM-clause entry for table \"",
                           expr.names[expr.names.size() - 2], "\"");
    }
    return sql::SqlError(context_.sql, expr.location, "column \"", display, "\" does not exist");
  }
  BoundExpression out;
  out.type = (*found)->type;
  out.expr = cp::field_ref((*found)->field);
  ARROW_ASSIGN_OR_RAISE(out.expr, out.expr.Bind(*CurrentSchema()));
  return out;
}

arrow::Result<BoundExpression> ExpressionBinder::BindLiteral(const ParsedExpr& expr) {
  BoundExpression out = MakeLiteral(expr.value);
  // Quoted literals and NULL take their type from where they are used.
  out.adapts_to_context = expr.untyped_string || expr.value->type->id() == arrow::Type::NA;
  return out;
}

arrow::Result<BoundExpression> ExpressionBinder::BindParameter(const ParsedExpr& expr) {
  const int index = expr.parameter_index;
  if (context_.parameters) {
    if (index < 1 || static_cast<size_t>(index) > context_.parameters->size()) {
      return sql::SqlError(context_.sql, expr.location, "there is no parameter $", index, " (",
                           context_.parameters->size(), " given)");
    }
    auto value = (*context_.parameters)[index - 1];
    BoundExpression out = MakeLiteral(value);
    // Strings and NULLs sent as parameters adapt like quoted literals do.
    out.adapts_to_context = IsString(*value->type) || value->type->id() == arrow::Type::NA;
    if (context_.parameter_types.size() < static_cast<size_t>(index)) context_.parameter_types.resize(index);
    if (!context_.parameter_types[index - 1]) context_.parameter_types[index - 1] = value->type;
    return out;
  }
  if (context_.parameter_types.size() < static_cast<size_t>(index)) context_.parameter_types.resize(index);
  BoundExpression out = MakeLiteral(std::make_shared<arrow::NullScalar>());
  out.adapts_to_context = true;
  out.parameter_index = index;
  return out;
}

arrow::Result<BoundExpression> ExpressionBinder::BindBoolean(const ParsedExpr& expr) {
  std::vector<BoundExpression> operands;
  for (const auto& arg : expr.args) {
    ARROW_ASSIGN_OR_RAISE(auto operand, BindCondition(*arg));
    operands.push_back(std::move(operand));
  }
  if (expr.kind == ExprKind::kNot) return Call("invert", {operands[0]}, nullptr, "NOT", expr.location);
  const char* function = expr.kind == ExprKind::kAnd ? "and_kleene" : "or_kleene";
  BoundExpression result = operands[0];
  for (size_t i = 1; i < operands.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(result, Call(function, {result, operands[i]}, nullptr,
                                       expr.kind == ExprKind::kAnd ? "AND" : "OR", expr.location));
  }
  return result;
}

arrow::Result<BoundExpression> ExpressionBinder::BindOperator(const ParsedExpr& expr) {
  const std::string& op = expr.op;
  if (expr.args.size() == 1) {
    ARROW_ASSIGN_OR_RAISE(auto value, Bind(*expr.args[0]));
    if (value.adapts_to_context) {
      ARROW_ASSIGN_OR_RAISE(value, CastTo(value, arrow::float64(), expr.location));
    }
    if (op == "+") return value;
    if (op == "-") {
      if (value.type->id() == arrow::Type::INTERVAL_MONTH_DAY_NANO) {
        if (auto scalar = LiteralValue(value); scalar && scalar->is_valid) {
          auto v = static_cast<const arrow::MonthDayNanoIntervalScalar&>(*scalar).value;
          return MakeLiteral(std::make_shared<arrow::MonthDayNanoIntervalScalar>(
              arrow::MonthDayNanoIntervalType::MonthDayNanos{-v.months, -v.days, -v.nanoseconds}));
        }
      }
      return Call("negate_checked", {value}, nullptr, "-", expr.location);
    }
    return sql::SqlError(context_.sql, expr.location, "operator does not exist: ", op, " ", SqlTypeName(*value.type));
  }
  ARROW_ASSIGN_OR_RAISE(auto left, Bind(*expr.args[0]));
  ARROW_ASSIGN_OR_RAISE(auto right, Bind(*expr.args[1]));
  if (IsComparison(op)) return BindComparison(op, std::move(left), std::move(right), expr.location);
  if (op == "~" || op == "~*" || op == "!~" || op == "!~*") {
    // POSIX regular-expression matches are the regexp_like function, negated for !~.
    sql::ParsedExpr call;
    call.kind = ExprKind::kFunction;
    call.names = {"regexp_like"};
    call.location = expr.location;
    std::vector<BoundExpression> args{std::move(left), std::move(right)};
    if (op.back() == '*') args.push_back(MakeLiteral(std::make_shared<arrow::StringScalar>("i")));
    ARROW_ASSIGN_OR_RAISE(auto matched, BindScalarFunction(*this, call, std::move(args)));
    if (op[0] == '!') return Call("invert", {matched}, nullptr, "NOT", expr.location);
    return matched;
  }
  if (op == "||") {
    // Concatenation turns non-text operands into text, as PostgreSQL does.
    if (!IsString(*left.type)) {
      ARROW_ASSIGN_OR_RAISE(left, CastTo(left, arrow::utf8(), expr.location));
    }
    if (!IsString(*right.type)) {
      ARROW_ASSIGN_OR_RAISE(right, CastTo(right, arrow::utf8(), expr.location));
    }
    return Call("binary_join_element_wise", {left, right, MakeLiteral(std::make_shared<arrow::StringScalar>(""))},
                nullptr, "||", expr.location);
  }
  return BindArithmetic(op, std::move(left), std::move(right), expr.location);
}

arrow::Result<BoundExpression> ExpressionBinder::BindComparison(const std::string& op, BoundExpression left,
                                                                BoundExpression right, int location) {
  const auto left_type = left.type;
  const auto right_type = right.type;
  std::vector<BoundExpression> values{std::move(left), std::move(right)};
  auto unified = Unify(&values, location, "comparison");
  if (!unified.ok()) {
    // Types without a common one have no comparison; other errors (a literal that
    // does not convert) speak for themselves.
    if (unified.message().find("cannot be matched") == std::string::npos) return unified;
    return sql::SqlError(context_.sql, location, "operator does not exist: ", SqlTypeName(*left_type), " ", op, " ",
                         SqlTypeName(*right_type));
  }
  return Call(ComparisonFunction(op), std::move(values), nullptr, op, location);
}

arrow::Result<BoundExpression> ExpressionBinder::BindArithmetic(const std::string& op, BoundExpression left,
                                                                BoundExpression right, int location) {
  auto no_operator = [&]() {
    return sql::SqlError(context_.sql, location, "operator does not exist: ", SqlTypeName(*left.type), " ", op, " ",
                         SqlTypeName(*right.type));
  };
  // A quoted literal next to a typed value takes that value's type ('1 day' next to a
  // date is an interval, handled below).
  if (left.adapts_to_context && !right.adapts_to_context) {
    auto target = IsTemporal(*right.type) && op == "+" ? arrow::month_day_nano_interval() : right.type;
    ARROW_ASSIGN_OR_RAISE(left, CastTo(left, target, location));
  }
  if (right.adapts_to_context && !left.adapts_to_context) {
    std::shared_ptr<arrow::DataType> target = right.type;
    if (IsTemporal(*left.type)) {
      target = arrow::month_day_nano_interval();
      if (op == "-" && LiteralValue(right) && IsString(*right.type)) {
        // date - '2020-01-01' is a difference of dates; date - '1 day' an interval.
        auto as_interval = ParseIntervalText(LiteralValue(right)->ToString());
        if (!as_interval.ok()) target = left.type;
      }
    } else {
      target = left.type;
    }
    ARROW_ASSIGN_OR_RAISE(right, CastTo(right, target, location));
  }
  if (left.adapts_to_context && right.adapts_to_context) {
    ARROW_ASSIGN_OR_RAISE(left, CastTo(left, arrow::float64(), location));
    ARROW_ASSIGN_OR_RAISE(right, CastTo(right, arrow::float64(), location));
  }

  const bool left_temporal = IsTemporal(*left.type);
  const bool right_interval = right.type->id() == arrow::Type::INTERVAL_MONTH_DAY_NANO;
  if (left_temporal || IsTemporal(*right.type)) {
    // interval + date → date + interval.
    if (op == "+" && left.type->id() == arrow::Type::INTERVAL_MONTH_DAY_NANO) std::swap(left, right);
    if (IsTemporal(*left.type) && right.type->id() == arrow::Type::INTERVAL_MONTH_DAY_NANO &&
        (op == "+" || op == "-")) {
      // date ± interval is a timestamp, as in PostgreSQL.
      auto target = left.type->id() == arrow::Type::TIMESTAMP
                        ? arrow::timestamp(arrow::TimeUnit::MICRO,
                                           static_cast<const arrow::TimestampType&>(*left.type).timezone())
                        : arrow::timestamp(arrow::TimeUnit::MICRO);
      ARROW_ASSIGN_OR_RAISE(left, CastTo(left, target, location));
      return Call(op == "+" ? "quiver_add_interval" : "quiver_subtract_interval", {left, right}, nullptr, op, location);
    }
    if (left.type->id() == arrow::Type::DATE32 && IsInteger(*right.type) && (op == "+" || op == "-")) {
      // date ± integer moves by days.
      ARROW_ASSIGN_OR_RAISE(auto days, CastTo(left, arrow::int32(), location));
      ARROW_ASSIGN_OR_RAISE(auto offset, CastTo(right, arrow::int32(), location));
      ARROW_ASSIGN_OR_RAISE(
          auto moved, Call(op == "+" ? "add_checked" : "subtract_checked", {days, offset}, nullptr, op, location));
      return Call("cast", {moved}, std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(arrow::date32())), op,
                  location);
    }
    if (left.type->id() == arrow::Type::DATE32 && right.type->id() == arrow::Type::DATE32 && op == "-") {
      // date - date is a number of days.
      ARROW_ASSIGN_OR_RAISE(auto a, CastTo(left, arrow::int32(), location));
      ARROW_ASSIGN_OR_RAISE(auto b, CastTo(right, arrow::int32(), location));
      return Call("subtract_checked", {a, b}, nullptr, "-", location);
    }
    if (left_temporal && IsTemporal(*right.type) && op == "-") {
      return Call("subtract_checked", {left, right}, nullptr, "-", location);
    }
    return no_operator();
  }
  (void)right_interval;
  if (!IsNumeric(*left.type) || !IsNumeric(*right.type)) return no_operator();

  const bool any_float = IsFloatingType(*left.type) || IsFloatingType(*right.type);
  const bool any_decimal = IsDecimalType(*left.type) || IsDecimalType(*right.type);
  if (!any_decimal) {
    // Integers of different widths meet at the wider one (int + bigint is bigint);
    // anything with floating point is double precision. Arrow is given equal types.
    std::vector<BoundExpression> values{left, right};
    ARROW_RETURN_NOT_OK(Unify(&values, location, "arithmetic"));
    left = values[0];
    right = values[1];
  } else if (any_decimal && !any_float) {
    ARROW_ASSIGN_OR_RAISE(left, ToDecimal(left, location));
    ARROW_ASSIGN_OR_RAISE(right, ToDecimal(right, location));
    const auto& l = static_cast<const arrow::DecimalType&>(*left.type);
    const auto& r = static_cast<const arrow::DecimalType&>(*right.type);
    int32_t scale = std::max(l.scale(), r.scale());
    int32_t precision = op == "*" ? l.precision() + r.precision() + 1
                                  : std::max(l.precision() - l.scale(), r.precision() - r.scale()) + scale + 1;
    if (op == "/" || op == "%" || op == "^" || precision > 38) {
      // Exact decimals that would outgrow 38 digits, and all decimal division,
      // continue in double precision.
      ARROW_ASSIGN_OR_RAISE(left, CastTo(left, arrow::float64(), location));
      ARROW_ASSIGN_OR_RAISE(right, CastTo(right, arrow::float64(), location));
    }
  } else if (any_decimal && any_float) {
    ARROW_ASSIGN_OR_RAISE(left, CastTo(left, arrow::float64(), location));
    ARROW_ASSIGN_OR_RAISE(right, CastTo(right, arrow::float64(), location));
  }

  if (op == "%") {
    // x % y = x - trunc(x / y) * y, which is PostgreSQL's sign rule (sign of x).
    ARROW_ASSIGN_OR_RAISE(auto quotient, Call("divide_checked", {left, right}, nullptr, "%", location));
    if (!IsInteger(*quotient.type)) {
      ARROW_ASSIGN_OR_RAISE(quotient, Call("trunc", {quotient}, nullptr, "%", location));
    }
    ARROW_ASSIGN_OR_RAISE(auto product, Call("multiply_checked", {quotient, right}, nullptr, "%", location));
    return Call("subtract_checked", {left, product}, nullptr, "%", location);
  }
  const char* function = op == "+"   ? "add_checked"
                         : op == "-" ? "subtract_checked"
                         : op == "*" ? "multiply_checked"
                         : op == "/" ? "divide_checked"
                         : op == "^" ? "power_checked"
                                     : nullptr;
  if (!function) return no_operator();
  return Call(function, {std::move(left), std::move(right)}, nullptr, op, location);
}

arrow::Result<BoundExpression> ExpressionBinder::ToDecimal(BoundExpression value, int location) {
  if (IsDecimalType(*value.type)) return value;
  int32_t digits = 19;
  if (auto scalar = LiteralValue(value); scalar && scalar->is_valid) {
    // A literal needs only its own digits, which keeps products within 38 digits.
    ARROW_ASSIGN_OR_RAISE(auto as_int64, scalar->CastTo(arrow::int64()));
    int64_t v = static_cast<const arrow::Int64Scalar&>(*as_int64).value;
    std::string text = std::to_string(v);
    digits = static_cast<int32_t>(text.size() - (v < 0 ? 1 : 0));
    return MakeLiteral(std::make_shared<arrow::Decimal128Scalar>(arrow::Decimal128(v), arrow::decimal128(digits, 0)));
  }
  switch (value.type->id()) {
    case arrow::Type::INT8:
      digits = 3;
      break;
    case arrow::Type::INT16:
      digits = 5;
      break;
    case arrow::Type::INT32:
      digits = 10;
      break;
    default:
      digits = 19;
      break;
  }
  return CastTo(std::move(value), arrow::decimal128(digits, 0), location);
}

arrow::Result<BoundExpression> ExpressionBinder::BindCase(const ParsedExpr& expr) {
  std::vector<BoundExpression> conditions;
  std::vector<BoundExpression> results;
  std::optional<BoundExpression> operand;
  if (expr.case_operand) {
    ARROW_ASSIGN_OR_RAISE(operand, Bind(*expr.case_operand));
  }
  for (size_t i = 0; i + 1 < expr.args.size(); i += 2) {
    if (operand) {
      ARROW_ASSIGN_OR_RAISE(auto when, Bind(*expr.args[i]));
      ARROW_ASSIGN_OR_RAISE(auto condition, BindComparison("=", *operand, std::move(when), expr.args[i]->location));
      conditions.push_back(std::move(condition));
    } else {
      ARROW_ASSIGN_OR_RAISE(auto condition, BindCondition(*expr.args[i]));
      conditions.push_back(std::move(condition));
    }
    ARROW_ASSIGN_OR_RAISE(auto result, Bind(*expr.args[i + 1]));
    results.push_back(std::move(result));
  }
  if (expr.case_else) {
    ARROW_ASSIGN_OR_RAISE(auto otherwise, Bind(*expr.case_else));
    results.push_back(std::move(otherwise));
  } else {
    BoundExpression null_result = MakeLiteral(std::make_shared<arrow::NullScalar>());
    null_result.adapts_to_context = true;
    results.push_back(std::move(null_result));
  }
  ARROW_RETURN_NOT_OK(Unify(&results, expr.location, "CASE"));
  if (results.back().type->id() == arrow::Type::NA) return results.back();
  std::vector<cp::Expression> condition_exprs;
  std::vector<std::string> names;
  for (size_t i = 0; i < conditions.size(); ++i) {
    condition_exprs.push_back(conditions[i].expr);
    names.push_back("c" + std::to_string(i));
  }
  BoundExpression conditions_struct;
  conditions_struct.expr =
      cp::call("make_struct", std::move(condition_exprs), std::make_shared<cp::MakeStructOptions>(names));
  ARROW_ASSIGN_OR_RAISE(conditions_struct.expr, conditions_struct.expr.Bind(*CurrentSchema()));
  conditions_struct.type = conditions_struct.expr.type()->GetSharedPtr();
  std::vector<BoundExpression> args{std::move(conditions_struct)};
  for (auto& result : results) args.push_back(std::move(result));
  return Call("case_when", std::move(args), nullptr, "CASE", expr.location);
}

arrow::Result<BoundExpression> ExpressionBinder::BindInList(const ParsedExpr& expr) {
  ARROW_ASSIGN_OR_RAISE(auto values, BindAll(expr.args));
  ARROW_RETURN_NOT_OK(Unify(&values, expr.location, "IN"));
  bool all_literals = true;
  for (size_t i = 1; i < values.size(); ++i) {
    if (!LiteralValue(values[i])) all_literals = false;
  }
  BoundExpression found;
  if (all_literals && values[0].type->id() != arrow::Type::NA) {
    std::unique_ptr<arrow::ArrayBuilder> builder;
    ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), values[0].type, &builder));
    for (size_t i = 1; i < values.size(); ++i) ARROW_RETURN_NOT_OK(builder->AppendScalar(*LiteralValue(values[i])));
    ARROW_ASSIGN_OR_RAISE(auto set, builder->Finish());
    // INCONCLUSIVE is SQL's rule: no match against a set holding NULL is NULL.
    auto options = std::make_shared<cp::SetLookupOptions>(set, cp::SetLookupOptions::INCONCLUSIVE);
    ARROW_ASSIGN_OR_RAISE(found, Call("is_in", {values[0]}, options, "IN", expr.location));
  } else {
    for (size_t i = 1; i < values.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto equal, Call("equal", {values[0], values[i]}, nullptr, "=", expr.location));
      if (i == 1) {
        found = std::move(equal);
      } else {
        ARROW_ASSIGN_OR_RAISE(found, Call("or_kleene", {found, equal}, nullptr, "OR", expr.location));
      }
    }
  }
  if (expr.negated) return Call("invert", {found}, nullptr, "NOT", expr.location);
  return found;
}

arrow::Result<BoundExpression> ExpressionBinder::BindLike(const ParsedExpr& expr) {
  ARROW_ASSIGN_OR_RAISE(auto value, Bind(*expr.args[0]));
  ARROW_ASSIGN_OR_RAISE(auto pattern, Bind(*expr.args[1]));
  if (!IsString(*value.type) && !value.adapts_to_context) {
    return sql::SqlError(context_.sql, expr.location, "operator does not exist: ", SqlTypeName(*value.type),
                         expr.case_insensitive ? " ~~* " : " ~~ ", "text");
  }
  if (value.adapts_to_context) {
    ARROW_ASSIGN_OR_RAISE(value, CastTo(value, arrow::utf8(), expr.location));
  }
  auto scalar = LiteralValue(pattern);
  if (!scalar) {
    return sql::SqlError(context_.sql, expr.args[1]->location, "LIKE patterns must be constants in this version");
  }
  if (!scalar->is_valid) return MakeLiteral(arrow::MakeNullScalar(arrow::boolean()));
  const std::string text = scalar->ToString();
  auto options = std::make_shared<cp::MatchSubstringOptions>(text, expr.case_insensitive);
  const bool piecewise = !expr.case_insensitive && PiecewiseLikePattern::Parse(text).has_value();
  ARROW_ASSIGN_OR_RAISE(
      auto matched, Call(piecewise ? kPiecewiseLikeFunction : "match_like", {value}, options, "LIKE", expr.location));
  if (expr.negated) return Call("invert", {matched}, nullptr, "NOT", expr.location);
  return matched;
}

arrow::Result<BoundExpression> ExpressionBinder::BindFunction(const ParsedExpr& expr) {
  if (expr.window) {
    if (!windows_) return sql::SqlError(context_.sql, expr.location, "window functions are not allowed in ", clause_);
    return windows_->BindWindow(expr, *this);
  }
  if (IsAggregateFunction(expr.names)) return AggregateNotAllowed(context_.sql, expr, clause_);
  if (!expr.within_group.empty()) {
    return sql::SqlError(context_.sql, expr.location, "WITHIN GROUP specified, but ", expr.names.back(),
                         " is not an aggregate function");
  }
  if (!expr.aggregate_order.empty()) {
    return sql::SqlError(context_.sql, expr.location, "ORDER BY specified, but ", expr.names.back(),
                         " is not an aggregate function");
  }
  if (expr.star) {
    return sql::SqlError(context_.sql, expr.location, expr.names.back(), "(*) is not a function");
  }
  if (expr.distinct) {
    return sql::SqlError(context_.sql, expr.location, "DISTINCT specified, but ", expr.names.back(),
                         " is not an aggregate function");
  }
  ARROW_ASSIGN_OR_RAISE(auto args, BindAll(expr.args));
  return BindScalarFunction(*this, expr, std::move(args));
}

arrow::Result<BoundExpression> ExpressionBinder::BindArray(const ParsedExpr& expr) {
  // Arrow has no kernel that assembles a list from per-row values, so an array is a
  // constant here (the fractions of percentile_cont (ARRAY[0.25, 0.5]) …).
  ARROW_ASSIGN_OR_RAISE(auto elements, BindAll(expr.args));
  ARROW_RETURN_NOT_OK(Unify(&elements, expr.location, "ARRAY"));
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), elements[0].type, &builder));
  for (size_t i = 0; i < elements.size(); ++i) {
    auto value = LiteralValue(elements[i]);
    if (!value) {
      return sql::SqlError(context_.sql, expr.args[i]->location, "ARRAY[…] elements must be constants in this version");
    }
    ARROW_RETURN_NOT_OK(builder->AppendScalar(*value));
  }
  ARROW_ASSIGN_OR_RAISE(auto values, builder->Finish());
  return MakeLiteral(std::make_shared<arrow::ListScalar>(std::move(values)));
}

arrow::Result<BoundExpression> ExpressionBinder::BindSpecialValue(const ParsedExpr& expr) {
  const std::string& name = expr.names.at(0);
  auto now = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  int64_t micros = now.time_since_epoch().count();
  if (name == "current_date") {
    return MakeLiteral(std::make_shared<arrow::Date32Scalar>(static_cast<int32_t>(micros / 86'400'000'000LL)));
  }
  if (name == "current_timestamp") {
    return MakeLiteral(
        std::make_shared<arrow::TimestampScalar>(micros, arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")));
  }
  if (name == "localtimestamp") {
    return MakeLiteral(std::make_shared<arrow::TimestampScalar>(micros, arrow::timestamp(arrow::TimeUnit::MICRO)));
  }
  if (name == "current_user") return MakeLiteral(std::make_shared<arrow::StringScalar>("quiver"));
  if (name == "current_catalog") return MakeLiteral(std::make_shared<arrow::StringScalar>("quiver"));
  if (name == "current_schema") return MakeLiteral(std::make_shared<arrow::StringScalar>("public"));
  return sql::SqlError(context_.sql, expr.location, name, " is not supported");
}

}  // namespace quiver::plan
