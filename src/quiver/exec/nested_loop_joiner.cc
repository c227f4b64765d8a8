#include "quiver/exec/nested_loop_joiner.h"

#include <arrow/array.h>
#include <arrow/array/util.h>
#include <arrow/buffer.h>
#include <arrow/compute/api.h>

#include <algorithm>
#include <numeric>

namespace quiver::exec::nested_loop {

namespace {

namespace cp = arrow::compute;

std::shared_ptr<arrow::Array> RowNumbers(std::vector<int64_t> rows) {
  const auto length = static_cast<int64_t>(rows.size());
  return std::make_shared<arrow::Int64Array>(length, arrow::Buffer::FromVector(std::move(rows)));
}

const int64_t* RawRows(const arrow::Array& rows) { return static_cast<const arrow::Int64Array&>(rows).raw_values(); }

}  // namespace

std::shared_ptr<arrow::Schema> OutputSchema(NestedLoopJoinType type, const arrow::Schema& left,
                                            const arrow::Schema& right) {
  auto fields = left.fields();
  if (type != NestedLoopJoinType::kSemi && type != NestedLoopJoinType::kAnti) {
    for (const auto& field : right.fields()) fields.push_back(field);
  }
  return arrow::schema(std::move(fields));
}

arrow::Result<std::unique_ptr<NestedLoopJoiner>> NestedLoopJoiner::Make(const NestedLoopJoinNodeOptions& options,
                                                                        std::shared_ptr<arrow::Schema> left,
                                                                        std::shared_ptr<arrow::Schema> right,
                                                                        cp::ExecContext* context) {
  const bool semi_or_anti =
      options.join_type == NestedLoopJoinType::kSemi || options.join_type == NestedLoopJoinType::kAnti;
  if (semi_or_anti && options.build_side != NestedLoopBuildSide::kRight) {
    return arrow::Status::Invalid("a nested-loop semi or anti join must build its right side");
  }
  if (options.max_pairs_per_chunk < 1) return arrow::Status::Invalid("max_pairs_per_chunk must be positive");
  std::unique_ptr<NestedLoopJoiner> joiner(new NestedLoopJoiner());
  joiner->type_ = options.join_type;
  joiner->build_side_ = options.build_side;
  joiner->max_pairs_ = options.max_pairs_per_chunk;
  joiner->context_ = context;
  auto joined_fields = left->fields();
  for (const auto& field : right->fields()) joined_fields.push_back(field);
  joiner->joined_ = arrow::schema(std::move(joined_fields));
  joiner->output_ = OutputSchema(options.join_type, *left, *right);
  joiner->left_ = std::move(left);
  joiner->right_ = std::move(right);

  cp::Expression condition = options.condition;
  if (!condition.IsBound()) {
    ARROW_ASSIGN_OR_RAISE(condition, condition.Bind(*joiner->joined_));
  }
  if (condition.type()->id() != arrow::Type::BOOL && condition.type()->id() != arrow::Type::NA) {
    return arrow::Status::Invalid("nested-loop join condition must be boolean, not ", condition.type()->ToString());
  }
  joiner->condition_ = condition;
  if (const auto* literal = condition.literal(); literal && literal->is_scalar()) {
    const auto& scalar = *literal->scalar();
    joiner->always_true_ = scalar.is_valid && scalar.type->id() == arrow::Type::BOOL &&
                           static_cast<const arrow::BooleanScalar&>(scalar).value;
  }
  for (const auto& ref : cp::FieldsInExpression(condition)) {
    ARROW_ASSIGN_OR_RAISE(auto path, ref.FindOne(*joiner->joined_));
    const int index = path[0];
    if (std::find(joiner->condition_fields_.begin(), joiner->condition_fields_.end(), index) ==
        joiner->condition_fields_.end()) {
      joiner->condition_fields_.push_back(index);
    }
  }
  return joiner;
}

bool NestedLoopJoiner::KeepsUnmatchedProbe() const {
  if (type_ == NestedLoopJoinType::kFull) return true;
  return ProbeIsLeft() ? type_ == NestedLoopJoinType::kLeft : type_ == NestedLoopJoinType::kRight;
}

bool NestedLoopJoiner::KeepsUnmatchedBuild() const {
  if (type_ == NestedLoopJoinType::kFull) return true;
  return ProbeIsLeft() ? type_ == NestedLoopJoinType::kRight : type_ == NestedLoopJoinType::kLeft;
}

arrow::Status NestedLoopJoiner::SetBuild(std::shared_ptr<arrow::RecordBatch> build) {
  build_ = std::move(build);
  if (KeepsUnmatchedBuild()) {
    build_matched_.reset(new std::atomic<uint8_t>[build_->num_rows()]);
    for (int64_t i = 0; i < build_->num_rows(); ++i) build_matched_[i].store(0, std::memory_order_relaxed);
  }
  return arrow::Status::OK();
}

arrow::Result<NestedLoopJoiner::Pairs> NestedLoopJoiner::Matching(const arrow::RecordBatch& probe, Pairs candidates) {
  if (always_true_) return candidates;
  const int64_t length = candidates.probe_rows->length();
  const int left_width = left_->num_fields();
  // Only the columns the condition reads are gathered; the others stand in as NULL
  // scalars, which the condition never looks at.
  std::vector<arrow::Datum> values(joined_->num_fields());
  for (int i = 0; i < joined_->num_fields(); ++i) {
    if (std::find(condition_fields_.begin(), condition_fields_.end(), i) == condition_fields_.end()) {
      values[i] = arrow::MakeNullScalar(joined_->field(i)->type());
      continue;
    }
    const bool is_left = i < left_width;
    const bool from_probe = is_left == ProbeIsLeft();
    const int column = is_left ? i : i - left_width;
    const auto& source = from_probe ? probe : *build_;
    ARROW_ASSIGN_OR_RAISE(values[i],
                          cp::Take(source.column(column), from_probe ? candidates.probe_rows : candidates.build_rows,
                                   cp::TakeOptions::NoBoundsCheck(), context_));
  }
  ARROW_ASSIGN_OR_RAISE(auto mask,
                        cp::ExecuteScalarExpression(condition_, cp::ExecBatch(std::move(values), length), context_));
  if (mask.is_scalar()) {
    const auto& scalar = *mask.scalar();
    const bool all = scalar.is_valid && static_cast<const arrow::BooleanScalar&>(scalar).value;
    if (all) return candidates;
    return Pairs{candidates.probe_rows->Slice(0, 0), candidates.build_rows->Slice(0, 0)};
  }
  Pairs out;
  ARROW_ASSIGN_OR_RAISE(auto probe_rows, cp::Filter(candidates.probe_rows, mask, cp::FilterOptions(), context_));
  ARROW_ASSIGN_OR_RAISE(auto build_rows, cp::Filter(candidates.build_rows, mask, cp::FilterOptions(), context_));
  out.probe_rows = probe_rows.make_array();
  out.build_rows = build_rows.make_array();
  return out;
}

arrow::Status NestedLoopJoiner::EmitPairs(const arrow::RecordBatch& probe, const Pairs& pairs, const EmitFn& emit) {
  const int64_t length = pairs.probe_rows->length();
  std::vector<arrow::Datum> columns;
  auto add_side = [&](const arrow::RecordBatch& rows, const std::shared_ptr<arrow::Array>& take) -> arrow::Status {
    for (int c = 0; c < rows.num_columns(); ++c) {
      ARROW_ASSIGN_OR_RAISE(auto column, cp::Take(rows.column(c), take, cp::TakeOptions::NoBoundsCheck(), context_));
      columns.push_back(std::move(column));
    }
    return arrow::Status::OK();
  };
  if (ProbeIsLeft()) {
    ARROW_RETURN_NOT_OK(add_side(probe, pairs.probe_rows));
    ARROW_RETURN_NOT_OK(add_side(*build_, pairs.build_rows));
  } else {
    ARROW_RETURN_NOT_OK(add_side(*build_, pairs.build_rows));
    ARROW_RETURN_NOT_OK(add_side(probe, pairs.probe_rows));
  }
  return emit(cp::ExecBatch(std::move(columns), length));
}

arrow::Status NestedLoopJoiner::EmitAlone(const arrow::RecordBatch& rows, bool rows_are_left,
                                          const std::shared_ptr<arrow::Array>& take, const EmitFn& emit) {
  for (int64_t offset = 0; offset < take->length(); offset += max_pairs_) {
    auto slice = take->Slice(offset, max_pairs_);
    const int64_t length = slice->length();
    std::vector<arrow::Datum> columns;
    for (const auto& [schema, is_left] : {std::pair{left_, true}, std::pair{right_, false}}) {
      if (!is_left && !OutputsPairs()) break;
      for (int c = 0; c < schema->num_fields(); ++c) {
        if (is_left == rows_are_left) {
          ARROW_ASSIGN_OR_RAISE(auto column,
                                cp::Take(rows.column(c), slice, cp::TakeOptions::NoBoundsCheck(), context_));
          columns.push_back(std::move(column));
        } else {
          ARROW_ASSIGN_OR_RAISE(auto nulls,
                                arrow::MakeArrayOfNull(schema->field(c)->type(), length, context_->memory_pool()));
          columns.emplace_back(std::move(nulls));
        }
      }
    }
    ARROW_RETURN_NOT_OK(emit(cp::ExecBatch(std::move(columns), length)));
  }
  return arrow::Status::OK();
}

arrow::Status NestedLoopJoiner::Probe(const std::shared_ptr<arrow::RecordBatch>& probe, const EmitFn& emit) {
  const int64_t n = probe->num_rows();
  const int64_t m = build_->num_rows();
  const bool track_probe = KeepsUnmatchedProbe() || !OutputsPairs();
  std::vector<uint8_t> probe_matched(track_probe ? n : 0, 0);
  if (n > 0 && m > 0) {
    // Several probe rows per chunk when the build side is small; otherwise one probe
    // row against a slice of the build rows.
    const int64_t probe_per_chunk = std::max<int64_t>(1, max_pairs_ / m);
    const int64_t build_per_chunk = std::min(m, max_pairs_);
    std::vector<int64_t> probe_rows, build_rows;
    for (int64_t i0 = 0; i0 < n; i0 += probe_per_chunk) {
      const int64_t i1 = std::min(n, i0 + probe_per_chunk);
      for (int64_t j0 = 0; j0 < m; j0 += build_per_chunk) {
        // A semi or anti join needs one match per probe row.
        if (!OutputsPairs() && i1 - i0 == 1 && probe_matched[i0]) break;
        const int64_t j1 = std::min(m, j0 + build_per_chunk);
        probe_rows.clear();
        build_rows.clear();
        for (int64_t i = i0; i < i1; ++i) {
          for (int64_t j = j0; j < j1; ++j) {
            probe_rows.push_back(i);
            build_rows.push_back(j);
          }
        }
        ARROW_ASSIGN_OR_RAISE(auto pairs, Matching(*probe, Pairs{RowNumbers(probe_rows), RowNumbers(build_rows)}));
        const int64_t matches = pairs.probe_rows->length();
        if (matches == 0) continue;
        if (track_probe) {
          const int64_t* rows = RawRows(*pairs.probe_rows);
          for (int64_t k = 0; k < matches; ++k) probe_matched[rows[k]] = 1;
        }
        if (build_matched_) {
          const int64_t* rows = RawRows(*pairs.build_rows);
          for (int64_t k = 0; k < matches; ++k) build_matched_[rows[k]].store(1, std::memory_order_relaxed);
        }
        if (OutputsPairs()) ARROW_RETURN_NOT_OK(EmitPairs(*probe, pairs, emit));
      }
    }
  }
  if (!track_probe) return arrow::Status::OK();
  // Semi joins keep the matched probe rows; anti and outer joins the unmatched ones.
  const uint8_t wanted = type_ == NestedLoopJoinType::kSemi ? 1 : 0;
  std::vector<int64_t> rows;
  for (int64_t i = 0; i < n; ++i) {
    if (probe_matched[i] == wanted) rows.push_back(i);
  }
  if (rows.empty()) return arrow::Status::OK();
  return EmitAlone(*probe, ProbeIsLeft(), RowNumbers(std::move(rows)), emit);
}

arrow::Status NestedLoopJoiner::EmitUnmatchedBuild(const EmitFn& emit) {
  if (!KeepsUnmatchedBuild()) return arrow::Status::OK();
  std::vector<int64_t> rows;
  for (int64_t i = 0; i < build_->num_rows(); ++i) {
    if (!build_matched_[i].load(std::memory_order_relaxed)) rows.push_back(i);
  }
  if (rows.empty()) return arrow::Status::OK();
  return EmitAlone(*build_, /*rows_are_left=*/!ProbeIsLeft(), RowNumbers(std::move(rows)), emit);
}

}  // namespace quiver::exec::nested_loop
