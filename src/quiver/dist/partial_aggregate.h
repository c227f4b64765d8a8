#pragma once

#include <memory>
#include <optional>

#include "quiver/plan/logical_plan.h"

namespace quiver::dist {

/// An aggregate cut in two around an exchange: `partial` runs in every task over its
/// share of the input; `final` combines the partial rows of each group (sum of sums,
/// sum of counts, min of minimums …) into the aggregate's own output. `partial` reads
/// the aggregate's input; `final`'s input is left empty, for the exchange.
struct SplitAggregate {
  std::shared_ptr<plan::LogicalAggregate> partial;
  std::shared_ptr<plan::LogicalAggregate> final;
};

/// The split, or nullopt when one of the aggregate's functions does not combine
/// (count_distinct, list, stddev, variance …): then the rows themselves must move.
std::optional<SplitAggregate> SplitForExchange(const plan::LogicalAggregate& aggregate);

}  // namespace quiver::dist
