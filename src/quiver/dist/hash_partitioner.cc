#include "quiver/dist/hash_partitioner.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/util/hashing.h>
#include <arrow/visit_type_inline.h>

#include <cmath>
#include <cstring>

namespace quiver::dist {

namespace {

constexpr uint64_t kNullHash = 0x9e3779b97f4a7c15ULL;

// splitmix64's finalizer: spreads the bits of a value over the whole word.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

uint64_t HashBytes(const void* data, int64_t length) {
  return static_cast<uint64_t>(arrow::internal::ComputeStringHash<0>(data, length));
}

uint64_t HashDouble(double value) {
  if (value == 0) value = 0;           // -0.0 and 0.0 are equal
  if (std::isnan(value)) value = NAN;  // one NaN
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return Mix(bits);
}

// Adds the hash of every row of `array` into `hashes`.
arrow::Status HashColumn(const arrow::Array& array, std::vector<uint64_t>* hashes) {
  const int64_t rows = array.length();
  auto combine = [&](int64_t row, uint64_t value) { (*hashes)[row] = Mix((*hashes)[row] * 31 + value); };
  auto for_each_valid = [&](auto&& hash_row) {
    for (int64_t row = 0; row < rows; ++row) combine(row, array.IsNull(row) ? kNullHash : hash_row(row));
  };
  const auto id = array.type_id();
  if (arrow::is_integer(id) || id == arrow::Type::DATE32 || id == arrow::Type::DATE64 || id == arrow::Type::TIMESTAMP ||
      id == arrow::Type::TIME32 || id == arrow::Type::TIME64 || id == arrow::Type::DURATION ||
      id == arrow::Type::BOOL) {
    // Every integer width as int64, so that equal values of different widths agree.
    // Dates and times hash their stored integers (Arrow casts them to no integer type
    // but their own width's).
    std::shared_ptr<arrow::Array> integers = arrow::MakeArray(array.data());
    if (!arrow::is_integer(id) && id != arrow::Type::BOOL) {
      const bool narrow = id == arrow::Type::DATE32 || id == arrow::Type::TIME32;
      ARROW_ASSIGN_OR_RAISE(integers, array.View(narrow ? arrow::int32() : arrow::int64()));
    }
    ARROW_ASSIGN_OR_RAISE(auto widened, arrow::compute::Cast(*integers, arrow::int64(),
                                                             arrow::compute::CastOptions::Unsafe(arrow::int64())));
    const auto& values = static_cast<const arrow::Int64Array&>(*widened);
    for_each_valid([&](int64_t row) { return Mix(static_cast<uint64_t>(values.Value(row))); });
    return arrow::Status::OK();
  }
  if (arrow::is_floating(id)) {
    ARROW_ASSIGN_OR_RAISE(auto widened, arrow::compute::Cast(array, arrow::float64()));
    const auto& values = static_cast<const arrow::DoubleArray&>(*widened);
    for_each_valid([&](int64_t row) { return HashDouble(values.Value(row)); });
    return arrow::Status::OK();
  }
  // Strings and binaries of every layout hash their bytes alike.
  auto hash_views = [&](const auto& values) {
    for_each_valid([&](int64_t row) {
      auto view = values.GetView(row);
      return HashBytes(view.data(), static_cast<int64_t>(view.size()));
    });
    return arrow::Status::OK();
  };
  if (id == arrow::Type::STRING || id == arrow::Type::BINARY) {
    return hash_views(static_cast<const arrow::BinaryArray&>(array));
  }
  if (id == arrow::Type::LARGE_STRING || id == arrow::Type::LARGE_BINARY) {
    return hash_views(static_cast<const arrow::LargeBinaryArray&>(array));
  }
  if (id == arrow::Type::STRING_VIEW || id == arrow::Type::BINARY_VIEW) {
    return hash_views(static_cast<const arrow::BinaryViewArray&>(array));
  }
  if (id == arrow::Type::DICTIONARY) {
    // By value, as the same strings arrive unencoded from other producers.
    ARROW_ASSIGN_OR_RAISE(
        auto decoded,
        arrow::compute::Cast(array, static_cast<const arrow::DictionaryType&>(*array.type()).value_type()));
    return HashColumn(*decoded, hashes);
  }
  if (id == arrow::Type::DECIMAL128 || id == arrow::Type::DECIMAL256 || id == arrow::Type::FIXED_SIZE_BINARY) {
    const auto& values = static_cast<const arrow::FixedSizeBinaryArray&>(array);
    for_each_valid([&](int64_t row) { return HashBytes(values.GetValue(row), values.byte_width()); });
    return arrow::Status::OK();
  }
  if (id == arrow::Type::NA) {
    for (int64_t row = 0; row < rows; ++row) combine(row, kNullHash);
    return arrow::Status::OK();
  }
  // Nested and other types: by the value's own hash, slower but rare as a key.
  for (int64_t row = 0; row < rows; ++row) {
    if (array.IsNull(row)) {
      combine(row, kNullHash);
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto scalar, array.GetScalar(row));
    combine(row, Mix(static_cast<uint64_t>(scalar->hash())));
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Result<std::vector<uint32_t>> HashPartitioner::PartitionsOf(const arrow::RecordBatch& batch) const {
  std::vector<uint64_t> hashes(static_cast<size_t>(batch.num_rows()), 0);
  for (const auto& key : keys_) {
    auto column = batch.GetColumnByName(key);
    if (!column)
      return arrow::Status::Invalid("hash partitioning: no column ", key, " in ", batch.schema()->ToString());
    ARROW_RETURN_NOT_OK(HashColumn(*column, &hashes));
  }
  std::vector<uint32_t> partitions(hashes.size());
  for (size_t row = 0; row < hashes.size(); ++row) partitions[row] = static_cast<uint32_t>(hashes[row] % partitions_);
  return partitions;
}

arrow::Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> HashPartitioner::Split(
    const std::shared_ptr<arrow::RecordBatch>& whole) const {
  const arrow::RecordBatch& batch = *whole;
  std::vector<std::shared_ptr<arrow::RecordBatch>> out(partitions_);
  if (partitions_ == 1) {
    out[0] = whole;
    return out;
  }
  ARROW_ASSIGN_OR_RAISE(auto partitions, PartitionsOf(batch));
  std::vector<std::vector<int32_t>> rows(partitions_);
  for (size_t row = 0; row < partitions.size(); ++row) rows[partitions[row]].push_back(static_cast<int32_t>(row));
  for (uint32_t p = 0; p < partitions_; ++p) {
    if (rows[p].empty()) continue;
    if (rows[p].size() == partitions.size()) {
      out[p] = whole;
      continue;
    }
    arrow::Int32Builder indices;
    ARROW_RETURN_NOT_OK(indices.AppendValues(rows[p]));
    ARROW_ASSIGN_OR_RAISE(auto index_array, indices.Finish());
    ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(whole, index_array));
    out[p] = taken.record_batch();
  }
  return out;
}

}  // namespace quiver::dist
