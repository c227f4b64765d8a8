#include "quiver/exec/row_selection.h"

#include <arrow/api.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/cast.h>
#include <arrow/util/bit_util.h>
#include <gtest/gtest.h>

#include <random>

namespace quiver::exec {
namespace {

namespace cp = arrow::compute;

// A bitmap of `length` bits, each set with probability `density`.
std::shared_ptr<arrow::Buffer> RandomBits(int64_t length, double density, std::mt19937* random) {
  auto bits = *arrow::AllocateEmptyBitmap(length);
  std::bernoulli_distribution bit(density);
  for (int64_t i = 0; i < length; ++i) arrow::bit_util::SetBitTo(bits->mutable_data(), i, bit(*random));
  return bits;
}

// A column of random bytes of a fixed-width type, with NULLs at `null_rate`.
std::shared_ptr<arrow::Array> RandomFixedWidth(const std::shared_ptr<arrow::DataType>& type, int64_t length,
                                               double null_rate, std::mt19937* random) {
  const int width = type->byte_width();
  auto data = *arrow::AllocateBuffer(length * width);
  for (int64_t i = 0; i < length * width; ++i) data->mutable_data()[i] = static_cast<uint8_t>((*random)());
  std::shared_ptr<arrow::Buffer> validity;
  if (null_rate > 0) validity = RandomBits(length, 1 - null_rate, random);
  return arrow::MakeArray(
      arrow::ArrayData::Make(type, length, {validity, std::move(data)}, validity ? arrow::kUnknownNullCount : 0));
}

std::shared_ptr<arrow::Array> RandomStrings(int64_t length, double null_rate, std::mt19937* random) {
  arrow::StringBuilder builder;
  std::bernoulli_distribution null(null_rate);
  for (int64_t i = 0; i < length; ++i) {
    if (null(*random)) {
      EXPECT_TRUE(builder.AppendNull().ok());
    } else {
      EXPECT_TRUE(builder.Append(std::string((*random)() % 5, 'a' + (*random)() % 26)).ok());
    }
  }
  return *builder.Finish();
}

std::shared_ptr<arrow::Array> RandomMask(int64_t length, double density, double null_rate, std::mt19937* random) {
  std::shared_ptr<arrow::Buffer> validity;
  if (null_rate > 0) validity = RandomBits(length, 1 - null_rate, random);
  return arrow::MakeArray(arrow::ArrayData::Make(arrow::boolean(), length,
                                                 {validity, RandomBits(length, density, random)},
                                                 validity ? arrow::kUnknownNullCount : 0));
}

// SelectRows must keep exactly the rows Arrow's filter keeps (a NULL in the mask
// drops its row), for every column kind, mask density and slice offset.
TEST(RowSelectionTest, KeepsWhatArrowsFilterKeeps) {
  std::mt19937 random(7);
  const std::vector<std::shared_ptr<arrow::DataType>> fixed = {
      arrow::int8(),           arrow::int16(),   arrow::int32(),           arrow::int64(),
      arrow::date32(),         arrow::float64(), arrow::decimal128(15, 2), arrow::fixed_size_binary(3),
      arrow::decimal256(40, 2)};
  for (double density : {0.0, 0.003, 0.3, 0.9, 0.97, 0.999, 1.0}) {
    for (double mask_nulls : {0.0, 0.2}) {
      for (int64_t offset : {0, 5}) {
        const int64_t length = 1000;
        auto mask = RandomMask(length + offset, density, mask_nulls, &random)->Slice(offset);
        std::vector<std::shared_ptr<arrow::Array>> columns;
        for (const auto& type : fixed) {
          for (double null_rate : {0.0, 0.1}) {
            columns.push_back(RandomFixedWidth(type, length + offset, null_rate, &random)->Slice(offset));
          }
        }
        auto strings = RandomStrings(length + offset, 0.1, &random);
        columns.push_back(strings->Slice(offset));
        columns.push_back(cp::DictionaryEncode(strings).ValueOrDie().make_array()->Slice(offset));
        columns.push_back(RandomMask(length + offset, 0.5, 0.1, &random)->Slice(offset));
        cp::ExecBatch batch;
        batch.length = length;
        for (const auto& column : columns) batch.values.emplace_back(column);
        batch.values.emplace_back(arrow::MakeScalar(int64_t{42}));

        auto selected = SelectRows(batch, *mask->data(), arrow::default_memory_pool());
        ASSERT_TRUE(selected.ok()) << selected.status().ToString();
        const auto expected_length = cp::Filter(mask, mask).ValueOrDie().length();
        ASSERT_EQ(selected->length, expected_length);
        for (size_t c = 0; c < columns.size(); ++c) {
          auto expected = cp::Filter(columns[c], mask).ValueOrDie().make_array();
          auto actual = selected->values[c].make_array();
          // Validate, not ValidateFull: random bytes are not decimals within their precision.
          ASSERT_TRUE(actual->Validate().ok()) << columns[c]->type()->ToString();
          ASSERT_TRUE(actual->Equals(*expected, arrow::EqualOptions().nans_equal(true)))
              << columns[c]->type()->ToString() << " density " << density << " offset " << offset;
          EXPECT_NE(actual->null_count(), arrow::kUnknownNullCount);
        }
        EXPECT_TRUE(selected->values.back().is_scalar());
      }
    }
  }
}

// Parquet files written with Arrow's string_view keep it through a scan's filter,
// which Arrow's own filter kernel does not take.
TEST(RowSelectionTest, KeepsStringViewsShortAndLong) {
  std::mt19937 random(11);
  arrow::StringBuilder builder;
  std::bernoulli_distribution null(0.1);
  for (int i = 0; i < 1000; ++i) {
    if (null(random)) {
      ASSERT_TRUE(builder.AppendNull().ok());
    } else {
      // Up to 12 bytes sit inside the view; longer strings are in a data buffer.
      ASSERT_TRUE(builder.Append(std::string(random() % 30, static_cast<char>('a' + random() % 26))).ok());
    }
  }
  auto strings = *builder.Finish();
  auto views = cp::Cast(*strings, arrow::utf8_view()).ValueOrDie();
  for (int64_t offset : {0, 3}) {
    auto mask = RandomMask(1000, 0.4, 0.1, &random)->Slice(offset);
    cp::ExecBatch batch({views->Slice(offset)}, 1000 - offset);
    auto selected = SelectRows(batch, *mask->data(), arrow::default_memory_pool());
    ASSERT_TRUE(selected.ok()) << selected.status().ToString();
    auto actual = selected->values[0].make_array();
    ASSERT_TRUE(actual->ValidateFull().ok());
    ASSERT_EQ(actual->type()->id(), arrow::Type::STRING_VIEW);
    auto expected = cp::Filter(strings->Slice(offset), mask).ValueOrDie().make_array();
    auto as_strings = cp::Cast(*actual, arrow::utf8()).ValueOrDie();
    EXPECT_TRUE(as_strings->Equals(*expected)) << "offset " << offset;
  }
}

TEST(RowSelectionTest, ABatchWhoseRowsAllPassIsNotCopied) {
  std::mt19937 random(3);
  auto column = RandomFixedWidth(arrow::int64(), 100, 0.0, &random);
  cp::ExecBatch batch({column}, 100);
  auto all = RandomMask(100, 1.0, 0.0, &random);
  auto selected = SelectRows(batch, *all->data(), arrow::default_memory_pool());
  ASSERT_TRUE(selected.ok());
  EXPECT_EQ(selected->values[0].array()->buffers[1]->data(), column->data()->buffers[1]->data());
}

// A row passes the composition when the outer mask keeps it and the inner mask, which
// has one entry per row the outer keeps, keeps that entry; NULLs drop rows.
TEST(RowSelectionTest, ComposedMasksKeepRowsBothKeep) {
  std::mt19937 random(11);
  for (double density : {0.0, 0.05, 0.5, 1.0}) {
    for (int64_t offset : {0, 3}) {
      const int64_t length = 777;
      auto outer = RandomMask(length + offset, density, 0.1, &random)->Slice(offset);
      auto kept_by_outer = cp::Filter(outer, outer).ValueOrDie().length();
      auto inner = RandomMask(kept_by_outer, 0.5, 0.1, &random);
      auto composed = ComposeMasks(*outer->data(), *inner->data(), arrow::default_memory_pool());
      ASSERT_TRUE(composed.ok()) << composed.status().ToString();
      ASSERT_EQ((*composed)->length, length);
      const auto& outer_values = static_cast<const arrow::BooleanArray&>(*outer);
      const auto& inner_values = static_cast<const arrow::BooleanArray&>(*inner);
      auto result = arrow::MakeArray(*composed);
      const auto& result_values = static_cast<const arrow::BooleanArray&>(*result);
      EXPECT_EQ(result->null_count(), 0);
      int64_t position = 0;
      for (int64_t i = 0; i < length; ++i) {
        bool expected = false;
        if (outer_values.IsValid(i) && outer_values.Value(i)) {
          expected = inner_values.IsValid(position) && inner_values.Value(position);
          ++position;
        }
        ASSERT_EQ(result_values.Value(i), expected) << "row " << i << " density " << density;
      }
    }
  }
}

TEST(RowSelectionTest, ComposingRefusesAnInnerMaskOfTheWrongLength) {
  std::mt19937 random(5);
  auto outer = RandomMask(100, 1.0, 0.0, &random);
  auto inner = RandomMask(99, 1.0, 0.0, &random);
  EXPECT_TRUE(ComposeMasks(*outer->data(), *inner->data(), arrow::default_memory_pool()).status().IsInvalid());
}

}  // namespace
}  // namespace quiver::exec
