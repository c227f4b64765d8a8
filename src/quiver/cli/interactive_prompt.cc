#include "quiver/cli/interactive_prompt.h"

// libedit's readline-compatible interface (editline/readline.h).
#include <editline/readline.h>

#include <cstdlib>
#include <iostream>

namespace quiver::cli {
namespace {

std::string Trim(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

void RunInteractive(SqlShell& shell, const std::string& history_file) {
  using_history();
  stifle_history(1000);
  if (!history_file.empty()) read_history(history_file.c_str());
  std::cout << "quiver sql: end statements with ';', \\q quits.\n";

  std::string buffer;
  while (true) {
    char* raw = readline(buffer.empty() ? "quiver> " : "   ...> ");
    if (raw == nullptr) {  // end of input (Ctrl-D)
      std::cout << "\n";
      break;
    }
    std::string line = raw;
    std::free(raw);
    if (buffer.empty()) {
      const std::string command = Trim(line);
      if (command.empty()) continue;
      if (command == "\\q" || command == "quit" || command == "exit") break;
    }
    buffer += buffer.empty() ? line : "\n" + line;
    if (!EndsWithCompleteStatement(buffer)) continue;

    add_history(buffer.c_str());
    if (!history_file.empty()) write_history(history_file.c_str());
    for (const ScriptStatement& statement : SplitStatements(buffer)) shell.Run(statement);
    buffer.clear();
  }
}

}  // namespace quiver::cli
