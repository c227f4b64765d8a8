#include "quiver/plan/expression_simplifier.h"

#include <arrow/array/builder_base.h>
#include <arrow/compute/api.h>
#include <arrow/scalar.h>

#include <limits>
#include <map>

#include "quiver/plan/plan_builders.h"

namespace quiver::plan {

namespace {

const arrow::Scalar* ValidLiteral(const cp::Expression& expr) {
  const auto* datum = expr.literal();
  if (!datum || !datum->is_scalar() || !datum->scalar()->is_valid) return nullptr;
  return datum->scalar().get();
}

bool IsBooleanLiteral(const cp::Expression& expr, bool value) {
  const auto* scalar = ValidLiteral(expr);
  return scalar && scalar->type->id() == arrow::Type::BOOL &&
         static_cast<const arrow::BooleanScalar&>(*scalar).value == value;
}

// false AND x is false and true OR x is true whatever x is, NULL included; true AND x
// and false OR x are x.
std::optional<cp::Expression> ShrinkConnective(const cp::Expression::Call& call) {
  const bool is_and = call.function_name == "and_kleene";
  if (!is_and && call.function_name != "or_kleene") return std::nullopt;
  for (int i = 0; i < 2; ++i) {
    const auto& constant = call.arguments[i];
    const auto& other = call.arguments[1 - i];
    if (IsBooleanLiteral(constant, !is_and)) return constant;  // the absorbing value
    if (IsBooleanLiteral(constant, is_and)) return other;      // the neutral value
  }
  return std::nullopt;
}

const char* MirroredComparison(const std::string& name) {
  if (name == "less") return "greater";
  if (name == "less_equal") return "greater_equal";
  if (name == "greater") return "less";
  if (name == "greater_equal") return "less_equal";
  if (name == "equal") return "equal";
  if (name == "not_equal") return "not_equal";
  return nullptr;
}

int64_t UnitsPerDay(arrow::TimeUnit::type unit) {
  switch (unit) {
    case arrow::TimeUnit::SECOND:
      return 86'400LL;
    case arrow::TimeUnit::MILLI:
      return 86'400'000LL;
    case arrow::TimeUnit::MICRO:
      return 86'400'000'000LL;
    case arrow::TimeUnit::NANO:
      return 86'400'000'000'000LL;
  }
  return 0;
}

// The date column under cast(date AS timestamp), or nullptr.
const cp::Expression* DateUnderTimestampCast(const cp::Expression& expr) {
  const auto* call = expr.call();
  if (!call || call->function_name != "cast" || call->arguments.size() != 1) return nullptr;
  const auto* to = expr.type();
  const auto* from = call->arguments[0].type();
  if (!to || !from || from->id() != arrow::Type::DATE32 || to->id() != arrow::Type::TIMESTAMP) return nullptr;
  if (!static_cast<const arrow::TimestampType&>(*to).timezone().empty()) return nullptr;
  return &call->arguments[0];
}

// cast(d AS timestamp) op t  →  d op' date, where t lies on or inside day `day`. A
// timestamp strictly inside a day is above every timestamp of that day's midnight
// and below the next one's, which turns < and <= into <= day, > and >= into > day.
std::optional<cp::Expression> CompareDatesAsDates(const cp::Expression::Call& call) {
  const char* mirrored = MirroredComparison(call.function_name);
  if (!mirrored) return std::nullopt;
  std::string op = call.function_name;
  const cp::Expression* date = DateUnderTimestampCast(call.arguments[0]);
  const cp::Expression* constant = &call.arguments[1];
  if (!date) {
    date = DateUnderTimestampCast(call.arguments[1]);
    constant = &call.arguments[0];
    op = mirrored;
  }
  const auto* scalar = date ? ValidLiteral(*constant) : nullptr;
  if (!scalar || scalar->type->id() != arrow::Type::TIMESTAMP) return std::nullopt;
  const auto& timestamp_type = static_cast<const arrow::TimestampType&>(*scalar->type);
  if (!timestamp_type.timezone().empty()) return std::nullopt;
  const int64_t per_day = UnitsPerDay(timestamp_type.unit());
  const int64_t value = static_cast<const arrow::TimestampScalar&>(*scalar).value;
  int64_t day = value / per_day;
  if (value % per_day < 0) --day;  // floor towards the earlier day
  const bool midnight = value - day * per_day == 0;
  if (!midnight) {
    if (op == "equal" || op == "not_equal") return std::nullopt;
    op = (op == "less" || op == "less_equal") ? "less_equal" : "greater";
  }
  if (day < std::numeric_limits<int32_t>::min() || day > std::numeric_limits<int32_t>::max()) return std::nullopt;
  auto date_literal = cp::literal(std::make_shared<arrow::Date32Scalar>(static_cast<int32_t>(day)));
  return cp::call(op, {*date, std::move(date_literal)});
}

// The column side and the constant of `x = constant` (either order), if it is one.
std::optional<std::pair<cp::Expression, std::shared_ptr<arrow::Scalar>>> EqualityWithConstant(
    const cp::Expression& expr) {
  const auto* call = expr.call();
  if (!call || call->function_name != "equal") return std::nullopt;
  for (int i = 0; i < 2; ++i) {
    const auto* datum = call->arguments[i].literal();
    const auto& other = call->arguments[1 - i];
    if (!datum || !datum->is_scalar() || other.literal()) continue;
    if (!other.type() || !datum->type()->Equals(*other.type())) continue;
    return std::make_pair(other, datum->scalar());
  }
  return std::nullopt;
}

// The column and constants of `x IN (…)` with SQL's NULL rule, if it is one.
std::optional<std::pair<cp::Expression, std::vector<std::shared_ptr<arrow::Scalar>>>> InListValues(
    const cp::Expression& expr) {
  const auto* call = expr.call();
  if (!call || call->function_name != "is_in" || call->arguments.size() != 1) return std::nullopt;
  const auto* options = static_cast<const cp::SetLookupOptions*>(call->options.get());
  if (!options || options->null_matching_behavior != cp::SetLookupOptions::INCONCLUSIVE ||
      !options->value_set.is_array()) {
    return std::nullopt;
  }
  auto values = options->value_set.make_array();
  std::vector<std::shared_ptr<arrow::Scalar>> constants;
  for (int64_t i = 0; i < values->length(); ++i) {
    auto scalar = values->GetScalar(i);
    if (!scalar.ok()) return std::nullopt;
    constants.push_back(*scalar);
  }
  return std::make_pair(call->arguments[0], std::move(constants));
}

// x = a OR y = b OR x = c  →  x IN (a, c) OR y = b. The lookup is one hash probe per
// row instead of one comparison per constant, and it keeps SQL's answer for NULLs:
// NULL when x is NULL, or when nothing matched and a constant is NULL.
arrow::Result<std::optional<cp::Expression>> OrOfEqualitiesToInList(const cp::Expression& expr) {
  const auto* call = expr.call();
  if (!call || call->function_name != "or_kleene") return std::nullopt;
  const std::vector<cp::Expression> disjuncts = SplitDisjunction(expr);
  struct Group {
    cp::Expression column;
    std::vector<std::shared_ptr<arrow::Scalar>> constants;
  };
  std::vector<Group> groups;
  std::vector<cp::Expression> others;
  auto add = [&](const cp::Expression& column, std::shared_ptr<arrow::Scalar> constant) {
    auto group = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.column.Equals(column); });
    if (group == groups.end()) {
      groups.push_back({column, {std::move(constant)}});
    } else {
      group->constants.push_back(std::move(constant));
    }
  };
  for (const auto& disjunct : disjuncts) {
    if (auto equality = EqualityWithConstant(disjunct)) {
      add(equality->first, equality->second);
      continue;
    }
    // An IN list made from the inner part of a longer OR chain joins its column's group.
    if (auto in_list = InListValues(disjunct)) {
      for (auto& value : in_list->second) add(in_list->first, std::move(value));
      continue;
    }
    others.push_back(disjunct);
  }
  bool any_list = std::any_of(groups.begin(), groups.end(), [](const Group& g) { return g.constants.size() > 1; });
  if (!any_list) return std::nullopt;
  std::vector<cp::Expression> rewritten;
  for (const auto& group : groups) {
    if (group.constants.size() == 1) {
      rewritten.push_back(cp::call("equal", {group.column, cp::literal(group.constants[0])}));
      continue;
    }
    std::unique_ptr<arrow::ArrayBuilder> builder;
    ARROW_RETURN_NOT_OK(
        arrow::MakeBuilder(arrow::default_memory_pool(), group.column.type()->GetSharedPtr(), &builder));
    for (const auto& constant : group.constants) ARROW_RETURN_NOT_OK(builder->AppendScalar(*constant));
    ARROW_ASSIGN_OR_RAISE(auto values, builder->Finish());
    auto options = std::make_shared<cp::SetLookupOptions>(values, cp::SetLookupOptions::INCONCLUSIVE);
    rewritten.push_back(cp::call("is_in", {group.column}, std::move(options)));
  }
  rewritten.insert(rewritten.end(), others.begin(), others.end());
  cp::Expression result = rewritten[0];
  for (size_t i = 1; i < rewritten.size(); ++i) result = cp::call("or_kleene", {result, rewritten[i]});
  return result;
}

arrow::Result<cp::Expression> Simplify(const cp::Expression& expr, const arrow::Schema& input) {
  const auto* call = expr.call();
  if (!call) return expr;
  std::vector<cp::Expression> arguments;
  for (const auto& argument : call->arguments) {
    ARROW_ASSIGN_OR_RAISE(auto simplified, Simplify(argument, input));
    arguments.push_back(std::move(simplified));
  }
  ARROW_ASSIGN_OR_RAISE(auto rebuilt, cp::call(call->function_name, std::move(arguments), call->options).Bind(input));
  // Constants: a call that fails on its constant arguments is left for execution,
  // which reports the error only if a row reaches it.
  auto folded = cp::FoldConstants(rebuilt);
  if (folded.ok()) rebuilt = *folded;
  const auto* rebuilt_call = rebuilt.call();
  if (!rebuilt_call) return rebuilt;
  if (auto shrunk = ShrinkConnective(*rebuilt_call)) return *shrunk;
  if (auto as_dates = CompareDatesAsDates(*rebuilt_call)) return as_dates->Bind(input);
  ARROW_ASSIGN_OR_RAISE(auto in_list, OrOfEqualitiesToInList(rebuilt));
  if (in_list) return in_list->Bind(input);
  return rebuilt;
}

}  // namespace

cp::Expression SimplifyExpression(const cp::Expression& expr, const arrow::Schema& input) {
  auto simplified = Simplify(expr, input);
  // The rewrites keep the type; where one cannot be bound or would change the type, the
  // expression stays as written (slower, never wrong).
  if (!simplified.ok() || !simplified->type() || !expr.type() || !simplified->type()->Equals(*expr.type())) {
    return expr;
  }
  return *simplified;
}

}  // namespace quiver::plan
