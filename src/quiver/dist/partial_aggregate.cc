#include "quiver/dist/partial_aggregate.h"

#include <arrow/compute/api_aggregate.h>

#include <map>
#include <string>

#include "quiver/plan/aggregate_binder.h"

namespace quiver::dist {

namespace cp = arrow::compute;

namespace {

// How partial results of each function combine: the function applied to them.
const std::map<std::string, std::string>& Combiners() {
  static const std::map<std::string, std::string> combiners = {
      {"sum", "sum"}, {"count", "sum"}, {"count_all", "sum"}, {"min", "min"},
      {"max", "max"}, {"any", "any"},   {"all", "all"},       {"product", "product"}};
  return combiners;
}

}  // namespace

std::optional<SplitAggregate> SplitForExchange(const plan::LogicalAggregate& aggregate) {
  const auto& input_schema = *aggregate.inputs[0]->schema;
  auto partial = std::make_shared<plan::LogicalAggregate>();
  auto final = std::make_shared<plan::LogicalAggregate>();
  partial->keys = aggregate.keys;
  final->keys = aggregate.keys;
  arrow::FieldVector partial_fields;
  for (const auto& key : aggregate.keys) partial_fields.push_back(input_schema.GetFieldByName(key));
  for (const auto& call : aggregate.aggregates) {
    auto combiner = Combiners().find(call.function);
    if (combiner == Combiners().end()) return std::nullopt;
    std::shared_ptr<arrow::DataType> input_type =
        call.input.empty() ? arrow::null() : input_schema.GetFieldByName(call.input)->type();
    auto partial_type = plan::AggregateResultType(call.function, input_type);
    if (!partial_type.ok()) return std::nullopt;
    // The combined type must be the aggregate's own (sum of int64 sums is int64 …).
    auto final_type = plan::AggregateResultType(combiner->second, *partial_type);
    const auto& planned = aggregate.schema->GetFieldByName(call.output);
    if (!final_type.ok() || !planned || !(*final_type)->Equals(*planned->type())) return std::nullopt;

    plan::AggregateCall partial_call = call;
    partial_call.output = call.output + "~partial";
    partial_fields.push_back(arrow::field(partial_call.output, *partial_type));
    plan::AggregateCall final_call;
    final_call.function = combiner->second;
    final_call.input = partial_call.output;
    final_call.output = call.output;
    // Partial counts are never NULL; partial sums, minimums … are NULL where a task saw
    // no values, and the combination is NULL only if every task's is.
    final_call.options = std::make_shared<cp::ScalarAggregateOptions>(/*skip_nulls=*/true, /*min_count=*/1);
    partial->aggregates.push_back(std::move(partial_call));
    final->aggregates.push_back(std::move(final_call));
  }
  partial->schema = arrow::schema(std::move(partial_fields));
  partial->inputs = aggregate.inputs;
  final->schema = aggregate.schema;
  return SplitAggregate{std::move(partial), std::move(final)};
}

}  // namespace quiver::dist
