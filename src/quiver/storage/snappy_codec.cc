#include "quiver/storage/snappy_codec.h"

#include <atomic>

#include "quiver/storage/snappy_decoder.h"

namespace quiver::storage {

namespace {
std::atomic<int64_t> buffers_decoded{0};
}  // namespace

SnappyCodec::SnappyCodec(std::unique_ptr<arrow::util::Codec> arrow_codec) : arrow_codec_(std::move(arrow_codec)) {}

arrow::Result<int64_t> SnappyCodec::Decompress(int64_t input_len, const uint8_t* input, int64_t output_buffer_len,
                                               uint8_t* output_buffer) {
  buffers_decoded.fetch_add(1, std::memory_order_relaxed);
  return DecodeSnappy(input, input_len, output_buffer, output_buffer_len);
}

arrow::Result<int64_t> SnappyCodec::Compress(int64_t input_len, const uint8_t* input, int64_t output_buffer_len,
                                             uint8_t* output_buffer) {
  return arrow_codec_->Compress(input_len, input, output_buffer_len, output_buffer);
}

int64_t SnappyCodec::MaxCompressedLen(int64_t input_len, const uint8_t* input) {
  return arrow_codec_->MaxCompressedLen(input_len, input);
}

arrow::Result<std::shared_ptr<arrow::util::Compressor>> SnappyCodec::MakeCompressor() {
  return arrow_codec_->MakeCompressor();
}

arrow::Result<std::shared_ptr<arrow::util::Decompressor>> SnappyCodec::MakeDecompressor() {
  return arrow_codec_->MakeDecompressor();
}

int SnappyCodec::minimum_compression_level() const { return arrow_codec_->minimum_compression_level(); }
int SnappyCodec::maximum_compression_level() const { return arrow_codec_->maximum_compression_level(); }
int SnappyCodec::default_compression_level() const { return arrow_codec_->default_compression_level(); }

bool SnappyDecoderInstalled() {
  auto codec = arrow::util::Codec::Create(arrow::Compression::SNAPPY);
  return codec.ok() && dynamic_cast<SnappyCodec*>(codec->get()) != nullptr;
}

int64_t SnappyBuffersDecoded() { return buffers_decoded.load(std::memory_order_relaxed); }

}  // namespace quiver::storage
