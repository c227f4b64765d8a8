#pragma once

#include <optional>
#include <string>

namespace quiver::cli {

/// Asks for a password on the terminal without echoing it; nullopt when standard
/// input is not a terminal (a script cannot be asked).
std::optional<std::string> PromptForPassword(const std::string& prompt);

}  // namespace quiver::cli
