#pragma once

#include <string>

#include "quiver/cli/sql_shell.h"

namespace quiver::cli {

/// The interactive `quiver sql` session: reads lines with libedit until a statement ends
/// with `;`, runs it, and keeps going after errors. `\q` (or end of input) quits.
/// History is kept in `history_file` when it is not empty.
void RunInteractive(SqlShell& shell, const std::string& history_file);

}  // namespace quiver::cli
