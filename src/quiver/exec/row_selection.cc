#include "quiver/exec/row_selection.h"

#include <arrow/array/array_base.h>
#include <arrow/buffer.h>
#include <arrow/compute/api_vector.h>
#include <arrow/type_traits.h>
#include <arrow/util/bit_util.h>
#include <arrow/util/bitmap_ops.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace quiver::exec {

namespace {

namespace cp = arrow::compute;
namespace bit_util = arrow::bit_util;

// The kept-row bitmap: the mask's values AND its validity, starting at bit 0, padded
// to whole 64-bit words so the gathers below can read it a word at a time.
struct KeptRows {
  std::shared_ptr<arrow::Buffer> bits;
  int64_t length = 0;
  int64_t count = 0;
};

arrow::Result<KeptRows> KeptRowsOf(const arrow::ArrayData& mask, arrow::MemoryPool* pool) {
  KeptRows kept;
  kept.length = mask.length;
  const int64_t words = bit_util::CeilDiv(mask.length, 64);
  ARROW_ASSIGN_OR_RAISE(auto bits, arrow::AllocateBuffer(words * 8, pool));
  std::memset(bits->mutable_data(), 0, words * 8);
  const uint8_t* values = mask.buffers[1]->data();
  const bool has_validity = mask.buffers[0] && mask.GetNullCount() > 0;
  if (has_validity) {
    arrow::internal::BitmapAnd(values, mask.offset, mask.buffers[0]->data(), mask.offset, mask.length, 0,
                               bits->mutable_data());
  } else {
    arrow::internal::CopyBitmap(values, mask.offset, mask.length, bits->mutable_data(), 0);
  }
  kept.count = arrow::internal::CountSetBits(bits->data(), 0, mask.length);
  kept.bits = std::move(bits);
  return kept;
}

uint64_t Word(const KeptRows& kept, int64_t index) {
  uint64_t word;
  std::memcpy(&word, kept.bits->data() + index * 8, 8);
  return word;
}

// A word of the mask with at most this many dropped rows is copied as the runs of kept
// rows between them: a filter that keeps nearly every row (Q1 keeps 98%) leaves few
// words whole, and a block copy per run beats a copy per row there.
constexpr int kMaxDroppedForRunCopy = 8;

// Copies the values of kept rows, `width` bytes each, to `out` in order. A full word
// of the mask is one block copy, a nearly full one a block copy per run of kept rows;
// otherwise each set bit is one fixed-size copy, which the compiler turns into a load
// and a store.
template <int kWidth>
void GatherFixed(const KeptRows& kept, const uint8_t* in, uint8_t* out) {
  const int64_t words = bit_util::CeilDiv(kept.length, 64);
  for (int64_t w = 0; w < words; ++w) {
    uint64_t word = Word(kept, w);
    const uint8_t* base = in + w * 64 * kWidth;
    if (word == ~uint64_t{0}) {
      std::memcpy(out, base, 64 * kWidth);
      out += 64 * kWidth;
      continue;
    }
    // Rows past the end of the last word count as dropped.
    const int rows = static_cast<int>(std::min<int64_t>(64, kept.length - w * 64));
    const uint64_t in_range = rows == 64 ? ~uint64_t{0} : (uint64_t{1} << rows) - 1;
    uint64_t dropped = ~word & in_range;
    if (std::popcount(dropped) <= kMaxDroppedForRunCopy) {
      int start = 0;
      for (; dropped != 0; dropped &= dropped - 1) {
        const int end = __builtin_ctzll(dropped);
        std::memcpy(out, base + start * kWidth, (end - start) * kWidth);
        out += (end - start) * kWidth;
        start = end + 1;
      }
      std::memcpy(out, base + start * kWidth, (rows - start) * kWidth);
      out += (rows - start) * kWidth;
      continue;
    }
    while (word != 0) {
      std::memcpy(out, base + __builtin_ctzll(word) * kWidth, kWidth);
      out += kWidth;
      word &= word - 1;
    }
  }
}

void GatherAnyWidth(const KeptRows& kept, int width, const uint8_t* in, uint8_t* out) {
  const int64_t words = bit_util::CeilDiv(kept.length, 64);
  for (int64_t w = 0; w < words; ++w) {
    for (uint64_t word = Word(kept, w); word != 0; word &= word - 1) {
      std::memcpy(out, in + (w * 64 + __builtin_ctzll(word)) * width, width);
      out += width;
    }
  }
}

void GatherBits(const KeptRows& kept, const uint8_t* in, int64_t in_offset, uint8_t* out) {
  const int64_t words = bit_util::CeilDiv(kept.length, 64);
  int64_t position = 0;
  for (int64_t w = 0; w < words; ++w) {
    for (uint64_t word = Word(kept, w); word != 0; word &= word - 1) {
      bit_util::SetBitTo(out, position++, bit_util::GetBit(in, in_offset + w * 64 + __builtin_ctzll(word)));
    }
  }
}

// String and binary views are 16-byte views into data buffers that the kept rows
// share as they are; Arrow's filter has no kernel for them.
bool IsView(const arrow::DataType& type) {
  return type.id() == arrow::Type::STRING_VIEW || type.id() == arrow::Type::BINARY_VIEW;
}

bool GathersByWidth(const arrow::DataType& type) {
  if (type.id() == arrow::Type::BOOL) return false;
  return arrow::is_primitive(type.id()) || arrow::is_decimal(type.id()) ||
         type.id() == arrow::Type::FIXED_SIZE_BINARY || IsView(type);
}

arrow::Result<std::shared_ptr<arrow::ArrayData>> GatherColumn(const arrow::ArrayData& column, const KeptRows& kept,
                                                              arrow::MemoryPool* pool) {
  const int width = column.type->id() == arrow::Type::DICTIONARY
                        ? static_cast<const arrow::DictionaryType&>(*column.type).index_type()->byte_width()
                    : IsView(*column.type) ? static_cast<int>(sizeof(arrow::BinaryViewType::c_type))
                                           : column.type->byte_width();
  ARROW_ASSIGN_OR_RAISE(auto data, arrow::AllocateBuffer(kept.count * width, pool));
  const uint8_t* in = column.buffers[1]->data() + column.offset * width;
  uint8_t* out = data->mutable_data();
  switch (width) {
    case 1:
      GatherFixed<1>(kept, in, out);
      break;
    case 2:
      GatherFixed<2>(kept, in, out);
      break;
    case 4:
      GatherFixed<4>(kept, in, out);
      break;
    case 8:
      GatherFixed<8>(kept, in, out);
      break;
    case 16:
      GatherFixed<16>(kept, in, out);
      break;
    default:
      GatherAnyWidth(kept, width, in, out);
      break;
  }
  std::shared_ptr<arrow::Buffer> validity;
  int64_t null_count = 0;
  if (column.buffers[0] && column.GetNullCount() > 0) {
    ARROW_ASSIGN_OR_RAISE(validity, arrow::AllocateEmptyBitmap(kept.count, pool));
    GatherBits(kept, column.buffers[0]->data(), column.offset, validity->mutable_data());
    null_count = kept.count - arrow::internal::CountSetBits(validity->data(), 0, kept.count);
    if (null_count == 0) validity = nullptr;
  }
  arrow::BufferVector buffers = {std::move(validity), std::move(data)};
  if (IsView(*column.type)) buffers.insert(buffers.end(), column.buffers.begin() + 2, column.buffers.end());
  auto gathered = arrow::ArrayData::Make(column.type, kept.count, std::move(buffers), null_count);
  gathered->dictionary = column.dictionary;
  return gathered;
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::ArrayData>> ComposeMasks(const arrow::ArrayData& outer,
                                                              const arrow::ArrayData& inner, arrow::MemoryPool* pool) {
  ARROW_ASSIGN_OR_RAISE(auto kept, KeptRowsOf(outer, pool));
  if (inner.length != kept.count) {
    return arrow::Status::Invalid("the inner mask has ", inner.length, " rows where the outer one keeps ", kept.count);
  }
  ARROW_ASSIGN_OR_RAISE(auto inner_kept, KeptRowsOf(inner, pool));
  ARROW_ASSIGN_OR_RAISE(auto bits, arrow::AllocateBuffer(kept.bits->size(), pool));
  uint8_t* out = bits->mutable_data();
  const uint8_t* next = inner_kept.bits->data();
  int64_t position = 0;  // in `inner`
  const int64_t words = bit_util::CeilDiv(kept.length, 64);
  for (int64_t w = 0; w < words; ++w) {
    uint64_t composed = 0;
    for (uint64_t word = Word(kept, w); word != 0; word &= word - 1) {
      if (bit_util::GetBit(next, position++)) composed |= word & (~word + 1);  // the lowest set bit
    }
    std::memcpy(out + w * 8, &composed, 8);
  }
  return arrow::ArrayData::Make(arrow::boolean(), kept.length, {nullptr, std::move(bits)}, 0);
}

arrow::Result<cp::ExecBatch> SelectRows(const cp::ExecBatch& batch, const arrow::ArrayData& mask,
                                        arrow::MemoryPool* pool) {
  ARROW_ASSIGN_OR_RAISE(auto kept, KeptRowsOf(mask, pool));
  if (kept.count == batch.length) return batch;
  cp::ExecBatch out = batch;
  out.length = kept.count;
  std::shared_ptr<arrow::ArrayData> kept_mask;
  for (auto& value : out.values) {
    if (!value.is_array()) continue;  // scalars stand for every row, kept or not
    const auto& column = *value.array();
    if (GathersByWidth(*column.type)) {
      ARROW_ASSIGN_OR_RAISE(auto gathered, GatherColumn(column, kept, pool));
      value = std::move(gathered);
      continue;
    }
    if (!kept_mask) {
      kept_mask = arrow::ArrayData::Make(arrow::boolean(), kept.length, {nullptr, kept.bits}, 0);
    }
    cp::ExecContext context(pool);
    ARROW_ASSIGN_OR_RAISE(value, cp::Filter(value, kept_mask, cp::FilterOptions::Defaults(), &context));
  }
  return out;
}

}  // namespace quiver::exec
