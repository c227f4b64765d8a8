#pragma once

#include <string>
#include <string_view>

namespace quiver {

/// Bytes as lowercase hexadecimal text (ids in messages, cookies and file names).
std::string HexText(std::string_view bytes);

}  // namespace quiver
