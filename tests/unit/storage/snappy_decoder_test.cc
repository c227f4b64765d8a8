#include "quiver/storage/snappy_decoder.h"

#include <arrow/buffer.h>
#include <arrow/builder.h>
#include <arrow/io/memory.h>
#include <arrow/table.h>
#include <gtest/gtest.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/writer.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "quiver/storage/snappy_codec.h"

namespace quiver::storage {
namespace {

using Bytes = std::vector<uint8_t>;

// Arrow's own compressor (the codec factory keeps compression with Arrow).
Bytes Compress(const Bytes& raw) {
  auto codec = arrow::util::Codec::Create(arrow::Compression::SNAPPY).ValueOrDie();
  Bytes compressed(codec->MaxCompressedLen(raw.size(), raw.data()));
  int64_t size = codec->Compress(raw.size(), raw.data(), compressed.size(), compressed.data()).ValueOrDie();
  compressed.resize(size);
  return compressed;
}

constexpr uint8_t kGuard = 0xA5;
constexpr size_t kGuardBytes = 64;

// Decodes into a buffer of exactly `capacity` bytes followed by guard bytes, and
// checks that the decoder wrote nothing past the capacity.
arrow::Result<Bytes> Decode(const Bytes& compressed, size_t capacity) {
  Bytes output(capacity + kGuardBytes, kGuard);
  auto written = DecodeSnappy(compressed.data(), compressed.size(), output.data(), capacity);
  for (size_t i = capacity; i < output.size(); ++i) {
    EXPECT_EQ(output[i], kGuard) << "wrote past the output's end at byte " << i;
  }
  ARROW_RETURN_NOT_OK(written.status());
  output.resize(*written);
  return output;
}

void ExpectRoundTrip(const Bytes& raw, const std::string& what) {
  auto decoded = Decode(Compress(raw), raw.size());
  ASSERT_TRUE(decoded.ok()) << what << ": " << decoded.status().ToString();
  EXPECT_TRUE(*decoded == raw) << what;
}

Bytes RandomBytes(size_t size, uint32_t seed, int alphabet) {
  std::mt19937 random(seed);
  Bytes bytes(size);
  for (auto& byte : bytes) byte = static_cast<uint8_t>(random() % alphabet);
  return bytes;
}

// Little-endian int64 values below `limit`: what Parquet stores for keys and prices.
Bytes SmallIntegers(size_t count, uint64_t limit, uint32_t seed) {
  std::mt19937_64 random(seed);
  Bytes bytes(count * 8);
  for (size_t i = 0; i < count; ++i) {
    uint64_t value = random() % limit;
    std::memcpy(bytes.data() + i * 8, &value, 8);
  }
  return bytes;
}

TEST(SnappyDecoderTest, RoundTripsWhatArrowCompresses) {
  ExpectRoundTrip({}, "empty");
  ExpectRoundTrip({42}, "one byte");
  for (size_t size : {1u, 7u, 15u, 16u, 17u, 60u, 61u, 255u, 256u, 65536u, 70001u}) {
    ExpectRoundTrip(RandomBytes(size, size, 256), "incompressible " + std::to_string(size));
    ExpectRoundTrip(RandomBytes(size, size, 4), "four symbols " + std::to_string(size));
    ExpectRoundTrip(Bytes(size, 7), "one repeated byte " + std::to_string(size));
  }
  for (size_t period = 1; period <= 40; ++period) {
    Bytes pattern = RandomBytes(period, period, 256);
    Bytes raw;
    for (size_t i = 0; i < 5000; ++i) raw.push_back(pattern[i % period]);
    ExpectRoundTrip(raw, "period " + std::to_string(period));
  }
  ExpectRoundTrip(SmallIntegers(100000, 1 << 27, 1), "prices");
  ExpectRoundTrip(SmallIntegers(100000, 6000000, 2), "keys");
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "furiously regular deposits " + std::to_string(i % 97) + " haggle. ";
  ExpectRoundTrip(Bytes(text.begin(), text.end()), "text");
}

TEST(SnappyDecoderTest, DecodesEveryElementKind) {
  // Preamble 70; a literal with its length in one extra byte (tag 60 << 2); a
  // 1-byte-offset copy; a 2-byte-offset copy; a 4-byte-offset copy.
  Bytes compressed = {70, 60 << 2, 19};
  for (int i = 0; i < 20; ++i) compressed.push_back('a' + i);
  compressed.insert(compressed.end(), {0x01 | (6 << 2), 20});            // 10 bytes from 20 back
  compressed.insert(compressed.end(), {0x02 | (19 << 2), 1, 0});         // 20 bytes from 1 back
  compressed.insert(compressed.end(), {0x03 | (19 << 2), 50, 0, 0, 0});  // 20 bytes from 50 back
  auto decoded = Decode(compressed, 70);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  Bytes expected;
  for (int i = 0; i < 20; ++i) expected.push_back('a' + i);
  for (int i = 0; i < 10; ++i) expected.push_back(expected[i]);
  for (int i = 0; i < 20; ++i) expected.push_back(expected.back());
  for (int i = 0; i < 20; ++i) expected.push_back(expected[expected.size() - 50]);
  EXPECT_TRUE(*decoded == expected);
}

TEST(SnappyDecoderTest, RefusesCorruptInput) {
  auto error = [](const Bytes& compressed, size_t capacity) {
    auto decoded = Decode(compressed, capacity);
    return decoded.ok() ? std::string("decoded") : decoded.status().message();
  };
  EXPECT_NE(error({}, 10).find("bad length preamble"), std::string::npos);
  EXPECT_NE(error({0x80, 0x80, 0x80, 0x80, 0x80, 1}, 10).find("bad length preamble"), std::string::npos);
  EXPECT_NE(error({20, 0}, 10).find("declares 20 bytes, more than the 10 expected"), std::string::npos);
  EXPECT_NE(error({4, 3 << 2, 'a', 'b'}, 4).find("literal past the end of the input"), std::string::npos);
  EXPECT_NE(error({2, 3 << 2, 'a', 'b', 'c', 'd'}, 10).find("literal past the declared length"), std::string::npos);
  EXPECT_NE(error({4, 0, 'a', 0x02 | (2 << 2), 0, 0}, 4).find("copy from before the start"), std::string::npos);
  EXPECT_NE(error({4, 0, 'a', 0x02 | (2 << 2), 2, 0}, 4).find("copy from before the start"), std::string::npos);
  EXPECT_NE(error({4, 0, 'a', 0x02 | (9 << 2), 1, 0}, 4).find("copy past the declared length"), std::string::npos);
  EXPECT_NE(error({4, 0, 'a', 0x03, 1}, 4).find("copy past the end of the input"), std::string::npos);
  EXPECT_NE(error({4, 0, 'a'}, 4).find("decodes to 1 bytes, not the 4 it declares"), std::string::npos);
}

TEST(SnappyDecoderTest, DamagedStreamsFailWithoutWritingOutOfBounds) {
  Bytes raw = SmallIntegers(4000, 1000, 3);
  Bytes compressed = Compress(raw);
  for (size_t length = 0; length < compressed.size(); length += 7) {
    Bytes truncated(compressed.begin(), compressed.begin() + length);
    EXPECT_FALSE(Decode(truncated, raw.size()).ok()) << "truncated to " << length;
  }
  std::mt19937 random(7);
  for (int trial = 0; trial < 2000; ++trial) {
    Bytes damaged = compressed;
    for (int flips = 0; flips < 3; ++flips) damaged[random() % damaged.size()] ^= 1 << (random() % 8);
    (void)Decode(damaged, raw.size());  // may decode to other bytes; must stay in bounds
  }
}

TEST(SnappyDecoderTest, ParquetReaderDecodesSnappyPagesWithIt) {
  ASSERT_TRUE(SnappyDecoderInstalled());
  arrow::Int64Builder values;
  for (int64_t i = 0; i < 200000; ++i) ASSERT_TRUE(values.Append(i * 7919 % 100003).ok());
  auto table = arrow::Table::Make(arrow::schema({arrow::field("x", arrow::int64())}),
                                  arrow::ArrayVector{values.Finish().ValueOrDie()});
  auto sink = arrow::io::BufferOutputStream::Create().ValueOrDie();
  auto properties = parquet::WriterProperties::Builder().compression(parquet::Compression::SNAPPY)->build();
  ASSERT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), sink, 50000, properties).ok());
  auto file = std::make_shared<arrow::io::BufferReader>(sink->Finish().ValueOrDie());

  const int64_t before = SnappyBuffersDecoded();
  auto reader = parquet::arrow::OpenFile(file, arrow::default_memory_pool()).ValueOrDie();
  auto read = reader->ReadTable();
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_GT(SnappyBuffersDecoded(), before);
  EXPECT_TRUE((*read)->Equals(*table));
}

}  // namespace
}  // namespace quiver::storage
