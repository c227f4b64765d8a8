#include "quiver/exec/grouped_accumulator.h"

#include <arrow/scalar.h>
#include <arrow/type.h>
#include <arrow/util/bit_util.h>

#include <cstring>

#include "quiver/exec/pool_array.h"

namespace quiver::exec {

namespace {

namespace cp = arrow::compute;
using Int128 = __int128;

// Calls visit(group, value) for every non-NULL value of `values` (an array, or a
// scalar standing for each of `length` rows), reading values as `Stored` (the column's
// C type) and handing them on as `Value`.
template <typename Stored, typename Value, typename Visit>
void ForEachValue(const arrow::Datum& values, const uint32_t* groups, int64_t length, Visit&& visit) {
  if (values.is_scalar()) {
    const auto& scalar = *values.scalar();
    if (!scalar.is_valid) return;
    Stored stored;
    std::memcpy(&stored, static_cast<const arrow::internal::PrimitiveScalarBase&>(scalar).data(), sizeof(stored));
    for (int64_t i = 0; i < length; ++i) visit(groups[i], static_cast<Value>(stored));
    return;
  }
  const auto& array = *values.array();
  const uint8_t* data = array.buffers[1]->data() + array.offset * sizeof(Stored);
  auto at = [&](int64_t i) {
    Stored stored;
    std::memcpy(&stored, data + i * sizeof(Stored), sizeof(stored));
    return static_cast<Value>(stored);
  };
  if (array.buffers[0] == nullptr || array.GetNullCount() == 0) {
    for (int64_t i = 0; i < length; ++i) visit(groups[i], at(i));
    return;
  }
  const uint8_t* validity = array.buffers[0]->data();
  for (int64_t i = 0; i < length; ++i) {
    if (arrow::bit_util::GetBit(validity, array.offset + i)) visit(groups[i], at(i));
  }
}

// Whether row i of `values` holds a value, for each row.
template <typename Visit>
void ForEachValidity(const arrow::Datum& values, int64_t length, Visit&& visit) {
  if (values.is_scalar()) {
    for (int64_t i = 0; i < length; ++i) visit(i, values.scalar()->is_valid);
    return;
  }
  const auto& array = *values.array();
  const bool all_valid = array.buffers[0] == nullptr || array.GetNullCount() == 0;
  const uint8_t* validity = all_valid ? nullptr : array.buffers[0]->data();
  for (int64_t i = 0; i < length; ++i) visit(i, all_valid || arrow::bit_util::GetBit(validity, array.offset + i));
}

bool AddOverflows(int64_t* sum, int64_t value) { return __builtin_add_overflow(*sum, value, sum); }
bool AddOverflows(Int128* sum, Int128 value) { return __builtin_add_overflow(*sum, value, sum); }
bool AddOverflows(double* sum, double value) {
  *sum += value;
  return false;
}

// NULL for groups with fewer than `min_count` values.
arrow::Result<std::shared_ptr<arrow::Buffer>> ValidityOf(const PoolArray<int64_t>& counts, int64_t min_count,
                                                         arrow::MemoryPool* pool, int64_t* null_count) {
  *null_count = 0;
  std::shared_ptr<arrow::Buffer> validity;
  for (int64_t g = 0; g < counts.size(); ++g) {
    if (counts[g] >= min_count) continue;
    if (!validity) {
      ARROW_ASSIGN_OR_RAISE(validity, arrow::AllocateBitmap(counts.size(), pool));
      arrow::bit_util::SetBitsTo(validity->mutable_data(), 0, counts.size(), true);
    }
    arrow::bit_util::ClearBit(validity->mutable_data(), g);
    ++*null_count;
  }
  return validity;
}

// sum: over integers as int64, floating point as double, decimal128 as 128-bit
// integers; an integer sum that overflows is an error (Arrow's wraps around).
template <typename Stored, typename Sum>
class SumAccumulator : public GroupedAccumulator {
 public:
  SumAccumulator(std::shared_ptr<arrow::DataType> type, int64_t min_count, arrow::MemoryPool* pool)
      : type_(std::move(type)), min_count_(min_count), pool_(pool), sums_(pool), counts_(pool) {}

  std::shared_ptr<arrow::DataType> result_type() const override { return type_; }

  arrow::Status Resize(int64_t groups) override {
    ARROW_RETURN_NOT_OK(sums_.Resize(groups, Sum{0}));
    return counts_.Resize(groups, 0);
  }

  arrow::Status Consume(const arrow::Datum& values, const uint32_t* groups, int64_t length) override {
    bool overflowed = false;
    Sum* sums = sums_.data();
    int64_t* counts = counts_.data();
    ForEachValue<Stored, Sum>(values, groups, length, [&](uint32_t g, Sum value) {
      overflowed |= AddOverflows(&sums[g], value);
      ++counts[g];
    });
    return Checked(overflowed);
  }

  arrow::Status Merge(GroupedAccumulator& other, const uint32_t* mapping) override {
    auto& from = static_cast<SumAccumulator&>(other);
    bool overflowed = false;
    for (int64_t g = 0; g < from.counts_.size(); ++g) {
      overflowed |= AddOverflows(&sums_[mapping[g]], from.sums_[g]);
      counts_[mapping[g]] += from.counts_[g];
    }
    return Checked(overflowed);
  }

  arrow::Result<std::shared_ptr<arrow::ArrayData>> Finish() override {
    int64_t null_count = 0;
    ARROW_ASSIGN_OR_RAISE(auto validity, ValidityOf(counts_, min_count_, pool_, &null_count));
    const int64_t groups = sums_.size();
    ARROW_ASSIGN_OR_RAISE(auto sums, sums_.Finish());
    return arrow::ArrayData::Make(type_, groups, {std::move(validity), std::move(sums)}, null_count);
  }

 private:
  arrow::Status Checked(bool overflowed) const {
    if (!overflowed) return arrow::Status::OK();
    return arrow::Status::Invalid("the sum of a group's values overflows ", type_->ToString());
  }

  std::shared_ptr<arrow::DataType> type_;
  int64_t min_count_;
  arrow::MemoryPool* pool_;
  PoolArray<Sum> sums_;
  PoolArray<int64_t> counts_;
};

// count (of values, of NULLs, or of rows) and count_all.
class CountAccumulator : public GroupedAccumulator {
 public:
  CountAccumulator(cp::CountOptions::CountMode mode, bool all_rows, arrow::MemoryPool* pool)
      : mode_(mode), all_rows_(all_rows), counts_(pool) {}

  std::shared_ptr<arrow::DataType> result_type() const override { return arrow::int64(); }
  arrow::Status Resize(int64_t groups) override { return counts_.Resize(groups, 0); }

  arrow::Status Consume(const arrow::Datum& values, const uint32_t* groups, int64_t length) override {
    int64_t* counts = counts_.data();
    if (all_rows_ || mode_ == cp::CountOptions::ALL) {
      for (int64_t i = 0; i < length; ++i) ++counts[groups[i]];
      return arrow::Status::OK();
    }
    const bool counted = mode_ == cp::CountOptions::ONLY_VALID;
    ForEachValidity(values, length, [&](int64_t i, bool valid) { counts[groups[i]] += valid == counted; });
    return arrow::Status::OK();
  }

  arrow::Status Merge(GroupedAccumulator& other, const uint32_t* mapping) override {
    auto& from = static_cast<CountAccumulator&>(other);
    for (int64_t g = 0; g < from.counts_.size(); ++g) counts_[mapping[g]] += from.counts_[g];
    return arrow::Status::OK();
  }

  arrow::Result<std::shared_ptr<arrow::ArrayData>> Finish() override {
    const int64_t groups = counts_.size();
    ARROW_ASSIGN_OR_RAISE(auto counts, counts_.Finish());
    return arrow::ArrayData::Make(arrow::int64(), groups, {nullptr, std::move(counts)}, 0);
  }

 private:
  cp::CountOptions::CountMode mode_;
  bool all_rows_;
  PoolArray<int64_t> counts_;
};

// min or max of fixed-width integers (and dates, decimals) with the column's type; a
// group without values is NULL.
template <typename Stored, bool kMin>
class ExtremeAccumulator : public GroupedAccumulator {
 public:
  ExtremeAccumulator(std::shared_ptr<arrow::DataType> type, arrow::MemoryPool* pool)
      : type_(std::move(type)), pool_(pool), values_(pool), counts_(pool) {}

  std::shared_ptr<arrow::DataType> result_type() const override { return type_; }

  arrow::Status Resize(int64_t groups) override {
    ARROW_RETURN_NOT_OK(values_.Resize(groups, Stored{0}));
    return counts_.Resize(groups, 0);
  }

  arrow::Status Consume(const arrow::Datum& values, const uint32_t* groups, int64_t length) override {
    ForEachValue<Stored, Stored>(values, groups, length, [&](uint32_t g, Stored value) { Take(g, value, 1); });
    return arrow::Status::OK();
  }

  arrow::Status Merge(GroupedAccumulator& other, const uint32_t* mapping) override {
    auto& from = static_cast<ExtremeAccumulator&>(other);
    for (int64_t g = 0; g < from.counts_.size(); ++g) {
      if (from.counts_[g] > 0) Take(mapping[g], from.values_[g], from.counts_[g]);
    }
    return arrow::Status::OK();
  }

  arrow::Result<std::shared_ptr<arrow::ArrayData>> Finish() override {
    int64_t null_count = 0;
    ARROW_ASSIGN_OR_RAISE(auto validity, ValidityOf(counts_, 1, pool_, &null_count));
    const int64_t groups = values_.size();
    ARROW_ASSIGN_OR_RAISE(auto values, values_.Finish());
    return arrow::ArrayData::Make(type_, groups, {std::move(validity), std::move(values)}, null_count);
  }

 private:
  void Take(uint32_t g, Stored value, int64_t count) {
    Stored& current = values_[g];
    if (counts_[g] == 0 || (kMin ? value < current : current < value)) current = value;
    counts_[g] += count;
  }

  std::shared_ptr<arrow::DataType> type_;
  arrow::MemoryPool* pool_;
  PoolArray<Stored> values_;
  PoolArray<int64_t> counts_;
};

bool SkipsNulls(const cp::FunctionOptions* options, int64_t max_min_count) {
  const auto* scalar = dynamic_cast<const cp::ScalarAggregateOptions*>(options);
  return scalar == nullptr || (scalar->skip_nulls && scalar->min_count <= max_min_count);
}

int64_t MinCount(const cp::FunctionOptions* options) {
  const auto* scalar = dynamic_cast<const cp::ScalarAggregateOptions*>(options);
  return scalar ? scalar->min_count : 1;
}

template <bool kMin>
std::unique_ptr<GroupedAccumulator> MakeExtreme(const std::shared_ptr<arrow::DataType>& input,
                                                arrow::MemoryPool* pool) {
  switch (input->id()) {
    case arrow::Type::INT32:
    case arrow::Type::DATE32:
      return std::make_unique<ExtremeAccumulator<int32_t, kMin>>(input, pool);
    case arrow::Type::INT64:
      return std::make_unique<ExtremeAccumulator<int64_t, kMin>>(input, pool);
    default:
      return std::make_unique<ExtremeAccumulator<Int128, kMin>>(input, pool);
  }
}

}  // namespace

bool GroupedAccumulator::Supports(const std::string& function, const arrow::DataType* input,
                                  const cp::FunctionOptions* options) {
  if (function == "count_all") return input == nullptr;
  if (input == nullptr) return false;
  if (function == "count") return dynamic_cast<const cp::CountOptions*>(options) != nullptr;
  const auto id = input->id();
  if (function == "sum") {
    const bool summable = id == arrow::Type::INT8 || id == arrow::Type::INT16 || id == arrow::Type::INT32 ||
                          id == arrow::Type::INT64 || id == arrow::Type::FLOAT || id == arrow::Type::DOUBLE ||
                          id == arrow::Type::DECIMAL128;
    return summable && SkipsNulls(options, INT64_MAX);
  }
  if (function == "min" || function == "max") {
    const bool ordered = id == arrow::Type::INT32 || id == arrow::Type::DATE32 || id == arrow::Type::INT64 ||
                         id == arrow::Type::DECIMAL128;
    return ordered && SkipsNulls(options, 1);
  }
  return false;
}

std::unique_ptr<GroupedAccumulator> GroupedAccumulator::Make(const std::string& function,
                                                             const std::shared_ptr<arrow::DataType>& input,
                                                             const cp::FunctionOptions* options,
                                                             arrow::MemoryPool* pool) {
  if (function == "count_all") return std::make_unique<CountAccumulator>(cp::CountOptions::ALL, true, pool);
  if (function == "count") {
    return std::make_unique<CountAccumulator>(static_cast<const cp::CountOptions*>(options)->mode, false, pool);
  }
  if (function == "min") return MakeExtreme<true>(input, pool);
  if (function == "max") return MakeExtreme<false>(input, pool);
  const int64_t min_count = MinCount(options);
  switch (input->id()) {
    case arrow::Type::INT8:
      return std::make_unique<SumAccumulator<int8_t, int64_t>>(arrow::int64(), min_count, pool);
    case arrow::Type::INT16:
      return std::make_unique<SumAccumulator<int16_t, int64_t>>(arrow::int64(), min_count, pool);
    case arrow::Type::INT32:
      return std::make_unique<SumAccumulator<int32_t, int64_t>>(arrow::int64(), min_count, pool);
    case arrow::Type::INT64:
      return std::make_unique<SumAccumulator<int64_t, int64_t>>(arrow::int64(), min_count, pool);
    case arrow::Type::FLOAT:
      return std::make_unique<SumAccumulator<float, double>>(arrow::float64(), min_count, pool);
    case arrow::Type::DOUBLE:
      return std::make_unique<SumAccumulator<double, double>>(arrow::float64(), min_count, pool);
    default: {
      const auto& decimal = static_cast<const arrow::Decimal128Type&>(*input);
      return std::make_unique<SumAccumulator<Int128, Int128>>(
          arrow::decimal128(arrow::Decimal128Type::kMaxPrecision, decimal.scale()), min_count, pool);
    }
  }
}

}  // namespace quiver::exec
