#include "quiver/dist/plan_codec.h"

#include <arrow/buffer.h>
#include <arrow/compute/api.h>
#include <arrow/dataset/dataset.h>
#include <arrow/dataset/file_base.h>
#include <arrow/dataset/file_parquet.h>
#include <arrow/filesystem/filesystem.h>
#include <parquet/metadata.h>

#include "quiver/dist/arrow_bytes.h"
#include "quiver/dist/plan_node_codec.h"
#include "quiver/storage/file_table.h"
#include "quiver/storage/parquet_footers.h"

namespace quiver::dist {

namespace cp = arrow::compute;
namespace ds = arrow::dataset;
using plan::LogicalKind;

namespace {

// --- Pieces ------------------------------------------------------------------------

arrow::Result<pb::Expression> EncodeExpression(const cp::Expression& expression) {
  ARROW_ASSIGN_OR_RAISE(auto buffer, cp::Serialize(expression));
  pb::Expression out;
  out.set_arrow(buffer->ToString());
  out.set_bound(expression.IsBound());
  return out;
}

arrow::Result<cp::Expression> DecodeExpression(const pb::Expression& encoded, const arrow::Schema& input) {
  ARROW_ASSIGN_OR_RAISE(auto expression, cp::Deserialize(arrow::Buffer::FromString(encoded.arrow())));
  if (encoded.bound()) return expression.Bind(input);
  return expression;
}

void EncodeSortKey(const cp::SortKey& key, pb::SortKey* out) {
  out->set_column(key.target.name() ? *key.target.name() : key.target.ToString());
  out->set_descending(key.order == cp::SortOrder::Descending);
  out->set_nulls_first(key.null_placement == cp::NullPlacement::AtStart);
}

cp::SortKey DecodeSortKey(const pb::SortKey& key) {
  return cp::SortKey(arrow::FieldRef(key.column()),
                     key.descending() ? cp::SortOrder::Descending : cp::SortOrder::Ascending,
                     key.nulls_first() ? cp::NullPlacement::AtStart : cp::NullPlacement::AtEnd);
}

arrow::Status EncodeBound(const plan::WindowBound& bound, pb::WindowBound* out) {
  out->set_kind(bound.kind);
  ARROW_ASSIGN_OR_RAISE(auto offset, ScalarBytes(bound.offset));
  out->set_offset(std::move(offset));
  return arrow::Status::OK();
}

arrow::Result<plan::WindowBound> DecodeBound(const pb::WindowBound& bound) {
  plan::WindowBound out;
  out.kind = static_cast<plan::WindowBound::Kind>(bound.kind());
  ARROW_ASSIGN_OR_RAISE(out.offset, ScalarFromBytes(bound.offset()));
  return out;
}

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return {values.begin(), values.end()};
}

// --- Scans -------------------------------------------------------------------------

arrow::Result<std::vector<std::shared_ptr<ds::FileFragment>>> FragmentsOf(const storage::FileTable& table) {
  auto* files = dynamic_cast<ds::FileSystemDataset*>(table.dataset().get());
  if (files == nullptr) {
    return arrow::Status::NotImplemented("table ", table.Describe(), " is not over files and cannot travel");
  }
  ARROW_ASSIGN_OR_RAISE(auto iterator, files->GetFragments());
  std::vector<std::shared_ptr<ds::FileFragment>> fragments;
  for (auto fragment : iterator) {
    ARROW_ASSIGN_OR_RAISE(auto next, std::move(fragment));
    fragments.push_back(std::static_pointer_cast<ds::FileFragment>(std::move(next)));
  }
  return fragments;
}

arrow::Status EncodeUnit(const ScanUnit& unit, pb::ScanFile* out) {
  out->set_path(unit.fragment->source().path());
  out->set_size(unit.fragment->source().Size());
  // Most files hold no partition values: their guarantee, true, is left out (an
  // encoded expression is hundreds of bytes, and a table may have thousands of units).
  const auto& guarantee = unit.fragment->partition_expression();
  if (guarantee != cp::literal(true)) {
    ARROW_ASSIGN_OR_RAISE(*out->mutable_guarantee(), EncodeExpression(guarantee));
  }
  if (!unit.row_groups.empty()) {
    out->set_some_row_groups(true);
    for (int group : unit.row_groups) out->add_row_groups(group);
  }
  return arrow::Status::OK();
}

arrow::Status EncodeScan(const plan::LogicalScan& scan, const PlanEncoding& encoding, pb::Scan* out) {
  const auto& source = *scan.source;
  const auto& spec = source.spec();
  out->set_table_name(scan.table_name);
  out->set_format(spec.format);
  out->set_location(spec.location);
  for (const auto& [key, value] : spec.options) (*out->mutable_options())[key] = value;
  if (spec.declared_schema) out->set_declared_schema(SchemaBytes(*spec.declared_schema));
  auto table_schema = source.schema();
  if (!source.file_name_column().empty()) {
    // Decoding adds the column back (FileTable::WithFileNameColumn).
    ARROW_ASSIGN_OR_RAISE(table_schema, table_schema->RemoveField(table_schema->num_fields() - 1));
    out->set_file_name_column(source.file_name_column());
  }
  out->set_table_schema(SchemaBytes(*table_schema));
  out->set_file_schema(SchemaBytes(*source.file_schema()));
  for (const auto& column : source.partition_columns()) out->add_partition_columns(column);
  const auto* files = dynamic_cast<const ds::FileSystemDataset*>(source.dataset().get());
  if (files && files->format()->type_name() == "parquet") {
    const auto& parquet = static_cast<const ds::ParquetFileFormat&>(*files->format());
    for (const auto& column : parquet.reader_options.dict_columns) out->add_dictionary_columns(column);
  }
  out->set_file_count(source.file_count());
  if (auto units = encoding.scan_units.find(&scan); units != encoding.scan_units.end()) {
    for (const auto& unit : units->second) ARROW_RETURN_NOT_OK(EncodeUnit(unit, out->add_files()));
  } else {
    ARROW_ASSIGN_OR_RAISE(auto whole_files, ScanUnitsOf(scan, /*split_row_groups=*/false));
    for (const auto& unit : whole_files) ARROW_RETURN_NOT_OK(EncodeUnit(unit, out->add_files()));
  }
  for (const auto& column : scan.columns) out->add_columns(column);
  if (scan.filter) {
    ARROW_ASSIGN_OR_RAISE(*out->mutable_filter(), EncodeExpression(*scan.filter));
  }
  out->set_leading_conjuncts(scan.leading_conjuncts);
  out->set_cached(scan.cached);
  return arrow::Status::OK();
}

// Scan units that follow each other and name row groups of the same file (with the same
// guarantee) become one unit with all their row groups, in order. Each unit is read
// through a fragment of its own, and each fragment reads and parses the file's whole
// footer: a task given 26 of lineitem's 53 row groups would parse it 26 times.
std::vector<pb::ScanFile> MergeRowGroupsOfEachFile(const std::vector<const pb::ScanFile*>& units) {
  std::vector<pb::ScanFile> merged;
  for (const pb::ScanFile* unit : units) {
    if (!merged.empty() && unit->some_row_groups() && merged.back().some_row_groups() &&
        merged.back().path() == unit->path() &&
        merged.back().guarantee().SerializeAsString() == unit->guarantee().SerializeAsString()) {
      merged.back().mutable_row_groups()->Add(unit->row_groups().begin(), unit->row_groups().end());
    } else {
      merged.push_back(*unit);
    }
  }
  return merged;
}

arrow::Result<std::shared_ptr<storage::FileTable>> DecodeTable(const pb::Scan& scan,
                                                               const std::vector<uint32_t>* selected) {
  storage::FileTableSpec spec;
  spec.format = scan.format();
  spec.location = scan.location();
  spec.options = {scan.options().begin(), scan.options().end()};
  if (!scan.declared_schema().empty()) {
    ARROW_ASSIGN_OR_RAISE(spec.declared_schema, SchemaFromBytes(scan.declared_schema()));
  }
  ARROW_ASSIGN_OR_RAISE(auto table_schema, SchemaFromBytes(scan.table_schema()));
  ARROW_ASSIGN_OR_RAISE(auto file_schema, SchemaFromBytes(scan.file_schema()));
  ARROW_ASSIGN_OR_RAISE(auto format, storage::MakeFileFormat(spec));
  if (format->type_name() == "parquet") {
    auto& options = std::static_pointer_cast<ds::ParquetFileFormat>(format)->reader_options;
    options.dict_columns.insert(scan.dictionary_columns().begin(), scan.dictionary_columns().end());
  }
  auto filesystem = storage::LocalReadFileSystem();
  const auto parquet = std::dynamic_pointer_cast<ds::ParquetFileFormat>(format);
  std::vector<std::shared_ptr<ds::FileFragment>> fragments;
  std::vector<const pb::ScanFile*> units;
  if (selected) {
    for (uint32_t index : *selected) {
      if (index >= static_cast<uint32_t>(scan.files_size())) return arrow::Status::Invalid("scan unit out of range");
      units.push_back(&scan.files(static_cast<int>(index)));
    }
  } else {
    for (const auto& file : scan.files()) units.push_back(&file);
  }
  for (const auto& unit : MergeRowGroupsOfEachFile(units)) {
    arrow::fs::FileInfo info(unit.path(), arrow::fs::FileType::File);
    info.set_size(unit.size());
    cp::Expression guarantee = cp::literal(true);
    if (unit.has_guarantee()) {
      ARROW_ASSIGN_OR_RAISE(guarantee, DecodeExpression(unit.guarantee(), *file_schema));
    }
    ds::FileSource source(info, filesystem);
    if (unit.some_row_groups() && !parquet) {
      return arrow::Status::Invalid("row groups of a ", spec.format, " file");
    }
    if (parquet) {
      std::shared_ptr<ds::ParquetFileFragment> fragment;
      if (unit.some_row_groups()) {
        std::vector<int> groups(unit.row_groups().begin(), unit.row_groups().end());
        ARROW_ASSIGN_OR_RAISE(fragment, parquet->MakeFragment(source, guarantee, nullptr, std::move(groups)));
      } else {
        ARROW_ASSIGN_OR_RAISE(auto whole, parquet->MakeFragment(source, guarantee, nullptr));
        fragment = std::static_pointer_cast<ds::ParquetFileFragment>(std::move(whole));
      }
      // The footer this process parsed for an earlier task, not parsed again.
      ARROW_RETURN_NOT_OK(storage::AttachCachedFooter(*parquet, fragment.get()));
      fragments.push_back(std::move(fragment));
    } else {
      ARROW_ASSIGN_OR_RAISE(auto fragment, format->MakeFragment(source, guarantee));
      fragments.push_back(std::move(fragment));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto dataset, ds::FileSystemDataset::Make(file_schema, cp::literal(true), format, filesystem,
                                                                  std::move(fragments)));
  auto table = storage::FileTable::Make(std::move(spec), table_schema, std::move(dataset), scan.file_count());
  if (!scan.file_name_column().empty()) table = table->WithFileNameColumn(scan.file_name_column());
  return table;
}

// --- Encoding ----------------------------------------------------------------------

arrow::Status Encode(const plan::LogicalOperator& node, const PlanEncoding& encoding, pb::PlanNode* out) {
  out->set_schema(SchemaBytes(*node.schema));
  if (encoding.first_task_only.count(&node)) out->set_first_task_only(true);
  for (const auto& input : node.inputs) ARROW_RETURN_NOT_OK(Encode(*input, encoding, out->add_inputs()));
  switch (node.kind) {
    case LogicalKind::kScan:
      return EncodeScan(static_cast<const plan::LogicalScan&>(node), encoding, out->mutable_scan());
    case LogicalKind::kValues: {
      ARROW_ASSIGN_OR_RAISE(auto bytes, TableBytes(*static_cast<const plan::LogicalValues&>(node).table));
      out->mutable_values()->set_table(std::move(bytes));
      return arrow::Status::OK();
    }
    case LogicalKind::kMaterialized: {
      // The rows were computed before the plan was cut into stages; they travel as
      // constant rows.
      const auto& materialized = static_cast<const plan::LogicalMaterialized&>(node);
      if (!materialized.slot->table) {
        return arrow::Status::Invalid("WITH query ", materialized.slot->name, " was not computed before distribution");
      }
      arrow::ChunkedArrayVector columns;
      for (int index : materialized.columns) columns.push_back(materialized.slot->table->column(index));
      auto table = arrow::Table::Make(node.schema, std::move(columns), materialized.slot->table->num_rows());
      ARROW_ASSIGN_OR_RAISE(auto bytes, TableBytes(*table));
      out->mutable_values()->set_table(std::move(bytes));
      return arrow::Status::OK();
    }
    case LogicalKind::kFilter: {
      ARROW_ASSIGN_OR_RAISE(*out->mutable_filter()->mutable_predicate(),
                            EncodeExpression(static_cast<const plan::LogicalFilter&>(node).predicate));
      return arrow::Status::OK();
    }
    case LogicalKind::kProject: {
      out->mutable_project();  // set even without expressions
      for (const auto& expression : static_cast<const plan::LogicalProject&>(node).expressions) {
        ARROW_ASSIGN_OR_RAISE(*out->mutable_project()->add_expressions(), EncodeExpression(expression));
      }
      return arrow::Status::OK();
    }
    case LogicalKind::kAggregate: {
      const auto& aggregate = static_cast<const plan::LogicalAggregate&>(node);
      auto* encoded = out->mutable_aggregate();
      for (const auto& key : aggregate.keys) encoded->add_keys(key);
      for (const auto& call : aggregate.aggregates) {
        auto* encoded_call = encoded->add_calls();
        encoded_call->set_function(call.function);
        encoded_call->set_input(call.input);
        encoded_call->set_output(call.output);
        if (call.options) {
          encoded_call->set_options_type(call.options->type_name());
          ARROW_ASSIGN_OR_RAISE(auto options, call.options->Serialize());
          encoded_call->set_options(options->ToString());
        }
      }
      return arrow::Status::OK();
    }
    case LogicalKind::kJoin: {
      const auto& join = static_cast<const plan::LogicalJoin&>(node);
      auto* encoded = out->mutable_join();
      encoded->set_join_type(static_cast<int32_t>(join.join_type));
      for (const auto& key : join.left_keys) encoded->add_left_keys(key);
      for (const auto& key : join.right_keys) encoded->add_right_keys(key);
      encoded->set_null_equal_keys(join.null_equal_keys);
      if (join.residual) {
        ARROW_ASSIGN_OR_RAISE(*encoded->mutable_residual(), EncodeExpression(*join.residual));
      }
      return arrow::Status::OK();
    }
    case LogicalKind::kSort:
      out->mutable_sort();
      for (const auto& key : static_cast<const plan::LogicalSort&>(node).keys) {
        EncodeSortKey(key, out->mutable_sort()->add_keys());
      }
      return arrow::Status::OK();
    case LogicalKind::kLimit: {
      const auto& limit = static_cast<const plan::LogicalLimit&>(node);
      out->mutable_limit()->set_offset(limit.offset);
      if (limit.count) {
        out->mutable_limit()->set_has_count(true);
        out->mutable_limit()->set_count(*limit.count);
      }
      return arrow::Status::OK();
    }
    case LogicalKind::kUnion:
      out->mutable_union_();
      return arrow::Status::OK();
    case LogicalKind::kWindow: {
      const auto& window = static_cast<const plan::LogicalWindow&>(node);
      auto* encoded = out->mutable_window();
      for (const auto& column : window.partition_by) encoded->add_partition_by(column);
      for (const auto& key : window.order_by) EncodeSortKey(key, encoded->add_order_by());
      for (const auto& call : window.calls) {
        auto* encoded_call = encoded->add_calls();
        encoded_call->set_function(call.function);
        for (const auto& argument : call.arguments) encoded_call->add_arguments(argument);
        for (const auto& constant : call.constants) {
          ARROW_ASSIGN_OR_RAISE(auto bytes, ScalarBytes(constant));
          encoded_call->add_constants(std::move(bytes));
        }
        encoded_call->set_units(call.frame.units);
        ARROW_RETURN_NOT_OK(EncodeBound(call.frame.start, encoded_call->mutable_start()));
        ARROW_RETURN_NOT_OK(EncodeBound(call.frame.end, encoded_call->mutable_end()));
        encoded_call->set_output(call.output);
      }
      return arrow::Status::OK();
    }
    case LogicalKind::kSetFunction: {
      const auto& function = static_cast<const plan::LogicalSetFunction&>(node);
      auto* encoded = out->mutable_set_function();
      encoded->set_function(function.function);
      for (const auto& argument : function.arguments) {
        ARROW_ASSIGN_OR_RAISE(*encoded->add_arguments(), EncodeExpression(argument));
      }
      for (const auto& output : function.outputs) encoded->add_outputs(output);
      encoded->set_ordinality(function.ordinality);
      encoded->set_keep_empty(function.keep_empty);
      return arrow::Status::OK();
    }
    case LogicalKind::kExchange: {
      const auto& exchange = static_cast<const plan::LogicalExchange&>(node);
      out->mutable_exchange()->set_stage(exchange.stage);
      out->mutable_exchange()->set_estimated_rows(exchange.estimated_rows);
      out->mutable_exchange()->set_partitioning(exchange.partitioning);
      out->mutable_exchange()->set_copy(exchange.copy);
      return arrow::Status::OK();
    }
    case LogicalKind::kExtension: {
      const auto& extension = static_cast<const plan::LogicalExtension&>(node);
      auto codec = PlanNodeCodecRegistry::Default().Find(extension.codec_name());
      if (!codec.ok()) {
        return arrow::Status::NotImplemented("plan node ", extension.Describe(),
                                             " cannot travel: ", codec.status().message());
      }
      ARROW_ASSIGN_OR_RAISE(auto payload, (*codec)->Encode(extension));
      out->mutable_extension()->set_codec(extension.codec_name());
      out->mutable_extension()->set_payload(std::move(payload));
      return arrow::Status::OK();
    }
  }
  return arrow::Status::NotImplemented("plan operator cannot travel: ", node.Describe());
}

// --- Decoding ----------------------------------------------------------------------

struct Decoder {
  const TaskSelection& task;
  size_t next_scan = 0;
  uint32_t next_node = 0;

  arrow::Result<plan::LogicalPlanPtr> Decode(const pb::PlanNode& node) {
    const uint32_t number = next_node++;
    ARROW_ASSIGN_OR_RAISE(auto schema, SchemaFromBytes(node.schema()));
    if (node.first_task_only() && task.task != 0) {
      // Skip the subtree's scans and operators too, so later ones keep their numbers.
      next_scan += CountScans(node);
      next_node += static_cast<uint32_t>(CountNodes(node) - 1);
      auto empty = std::make_shared<plan::LogicalValues>();
      empty->schema = schema;
      ARROW_ASSIGN_OR_RAISE(empty->table, arrow::Table::MakeEmpty(schema));
      if (task.node_numbers) (*task.node_numbers)[empty.get()] = number;
      return empty;
    }
    std::vector<plan::LogicalPlanPtr> inputs;
    const size_t scan_number = node.operator_case() == pb::PlanNode::kScan ? next_scan++ : 0;
    for (const auto& input : node.inputs()) {
      ARROW_ASSIGN_OR_RAISE(auto decoded, Decode(input));
      inputs.push_back(std::move(decoded));
    }
    ARROW_ASSIGN_OR_RAISE(auto operation, DecodeOperator(node, schema, inputs, scan_number));
    operation->schema = std::move(schema);
    operation->inputs = std::move(inputs);
    if (task.node_numbers) (*task.node_numbers)[operation.get()] = number;
    return operation;
  }

  static size_t CountScans(const pb::PlanNode& node) {
    size_t count = node.operator_case() == pb::PlanNode::kScan ? 1 : 0;
    for (const auto& input : node.inputs()) count += CountScans(input);
    return count;
  }

  static size_t CountNodes(const pb::PlanNode& node) {
    size_t count = 1;
    for (const auto& input : node.inputs()) count += CountNodes(input);
    return count;
  }

  // The schema operators' expressions are bound against: their input's, or the left
  // and right inputs' columns side by side for a join.
  static std::shared_ptr<arrow::Schema> InputSchema(const std::vector<plan::LogicalPlanPtr>& inputs) {
    arrow::FieldVector fields;
    for (const auto& input : inputs) {
      for (const auto& field : input->schema->fields()) fields.push_back(field);
    }
    return arrow::schema(std::move(fields));
  }

  arrow::Result<plan::LogicalPlanPtr> DecodeOperator(const pb::PlanNode& node,
                                                     const std::shared_ptr<arrow::Schema>& schema,
                                                     const std::vector<plan::LogicalPlanPtr>& inputs,
                                                     size_t scan_number) {
    const auto input_schema = InputSchema(inputs);
    switch (node.operator_case()) {
      case pb::PlanNode::kScan: {
        const auto& encoded = node.scan();
        auto scan = std::make_shared<plan::LogicalScan>();
        scan->table_name = encoded.table_name();
        std::vector<uint32_t> selected;
        if (task.scans) {
          if (scan_number >= static_cast<size_t>(task.scans->scans_size())) {
            return arrow::Status::Invalid("the task has no share of scan ", scan_number);
          }
          const auto& share = task.scans->scans(static_cast<int>(scan_number)).files();
          selected.assign(share.begin(), share.end());
        }
        ARROW_ASSIGN_OR_RAISE(scan->source, DecodeTable(encoded, task.scans ? &selected : nullptr));
        scan->columns = Strings(encoded.columns());
        if (encoded.has_filter()) {
          ARROW_ASSIGN_OR_RAISE(scan->filter, DecodeExpression(encoded.filter(), *scan->source->schema()));
        }
        scan->leading_conjuncts = encoded.leading_conjuncts();
        scan->cached = encoded.cached();
        return scan;
      }
      case pb::PlanNode::kValues: {
        auto values = std::make_shared<plan::LogicalValues>();
        ARROW_ASSIGN_OR_RAISE(values->table, TableFromBytes(node.values().table()));
        return values;
      }
      case pb::PlanNode::kFilter: {
        auto filter = std::make_shared<plan::LogicalFilter>();
        ARROW_ASSIGN_OR_RAISE(filter->predicate, DecodeExpression(node.filter().predicate(), *input_schema));
        return filter;
      }
      case pb::PlanNode::kProject: {
        auto project = std::make_shared<plan::LogicalProject>();
        for (int i = 0; i < node.project().expressions_size(); ++i) {
          ARROW_ASSIGN_OR_RAISE(auto expression, DecodeExpression(node.project().expressions(i), *input_schema));
          if (expression.IsBound() && i < schema->num_fields() &&
              !expression.type()->Equals(*schema->field(i)->type())) {
            return arrow::Status::Invalid("decoded expression ", expression.ToString(), " has type ",
                                          expression.type()->ToString(), ", planned ",
                                          schema->field(i)->type()->ToString());
          }
          project->expressions.push_back(std::move(expression));
        }
        return project;
      }
      case pb::PlanNode::kAggregate: {
        auto aggregate = std::make_shared<plan::LogicalAggregate>();
        aggregate->keys = Strings(node.aggregate().keys());
        for (const auto& encoded : node.aggregate().calls()) {
          plan::AggregateCall call;
          call.function = encoded.function();
          call.input = encoded.input();
          call.output = encoded.output();
          if (!encoded.options_type().empty()) {
            ARROW_ASSIGN_OR_RAISE(auto options,
                                  cp::FunctionOptions::Deserialize(encoded.options_type(),
                                                                   *arrow::Buffer::FromString(encoded.options())));
            call.options = std::move(options);
          }
          aggregate->aggregates.push_back(std::move(call));
        }
        return aggregate;
      }
      case pb::PlanNode::kJoin: {
        const auto& encoded = node.join();
        auto join = std::make_shared<plan::LogicalJoin>();
        join->join_type = static_cast<plan::LogicalJoinType>(encoded.join_type());
        join->left_keys = Strings(encoded.left_keys());
        join->right_keys = Strings(encoded.right_keys());
        join->null_equal_keys = encoded.null_equal_keys();
        if (encoded.has_residual()) {
          ARROW_ASSIGN_OR_RAISE(join->residual, DecodeExpression(encoded.residual(), *input_schema));
        }
        return join;
      }
      case pb::PlanNode::kSort: {
        auto sort = std::make_shared<plan::LogicalSort>();
        for (const auto& key : node.sort().keys()) sort->keys.push_back(DecodeSortKey(key));
        return sort;
      }
      case pb::PlanNode::kLimit: {
        auto limit = std::make_shared<plan::LogicalLimit>();
        limit->offset = node.limit().offset();
        if (node.limit().has_count()) limit->count = node.limit().count();
        return limit;
      }
      case pb::PlanNode::kUnion:
        return std::make_shared<plan::LogicalUnion>();
      case pb::PlanNode::kWindow: {
        const auto& encoded = node.window();
        auto window = std::make_shared<plan::LogicalWindow>();
        window->partition_by = Strings(encoded.partition_by());
        for (const auto& key : encoded.order_by()) window->order_by.push_back(DecodeSortKey(key));
        for (const auto& encoded_call : encoded.calls()) {
          plan::WindowFunctionCall call;
          call.function = encoded_call.function();
          call.arguments = Strings(encoded_call.arguments());
          for (const auto& constant : encoded_call.constants()) {
            ARROW_ASSIGN_OR_RAISE(auto scalar, ScalarFromBytes(constant));
            call.constants.push_back(std::move(scalar));
          }
          call.frame.units = static_cast<plan::WindowFrameSpec::Units>(encoded_call.units());
          ARROW_ASSIGN_OR_RAISE(call.frame.start, DecodeBound(encoded_call.start()));
          ARROW_ASSIGN_OR_RAISE(call.frame.end, DecodeBound(encoded_call.end()));
          call.output = encoded_call.output();
          window->calls.push_back(std::move(call));
        }
        return window;
      }
      case pb::PlanNode::kSetFunction: {
        const auto& encoded = node.set_function();
        auto function = std::make_shared<plan::LogicalSetFunction>();
        function->function = encoded.function();
        for (const auto& argument : encoded.arguments()) {
          ARROW_ASSIGN_OR_RAISE(auto decoded, DecodeExpression(argument, *input_schema));
          function->arguments.push_back(std::move(decoded));
        }
        function->outputs = Strings(encoded.outputs());
        function->ordinality = encoded.ordinality();
        function->keep_empty = encoded.keep_empty();
        return function;
      }
      case pb::PlanNode::kExchange: {
        auto exchange = std::make_shared<plan::LogicalExchange>();
        exchange->stage = node.exchange().stage();
        exchange->estimated_rows = node.exchange().estimated_rows();
        exchange->partitioning = node.exchange().partitioning();
        exchange->copy = node.exchange().copy();
        return exchange;
      }
      case pb::PlanNode::kExtension: {
        ARROW_ASSIGN_OR_RAISE(auto codec, PlanNodeCodecRegistry::Default().Find(node.extension().codec()));
        ARROW_ASSIGN_OR_RAISE(auto extension, codec->Decode(node.extension().payload()));
        if (!extension) return arrow::Status::Invalid("plan node codec '", codec->name(), "' decoded no node");
        return extension;
      }
      case pb::PlanNode::OPERATOR_NOT_SET:
        break;
    }
    return arrow::Status::Invalid("plan node of unknown kind ", static_cast<int>(node.operator_case()));
  }
};

void CollectScans(const plan::LogicalOperator& node, std::vector<const plan::LogicalScan*>* out) {
  if (node.kind == LogicalKind::kScan) out->push_back(static_cast<const plan::LogicalScan*>(&node));
  for (const auto& input : node.inputs) CollectScans(*input, out);
}

}  // namespace

arrow::Result<pb::PlanNode> EncodePlan(const plan::LogicalOperator& root, const PlanEncoding& encoding) {
  pb::PlanNode out;
  ARROW_RETURN_NOT_OK(Encode(root, encoding, &out));
  return out;
}

arrow::Result<plan::LogicalPlanPtr> DecodePlan(const pb::PlanNode& node, const TaskSelection& task) {
  Decoder decoder{task};
  return decoder.Decode(node);
}

std::vector<const plan::LogicalScan*> ScansInOrder(const plan::LogicalOperator& root) {
  std::vector<const plan::LogicalScan*> scans;
  CollectScans(root, &scans);
  return scans;
}

arrow::Result<std::vector<ScanUnit>> ScanUnitsOf(const plan::LogicalScan& scan, bool split_row_groups) {
  ARROW_ASSIGN_OR_RAISE(auto fragments, FragmentsOf(*scan.source));
  std::vector<ScanUnit> units;
  for (const auto& fragment : fragments) {
    auto* parquet = dynamic_cast<ds::ParquetFileFragment*>(fragment.get());
    if (split_row_groups && parquet != nullptr) {
      ARROW_RETURN_NOT_OK(parquet->EnsureCompleteMetadata());
      const auto& metadata = parquet->metadata();
      std::vector<int> groups = parquet->row_groups();
      if (groups.empty()) {
        for (int i = 0; i < metadata->num_row_groups(); ++i) groups.push_back(i);
      }
      for (int group : groups) {
        units.push_back(ScanUnit{fragment, {group}, metadata->RowGroup(group)->total_compressed_size()});
      }
      continue;
    }
    ScanUnit unit{fragment, {}, fragment->source().Size()};
    if (parquet != nullptr && !parquet->row_groups().empty()) unit.row_groups = parquet->row_groups();
    units.push_back(std::move(unit));
  }
  return units;
}

}  // namespace quiver::dist
