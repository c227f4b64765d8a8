#include "quiver/plan/cardinality.h"

#include <arrow/compute/api.h>
#include <arrow/scalar.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "quiver/common/decimal_pin.h"
#include "quiver/plan/plan_builders.h"
#include "quiver/storage/file_statistics.h"
#include "quiver/storage/scalar_numbers.h"

namespace quiver::plan {

namespace {

// Fractions used where statistics say nothing. They follow common practice (and are
// never tuned to a benchmark): equality is selective, ranges keep a third, patterns a
// tenth, anything else a fifth.
constexpr double kUnknownEquality = 0.05;
constexpr double kUnknownRange = 1.0 / 3;
constexpr double kPatternMatch = 0.1;
constexpr double kUnknownPredicate = 0.2;
// Rows assumed for a table whose size cannot be learned cheaply.
constexpr double kUnknownTableRows = 1e6;
// Groups an aggregate keeps per input row when its keys' distinct counts are unknown.
constexpr double kUnknownGroupFraction = 0.1;

double Clamp01(double value) { return std::clamp(value, 0.0, 1.0); }

// Types whose values NumberOf places on one scale, so min / max survive a cast between
// them (integers, floats and decimals count in their own units).
bool IsPlainNumber(const arrow::DataType& type) {
  return arrow::is_integer(type.id()) || arrow::is_floating(type.id()) || arrow::is_decimal(type.id());
}

// What is known of the column an expression reads, seen through casts (the binder casts
// join keys to one type): the distinct values and NULLs stay; the range only where the
// cast keeps the number scale (a date cast to a timestamp counts microseconds, not days).
std::optional<ColumnEstimate> ColumnOf(const cp::Expression& expr, const Estimate& input) {
  const cp::Expression* target = &expr;
  bool same_scale = true;
  while (target->call() &&
         (target->call()->function_name == "cast" || target->call()->function_name == kPinDecimalFunction)) {
    const auto* to = target->type();
    const auto* from = target->call()->arguments[0].type();
    if (!to || !from || !(to->Equals(*from) || (IsPlainNumber(*to) && IsPlainNumber(*from)))) same_scale = false;
    target = &target->call()->arguments[0];
  }
  const auto* ref = target->field_ref();
  if (!ref || !ref->name()) return std::nullopt;
  auto found = input.columns.find(*ref->name());
  if (found == input.columns.end()) return std::nullopt;
  ColumnEstimate column = found->second;
  if (!same_scale) column.min = column.max = std::nullopt;
  return column;
}

// The calendar years a date or timestamp column's range spans, for `year(column)`
// (grouping by year is common, and its few groups decide how an aggregate is spread).
std::optional<ColumnEstimate> YearOf(const cp::Expression& expr, const Estimate& input) {
  const auto* call = expr.call();
  if (!call || call->function_name != "year" || call->arguments.size() != 1) return std::nullopt;
  const auto* type = call->arguments[0].type();
  const auto column = ColumnOf(call->arguments[0], input);
  if (!type || !column || !column->min || !column->max) return std::nullopt;
  double per_day;
  if (type->id() == arrow::Type::DATE32) {
    per_day = 1;
  } else if (type->id() == arrow::Type::DATE64) {
    per_day = 86400e3;
  } else if (type->id() == arrow::Type::TIMESTAMP) {
    const auto unit = static_cast<const arrow::TimestampType&>(*type).unit();
    per_day = 86400.0 * (unit == arrow::TimeUnit::SECOND  ? 1
                         : unit == arrow::TimeUnit::MILLI ? 1e3
                         : unit == arrow::TimeUnit::MICRO ? 1e6
                                                          : 1e9);
  } else {
    return std::nullopt;
  }
  constexpr double kDaysPerYear = 365.2425;
  ColumnEstimate out;
  out.min = std::floor(1970 + *column->min / per_day / kDaysPerYear);
  out.max = std::floor(1970 + *column->max / per_day / kDaysPerYear);
  out.distinct = *out.max - *out.min + 1;
  if (column->distinct) out.distinct = std::min(*out.distinct, *column->distinct);
  out.null_fraction = column->null_fraction;
  out.whole_numbers = true;
  return out;
}

std::optional<double> LiteralNumber(const cp::Expression& expr) {
  const auto* datum = expr.literal();
  if (!datum || !datum->is_scalar()) return std::nullopt;
  return storage::NumberOf(*datum->scalar());
}

bool IsNullLiteral(const cp::Expression& expr) {
  const auto* datum = expr.literal();
  return datum && datum->is_scalar() && !datum->scalar()->is_valid;
}

double EqualsConstant(const ColumnEstimate* column, const cp::Expression& constant) {
  if (IsNullLiteral(constant)) return 0;
  if (!column) return kUnknownEquality;
  auto value = LiteralNumber(constant);
  if (value && column->min && column->max && (*value < *column->min || *value > *column->max)) return 0;
  if (!column->distinct || *column->distinct < 1) return kUnknownEquality;
  return (1 - column->null_fraction) / *column->distinct;
}

// column < constant (or <=): the share of [min, max] below the constant.
double BelowConstant(const ColumnEstimate* column, const cp::Expression& constant, bool below) {
  if (IsNullLiteral(constant)) return 0;
  auto value = LiteralNumber(constant);
  if (!column || !value || !column->min || !column->max) return kUnknownRange;
  double share = *column->max > *column->min ? (*value - *column->min) / (*column->max - *column->min)
                                             : (*value >= *column->min ? 1.0 : 0.0);
  share = Clamp01(share);
  return (below ? share : 1 - share) * (1 - column->null_fraction);
}

double CompareSelectivity(const std::string& name, const cp::Expression& a, const cp::Expression& b,
                          const Estimate& input) {
  const auto left_column = ColumnOf(a, input);
  const ColumnEstimate* left = left_column ? &*left_column : nullptr;
  const auto right_column = ColumnOf(b, input);
  const ColumnEstimate* right = right_column ? &*right_column : nullptr;
  const bool a_constant = a.literal() != nullptr, b_constant = b.literal() != nullptr;
  if (name == "equal" || name == "not_equal") {
    double equal;
    if (b_constant) {
      equal = EqualsConstant(left, b);
    } else if (a_constant) {
      equal = EqualsConstant(right, a);
    } else if (left && right && left->distinct && right->distinct) {
      equal = 1 / std::max({*left->distinct, *right->distinct, 1.0});
    } else {
      equal = kUnknownEquality;
    }
    if (name == "equal") return equal;
    // `x <> NULL` holds for no row, and neither does `x <> c` where x is NULL.
    if ((a_constant && IsNullLiteral(a)) || (b_constant && IsNullLiteral(b))) return 0;
    const auto* column = b_constant ? left : a_constant ? right : nullptr;
    return Clamp01(1 - equal - (column ? column->null_fraction : 0));
  }
  const bool less = name == "less" || name == "less_equal";
  if (b_constant) return BelowConstant(left, b, less);
  if (a_constant) return BelowConstant(right, a, !less);  // c < x  ⇔  x > c
  return kUnknownRange;
}

// Distinct values left of a column after keeping `selectivity` of `rows` rows at random:
// each value (rows/distinct copies) survives unless all its copies are dropped.
double DistinctAfterFilter(double distinct, double rows, double selectivity) {
  if (distinct <= 0 || rows <= 0) return distinct;
  double copies = std::max(rows / distinct, 1.0);
  return distinct * (1 - std::pow(1 - Clamp01(selectivity), copies));
}

void CapDistinct(Estimate& estimate) {
  for (auto& [name, column] : estimate.columns) {
    if (column.distinct) column.distinct = std::max(std::min(*column.distinct, estimate.rows), 1.0);
  }
}

Estimate Filtered(Estimate input, double selectivity) {
  double rows = input.rows;
  input.rows = std::max(rows * selectivity, 1.0);
  for (auto& [name, column] : input.columns) {
    if (column.distinct) column.distinct = DistinctAfterFilter(*column.distinct, rows, selectivity);
  }
  CapDistinct(input);
  return input;
}

// The distinct count of a key made of several columns of one side: the product of the
// columns' counts, but never above the side's rows.
double KeyDistinct(const std::vector<const ColumnEstimate*>& columns, double rows) {
  double product = 1;
  for (const auto* column : columns) {
    if (!column || !column->distinct) return rows;  // unknown: assume the key is unique
    product *= std::max(*column->distinct, 1.0);
  }
  return std::min(product, std::max(rows, 1.0));
}

// Where most values of an aggregate fall, from its input column's range [a, b] and
// the average group size n, so that HAVING is estimated as a WHERE on a column is. min
// and max stay in [a, b]. With the values spread evenly over [a, b] (mean m, standard
// deviation s = (b - a) / sqrt(12)), a sum of n of them lies within three standard
// deviations of n*m, 3*sqrt(n)*s (the central limit), and no further out than n*a and
// n*b; an average lies within 3*s/sqrt(n) of m. Nothing is assumed of other aggregates.
ColumnEstimate AggregateOutput(const AggregateCall& call, const Estimate& input, double group_rows) {
  ColumnEstimate out;
  auto column = input.columns.find(call.input);
  if (column == input.columns.end() || !column->second.min || !column->second.max) return out;
  const double a = *column->second.min, b = *column->second.max;
  const double n = std::max(group_rows, 1.0);
  const double middle = (a + b) / 2, spread = 3 * (b - a) / std::sqrt(12.0);
  if (call.function == "min" || call.function == "max") {
    out.min = a;
    out.max = b;
  } else if (call.function == "sum") {
    out.min = std::max(n * middle - std::sqrt(n) * spread, n * a);
    out.max = std::min(n * middle + std::sqrt(n) * spread, n * b);
  } else if (call.function == "mean") {
    out.min = std::max(middle - spread / std::sqrt(n), a);
    out.max = std::min(middle + spread / std::sqrt(n), b);
  }
  return out;
}

struct KeyPairs {
  std::vector<const ColumnEstimate*> left, right;
  std::vector<cp::Expression> others;
};

KeyPairs SplitKeys(const Estimate& left, const Estimate& right, const std::vector<cp::Expression>& conditions) {
  KeyPairs keys;
  for (const auto& condition : conditions) {
    const auto* call = condition.call();
    if (call && call->function_name == "equal" && call->arguments.size() == 2) {
      const auto* a = call->arguments[0].field_ref();
      const auto* b = call->arguments[1].field_ref();
      if (a && b && a->name() && b->name()) {
        bool a_left = left.columns.count(*a->name()), b_right = right.columns.count(*b->name());
        bool b_left = left.columns.count(*b->name()), a_right = right.columns.count(*a->name());
        if ((a_left && b_right) || (b_left && a_right)) {
          const std::string& l = a_left && b_right ? *a->name() : *b->name();
          const std::string& r = a_left && b_right ? *b->name() : *a->name();
          keys.left.push_back(&left.columns.at(l));
          keys.right.push_back(&right.columns.at(r));
          continue;
        }
      }
    }
    keys.others.push_back(condition);
  }
  return keys;
}

Estimate Combined(const Estimate& left, const Estimate& right, double rows) {
  Estimate out;
  out.rows = std::max(rows, 1.0);
  out.columns = left.columns;
  out.columns.insert(right.columns.begin(), right.columns.end());
  CapDistinct(out);
  return out;
}

// The share of left rows with at least one match on the right, assuming the side with
// fewer distinct keys finds all its keys in the other (containment).
double MatchedShare(const Estimate& left, const Estimate& right, const LogicalJoin& join) {
  std::vector<const ColumnEstimate*> left_keys, right_keys;
  for (const auto& key : join.left_keys) {
    auto found = left.columns.find(key);
    left_keys.push_back(found == left.columns.end() ? nullptr : &found->second);
  }
  for (const auto& key : join.right_keys) {
    auto found = right.columns.find(key);
    right_keys.push_back(found == right.columns.end() ? nullptr : &found->second);
  }
  if (left_keys.empty()) return right.rows >= 1 ? 1.0 : 0.0;
  double left_distinct = KeyDistinct(left_keys, left.rows);
  double right_distinct = KeyDistinct(right_keys, right.rows);
  double share = std::min(1.0, right_distinct / std::max(left_distinct, 1.0));
  if (join.residual) share *= CardinalityEstimator::Selectivity(*join.residual, Combined(left, right, left.rows));
  return share;
}

// A column compared with a constant: `column op constant`, mirrored if written the
// other way round. Only the four range comparisons.
struct RangeBound {
  std::string column;
  double value = 0;
  bool upper = false;  // column < value (or <=); otherwise column > value (or >=)
};

std::optional<RangeBound> AsRangeBound(const cp::Expression& expr) {
  const auto* call = expr.call();
  if (!call || call->arguments.size() != 2) return std::nullopt;
  const std::string& name = call->function_name;
  const bool less = name == "less" || name == "less_equal";
  if (!less && name != "greater" && name != "greater_equal") return std::nullopt;
  for (int i = 0; i < 2; ++i) {
    const auto* ref = call->arguments[i].field_ref();
    auto value = LiteralNumber(call->arguments[1 - i]);
    if (!ref || !ref->name() || !value) continue;
    // `c < x` bounds x from below: the comparison reads the other way round.
    return RangeBound{*ref->name(), *value, i == 0 ? less : !less};
  }
  return std::nullopt;
}

}  // namespace

// Conjuncts multiply, except range bounds on one column, which together keep the share
// of [min, max] between the highest lower bound and the lowest upper bound: `d >= a AND
// d < b` keeps (b - a) / (max - min), not the product of the two shares.
double CardinalityEstimator::ConjunctionSelectivity(const cp::Expression& predicate, const Estimate& input) {
  std::vector<cp::Expression> conjuncts = SplitConjunction(predicate);
  std::map<std::string, std::pair<std::optional<double>, std::optional<double>>> ranges;  // lowest, highest
  double product = 1;
  for (const auto& conjunct : conjuncts) {
    auto bound = AsRangeBound(conjunct);
    auto column = bound ? input.columns.find(bound->column) : input.columns.end();
    if (column == input.columns.end() || !column->second.min || !column->second.max) {
      product *= Selectivity(conjunct, input);
      continue;
    }
    auto& [low, high] = ranges[bound->column];
    if (bound->upper) {
      high = high ? std::min(*high, bound->value) : bound->value;
    } else {
      low = low ? std::max(*low, bound->value) : bound->value;
    }
  }
  for (const auto& [name, range] : ranges) {
    const auto& column = input.columns.at(name);
    const double min = *column.min, max = *column.max;
    const double low = std::max(range.first.value_or(min), min);
    const double high = std::min(range.second.value_or(max), max);
    const double width = max - min;
    double share = width > 0 ? (high - low) / width : (low <= high ? 1.0 : 0.0);
    product *= Clamp01(share) * (1 - column.null_fraction);
  }
  return product;
}

namespace {

void CollectKeyColumns(const LogicalOperator& node, std::set<std::string>* out) {
  auto add = [&](const cp::Expression& expr) {
    for (auto& name : ReferencedColumns(expr)) out->insert(name);
  };
  switch (node.kind) {
    case LogicalKind::kJoin: {
      const auto& join = static_cast<const LogicalJoin&>(node);
      out->insert(join.left_keys.begin(), join.left_keys.end());
      out->insert(join.right_keys.begin(), join.right_keys.end());
      if (join.residual) add(*join.residual);
      break;
    }
    case LogicalKind::kAggregate: {
      const auto& keys = static_cast<const LogicalAggregate&>(node).keys;
      out->insert(keys.begin(), keys.end());
      break;
    }
    case LogicalKind::kFilter:
      add(static_cast<const LogicalFilter&>(node).predicate);
      break;
    case LogicalKind::kWindow: {
      const auto& keys = static_cast<const LogicalWindow&>(node).partition_by;
      out->insert(keys.begin(), keys.end());
      break;
    }
    case LogicalKind::kProject: {
      // A key computed from a column (a cast) needs that column's count.
      const auto& project = static_cast<const LogicalProject&>(node);
      for (size_t i = 0; i < project.expressions.size(); ++i) {
        if (out->count(project.schema->field(static_cast<int>(i))->name())) add(project.expressions[i]);
      }
      break;
    }
    default:
      break;
  }
  for (const auto& input : node.inputs) CollectKeyColumns(*input, out);
}

}  // namespace

double EstimateRows(const LogicalPlanPtr& node) {
  CardinalityEstimator estimator(KeyColumns(*node));
  return estimator.Of(node).rows;
}

std::set<std::string> KeyColumns(const LogicalOperator& plan) {
  std::set<std::string> keys;
  // Twice: a projection above a key learns it is one only after the key's user is seen.
  CollectKeyColumns(plan, &keys);
  CollectKeyColumns(plan, &keys);
  return keys;
}

std::string FormatRows(double rows) {
  char text[32];
  if (rows >= 1e9) {
    std::snprintf(text, sizeof text, "%.1fG", rows / 1e9);
  } else if (rows >= 1e6) {
    std::snprintf(text, sizeof text, "%.1fM", rows / 1e6);
  } else if (rows >= 1e4) {
    std::snprintf(text, sizeof text, "%.0fk", rows / 1e3);
  } else {
    std::snprintf(text, sizeof text, "%.0f", rows);
  }
  return text;
}

double CardinalityEstimator::Selectivity(const cp::Expression& predicate, const Estimate& input) {
  if (const auto* datum = predicate.literal()) {
    if (!datum->is_scalar() || !datum->scalar()->is_valid) return 0;
    const auto& scalar = *datum->scalar();
    return scalar.type->id() == arrow::Type::BOOL && static_cast<const arrow::BooleanScalar&>(scalar).value ? 1 : 0;
  }
  const auto* call = predicate.call();
  if (!call) return kUnknownPredicate;
  const std::string& name = call->function_name;
  const auto& args = call->arguments;
  if (name == "and_kleene" || name == "and") return ConjunctionSelectivity(predicate, input);
  if (name == "or_kleene" || name == "or") {
    double none = 1;
    for (const auto& arg : args) none *= 1 - Selectivity(arg, input);
    return 1 - none;
  }
  if (name == "invert") return Clamp01(1 - Selectivity(args[0], input));
  if (args.size() == 2 && (name == "equal" || name == "not_equal" || name == "less" || name == "less_equal" ||
                           name == "greater" || name == "greater_equal")) {
    return CompareSelectivity(name, args[0], args[1], input);
  }
  if (name == "is_in" && args.size() == 1) {
    const auto* options = static_cast<const cp::SetLookupOptions*>(call->options.get());
    double values = options && options->value_set.is_array() ? static_cast<double>(options->value_set.length()) : 1;
    const auto column = ColumnOf(args[0], input);
    if (!column || !column->distinct) return Clamp01(values * kUnknownEquality);
    return Clamp01(values * (1 - column->null_fraction) / std::max(*column->distinct, 1.0));
  }
  if (name == "is_null" || name == "is_valid") {
    const auto column = ColumnOf(args[0], input);
    double nulls = column ? column->null_fraction : 0.05;
    return name == "is_null" ? nulls : 1 - nulls;
  }
  if (name.rfind("match_", 0) == 0 || name == "starts_with" || name == "ends_with") return kPatternMatch;
  return kUnknownPredicate;
}

Estimate CardinalityEstimator::InnerJoin(const Estimate& left, const Estimate& right,
                                         const std::vector<cp::Expression>& conditions) {
  KeyPairs keys = SplitKeys(left, right, conditions);
  double rows = left.rows * right.rows;
  if (!keys.left.empty()) {
    // Each key value of the side with fewer values finds its partners in the other.
    rows /= std::max({KeyDistinct(keys.left, left.rows), KeyDistinct(keys.right, right.rows), 1.0});
  }
  Estimate out = Combined(left, right, rows);
  for (const auto& other : keys.others) out.rows = std::max(out.rows * Selectivity(other, out), 1.0);
  CapDistinct(out);
  return out;
}

const Estimate& CardinalityEstimator::Of(const LogicalPlanPtr& node) {
  auto found = memo_.find(node.get());
  if (found != memo_.end()) return found->second.second;
  Estimate estimate = Compute(*node);
  return (memo_[node.get()] = {node, std::move(estimate)}).second;
}

Estimate CardinalityEstimator::FileColumns(const LogicalScan& scan) {
  // Statistics are keyed by file column names, like the scan's filter.
  std::vector<std::string> sampled;
  for (int i = 0; i < scan.schema->num_fields(); ++i) {
    if (key_columns_.count(scan.schema->field(i)->name())) sampled.push_back(scan.columns[i]);
  }
  if (scan.filter) {
    for (auto& name : ReferencedColumns(*scan.filter)) sampled.push_back(name);
  }
  Estimate files;
  auto statistics = storage::GetTableStatistics(*scan.source, sampled);
  if (!statistics.ok()) {
    files.rows = kUnknownTableRows * static_cast<double>(std::max<size_t>(scan.source->file_count(), 1));
  } else {
    files.rows = std::max(statistics->row_count, 1.0);
    for (const auto& [name, column] : statistics->columns) {
      ColumnEstimate estimate;
      estimate.distinct = column.distinct_count;
      if (column.null_count) estimate.null_fraction = Clamp01(*column.null_count / files.rows);
      if (column.min) estimate.min = storage::NumberOf(*column.min);
      if (column.max) estimate.max = storage::NumberOf(*column.max);
      const auto& field = scan.source->file_schema()->GetFieldByName(name);
      estimate.whole_numbers = field && storage::HasWholeNumbers(*field->type());
      if (estimate.whole_numbers && estimate.min && estimate.max) {
        double range = *estimate.max - *estimate.min + 1;
        estimate.distinct = std::min(estimate.distinct.value_or(range), range);
      }
      files.columns[name] = estimate;
    }
  }
  return files;
}

Estimate CardinalityEstimator::ScanEstimate(const LogicalScan& scan) {
  Estimate files = FileColumns(scan);
  if (scan.filter) files = Filtered(std::move(files), Selectivity(*scan.filter, files));
  Estimate out;
  out.rows = files.rows;
  for (int i = 0; i < scan.schema->num_fields(); ++i) {
    auto column = files.columns.find(scan.columns[i]);
    out.columns[scan.schema->field(i)->name()] = column == files.columns.end() ? ColumnEstimate{} : column->second;
  }
  return out;
}

Estimate CardinalityEstimator::SetFunctionEstimate(const LogicalSetFunction& node) {
  // Elements per input row: counted for generate_series over constant integers,
  // guessed otherwise.
  constexpr double kGuessedElements = 10;
  double elements = kGuessedElements;
  std::vector<std::optional<double>> constants;
  for (const auto& argument : node.arguments) {
    const auto* literal = argument.literal();
    std::optional<double> value;
    if (literal && literal->is_scalar() && literal->scalar()->is_valid &&
        literal->scalar()->type->id() == arrow::Type::INT64) {
      value = static_cast<double>(static_cast<const arrow::Int64Scalar&>(*literal->scalar()).value);
    }
    constants.push_back(value);
  }
  if (node.function == "generate_series" && constants[0] && constants[1] &&
      (constants.size() == 2 || (constants[2] && *constants[2] != 0))) {
    const double step = constants.size() == 2 ? 1 : *constants[2];
    elements = std::max(std::floor((*constants[1] - *constants[0]) / step) + 1, 0.0);
  }
  Estimate out = Of(node.inputs[0]);
  out.rows = std::max(out.rows * std::max(elements, node.keep_empty ? 1.0 : 0.0), 1.0);
  for (const auto& output : node.outputs) out.columns[output] = ColumnEstimate{};
  if (!node.ordinality.empty()) out.columns[node.ordinality] = ColumnEstimate{};
  return out;
}

Estimate CardinalityEstimator::Compute(const LogicalOperator& node) {
  switch (node.kind) {
    case LogicalKind::kScan:
      return ScanEstimate(static_cast<const LogicalScan&>(node));
    case LogicalKind::kMaterialized: {
      // Known once computed; a working table's size changes every round.
      const auto& table = static_cast<const LogicalMaterialized&>(node).slot->table;
      Estimate out;
      out.rows = table ? std::max(static_cast<double>(table->num_rows()), 1.0) : 1000.0;
      for (const auto& field : node.schema->fields()) out.columns[field->name()] = ColumnEstimate{};
      return out;
    }
    case LogicalKind::kValues: {
      Estimate out;
      out.rows = static_cast<double>(static_cast<const LogicalValues&>(node).table->num_rows());
      for (const auto& field : node.schema->fields()) out.columns[field->name()] = ColumnEstimate{};
      return out;
    }
    case LogicalKind::kFilter: {
      const Estimate& input = Of(node.inputs[0]);
      return Filtered(input, Selectivity(static_cast<const LogicalFilter&>(node).predicate, input));
    }
    case LogicalKind::kProject: {
      const auto& project = static_cast<const LogicalProject&>(node);
      const Estimate& input = Of(node.inputs[0]);
      Estimate out;
      out.rows = input.rows;
      for (size_t i = 0; i < project.expressions.size(); ++i) {
        auto column = ColumnOf(project.expressions[i], input);
        if (!column) column = YearOf(project.expressions[i], input);
        out.columns[project.schema->field(static_cast<int>(i))->name()] = column.value_or(ColumnEstimate{});
      }
      return out;
    }
    case LogicalKind::kAggregate: {
      const auto& aggregate = static_cast<const LogicalAggregate&>(node);
      const Estimate& input = Of(node.inputs[0]);
      Estimate out;
      if (aggregate.keys.empty()) {
        out.rows = 1;
      } else {
        double groups = 1;
        for (const auto& key : aggregate.keys) {
          auto column = input.columns.find(key);
          bool known = column != input.columns.end() && column->second.distinct;
          // A key may be NULL too: NULL forms a group of its own.
          groups *= known ? *column->second.distinct + (column->second.null_fraction > 0 ? 1 : 0)
                          : std::max(input.rows * kUnknownGroupFraction, 1.0);
        }
        out.rows = std::max(std::min(groups, input.rows), 1.0);
      }
      for (const auto& key : aggregate.keys) {
        auto column = input.columns.find(key);
        out.columns[key] = column == input.columns.end() ? ColumnEstimate{} : column->second;
      }
      const double group_rows = input.rows / out.rows;
      for (const auto& call : aggregate.aggregates) out.columns[call.output] = AggregateOutput(call, input, group_rows);
      CapDistinct(out);
      return out;
    }
    case LogicalKind::kJoin: {
      const auto& join = static_cast<const LogicalJoin&>(node);
      const Estimate& left = Of(node.inputs[0]);
      const Estimate& right = Of(node.inputs[1]);
      std::vector<cp::Expression> conditions;
      for (size_t i = 0; i < join.left_keys.size(); ++i) {
        conditions.push_back(cp::call("equal", {cp::field_ref(join.left_keys[i]), cp::field_ref(join.right_keys[i])}));
      }
      if (join.residual) conditions.push_back(*join.residual);
      switch (join.join_type) {
        case LogicalJoinType::kInner:
        case LogicalJoinType::kCross:
          return InnerJoin(left, right, conditions);
        case LogicalJoinType::kLeft: {
          Estimate out = InnerJoin(left, right, conditions);
          out.rows = std::max(out.rows, left.rows);
          return out;
        }
        case LogicalJoinType::kRight: {
          Estimate out = InnerJoin(left, right, conditions);
          out.rows = std::max(out.rows, right.rows);
          return out;
        }
        case LogicalJoinType::kFull: {
          Estimate out = InnerJoin(left, right, conditions);
          out.rows = std::max({out.rows, left.rows, right.rows});
          return out;
        }
        case LogicalJoinType::kSemi:
          return Filtered(left, MatchedShare(left, right, join));
        case LogicalJoinType::kAnti:
          // Some left rows always lack a partner in practice; never estimate none.
          return Filtered(left, std::max(1 - MatchedShare(left, right, join), 0.1));
      }
      return left;
    }
    case LogicalKind::kLimit: {
      const auto& limit = static_cast<const LogicalLimit&>(node);
      Estimate out = Of(node.inputs[0]);
      out.rows = std::max(out.rows - static_cast<double>(limit.offset), 0.0);
      if (limit.count) out.rows = std::min(out.rows, static_cast<double>(*limit.count));
      CapDistinct(out);
      return out;
    }
    case LogicalKind::kUnion: {
      Estimate out;
      out.rows = 0;
      for (const auto& input : node.inputs) out.rows += Of(input).rows;
      for (const auto& field : node.schema->fields()) out.columns[field->name()] = ColumnEstimate{};
      return out;
    }
    case LogicalKind::kSort:
      return Of(node.inputs[0]);
    case LogicalKind::kWindow: {
      Estimate out = Of(node.inputs[0]);
      for (const auto& call : static_cast<const LogicalWindow&>(node).calls)
        out.columns[call.output] = ColumnEstimate{};
      return out;
    }
    case LogicalKind::kSetFunction:
      return SetFunctionEstimate(static_cast<const LogicalSetFunction&>(node));
    case LogicalKind::kExchange: {
      const auto& exchange = static_cast<const LogicalExchange&>(node);
      if (exchange.estimate) return *exchange.estimate;
      Estimate out;
      out.rows = std::max(exchange.estimated_rows, 1.0);
      for (const auto& field : node.schema->fields()) out.columns[field->name()] = ColumnEstimate{};
      return out;
    }
    case LogicalKind::kExtension: {
      // A user's operator says nothing of its output: as many rows as its first input,
      // with columns of unknown spread.
      Estimate out;
      out.rows = node.inputs.empty() ? 1.0 : Of(node.inputs[0]).rows;
      for (const auto& field : node.schema->fields()) out.columns[field->name()] = ColumnEstimate{};
      return out;
    }
  }
  return Estimate{};
}

}  // namespace quiver::plan
