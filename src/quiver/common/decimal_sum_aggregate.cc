#include "quiver/common/decimal_sum_aggregate.h"

#include <arrow/array/data.h>
#include <arrow/buffer_builder.h>
#include <arrow/compute/api_aggregate.h>
#include <arrow/compute/function.h>
#include <arrow/compute/kernel.h>
#include <arrow/compute/registry.h>
#include <arrow/scalar.h>
#include <arrow/util/bit_util.h>

#include <cstring>
#include <mutex>

namespace quiver {

namespace {

namespace cp = arrow::compute;
using Int128 = __int128;

// Decimal128 values are stored as two's-complement 128-bit little-endian integers,
// which is __int128's layout on the platforms Arrow supports.
static_assert(sizeof(Int128) == 16);

Int128 LoadValue(const uint8_t* bytes) {
  Int128 value;
  std::memcpy(&value, bytes, sizeof(value));
  return value;
}

struct DecimalSumState : cp::KernelState {
  explicit DecimalSumState(arrow::MemoryPool* pool) : sums(pool), counts(pool) {}

  std::shared_ptr<arrow::DataType> out_type;
  int64_t min_count = 1;
  arrow::TypedBufferBuilder<Int128> sums;
  arrow::TypedBufferBuilder<int64_t> counts;
  bool overflowed = false;

  void Add(uint32_t group, Int128 value) {
    Int128* sum = sums.mutable_data() + group;
    overflowed |= __builtin_add_overflow(*sum, value, sum);
    ++counts.mutable_data()[group];
  }

  arrow::Status CheckOverflow() const {
    if (!overflowed) return arrow::Status::OK();
    return arrow::Status::Invalid("the sum of a group's ", out_type->ToString(), " values overflows 128 bits");
  }
};

arrow::Result<std::unique_ptr<cp::KernelState>> DecimalSumInit(cp::KernelContext* context,
                                                               const cp::KernelInitArgs& args) {
  const auto* options = static_cast<const cp::ScalarAggregateOptions*>(args.options);
  if (options && !options->skip_nulls) {
    return arrow::Status::NotImplemented(kGroupedDecimalSumFunction, " always skips NULLs");
  }
  auto state = std::make_unique<DecimalSumState>(context->memory_pool());
  const auto& input = static_cast<const arrow::Decimal128Type&>(*args.inputs[0].type);
  state->out_type = arrow::decimal128(arrow::Decimal128Type::kMaxPrecision, input.scale());
  if (options) state->min_count = options->min_count;
  return state;
}

arrow::Status DecimalSumResize(cp::KernelContext* context, int64_t groups) {
  auto* state = static_cast<DecimalSumState*>(context->state());
  const int64_t added = groups - state->counts.length();
  RETURN_NOT_OK(state->sums.Append(added, Int128{0}));
  return state->counts.Append(added, 0);
}

arrow::Status DecimalSumConsume(cp::KernelContext* context, const cp::ExecSpan& batch) {
  auto* state = static_cast<DecimalSumState*>(context->state());
  const uint32_t* groups = batch[1].array.GetValues<uint32_t>(1);
  if (batch[0].is_scalar()) {
    const auto& scalar = static_cast<const arrow::Decimal128Scalar&>(*batch[0].scalar);
    if (!scalar.is_valid) return arrow::Status::OK();
    const Int128 value = LoadValue(scalar.value.native_endian_bytes());
    for (int64_t i = 0; i < batch.length; ++i) state->Add(groups[i], value);
    return state->CheckOverflow();
  }
  const arrow::ArraySpan& values = batch[0].array;
  const uint8_t* data = values.buffers[1].data + values.offset * sizeof(Int128);
  const uint8_t* validity = values.buffers[0].data;
  if (validity == nullptr || values.GetNullCount() == 0) {
    for (int64_t i = 0; i < batch.length; ++i) state->Add(groups[i], LoadValue(data + i * sizeof(Int128)));
  } else {
    for (int64_t i = 0; i < batch.length; ++i) {
      if (arrow::bit_util::GetBit(validity, values.offset + i)) {
        state->Add(groups[i], LoadValue(data + i * sizeof(Int128)));
      }
    }
  }
  return state->CheckOverflow();
}

arrow::Status DecimalSumMerge(cp::KernelContext* context, cp::KernelState&& other_state,
                              const arrow::ArrayData& group_id_mapping) {
  auto* state = static_cast<DecimalSumState*>(context->state());
  auto& other = static_cast<DecimalSumState&>(other_state);
  const uint32_t* mapping = group_id_mapping.GetValues<uint32_t>(1);
  for (int64_t i = 0; i < group_id_mapping.length; ++i) {
    Int128* sum = state->sums.mutable_data() + mapping[i];
    state->overflowed |= __builtin_add_overflow(*sum, other.sums.data()[i], sum);
    state->counts.mutable_data()[mapping[i]] += other.counts.data()[i];
  }
  return state->CheckOverflow();
}

arrow::Status DecimalSumFinalize(cp::KernelContext* context, arrow::Datum* out) {
  auto* state = static_cast<DecimalSumState*>(context->state());
  const int64_t groups = state->counts.length();
  std::shared_ptr<arrow::Buffer> validity;
  int64_t null_count = 0;
  for (int64_t g = 0; g < groups; ++g) {
    if (state->counts.data()[g] >= state->min_count) continue;
    if (!validity) {
      ARROW_ASSIGN_OR_RAISE(validity, arrow::AllocateBitmap(groups, context->memory_pool()));
      arrow::bit_util::SetBitsTo(validity->mutable_data(), 0, groups, true);
    }
    arrow::bit_util::ClearBit(validity->mutable_data(), g);
    ++null_count;
  }
  ARROW_ASSIGN_OR_RAISE(auto sums, state->sums.Finish());
  *out = arrow::ArrayData::Make(state->out_type, groups, {std::move(validity), std::move(sums)}, null_count);
  return arrow::Status::OK();
}

arrow::Result<arrow::TypeHolder> WidestDecimalOfInputScale(cp::KernelContext*,
                                                           const std::vector<arrow::TypeHolder>& types) {
  const auto& input = static_cast<const arrow::Decimal128Type&>(*types[0].type);
  return arrow::TypeHolder(arrow::decimal128(arrow::Decimal128Type::kMaxPrecision, input.scale()));
}

}  // namespace

arrow::Status RegisterDecimalSumAggregate() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] {
    static const cp::FunctionDoc doc{"Sums decimal128 values in each group",
                                     "NULLs are skipped; a group with fewer than min_count values is NULL.",
                                     {"values", "group_id_array"},
                                     "ScalarAggregateOptions"};
    static const auto defaults = cp::ScalarAggregateOptions::Defaults();
    auto function =
        std::make_shared<cp::HashAggregateFunction>(kGroupedDecimalSumFunction, cp::Arity::Binary(), doc, &defaults);
    cp::HashAggregateKernel kernel(
        cp::KernelSignature::Make({cp::InputType(arrow::Type::DECIMAL128), cp::InputType(arrow::Type::UINT32)},
                                  cp::OutputType(WidestDecimalOfInputScale)),
        DecimalSumInit, DecimalSumResize, DecimalSumConsume, DecimalSumMerge, DecimalSumFinalize,
        /*ordered=*/false);
    status = function->AddKernel(std::move(kernel));
    if (status.ok()) status = cp::GetFunctionRegistry()->AddFunction(std::move(function));
  });
  return status;
}

}  // namespace quiver
