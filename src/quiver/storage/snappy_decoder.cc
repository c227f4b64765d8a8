#include "quiver/storage/snappy_decoder.h"

#include <arrow/status.h>

#include <bit>
#include <cstring>

namespace quiver::storage {

static_assert(std::endian::native == std::endian::little, "the decoder reads little-endian fields directly");

namespace {

// The fast paths move whole 8- or 16-byte blocks and may write past the end of
// an element (the next element overwrites those bytes), so they run only while
// this much room is left before the end of the output.
constexpr int64_t kOutputSlack = 24;

// 16 bytes of input are read at once for short literals.
constexpr int64_t kLiteralBlock = 16;

inline void Copy8(uint8_t* destination, const uint8_t* source) {
  uint64_t block;
  std::memcpy(&block, source, sizeof(block));
  std::memcpy(destination, &block, sizeof(block));
}

inline void Copy16(uint8_t* destination, const uint8_t* source) {
  uint8_t block[16];
  std::memcpy(block, source, sizeof(block));
  std::memcpy(destination, block, sizeof(block));
}

inline uint32_t LoadLittleEndian(const uint8_t* bytes, int count) {
  uint32_t value = 0;
  std::memcpy(&value, bytes, count);
  return value;
}

arrow::Status Corrupt(const std::string& what, const uint8_t* input, const uint8_t* position) {
  return arrow::Status::IOError("corrupt Snappy data: ", what, " (at input byte ", position - input, ")");
}

// Copies `length` bytes from `offset` bytes back in the output. The caller has
// checked that the source lies inside the output and that kOutputSlack bytes
// beyond `length` are free, so the blocks may overshoot.
inline void CopyBackReferenceFast(uint8_t* out, int64_t length, uint32_t offset) {
  const uint8_t* source = out - offset;
  if (offset >= 16) {
    do {
      Copy16(out, source);
      out += 16;
      source += 16;
      length -= 16;
    } while (length > 0);
    return;
  }
  // A source closer than 8 bytes overlaps its own copy: the repeating pattern is
  // written 8 bytes at a time, and each step doubles the distance to the source
  // until whole blocks can be copied.
  while (out - source < 8) {
    Copy8(out, source);
    const int64_t step = out - source;
    length -= step;
    out += step;
  }
  while (length > 0) {
    Copy8(out, source);
    out += 8;
    source += 8;
    length -= 8;
  }
}

// The preamble: the uncompressed length as a little-endian base-128 varint of at
// most 32 bits.
struct Preamble {
  int64_t uncompressed_length;
  int64_t size;  // bytes
};

arrow::Result<Preamble> ReadPreamble(const uint8_t* input, int64_t input_length) {
  uint64_t length = 0;
  for (int64_t i = 0; i < input_length && i < 5; ++i) {
    length |= static_cast<uint64_t>(input[i] & 0x7f) << (7 * i);
    if ((input[i] & 0x80) == 0) {
      if (length > UINT32_MAX) break;
      return Preamble{static_cast<int64_t>(length), i + 1};
    }
  }
  return Corrupt("bad length preamble", input, input);
}

}  // namespace

arrow::Result<int64_t> DecodeSnappy(const uint8_t* input, int64_t input_length, uint8_t* output,
                                    int64_t output_capacity) {
  ARROW_ASSIGN_OR_RAISE(const auto preamble, ReadPreamble(input, input_length));
  const int64_t expected = preamble.uncompressed_length;
  if (expected > output_capacity) {
    return arrow::Status::IOError("corrupt Snappy data: it declares ", expected, " bytes, more than the ",
                                  output_capacity, " expected");
  }
  const uint8_t* in = input + preamble.size;
  const uint8_t* const in_end = input + input_length;
  uint8_t* out = output;
  uint8_t* const out_end = output + expected;

  while (in < in_end) {
    const uint8_t tag = *in++;
    const uint8_t kind = tag & 3;
    if (kind == 0) {
      // A literal: (tag >> 2) + 1 bytes, or a longer length in the next 1-4 bytes.
      int64_t length = (tag >> 2) + 1;
      if (length <= kLiteralBlock && in_end - in >= kLiteralBlock && out_end - out >= kLiteralBlock) {
        Copy16(out, in);
        in += length;
        out += length;
        continue;
      }
      if (length > 60) {
        const int count = static_cast<int>(length - 60);
        if (in_end - in < count) return Corrupt("literal length past the end of the input", input, in);
        length = static_cast<int64_t>(LoadLittleEndian(in, count)) + 1;
        in += count;
      }
      if (in_end - in < length) return Corrupt("literal past the end of the input", input, in);
      if (out_end - out < length) return Corrupt("literal past the declared length", input, in);
      std::memcpy(out, in, length);
      in += length;
      out += length;
      continue;
    }

    // A back-reference: a length and an offset into what was already written.
    int64_t length;
    uint32_t offset;
    if (kind == 1) {
      if (in_end - in < 1) return Corrupt("copy past the end of the input", input, in);
      length = 4 + ((tag >> 2) & 7);
      offset = (static_cast<uint32_t>(tag >> 5) << 8) | in[0];
      in += 1;
    } else if (kind == 2) {
      if (in_end - in < 2) return Corrupt("copy past the end of the input", input, in);
      length = (tag >> 2) + 1;
      offset = LoadLittleEndian(in, 2);
      in += 2;
    } else {
      if (in_end - in < 4) return Corrupt("copy past the end of the input", input, in);
      length = (tag >> 2) + 1;
      offset = LoadLittleEndian(in, 4);
      in += 4;
    }
    if (offset == 0 || offset > out - output) return Corrupt("copy from before the start of the output", input, in);
    if (out_end - out < length) return Corrupt("copy past the declared length", input, in);
    if (out_end - out >= length + kOutputSlack) {
      CopyBackReferenceFast(out, length, offset);
    } else {
      // Near the end, byte by byte: this also repeats overlapping patterns.
      const uint8_t* source = out - offset;
      for (int64_t i = 0; i < length; ++i) out[i] = source[i];
    }
    out += length;
  }
  if (out != out_end) {
    return arrow::Status::IOError("corrupt Snappy data: it decodes to ", out - output, " bytes, not the ", expected,
                                  " it declares");
  }
  return expected;
}

}  // namespace quiver::storage
