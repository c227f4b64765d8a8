#include "quiver/dist/stage_planner.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>

#include "quiver/dist/partial_aggregate.h"
#include "quiver/dist/stage_fusion.h"
#include "quiver/plan/cardinality.h"
#include "quiver/plan/logical_extension.h"

namespace quiver::dist {

namespace cp = arrow::compute;
using plan::LogicalJoinType;
using plan::LogicalKind;
using plan::LogicalPlanPtr;

namespace {

// A plan fragment being built bottom-up, not yet a stage: how its rows are spread over
// the tasks that will run it.
struct Fragment {
  LogicalPlanPtr plan;
  /// Every task would compute all of the rows alike (constants): no exchange is needed
  /// to give them to any task.
  bool replicated = false;
  /// All rows must be in one task (it reads a SINGLE exchange): the stage has one task.
  bool single = false;
  /// Rows with equal values of these columns are in the same task (they came through
  /// hash exchanges on them); unset when nothing is known.
  std::optional<std::vector<std::string>> hash_keys;
  std::set<const plan::LogicalOperator*> first_task_only;

  bool spread() const { return !replicated && !single; }
};

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

std::string PartitioningText(const StageOutput& output) {
  switch (output.kind) {
    case pb::Partitioning::HASH:
      return "hash(" + JoinNames(output.keys) + ")";
    case pb::Partitioning::BROADCAST:
      return "broadcast";
    default:
      return "single";
  }
}

LogicalPlanPtr WithInputs(const plan::LogicalOperator& original, std::vector<LogicalPlanPtr> inputs) {
  auto copy = plan::CopyOperator(original);
  copy->inputs = std::move(inputs);
  return copy;
}

// `fragment` with `original`'s operator on top of it.
Fragment Over(Fragment fragment, const plan::LogicalOperator& original) {
  fragment.plan = WithInputs(original, {fragment.plan});
  return fragment;
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Whether rows partitioned by `hash_keys` are partitioned by `columns` too: every
// group of equal `columns` values lies in one task when the hash keys are among them.
bool PartitionedWithin(const std::optional<std::vector<std::string>>& hash_keys,
                       const std::vector<std::string>& columns) {
  if (!hash_keys || hash_keys->empty()) return false;
  return std::all_of(hash_keys->begin(), hash_keys->end(),
                     [&](const std::string& key) { return Contains(columns, key); });
}

// The hash keys after a projection: each key passed on unchanged, under its new name.
std::optional<std::vector<std::string>> KeysThroughProject(const std::optional<std::vector<std::string>>& keys,
                                                           const plan::LogicalProject& project) {
  if (!keys) return std::nullopt;
  std::vector<std::string> renamed;
  for (const auto& key : *keys) {
    std::optional<std::string> found;
    for (size_t i = 0; i < project.expressions.size(); ++i) {
      const auto* ref = project.expressions[i].field_ref();
      if (ref && ref->name() && *ref->name() == key) {
        found = project.schema->field(static_cast<int>(i))->name();
        break;
      }
    }
    if (!found) return std::nullopt;
    renamed.push_back(*found);
  }
  return renamed;
}

// For hash keys of one join side: the positions of the join's keys they are, in order,
// or nullopt when some hash key is not a join key.
std::optional<std::vector<size_t>> AlignedKeys(const std::optional<std::vector<std::string>>& hash_keys,
                                               const std::vector<std::string>& join_keys) {
  if (!hash_keys || hash_keys->empty()) return std::nullopt;
  std::vector<size_t> positions;
  for (const auto& key : *hash_keys) {
    auto found = std::find(join_keys.begin(), join_keys.end(), key);
    if (found == join_keys.end()) return std::nullopt;
    positions.push_back(static_cast<size_t>(found - join_keys.begin()));
  }
  return positions;
}

std::vector<std::string> KeysAt(const std::vector<std::string>& keys, const std::vector<size_t>& positions) {
  std::vector<std::string> out;
  for (size_t position : positions) out.push_back(keys[position]);
  return out;
}

// Join types whose right (left) side may be given whole to every task of the other
// side: each output row depends on one row of the split side and all of the whole one.
bool RightMayBeWhole(LogicalJoinType type) {
  return type == LogicalJoinType::kInner || type == LogicalJoinType::kCross || type == LogicalJoinType::kLeft ||
         type == LogicalJoinType::kSemi || type == LogicalJoinType::kAnti;
}
bool LeftMayBeWhole(LogicalJoinType type) {
  return type == LogicalJoinType::kInner || type == LogicalJoinType::kCross || type == LogicalJoinType::kRight;
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  return a > std::numeric_limits<int64_t>::max() - b ? std::numeric_limits<int64_t>::max() : a + b;
}

// The leaves of a stage's plan that decide its tasks' inputs: its exchanges, each
// with whether it lies under a first-task-only subtree, and the scans that do.
struct StageLeaves {
  std::vector<std::pair<const plan::LogicalExchange*, bool>> exchanges;
  std::set<const plan::LogicalOperator*> first_task_scans;
};

void CollectLeaves(const plan::LogicalOperator& node, const std::set<const plan::LogicalOperator*>& first_only,
                   bool inside, StageLeaves* out) {
  inside = inside || first_only.count(&node) > 0;
  if (node.kind == LogicalKind::kExchange) {
    out->exchanges.emplace_back(static_cast<const plan::LogicalExchange*>(&node), inside);
  }
  if (inside && node.kind == LogicalKind::kScan) out->first_task_scans.insert(&node);
  for (const auto& input : node.inputs) CollectLeaves(*input, first_only, inside, out);
}

// A semi-join reduction is planned when the right side is estimated to have at least
// this many times the left side's rows.
constexpr double kReductionMinRatio = 2;

class Planner {
 public:
  Planner(const StagePlannerOptions& options, const LogicalPlanPtr& root)
      : options_(options),
        estimator_(options.estimator ? options.estimator : &default_estimator_),
        cardinality_(plan::KeyColumns(*root)) {}

  StagedPlan staged;

  arrow::Result<Fragment> Plan(const LogicalPlanPtr& node) {
    switch (node->kind) {
      case LogicalKind::kScan:
        return Fragment{WithInputs(*node, {})};
      case LogicalKind::kValues:
      case LogicalKind::kMaterialized: {
        Fragment constant{WithInputs(*node, {})};
        constant.replicated = true;
        return constant;
      }
      case LogicalKind::kFilter:
      case LogicalKind::kSetFunction: {
        ARROW_ASSIGN_OR_RAISE(auto input, Plan(node->inputs[0]));
        return Over(std::move(input), *node);
      }
      case LogicalKind::kProject: {
        ARROW_ASSIGN_OR_RAISE(auto input, Plan(node->inputs[0]));
        auto keys = KeysThroughProject(input.hash_keys, static_cast<const plan::LogicalProject&>(*node));
        auto out = Over(std::move(input), *node);
        out.hash_keys = std::move(keys);
        return out;
      }
      case LogicalKind::kAggregate:
        return PlanAggregate(static_cast<const plan::LogicalAggregate&>(*node));
      case LogicalKind::kJoin:
        return PlanJoin(static_cast<const plan::LogicalJoin&>(*node));
      case LogicalKind::kSort: {
        ARROW_ASSIGN_OR_RAISE(auto input, Plan(node->inputs[0]));
        if (!input.spread()) return Over(std::move(input), *node);
        ARROW_ASSIGN_OR_RAISE(auto gathered, Gather(std::move(input)));
        return Over(std::move(gathered), *node);
      }
      case LogicalKind::kLimit:
        return PlanLimit(static_cast<const plan::LogicalLimit&>(*node));
      case LogicalKind::kUnion:
        return PlanUnion(*node);
      case LogicalKind::kWindow:
        return PlanWindow(static_cast<const plan::LogicalWindow&>(*node));
      case LogicalKind::kExtension:
        return PlanExtension(static_cast<const plan::LogicalExtension&>(*node));
      case LogicalKind::kExchange:
        break;
    }
    return arrow::Status::Invalid("cannot distribute plan operator: ", node->Describe());
  }

  arrow::Status SealFinal(Fragment fragment) {
    ARROW_ASSIGN_OR_RAISE(auto stage, MakeStage(std::move(fragment)));
    stage.final = true;
    staged.stages.push_back(std::move(stage));
    return arrow::Status::OK();
  }

 private:
  // --- Operators -------------------------------------------------------------------

  arrow::Result<Fragment> PlanAggregate(const plan::LogicalAggregate& aggregate) {
    ARROW_ASSIGN_OR_RAISE(auto input, Plan(aggregate.inputs[0]));
    if (!input.spread() || (!aggregate.keys.empty() && PartitionedWithin(input.hash_keys, aggregate.keys))) {
      return Over(std::move(input), aggregate);
    }
    auto split = SplitForExchange(aggregate);
    if (split) {
      split->partial->inputs = {input.plan};
      input.plan = split->partial;
    }
    StageOutput output;
    if (!aggregate.keys.empty()) {
      output.kind = pb::Partitioning::HASH;
      output.keys = aggregate.keys;
    }
    ARROW_ASSIGN_OR_RAISE(auto exchange, Seal(std::move(input), output));
    Fragment out;
    out.single = aggregate.keys.empty();
    if (!out.single) out.hash_keys = aggregate.keys;
    if (split) {
      split->final->inputs = {exchange};
      out.plan = split->final;
    } else {
      out.plan = WithInputs(aggregate, {exchange});
    }
    return out;
  }

  arrow::Result<Fragment> PlanExtension(const plan::LogicalExtension& extension) {
    if (extension.inputs.empty()) {
      // Every task would compute the same rows: they count once, like constants.
      Fragment leaf{WithInputs(extension, {})};
      leaf.replicated = true;
      return leaf;
    }
    std::vector<Fragment> inputs;
    for (const auto& input : extension.inputs) {
      ARROW_ASSIGN_OR_RAISE(auto planned, Plan(input));
      inputs.push_back(std::move(planned));
    }
    const bool row_wise = extension.distribution() == plan::LogicalExtension::Distribution::kRowWise;
    if (row_wise && inputs.size() == 1) {
      // Its columns are its own: whatever the input was partitioned by is unknown above it.
      auto out = Over(std::move(inputs[0]), extension);
      out.hash_keys.reset();
      return out;
    }
    // All of every input in one task.
    std::vector<LogicalPlanPtr> gathered;
    std::set<const plan::LogicalOperator*> first_task_only;
    for (auto& input : inputs) {
      if (input.spread()) {
        ARROW_ASSIGN_OR_RAISE(input, Gather(std::move(input)));
      }
      gathered.push_back(input.plan);
      first_task_only.insert(input.first_task_only.begin(), input.first_task_only.end());
    }
    Fragment out{WithInputs(extension, std::move(gathered))};
    out.single = true;
    out.first_task_only = std::move(first_task_only);
    return out;
  }

  arrow::Result<Fragment> PlanWindow(const plan::LogicalWindow& window) {
    ARROW_ASSIGN_OR_RAISE(auto input, Plan(window.inputs[0]));
    if (!input.spread() || PartitionedWithin(input.hash_keys, window.partition_by)) {
      return Over(std::move(input), window);
    }
    if (window.partition_by.empty()) {
      ARROW_ASSIGN_OR_RAISE(auto gathered, Gather(std::move(input)));
      return Over(std::move(gathered), window);
    }
    ARROW_ASSIGN_OR_RAISE(auto exchange,
                          Seal(std::move(input), StageOutput{pb::Partitioning::HASH, window.partition_by}));
    Fragment out{WithInputs(window, {exchange})};
    out.hash_keys = window.partition_by;
    return out;
  }

  arrow::Result<Fragment> PlanLimit(const plan::LogicalLimit& limit) {
    const bool top_n = limit.inputs[0]->kind == LogicalKind::kSort;
    const auto& below = top_n ? limit.inputs[0]->inputs[0] : limit.inputs[0];
    ARROW_ASSIGN_OR_RAISE(auto input, Plan(below));
    if (!input.spread()) {
      if (top_n) input = Over(std::move(input), *limit.inputs[0]);
      return Over(std::move(input), limit);
    }
    if (top_n) input = Over(std::move(input), *limit.inputs[0]);
    if (limit.count) {
      // Each task keeps the rows that could be among the first offset + count.
      auto partial = std::make_shared<plan::LogicalLimit>();
      partial->schema = limit.schema;
      partial->count = SaturatingAdd(limit.offset, *limit.count);
      partial->inputs = {input.plan};
      input.plan = partial;
    }
    ARROW_ASSIGN_OR_RAISE(auto gathered, Gather(std::move(input)));
    if (top_n) gathered = Over(std::move(gathered), *limit.inputs[0]);
    return Over(std::move(gathered), limit);
  }

  arrow::Result<Fragment> PlanUnion(const plan::LogicalOperator& node) {
    std::vector<Fragment> inputs;
    bool any_spread = false, any_single = false;
    for (const auto& input : node.inputs) {
      ARROW_ASSIGN_OR_RAISE(auto planned, Plan(input));
      any_spread = any_spread || planned.spread();
      any_single = any_single || planned.single;
      inputs.push_back(std::move(planned));
    }
    Fragment out;
    std::vector<LogicalPlanPtr> plans;
    for (auto& input : inputs) {
      // Beside spread inputs, rows every task (or only one) would have come from the
      // first task only.
      if (any_spread && !input.spread()) input.first_task_only.insert(input.plan.get());
      out.first_task_only.insert(input.first_task_only.begin(), input.first_task_only.end());
      plans.push_back(input.plan);
    }
    out.plan = WithInputs(node, std::move(plans));
    out.replicated = !any_spread && !any_single;
    out.single = !any_spread && any_single;
    return out;
  }

  arrow::Result<Fragment> PlanJoin(const plan::LogicalJoin& join) {
    ARROW_ASSIGN_OR_RAISE(auto left, Plan(join.inputs[0]));
    ARROW_ASSIGN_OR_RAISE(auto right, Plan(join.inputs[1]));
    const auto type = join.join_type;
    const bool keyed = !join.left_keys.empty();

    if (left.replicated && right.replicated) return Joined(join, std::move(left), std::move(right), Side::kLeft);
    if (right.replicated && (RightMayBeWhole(type) || left.single)) {
      return Joined(join, std::move(left), std::move(right), Side::kLeft);
    }
    if (left.replicated && (LeftMayBeWhole(type) || right.single)) {
      return Joined(join, std::move(left), std::move(right), Side::kRight);
    }
    if (left.single && right.single) {
      ARROW_ASSIGN_OR_RAISE(right.plan, Seal(std::move(right), StageOutput{}));
      return Joined(join, std::move(left), std::move(right), Side::kLeft);
    }
    // Both sides already partitioned alike on the join keys.
    if (keyed && left.spread() && right.spread()) {
      auto left_positions = AlignedKeys(left.hash_keys, join.left_keys);
      if (left_positions && right.hash_keys && KeysAt(join.right_keys, *left_positions) == *right.hash_keys) {
        return Joined(join, std::move(left), std::move(right), Side::kLeft);
      }
    }
    // A side already partitioned on some of the keys stays where it is, and the other
    // is partitioned to match it: each of its rows is sent once and built into a hash
    // table once, where a broadcast would send and build it in every task. Unless the
    // partitioned side is the one to broadcast, its copies being fewer bytes.
    const double left_bytes = Bytes(left.plan), right_bytes = Bytes(right.plan);
    const double copies = static_cast<double>(std::max<size_t>(options_.workers, 1));
    const bool right_small = RightMayBeWhole(type) && Broadcastable(right_bytes, left_bytes);
    const bool left_small = LeftMayBeWhole(type) && Broadcastable(left_bytes, right_bytes);
    if (auto positions = AlignedKeys(left.hash_keys, join.left_keys);
        positions && left.spread() && !(left_small && copies * left_bytes < right_bytes)) {
      ARROW_ASSIGN_OR_RAISE(
          right.plan, Seal(std::move(right), StageOutput{pb::Partitioning::HASH, KeysAt(join.right_keys, *positions)}));
      right = Fragment{right.plan};
      return Joined(join, std::move(left), std::move(right), Side::kLeft);
    }
    if (auto positions = AlignedKeys(right.hash_keys, join.right_keys);
        positions && right.spread() && !(right_small && copies * right_bytes < left_bytes)) {
      ARROW_ASSIGN_OR_RAISE(
          left.plan, Seal(std::move(left), StageOutput{pb::Partitioning::HASH, KeysAt(join.left_keys, *positions)}));
      left = Fragment{left.plan};
      return Joined(join, std::move(left), std::move(right), Side::kRight);
    }
    // A small side goes whole to every task of the other.
    if (right_small && (!left_small || right_bytes <= left_bytes)) {
      ARROW_ASSIGN_OR_RAISE(right.plan, Seal(std::move(right), StageOutput{pb::Partitioning::BROADCAST}));
      right = Fragment{right.plan};
      return Joined(join, std::move(left), std::move(right), Side::kLeft);
    }
    if (left_small) {
      ARROW_ASSIGN_OR_RAISE(left.plan, Seal(std::move(left), StageOutput{pb::Partitioning::BROADCAST}));
      left = Fragment{left.plan};
      return Joined(join, std::move(left), std::move(right), Side::kRight);
    }
    if (!keyed) {
      // Nothing to partition by: both sides meet in one task.
      ARROW_ASSIGN_OR_RAISE(auto gathered_left, Gather(std::move(left)));
      ARROW_ASSIGN_OR_RAISE(right.plan, Seal(std::move(right), StageOutput{}));
      right = Fragment{right.plan};
      return Joined(join, std::move(gathered_left), std::move(right), Side::kLeft);
    }
    const bool reduce_right = ReducesRight(join, left.plan, right.plan);
    ARROW_ASSIGN_OR_RAISE(auto left_exchange,
                          Seal(std::move(left), StageOutput{pb::Partitioning::HASH, join.left_keys}));
    if (reduce_right) right.plan = SemiJoined(join, right.plan, BroadcastCopy(left_exchange));
    ARROW_ASSIGN_OR_RAISE(auto right_exchange,
                          Seal(std::move(right), StageOutput{pb::Partitioning::HASH, join.right_keys}));
    Fragment out{WithInputs(join, {left_exchange, right_exchange})};
    if (type == LogicalJoinType::kRight) {
      out.hash_keys = join.right_keys;
    } else if (type != LogicalJoinType::kFull) {
      out.hash_keys = join.left_keys;
    }
    return out;
  }

  enum class Side { kLeft, kRight };

  // Whether a join side of `bytes` had better go whole to every task of the other side
  // (of `other_bytes`) than both be shuffled: always below the broadcast limit; above
  // it, up to a bound on what each task must hold, when one copy per worker is fewer
  // bytes than the two sides together (every shuffled row crosses an exchange).
  bool Broadcastable(double bytes, double other_bytes) const {
    const double limit = options_.broadcast_limit_bytes;
    if (bytes <= limit) return true;
    const double copies = static_cast<double>(std::max<size_t>(options_.workers, 1));
    return bytes <= kCostedBroadcastFactor * limit && bytes * copies <= bytes + other_bytes;
  }

  // Whether the right side of a semi or anti join, about to be shuffled, is worth
  // filtering first by the keys of its left side (a semi-join reduction): the left side
  // (the rows kept) is small enough to send whole to every right task, and much smaller
  // than the right. A right row whose key no left row has cannot change the join's
  // result, and it then never leaves its task.
  bool ReducesRight(const plan::LogicalJoin& join, const LogicalPlanPtr& left, const LogicalPlanPtr& right) const {
    const auto type = join.join_type;
    if ((type != LogicalJoinType::kSemi && type != LogicalJoinType::kAnti) || join.left_keys.empty()) return false;
    const double left_rows = EstimateOf(left).rows, right_rows = EstimateOf(right).rows;
    return left_rows * EstimatedRowBytes(*left->schema) <= options_.broadcast_limit_bytes &&
           right_rows >= kReductionMinRatio * left_rows;
  }

  // A broadcast copy of the output of the stage `exchange` reads, for other readers.
  LogicalPlanPtr BroadcastCopy(const LogicalPlanPtr& exchange) {
    const auto& original = static_cast<const plan::LogicalExchange&>(*exchange);
    auto& producer = staged.stages[original.stage];
    producer.broadcast_copies.push_back(1);  // its readers' task count, set when they are made
    auto copy = std::make_shared<plan::LogicalExchange>(original);
    copy->copy = static_cast<uint32_t>(producer.broadcast_copies.size());
    copy->partitioning = "broadcast copy";
    return copy;
  }

  // `right` keeping only the rows whose join keys some row of `keys` (the join's left
  // side) has, NULLs matching as the join matches them.
  static LogicalPlanPtr SemiJoined(const plan::LogicalJoin& join, const LogicalPlanPtr& right,
                                   const LogicalPlanPtr& keys) {
    auto semi = std::make_shared<plan::LogicalJoin>();
    semi->join_type = LogicalJoinType::kSemi;
    semi->left_keys = join.right_keys;
    semi->right_keys = join.left_keys;
    semi->null_equal_keys = join.null_equal_keys;
    semi->schema = right->schema;
    semi->inputs = {right, keys};
    return semi;
  }

  // The join of two fragments that run together; the result is spread as `side` is.
  Fragment Joined(const plan::LogicalJoin& join, Fragment left, Fragment right, Side side) {
    Fragment out = side == Side::kLeft ? left : right;
    const auto type = join.join_type;
    const bool keeps_partitioning =
        side == Side::kLeft ? RightMayBeWhole(type) || type == LogicalJoinType::kRight : LeftMayBeWhole(type);
    // A right or full join's NULL-extended rows no longer hold their side's key values.
    const bool side_keys_hold = side == Side::kLeft ? type != LogicalJoinType::kRight && type != LogicalJoinType::kFull
                                                    : type != LogicalJoinType::kLeft && type != LogicalJoinType::kFull;
    if (!keeps_partitioning || !side_keys_hold) out.hash_keys.reset();
    out.replicated = left.replicated && right.replicated;
    out.single = !out.replicated && (left.single || right.single);
    out.first_task_only = left.first_task_only;
    out.first_task_only.insert(right.first_task_only.begin(), right.first_task_only.end());
    out.plan = WithInputs(join, {left.plan, right.plan});
    return out;
  }

  // --- Stages ----------------------------------------------------------------------

  // A fragment's estimate. The key columns are the whole query's, so a fragment's
  // output carries the distinct counts of columns that only operators above it (in
  // later stages) use as keys; its exchanges pass on the estimates of the stages below.
  // Fragments are built of new operators that never change once made, so one
  // estimator remembers every estimate for the whole planning.
  const plan::Estimate& EstimateOf(const LogicalPlanPtr& plan) const { return cardinality_.Of(plan); }

  double Bytes(const LogicalPlanPtr& plan) const { return EstimateOf(plan).rows * EstimatedRowBytes(*plan->schema); }

  // All of a fragment's rows in one task of a new fragment.
  arrow::Result<Fragment> Gather(Fragment fragment) {
    ARROW_ASSIGN_OR_RAISE(auto exchange, Seal(std::move(fragment), StageOutput{}));
    Fragment out{exchange};
    out.single = true;
    return out;
  }

  // Makes the fragment a stage whose output goes out as `output` says, and returns the
  // exchange that reads it.
  arrow::Result<LogicalPlanPtr> Seal(Fragment fragment, StageOutput output) {
    auto exchange = std::make_shared<plan::LogicalExchange>();
    exchange->schema = fragment.plan->schema;
    exchange->estimate = std::make_shared<plan::Estimate>(EstimateOf(fragment.plan));
    exchange->estimated_rows = exchange->estimate->rows;
    exchange->partitioning = PartitioningText(output);
    ARROW_ASSIGN_OR_RAISE(auto stage, MakeStage(std::move(fragment)));
    stage.output = std::move(output);
    exchange->stage = stage.id;
    staged.stages.push_back(std::move(stage));
    return exchange;
  }

  arrow::Result<PlannedStage> MakeStage(Fragment fragment) {
    PlannedStage stage;
    stage.id = static_cast<uint32_t>(staged.stages.size());
    stage.plan = fragment.plan;
    stage.encoding.first_task_only = fragment.first_task_only;

    StageLeaves leaves;
    CollectLeaves(*stage.plan, fragment.first_task_only, false, &leaves);
    const auto& exchanges = leaves.exchanges;
    const auto scans = ScansInOrder(*stage.plan);

    StageInput input;
    input.workers = options_.workers;
    std::vector<std::vector<ScanUnit>> units;
    for (const auto* scan : scans) {
      ARROW_ASSIGN_OR_RAISE(auto files, ScanUnitsOf(*scan, false));
      input.files += files.size();
      units.push_back(std::move(files));
    }
    if (input.files < options_.workers) {
      // Fewer files than workers: cut Parquet files into row groups.
      units.clear();
      for (const auto* scan : scans) {
        ARROW_ASSIGN_OR_RAISE(auto groups, ScanUnitsOf(*scan, true));
        units.push_back(std::move(groups));
      }
    }
    for (const auto& scan_units : units) {
      input.scan_units += scan_units.size();
      for (const auto& unit : scan_units) input.bytes += static_cast<double>(unit.bytes);
    }
    for (const auto& [exchange, inside] : exchanges) {
      input.bytes += exchange->estimated_rows * EstimatedRowBytes(*exchange->schema);
    }
    if (!exchanges.empty()) input.scan_units = 0;  // exchanges give every task rows
    stage.tasks =
        fragment.spread() ? std::clamp<size_t>(estimator_->Tasks(input), 1, std::max<size_t>(options_.workers, 1)) : 1;

    // Units to tasks, largest first, each to the task with the fewest bytes so far.
    stage.task_units.assign(stage.tasks, std::vector<std::vector<uint32_t>>(scans.size()));
    std::vector<double> load(stage.tasks, 0);
    for (size_t s = 0; s < scans.size(); ++s) {
      std::vector<uint32_t> order(units[s].size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&](uint32_t a, uint32_t b) { return units[s][a].bytes > units[s][b].bytes; });
      for (uint32_t unit : order) {
        size_t task = 0;
        if (!leaves.first_task_scans.count(scans[s])) {
          task = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
        }
        load[task] += static_cast<double>(units[s][unit].bytes);
        stage.task_units[task][s].push_back(unit);
      }
      for (auto& task : stage.task_units) std::sort(task[s].begin(), task[s].end());  // file order within a task
      stage.encoding.scan_units[scans[s]] = std::move(units[s]);
    }

    for (const auto& [exchange, inside] : exchanges) {
      auto& producer = staged.stages[exchange->stage];
      if (exchange->copy > 0) {
        producer.broadcast_copies[exchange->copy - 1] = inside ? 1 : static_cast<uint32_t>(stage.tasks);
      } else {
        const bool one = producer.output.kind == pb::Partitioning::SINGLE || inside;
        producer.output.partitions = one ? 1 : static_cast<uint32_t>(stage.tasks);
      }
      stage.inputs.push_back(exchange->stage);
    }
    return stage;
  }

  const StagePlannerOptions& options_;
  BytesTaskEstimator default_estimator_;
  const TaskEstimator* estimator_;
  mutable plan::CardinalityEstimator cardinality_;
};

}  // namespace

double EstimatedRowBytes(const arrow::Schema& schema) {
  double bytes = 0;
  for (const auto& field : schema.fields()) {
    const auto& type = *field->type();
    if (const auto* fixed = dynamic_cast<const arrow::FixedWidthType*>(&type)) {
      bytes += std::max(fixed->bit_width() / 8.0, 1.0);
    } else if (arrow::is_base_binary_like(type.id()) || arrow::is_binary_view_like(type.id())) {
      bytes += 24;
    } else {
      bytes += 32;
    }
  }
  return std::max(bytes, 1.0);
}

arrow::Result<StagedPlan> PlanStages(const plan::LogicalPlanPtr& root, const StagePlannerOptions& options) {
  Planner planner(options, root);
  ARROW_ASSIGN_OR_RAISE(auto fragment, planner.Plan(root));
  ARROW_RETURN_NOT_OK(planner.SealFinal(std::move(fragment)));
  FuseSingleTaskChains(&planner.staged);
  return std::move(planner.staged);
}

std::string StageHeading(const PlannedStage& stage, const std::vector<std::string>& workers) {
  std::ostringstream out;
  out << "Stage " << stage.id << " (" << stage.tasks << (stage.tasks == 1 ? " task" : " tasks");
  if (stage.final) {
    out << ", final: one result endpoint per task";
  } else {
    out << ", output " << PartitioningText(stage.output) << " into " << stage.output.partitions
        << (stage.output.partitions == 1 ? " partition" : " partitions");
    for (uint32_t partitions : stage.broadcast_copies) {
      out << ", and a broadcast copy into " << partitions << (partitions == 1 ? " partition" : " partitions");
    }
  }
  out << ")";
  if (!workers.empty()) out << " on " << JoinNames(workers);
  return out.str();
}

std::string FormatStages(const StagedPlan& staged, const std::vector<std::vector<std::string>>& workers) {
  std::ostringstream out;
  for (auto stage = staged.stages.rbegin(); stage != staged.stages.rend(); ++stage) {
    out << StageHeading(*stage, stage->id < workers.size() ? workers[stage->id] : std::vector<std::string>{}) << "\n";
    std::istringstream lines(plan::FormatLogicalPlan(*stage->plan));
    for (std::string line; std::getline(lines, line);) out << "  " << line << "\n";
  }
  return out.str();
}

}  // namespace quiver::dist
