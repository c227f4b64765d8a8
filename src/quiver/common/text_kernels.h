#pragma once

#include <arrow/compute/registry.h>
#include <arrow/result.h>

#include <string>
#include <string_view>

namespace quiver {

/// PostgreSQL's chr(code): the character with that code point, as UTF-8.
arrow::Result<std::string> CharacterOf(int64_t code);

/// PostgreSQL's translate(text, from, to): each character of `text` found in `from` is
/// replaced by the character at the same position in `to`, or removed when `to` is
/// shorter. Characters are UTF-8 code points.
std::string Translate(std::string_view text, std::string_view from, std::string_view to);

/// Registers quiver_chr(int64) → utf8, quiver_translate(utf8, utf8, utf8) → utf8 and
/// quiver_to_hex(int32 | int64) → utf8 (two's complement of the input's width).
arrow::Status RegisterTextKernels(arrow::compute::FunctionRegistry* registry);

}  // namespace quiver
