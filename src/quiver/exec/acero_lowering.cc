#include "quiver/exec/acero_lowering.h"

#include <arrow/acero/options.h>
#include <arrow/compute/api.h>
#include <arrow/dataset/dataset.h>
#include <arrow/dataset/file_parquet.h>
#include <arrow/dataset/scanner.h>

#include <algorithm>
#include <optional>
#include <set>
#include <sstream>

#include "quiver/common/decimal_sum_aggregate.h"
#include "quiver/common/decimal_unscaled.h"
#include "quiver/exec/dictionary_group_keys.h"
#include "quiver/exec/filter_node.h"
#include "quiver/exec/integer_key_aggregate_node.h"
#include "quiver/exec/memory_budget.h"
#include "quiver/exec/metrics_node.h"
#include "quiver/exec/nested_loop_join_node.h"
#include "quiver/exec/scalar_expanding_node.h"
#include "quiver/exec/scan_filter.h"
#include "quiver/exec/set_function_node.h"
#include "quiver/exec/top_n_node.h"
#include "quiver/exec/unordered_limit_node.h"
#include "quiver/exec/window_node.h"
#include "quiver/plan/cardinality.h"
#include "quiver/plan/logical_extension.h"
#include "quiver/plan/plan_builders.h"
#include "quiver/storage/cached_dataset.h"

namespace quiver::exec {

namespace ac = arrow::acero;
namespace cp = arrow::compute;
namespace ds = arrow::dataset;
using plan::LogicalKind;

namespace {

// The hash join binds its residual filter against a schema of its own making, so the
// residual goes in unbound (by column name). Filters and projections keep the binding
// the planner made: their input schemas are the logical ones, column for column, and
// re-binding would add Arrow's implicit decimal casts a second time.
cp::Expression Unbound(const cp::Expression& expr) { return plan::RenameColumns(expr, {}); }

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

ac::Declaration Labeled(std::string factory, std::vector<ac::Declaration::Input> inputs,
                        std::shared_ptr<ac::ExecNodeOptions> options, std::string label) {
  ac::Declaration declaration(std::move(factory), std::move(inputs), std::move(options));
  declaration.label = std::move(label);
  return declaration;
}

// Quiver's filter node (filter_node.h) over `input`, keeping the rows where the bound
// `condition` holds.
arrow::Result<ac::Declaration> Filtered(ac::Declaration input, cp::Expression condition, std::string label) {
  ARROW_RETURN_NOT_OK(RegisterFilterNode());
  return Labeled(FilterNodeOptions::kFactoryName, {std::move(input)},
                 std::make_shared<FilterNodeOptions>(std::move(condition)), std::move(label));
}

// Batches a scan decodes ahead of its consumer. Arrow's default (16) keeps up to 16
// row groups' worth of decoded columns in memory per scan, which multiplies peak
// memory without speeding up a plan whose threads are all busy anyway.
constexpr int32_t kScanBatchReadahead = 4;

// Parquet column chunks are read from the files into buffers of the query's pool too,
// rather than Arrow's default pool, so they count against the budget.
arrow::Status ReadFilesInto(arrow::MemoryPool* pool, const ds::Dataset& dataset, ds::ScanOptions* options) {
  const auto* files = dynamic_cast<const ds::FileSystemDataset*>(&dataset);
  if (files == nullptr || files->format()->type_name() != "parquet") return arrow::Status::OK();
  const auto& defaults =
      static_cast<const ds::ParquetFragmentScanOptions&>(*files->format()->default_fragment_scan_options);
  options->fragment_scan_options = storage::ParquetOptionsReadingInto(defaults, pool);
  return arrow::Status::OK();
}

// The schema a scan reads its files in. A cached table's cache keeps the columns the
// scan outputs in the table's types, so repeated scans skip converting them too
// (dictionaries and string views to utf8). Those a filter reads, or that go on
// dictionary-encoded, stay as the files hold them: codes filter and group faster.
std::shared_ptr<arrow::Schema> ReadSchema(const plan::LogicalScan& scan,
                                          const std::shared_ptr<arrow::Schema>& file_schema,
                                          const DictionaryGroupKeys* dictionary_keys) {
  if (!scan.cached || !storage::CachesEveryFragment(*scan.source->dataset())) return file_schema;
  std::set<std::string> filtered;
  if (scan.filter) {
    for (const auto& column : plan::ReferencedColumns(*scan.filter)) filtered.insert(column);
  }
  const auto& table_schema = *scan.source->schema();
  arrow::FieldVector fields = file_schema->fields();
  for (auto& field : fields) {
    const auto table_field = table_schema.GetFieldByName(field->name());
    const bool output = std::find(scan.columns.begin(), scan.columns.end(), field->name()) != scan.columns.end();
    const bool kept_encoded = dictionary_keys && dictionary_keys->scan_columns.count({&scan, field->name()});
    if (table_field && output && !kept_encoded && !filtered.count(field->name())) {
      field = field->WithType(table_field->type());
    }
  }
  return arrow::schema(std::move(fields), file_schema->metadata());
}

arrow::Result<ac::Declaration> LowerScan(const plan::LogicalScan& scan, arrow::MemoryPool* pool,
                                         arrow::internal::Executor* executor,
                                         const DictionaryGroupKeys* dictionary_keys) {
  const auto& files = scan.source->dataset();
  // A cached table's row groups come from memory once decoded (CACHE TABLE).
  auto dataset = files;
  if (scan.cached) {
    ARROW_ASSIGN_OR_RAISE(dataset, storage::CachedDataset(files));
  }
  const auto file_schema = ReadSchema(scan, scan.source->file_schema(), dictionary_keys);
  const auto& table_schema = *scan.source->schema();
  auto options = std::make_shared<ds::ScanOptions>();
  // Decoded columns count against the memory budget like every other allocation.
  options->pool = pool ? pool : QueryMemoryPool();
  options->dataset_schema = file_schema;
  options->batch_readahead = kScanBatchReadahead;
  options->cpu_executor = executor;
  ARROW_RETURN_NOT_OK(ReadFilesInto(options->pool, *files, options.get()));
  // Only the listed columns, and those the filter reads, are decoded.
  std::vector<std::string> read = scan.columns;
  const std::string& file_name_column = scan.source->file_name_column();
  if (scan.filter) {
    for (const auto& column : plan::ReferencedColumns(*scan.filter)) {
      if (std::find(read.begin(), read.end(), column) == read.end()) read.push_back(column);
    }
  }
  std::vector<cp::Expression> columns;
  std::vector<std::string> from_files;
  for (const auto& column : read) {
    if (column == file_name_column) continue;
    columns.push_back(cp::field_ref(column));
    from_files.push_back(column);
  }
  ARROW_ASSIGN_OR_RAISE(options->projection, cp::project(columns, from_files).Bind(*file_schema));
  std::string pushed = "";
  // The filter over the files' own types, where it binds there.
  std::optional<cp::Expression> file_filter;
  if (scan.filter) {
    // The filter lets files, partitions and row groups be skipped by their statistics.
    if (auto on_files = FilterOnFileTypes(*scan.filter, *file_schema, table_schema); on_files.ok()) {
      file_filter = *on_files;
      ARROW_ASSIGN_OR_RAISE(options->filter, file_filter->Bind(*file_schema));
      pushed = " pushed_filter=" + file_filter->ToString();
    }
  }
  // Implicit ordering (file and row-group order) lets a LIMIT above use Acero's fetch,
  // which stops the scan once it has its rows.
  ac::Declaration node = Labeled("scan", {},
                                 std::make_shared<ds::ScanNodeOptions>(dataset, options,
                                                                       /*require_sequenced_output=*/false,
                                                                       /*implicit_ordering=*/true),
                                 "Scan " + scan.source->Describe() + (scan.cached ? " cached" : "") + " columns=[" +
                                     JoinNames(scan.columns) + "]" + pushed);

  // Convert columns whose file type differs from the table's, keeping file names.
  std::vector<cp::Expression> converted;
  arrow::FieldVector converted_fields;
  for (const auto& column : read) {
    if (column == file_name_column) {
      // The scan node adds each batch's file path as "__filename".
      converted.push_back(cp::field_ref("__filename"));
      converted_fields.push_back(arrow::field(column, arrow::utf8()));
      continue;
    }
    auto file_type = file_schema->GetFieldByName(column)->type();
    auto table_type = table_schema.GetFieldByName(column)->type();
    cp::Expression ref = cp::field_ref(column);
    const bool kept_encoded = dictionary_keys && dictionary_keys->scan_columns.count({&scan, column});
    if (!file_type->Equals(*table_type) && !kept_encoded) {
      ref = cp::call("cast", {ref}, std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(table_type)));
    }
    converted.push_back(std::move(ref));
    converted_fields.push_back(arrow::field(column, table_type));
  }
  std::vector<cp::Expression> renames;
  std::vector<std::string> names;
  for (int i = 0; i < scan.schema->num_fields(); ++i) names.push_back(scan.schema->field(i)->name());
  if (file_filter) {
    // Filter first, on the files' types: the rows a filter drops are never converted,
    // and dictionary-encoded strings are filtered as their small integer codes.
    // The most selective part first, on every row; the rest on the rows it keeps. Only
    // the scan's own columns go on: those only the filter reads are never copied.
    auto conjuncts = plan::SplitConjunction(*file_filter);
    std::vector<std::vector<cp::Expression>> parts = {conjuncts};
    if (scan.leading_conjuncts > 0 && scan.leading_conjuncts < conjuncts.size()) {
      parts = {{conjuncts.begin(), conjuncts.begin() + scan.leading_conjuncts},
               {conjuncts.begin() + scan.leading_conjuncts, conjuncts.end()}};
    }
    std::vector<cp::Expression> stages;
    std::string label = "Filter ";
    for (const auto& part : parts) {
      auto stage = plan::AsFilterCondition(plan::JoinConjunction(part));
      ARROW_ASSIGN_OR_RAISE(auto bound, stage.Bind(*file_schema));
      stages.push_back(std::move(bound));
      label += (stages.size() > 1 ? ", then " : "") + stage.ToString();
    }
    ARROW_RETURN_NOT_OK(RegisterFilterNode());
    std::vector<std::string> kept = scan.columns;
    std::replace(kept.begin(), kept.end(), file_name_column, std::string("__filename"));
    node = Labeled(FilterNodeOptions::kFactoryName, {std::move(node)},
                   std::make_shared<FilterNodeOptions>(std::move(stages), kept), label);
    std::vector<cp::Expression> outputs;
    for (const auto& column : scan.columns) {
      outputs.push_back(converted[std::find(read.begin(), read.end(), column) - read.begin()]);
    }
    return Labeled("project", {std::move(node)}, std::make_shared<ac::ProjectNodeOptions>(outputs, names),
                   "Project (table types, name columns)");
  }
  if (!scan.filter) {
    return Labeled("project", {std::move(node)}, std::make_shared<ac::ProjectNodeOptions>(converted, names),
                   "Project (name columns)");
  }
  node = Labeled("project", {std::move(node)}, std::make_shared<ac::ProjectNodeOptions>(converted, read),
                 "Project (table types)");
  // Statistics only rule row groups out; the filter is applied exactly to the rows read.
  ARROW_ASSIGN_OR_RAISE(auto exact, plan::AsFilterCondition(*scan.filter).Bind(*arrow::schema(converted_fields)));
  ARROW_ASSIGN_OR_RAISE(node, Filtered(std::move(node), exact, "Filter " + scan.filter->ToString()));
  for (const auto& column : scan.columns) renames.push_back(cp::field_ref(column));
  return Labeled("project", {std::move(node)}, std::make_shared<ac::ProjectNodeOptions>(renames, names),
                 "Project (name columns)");
}

// The planner's estimate of an aggregate's groups (its output rows).
int64_t EstimatedGroups(const plan::LogicalAggregate& aggregate) {
  // A handle that does not own the aggregate, which outlives the call.
  plan::LogicalPlanPtr handle(plan::LogicalPlanPtr(), const_cast<plan::LogicalAggregate*>(&aggregate));
  return static_cast<int64_t>(plan::EstimateRows(handle));
}

// An aggregate's calls as Acero takes them (grouped kernels are hash_ ones).
std::vector<cp::Aggregate> AceroAggregates(const plan::LogicalAggregate& aggregate) {
  const bool grouped = !aggregate.keys.empty();
  std::vector<cp::Aggregate> aggregates;
  for (const auto& call : aggregate.aggregates) {
    std::vector<arrow::FieldRef> targets;
    if (!call.input.empty()) targets.emplace_back(call.input);
    aggregates.emplace_back(grouped ? "hash_" + call.function : call.function, call.options, std::move(targets),
                            call.output);
  }
  return aggregates;
}

arrow::Result<ac::Declaration> LowerAggregate(const plan::LogicalAggregate& aggregate, ac::Declaration input,
                                              const DictionaryGroupKeys* dictionary_keys) {
  const bool grouped = !aggregate.keys.empty();
  std::vector<cp::Aggregate> aggregates = AceroAggregates(aggregate);
  std::vector<std::string> described;
  for (const auto& call : aggregates) {
    const auto* input_name = call.target.empty() ? nullptr : call.target[0].name();
    described.push_back(call.function + "(" + (input_name ? *input_name : "*") + ")");
  }
  const auto& input_schema = *aggregate.inputs[0]->schema;
  const std::string label =
      "HashAggregate keys=[" + JoinNames(aggregate.keys) + "] aggregates=[" + JoinNames(described) + "]";
  // Keys a scan left dictionary-encoded (dictionary_group_keys.h) arrive as such.
  const bool dictionary_encoded = dictionary_keys && dictionary_keys->aggregates.count(&aggregate);
  ac::Declaration node;
  if (grouped &&
      (dictionary_encoded || IntegerKeyAggregateNodeOptions::Supports(input_schema, aggregate.keys, aggregates))) {
    ARROW_RETURN_NOT_OK(RegisterIntegerKeyAggregateNode());
    node = Labeled(IntegerKeyAggregateNodeOptions::kFactoryName, {std::move(input)},
                   std::make_shared<IntegerKeyAggregateNodeOptions>(aggregate.keys, std::move(aggregates),
                                                                    EstimatedGroups(aggregate)),
                   label + (dictionary_encoded ? " (dictionary keys)" : " (integer key)"));
  } else {
    for (auto& call : aggregates) {
      const bool decimal_input =
          !call.target.empty() &&
          input_schema.GetFieldByName(*call.target[0].name())->type()->id() == arrow::Type::DECIMAL128;
      if (grouped && call.function == "hash_sum" && decimal_input) {
        ARROW_RETURN_NOT_OK(RegisterDecimalSumAggregate());
        call.function = kGroupedDecimalSumFunction;
      }
    }
    std::vector<arrow::FieldRef> keys;
    for (const auto& key : aggregate.keys) keys.emplace_back(key);
    if (!grouped) {
      // Arrow's ungrouped min / max take a NULL scalar column for a value (scalar_expanding_node.h).
      ARROW_RETURN_NOT_OK(RegisterScalarExpandingNode());
      input = Labeled(ScalarExpandingNodeOptions::kFactoryName, {std::move(input)},
                      std::make_shared<ScalarExpandingNodeOptions>(), "Expand constant columns");
    }
    node = Labeled("aggregate", {std::move(input)},
                   std::make_shared<ac::AggregateNodeOptions>(std::move(aggregates), std::move(keys)), label);
  }
  // Put columns in the logical order (keys, then aggregates) whatever Acero emits.
  std::vector<cp::Expression> columns;
  std::vector<std::string> names;
  for (const auto& field : aggregate.schema->fields()) {
    columns.push_back(cp::field_ref(field->name()));
    names.push_back(field->name());
  }
  return Labeled("project", {std::move(node)}, std::make_shared<ac::ProjectNodeOptions>(columns, names),
                 "Project (order columns)");
}

// How much larger the right side of an outer, semi or anti join must be estimated to
// be before the left side is hashed instead (estimates are rough: swap only when clear).
constexpr double kSwapBuildSideRatio = 2.0;

// Acero hashes its right input. Inner joins were ordered by the optimizer; an outer,
// semi or anti join whose right side is much larger swaps its inputs (a left join
// becomes a right join, a semi join a right semi join) so the smaller side is hashed.
bool HashJoinBuildsLeft(const plan::LogicalJoin& join) {
  return join.join_type != plan::LogicalJoinType::kInner && join.join_type != plan::LogicalJoinType::kCross &&
         plan::EstimateRows(join.inputs[1]) > kSwapBuildSideRatio * plan::EstimateRows(join.inputs[0]);
}

bool NestedLoopBuildsLeft(const plan::LogicalJoin& join) {
  return plan::OutputsRightColumns(join.join_type) &&
         plan::EstimateRows(join.inputs[0]) < plan::EstimateRows(join.inputs[1]);
}

// A join without equality keys: Quiver's nested-loop join, holding the side estimated
// smaller in memory (always the right side of semi and anti joins).
arrow::Result<ac::Declaration> LowerNestedLoopJoin(const plan::LogicalJoin& join, ac::Declaration left,
                                                   ac::Declaration right) {
  ARROW_RETURN_NOT_OK(RegisterNestedLoopJoinNode());
  NestedLoopJoinType type = NestedLoopJoinType::kInner;
  switch (join.join_type) {
    case plan::LogicalJoinType::kInner:
    case plan::LogicalJoinType::kCross:
      type = NestedLoopJoinType::kInner;
      break;
    case plan::LogicalJoinType::kLeft:
      type = NestedLoopJoinType::kLeft;
      break;
    case plan::LogicalJoinType::kRight:
      type = NestedLoopJoinType::kRight;
      break;
    case plan::LogicalJoinType::kFull:
      type = NestedLoopJoinType::kFull;
      break;
    case plan::LogicalJoinType::kSemi:
      type = NestedLoopJoinType::kSemi;
      break;
    case plan::LogicalJoinType::kAnti:
      type = NestedLoopJoinType::kAnti;
      break;
  }
  auto build = NestedLoopBuildsLeft(join) ? NestedLoopBuildSide::kLeft : NestedLoopBuildSide::kRight;
  // The residual was bound against the left columns followed by the right ones, which
  // is the node's layout too.
  cp::Expression condition = join.residual ? *join.residual : cp::literal(true);
  std::string label = "NestedLoopJoin " + join.Describe();
  if (!join.residual) label += " (cross product)";
  label += build == NestedLoopBuildSide::kLeft ? " build=left" : " build=right";
  return Labeled(NestedLoopJoinNodeOptions::kFactoryName, {std::move(left), std::move(right)},
                 std::make_shared<NestedLoopJoinNodeOptions>(type, std::move(condition), build), label);
}

// The join type that gives the same rows with the inputs exchanged.
ac::JoinType Mirrored(ac::JoinType type) {
  switch (type) {
    case ac::JoinType::LEFT_OUTER:
      return ac::JoinType::RIGHT_OUTER;
    case ac::JoinType::RIGHT_OUTER:
      return ac::JoinType::LEFT_OUTER;
    case ac::JoinType::LEFT_SEMI:
      return ac::JoinType::RIGHT_SEMI;
    case ac::JoinType::LEFT_ANTI:
      return ac::JoinType::RIGHT_ANTI;
    case ac::JoinType::RIGHT_SEMI:
      return ac::JoinType::LEFT_SEMI;
    case ac::JoinType::RIGHT_ANTI:
      return ac::JoinType::LEFT_ANTI;
    default:
      return type;  // inner and full outer are symmetric
  }
}

// The build side's decimal columns a hash join carries as unscaled int64s
// (decimal_unscaled.h): those of at most 18 digits that the join passes on, but
// neither matches on nor reads in its residual.
std::set<std::string> NarrowedBuildColumns(const plan::LogicalJoin& join, bool build_is_left) {
  std::set<std::string> narrowed;
  const bool build_output = build_is_left || plan::OutputsRightColumns(join.join_type);
  if (!build_output) return narrowed;
  const auto& keys = build_is_left ? join.left_keys : join.right_keys;
  std::vector<std::string> residual;
  if (join.residual) residual = plan::ReferencedColumns(*join.residual);
  for (const auto& field : join.inputs[build_is_left ? 0 : 1]->schema->fields()) {
    const auto& type = *field->type();
    if (type.id() != arrow::Type::DECIMAL128 ||
        static_cast<const arrow::Decimal128Type&>(type).precision() > kMaxUnscaledDigits) {
      continue;
    }
    const auto& name = field->name();
    if (std::find(keys.begin(), keys.end(), name) != keys.end()) continue;
    if (std::find(residual.begin(), residual.end(), name) != residual.end()) continue;
    narrowed.insert(name);
  }
  return narrowed;
}

// `input` (of `schema`) with the `narrowed` decimal columns as their unscaled values.
ac::Declaration Narrowed(ac::Declaration input, const arrow::Schema& schema, const std::set<std::string>& narrowed) {
  std::vector<cp::Expression> columns;
  std::vector<std::string> names;
  for (const auto& field : schema.fields()) {
    cp::Expression column = cp::field_ref(field->name());
    if (narrowed.count(field->name())) column = cp::call(kDecimalUnscaledFunction, {column});
    columns.push_back(std::move(column));
    names.push_back(field->name());
  }
  return Labeled("project", {std::move(input)}, std::make_shared<ac::ProjectNodeOptions>(columns, names),
                 "Project (decimals narrowed for the hash join)");
}

arrow::Result<ac::Declaration> LowerJoin(const plan::LogicalJoin& join, ac::Declaration left, ac::Declaration right) {
  if (join.left_keys.empty()) return LowerNestedLoopJoin(join, std::move(left), std::move(right));
  std::vector<arrow::FieldRef> left_keys, right_keys;
  for (const auto& key : join.left_keys) left_keys.emplace_back(key);
  for (const auto& key : join.right_keys) right_keys.emplace_back(key);
  ac::JoinType type = ac::JoinType::INNER;
  switch (join.join_type) {
    case plan::LogicalJoinType::kInner:
    case plan::LogicalJoinType::kCross:
      type = ac::JoinType::INNER;
      break;
    case plan::LogicalJoinType::kLeft:
      type = ac::JoinType::LEFT_OUTER;
      break;
    case plan::LogicalJoinType::kRight:
      type = ac::JoinType::RIGHT_OUTER;
      break;
    case plan::LogicalJoinType::kFull:
      type = ac::JoinType::FULL_OUTER;
      break;
    case plan::LogicalJoinType::kSemi:
      type = ac::JoinType::LEFT_SEMI;
      break;
    case plan::LogicalJoinType::kAnti:
      type = ac::JoinType::LEFT_ANTI;
      break;
  }
  std::vector<arrow::FieldRef> left_output, right_output;
  for (const auto& field : join.inputs[0]->schema->fields()) left_output.emplace_back(field->name());
  if (plan::OutputsRightColumns(join.join_type)) {
    for (const auto& field : join.inputs[1]->schema->fields()) right_output.emplace_back(field->name());
  }
  cp::Expression residual = join.residual ? Unbound(*join.residual) : cp::literal(true);
  if (residual.field_ref()) {
    // Acero's residual filter crashes on a bare boolean column; compare it to true,
    // which keeps NULL as "no match".
    residual = cp::call("equal", {residual, cp::literal(true)});
  }
  const bool swap = HashJoinBuildsLeft(join);
  const auto narrowed = NarrowedBuildColumns(join, /*build_is_left=*/swap);
  if (!narrowed.empty()) {
    ARROW_RETURN_NOT_OK(RegisterDecimalUnscaled());
    ac::Declaration& build = swap ? left : right;
    build = Narrowed(std::move(build), *join.inputs[swap ? 0 : 1]->schema, narrowed);
  }
  // Swapped, the original right input probes and the original left is hashed; its
  // columns (left_output) come second, so they are put back in order below.
  auto options = swap ? std::make_shared<ac::HashJoinNodeOptions>(Mirrored(type), right_keys, left_keys, right_output,
                                                                  left_output, residual)
                      : std::make_shared<ac::HashJoinNodeOptions>(type, left_keys, right_keys, left_output,
                                                                  right_output, residual);
  if (join.null_equal_keys) {
    for (auto& comparison : options->key_cmp) comparison = ac::JoinKeyCmp::IS;
  }
  const bool reordered = swap && !right_output.empty();
  ac::Declaration node =
      swap ? Labeled("hashjoin", {std::move(right), std::move(left)}, options,
                     "HashJoin (inputs swapped: the left side is hashed) " + join.Describe())
           : Labeled("hashjoin", {std::move(left), std::move(right)}, options, "HashJoin " + join.Describe());
  if (!reordered && narrowed.empty()) return node;
  // Left columns then right columns, decimals carried narrowed widened back.
  std::vector<cp::Expression> columns;
  std::vector<std::string> names;
  for (const auto& field : join.schema->fields()) {
    cp::Expression column = cp::field_ref(field->name());
    if (narrowed.count(field->name())) {
      column = cp::call(kDecimalFromUnscaledFunction, {column},
                        std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(field->type())));
    }
    columns.push_back(std::move(column));
    names.push_back(field->name());
  }
  return Labeled("project", {std::move(node)}, std::make_shared<ac::ProjectNodeOptions>(columns, names),
                 narrowed.empty() ? "Project (join columns in order)" : "Project (join columns, decimals widened)");
}

WindowFrameBound ToExecBound(const plan::WindowBound& bound) {
  switch (bound.kind) {
    case plan::WindowBound::kUnboundedPreceding:
      return WindowFrameBound::UnboundedPreceding();
    case plan::WindowBound::kPreceding:
      return WindowFrameBound::Preceding(bound.offset);
    case plan::WindowBound::kCurrentRow:
      return WindowFrameBound::CurrentRow();
    case plan::WindowBound::kFollowing:
      return WindowFrameBound::Following(bound.offset);
    default:
      return WindowFrameBound::UnboundedFollowing();
  }
}

arrow::Result<ac::Declaration> LowerWindow(const plan::LogicalWindow& window, ac::Declaration input) {
  ARROW_RETURN_NOT_OK(RegisterWindowNode());
  std::vector<WindowCall> calls;
  for (const auto& call : window.calls) {
    WindowCall out;
    out.function = call.function;
    out.arguments = call.arguments;
    out.constants = call.constants;
    out.frame.units = call.frame.units == plan::WindowFrameSpec::kRows     ? WindowFrame::kRows
                      : call.frame.units == plan::WindowFrameSpec::kGroups ? WindowFrame::kGroups
                                                                           : WindowFrame::kRange;
    out.frame.start = ToExecBound(call.frame.start);
    out.frame.end = ToExecBound(call.frame.end);
    out.output = call.output;
    calls.push_back(std::move(out));
  }
  return Labeled(WindowNodeOptions::kFactoryName, {std::move(input)},
                 std::make_shared<WindowNodeOptions>(window.partition_by, window.order_by, std::move(calls)),
                 window.Describe());
}

// The rows in the slot when the plan is lowered (none if not computed yet, as in
// EXPLAIN), with the operator's column names.
arrow::Result<ac::Declaration> LowerMaterialized(const plan::LogicalMaterialized& node) {
  std::shared_ptr<arrow::Table> table = node.slot->table;
  if (!table) {
    ARROW_ASSIGN_OR_RAISE(table, arrow::Table::MakeEmpty(node.slot->schema));
  }
  arrow::ChunkedArrayVector columns;
  for (int index : node.columns) columns.push_back(table->column(index));
  auto renamed = arrow::Table::Make(node.schema, std::move(columns), table->num_rows());
  return Labeled("table_source", {}, std::make_shared<ac::TableSourceNodeOptions>(renamed), node.Describe());
}

// Whether the operator's output batches come in a defined order Acero knows about
// (sorted, or the order of the files read), which its fetch node requires.
bool HasOrder(const plan::LogicalOperator& node) {
  switch (node.kind) {
    case LogicalKind::kSort:
    case LogicalKind::kScan:
    case LogicalKind::kValues:
    case LogicalKind::kMaterialized:
    case LogicalKind::kWindow:
      return true;
    case LogicalKind::kFilter:
    case LogicalKind::kProject:
    case LogicalKind::kLimit:
      return HasOrder(*node.inputs[0]);
    default:
      return false;
  }
}

// LIMIT directly above ORDER BY with few rows to keep: the top-N node, which holds
// only those rows instead of sorting the whole input.
std::optional<TopNNodeOptions> TopNOf(const plan::LogicalOperator& node) {
  if (node.kind != LogicalKind::kLimit || node.inputs[0]->kind != LogicalKind::kSort) return std::nullopt;
  const auto& limit = static_cast<const plan::LogicalLimit&>(node);
  if (!limit.count || limit.offset < 0 || *limit.count < 0 || limit.offset > kTopNMaxRows ||
      *limit.count > kTopNMaxRows - limit.offset) {
    return std::nullopt;
  }
  const auto& sort = static_cast<const plan::LogicalSort&>(*node.inputs[0]);
  return TopNNodeOptions(sort.keys, limit.offset, *limit.count);
}

// The input whose rows the operator keeps until its input ends (see OperatorMetrics).
int HeldInput(const plan::LogicalOperator& node) {
  switch (node.kind) {
    case LogicalKind::kSort:
    case LogicalKind::kWindow:
      return 0;
    case LogicalKind::kJoin: {
      const auto& join = static_cast<const plan::LogicalJoin&>(node);
      const bool builds_left = join.left_keys.empty() ? NestedLoopBuildsLeft(join) : HashJoinBuildsLeft(join);
      return builds_left ? 0 : 1;
    }
    default:
      return -1;
  }
}

arrow::Result<ac::Declaration> LowerOperator(const plan::LogicalOperator& node, const LoweringOptions& options,
                                             const std::shared_ptr<OperatorMetrics>& own_metrics);

// The operator's Acero nodes, under a metrics node when the plan is measured.
// `consumer` is the metrics of the operator reading this one's output (null at the root).
arrow::Result<ac::Declaration> LowerMeasured(const plan::LogicalOperator& node, const LoweringOptions& options,
                                             const std::shared_ptr<OperatorMetrics>& consumer) {
  if (!options.metrics) return LowerOperator(node, options, nullptr);
  ARROW_RETURN_NOT_OK(RegisterMetricsNode());
  auto metrics = std::make_shared<OperatorMetrics>();
  metrics->held_input = HeldInput(node);
  options.metrics->operators[&node] = metrics;
  ARROW_ASSIGN_OR_RAISE(auto lowered, LowerOperator(node, options, metrics));
  std::vector<ac::Declaration::Input> inputs = {std::move(lowered)};
  std::shared_ptr<ac::ExecNodeOptions> metrics_options =
      std::make_shared<MetricsNodeOptions>(std::move(metrics), consumer, options.metrics->unattributed);
  return ac::Declaration(MetricsNodeOptions::kFactoryName, std::move(inputs), std::move(metrics_options));
}

arrow::Result<ac::Declaration> LowerOperator(const plan::LogicalOperator& node, const LoweringOptions& options,
                                             const std::shared_ptr<OperatorMetrics>& own_metrics) {
  if (auto top_n = TopNOf(node)) {
    ARROW_RETURN_NOT_OK(RegisterTopNNode());
    const auto& sort = *node.inputs[0];
    ARROW_ASSIGN_OR_RAISE(auto input, LowerMeasured(*sort.inputs[0], options, own_metrics));
    // "Limit: count=…" and "Sort: keys" read as "TopN count=… order: keys".
    std::string label = "TopN" + static_cast<const plan::LogicalLimit&>(node).Describe().substr(6) +
                        " order: " + sort.Describe().substr(6);
    return Labeled(TopNNodeOptions::kFactoryName, {std::move(input)}, std::make_shared<TopNNodeOptions>(*top_n), label);
  }
  std::vector<ac::Declaration> inputs;
  for (const auto& input : node.inputs) {
    ARROW_ASSIGN_OR_RAISE(auto lowered, LowerMeasured(*input, options, own_metrics));
    inputs.push_back(std::move(lowered));
  }
  switch (node.kind) {
    case LogicalKind::kScan:
      return LowerScan(static_cast<const plan::LogicalScan&>(node), options.pool, options.scan_executor,
                       options.dictionary_keys);
    case LogicalKind::kValues: {
      const auto& values = static_cast<const plan::LogicalValues&>(node);
      return Labeled("table_source", {}, std::make_shared<ac::TableSourceNodeOptions>(values.table), values.Describe());
    }
    case LogicalKind::kMaterialized:
      return LowerMaterialized(static_cast<const plan::LogicalMaterialized&>(node));
    case LogicalKind::kExchange: {
      const auto& exchange = static_cast<const plan::LogicalExchange&>(node);
      if (!options.exchange_source) {
        return arrow::Status::Invalid("a plan with exchanges runs only as a stage of a distributed query");
      }
      ARROW_ASSIGN_OR_RAISE(auto source, options.exchange_source(exchange));
      source.label = exchange.Describe();
      return source;
    }
    case LogicalKind::kExtension: {
      const auto& extension = static_cast<const plan::LogicalExtension&>(node);
      plan::ExtensionContext context;
      if (options.settings) context.settings = *options.settings;
      ARROW_ASSIGN_OR_RAISE(auto lowered, extension.Lower(std::move(inputs), context));
      if (lowered.label.empty()) lowered.label = extension.Describe();
      return lowered;
    }
    case LogicalKind::kFilter: {
      const auto& filter = static_cast<const plan::LogicalFilter&>(node);
      ARROW_ASSIGN_OR_RAISE(auto condition, plan::AsFilterCondition(filter.predicate).Bind(*filter.inputs[0]->schema));
      return Filtered(std::move(inputs[0]), std::move(condition), filter.Describe());
    }
    case LogicalKind::kProject: {
      const auto& project = static_cast<const plan::LogicalProject&>(node);
      std::vector<std::string> names;
      for (const auto& field : project.schema->fields()) names.push_back(field->name());
      // A column passed on keeps the type it arrives with: a group key a scan left
      // dictionary-encoded (dictionary_group_keys.h) is not the plan's utf8.
      std::vector<cp::Expression> expressions;
      for (const auto& expression : project.expressions) {
        const auto* ref = expression.field_ref();
        expressions.push_back(ref && ref->name() ? cp::field_ref(*ref->name()) : expression);
      }
      return Labeled("project", {std::move(inputs[0])}, std::make_shared<ac::ProjectNodeOptions>(expressions, names),
                     project.Describe());
    }
    case LogicalKind::kAggregate:
      return LowerAggregate(static_cast<const plan::LogicalAggregate&>(node), std::move(inputs[0]),
                            options.dictionary_keys);
    case LogicalKind::kJoin:
      return LowerJoin(static_cast<const plan::LogicalJoin&>(node), std::move(inputs[0]), std::move(inputs[1]));
    case LogicalKind::kSort: {
      const auto& sort = static_cast<const plan::LogicalSort&>(node);
      return Labeled("order_by", {std::move(inputs[0])},
                     std::make_shared<ac::OrderByNodeOptions>(cp::Ordering(sort.keys)), sort.Describe());
    }
    case LogicalKind::kLimit: {
      const auto& limit = static_cast<const plan::LogicalLimit&>(node);
      int64_t count = limit.count.value_or(std::numeric_limits<int64_t>::max());
      if (HasOrder(*node.inputs[0])) {
        return Labeled("fetch", {std::move(inputs[0])}, std::make_shared<ac::FetchNodeOptions>(limit.offset, count),
                       limit.Describe());
      }
      ARROW_RETURN_NOT_OK(RegisterUnorderedLimitNode());
      return Labeled(UnorderedLimitNodeOptions::kFactoryName, {std::move(inputs[0])},
                     std::make_shared<UnorderedLimitNodeOptions>(limit.offset, count),
                     limit.Describe() + " (unordered)");
    }
    case LogicalKind::kWindow:
      return LowerWindow(static_cast<const plan::LogicalWindow&>(node), std::move(inputs[0]));
    case LogicalKind::kSetFunction: {
      const auto& function = static_cast<const plan::LogicalSetFunction&>(node);
      ARROW_RETURN_NOT_OK(RegisterSetFunctionNode());
      auto set_options = std::make_shared<SetFunctionNodeOptions>();
      set_options->function = function.function;
      set_options->arguments = function.arguments;
      for (const auto& output : function.outputs)
        set_options->outputs.push_back(function.schema->GetFieldByName(output));
      set_options->ordinality = function.ordinality;
      set_options->keep_empty = function.keep_empty;
      return Labeled(SetFunctionNodeOptions::kFactoryName, {std::move(inputs[0])}, std::move(set_options),
                     function.Describe());
    }
    case LogicalKind::kUnion: {
      // Acero unions inputs with identical schemas: name every input's columns as the
      // first input's (they match by position).
      std::vector<ac::Declaration::Input> union_inputs;
      std::vector<std::string> names;
      for (const auto& field : node.schema->fields()) names.push_back(field->name());
      for (size_t i = 0; i < inputs.size(); ++i) {
        std::vector<cp::Expression> columns;
        for (const auto& field : node.inputs[i]->schema->fields()) columns.push_back(cp::field_ref(field->name()));
        union_inputs.emplace_back(Labeled("project", {std::move(inputs[i])},
                                          std::make_shared<ac::ProjectNodeOptions>(columns, names),
                                          "Project (align union columns)"));
      }
      return Labeled("union", std::move(union_inputs), std::make_shared<ac::ExecNodeOptions>(), "Union All");
    }
  }
  return arrow::Status::Invalid("unknown logical operator");
}

void FormatDeclaration(const ac::Declaration& declaration, int depth, std::ostringstream& out) {
  if (declaration.factory_name == MetricsNodeOptions::kFactoryName) {
    // Measuring is not part of the plan being explained.
    const auto* child = std::get_if<ac::Declaration>(&declaration.inputs[0]);
    if (child) FormatDeclaration(*child, depth, out);
    return;
  }
  out << std::string(depth * 2, ' ') << declaration.factory_name;
  if (!declaration.label.empty()) out << ": " << declaration.label;
  out << "\n";
  for (const auto& input : declaration.inputs) {
    if (const auto* child = std::get_if<ac::Declaration>(&input)) FormatDeclaration(*child, depth + 1, out);
  }
}

}  // namespace

arrow::Result<ac::Declaration> LowerToAcero(const plan::LogicalOperator& root, const LoweringOptions& options) {
  const auto dictionary_keys = DictionaryGroupKeys::Find(root, AceroAggregates);
  LoweringOptions with_keys = options;
  with_keys.dictionary_keys = &dictionary_keys;
  return LowerMeasured(root, with_keys, nullptr);
}

std::string FormatPhysicalPlan(const ac::Declaration& declaration) {
  std::ostringstream out;
  FormatDeclaration(declaration, 0, out);
  return out.str();
}

}  // namespace quiver::exec
