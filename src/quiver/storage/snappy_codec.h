#pragma once

#include <arrow/util/compression.h>

#include <cstdint>
#include <memory>

namespace quiver::storage {

// An Arrow codec for Snappy whose decompression is Quiver's decoder
// (snappy_decoder.h); compression and streaming stay with Arrow's own codec.
class SnappyCodec : public arrow::util::Codec {
 public:
  explicit SnappyCodec(std::unique_ptr<arrow::util::Codec> arrow_codec);

  arrow::Result<int64_t> Decompress(int64_t input_len, const uint8_t* input, int64_t output_buffer_len,
                                    uint8_t* output_buffer) override;
  arrow::Result<int64_t> Compress(int64_t input_len, const uint8_t* input, int64_t output_buffer_len,
                                  uint8_t* output_buffer) override;
  int64_t MaxCompressedLen(int64_t input_len, const uint8_t* input) override;
  arrow::Result<std::shared_ptr<arrow::util::Compressor>> MakeCompressor() override;
  arrow::Result<std::shared_ptr<arrow::util::Decompressor>> MakeDecompressor() override;
  arrow::Compression::type compression_type() const override { return arrow::Compression::SNAPPY; }
  int minimum_compression_level() const override;
  int maximum_compression_level() const override;
  int default_compression_level() const override;

 private:
  std::unique_ptr<arrow::util::Codec> arrow_codec_;
};

// Whether Arrow's codec factory hands out SnappyCodec, so that the Parquet reader
// decodes Snappy pages with Quiver's decoder (see codec_factory.cc for how).
bool SnappyDecoderInstalled();

// How many buffers SnappyCodec has decompressed in this process.
int64_t SnappyBuffersDecoded();

}  // namespace quiver::storage
