#pragma once

#include <arrow/result.h>

#include <cstdint>

namespace quiver::storage {

// Snappy's raw format (no framing), the compression most Parquet files use.
//
// Quiver decodes it itself because the decoder bundled with the Arrow wheel is
// built for baseline x86-64 and decodes typical Parquet pages (small integers,
// many short back-references) at about half the speed of a decoder written for
// them; on TPC-H, Snappy was a fifth of all the CPU a query used.

// Decodes `input` into `output`, which holds `output_capacity` bytes, and returns
// the number of bytes written. Corrupt or truncated input is an error and never
// reads or writes outside the two buffers.
arrow::Result<int64_t> DecodeSnappy(const uint8_t* input, int64_t input_length, uint8_t* output,
                                    int64_t output_capacity);

}  // namespace quiver::storage
