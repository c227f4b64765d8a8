// Quiver's definition of Arrow's codec factory, arrow::util::Codec::Create.
//
// The Parquet reader (libparquet) asks libarrow's factory for the codec of each
// column chunk. A definition in the executable comes first in the dynamic
// linker's search order, so libparquet's call lands here: Snappy gets Quiver's
// SnappyCodec (a faster decoder, see snappy_decoder.h), every other codec and all
// compression come from Arrow's own factory, found as the next definition.
//
// This file is compiled into every executable that links the quiver library
// (src/quiver/CMakeLists.txt): nothing calls it directly, so from a static
// archive the linker would leave it out.

#include <arrow/util/compression.h>
#include <dlfcn.h>

#include "quiver/storage/snappy_codec.h"

namespace {

using CodecFactory = arrow::Result<std::unique_ptr<arrow::util::Codec>> (*)(arrow::Compression::type,
                                                                            const arrow::util::CodecOptions&);

CodecFactory ArrowCodecFactory() {
  static const CodecFactory factory = reinterpret_cast<CodecFactory>(
      dlsym(RTLD_NEXT, "_ZN5arrow4util5Codec6CreateENS_11Compression4typeERKNS0_12CodecOptionsE"));
  return factory;
}

}  // namespace

namespace arrow::util {

Result<std::unique_ptr<Codec>> Codec::Create(Compression::type codec, const CodecOptions& codec_options) {
  CodecFactory arrow_factory = ArrowCodecFactory();
  if (arrow_factory == nullptr) return Status::NotImplemented("Arrow's codec factory is not loaded");
  ARROW_ASSIGN_OR_RAISE(auto arrow_codec, arrow_factory(codec, codec_options));
  if (codec != Compression::SNAPPY || arrow_codec == nullptr) return arrow_codec;
  return std::make_unique<quiver::storage::SnappyCodec>(std::move(arrow_codec));
}

}  // namespace arrow::util
