#include "quiver/cli/sql_shell.h"

#include <arrow/table.h>

#include <chrono>
#include <cstdio>
#include <ostream>

#include "quiver/cli/error_display.h"
#include "quiver/cli/statement_kind.h"

namespace quiver::cli {
namespace {

std::string Seconds(std::chrono::steady_clock::duration elapsed) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3f s", std::chrono::duration<double>(elapsed).count());
  return buffer;
}

}  // namespace

bool SqlShell::Run(const ScriptStatement& statement, const std::string& source) {
  const auto started = std::chrono::steady_clock::now();
  auto fail = [&](const arrow::Status& status) {
    if (!source.empty()) err_ << source << ":" << statement.first_line << ": ";
    err_ << FormatError(statement.text, ServerMessage(status), statement.first_line) << std::flush;
    return false;
  };

  if (ReturnsRows(statement.text)) {
    auto table = client_->Query(statement.text);
    if (!table.ok()) return fail(table.status());
    const auto elapsed = std::chrono::steady_clock::now() - started;
    auto printed = PrintResult(**table, format_, out_);
    if (!printed.ok()) return fail(printed);
    if (format_ == OutputFormat::kTable) {
      const int64_t rows = (*table)->num_rows();
      out_ << "(" << rows << (rows == 1 ? " row, " : " rows, ") << Seconds(elapsed) << ")\n";
    }
    out_ << std::flush;
    return true;
  }

  auto affected = client_->Update(statement.text);
  if (!affected.ok()) return fail(affected.status());
  // csv and json keep stdout to data; the acknowledgement goes to stderr there.
  std::ostream& note = format_ == OutputFormat::kTable ? out_ : err_;
  if (*affected >= 0) {
    note << "OK, " << *affected << (*affected == 1 ? " row" : " rows") << " affected\n";
  } else {
    note << "OK\n";
  }
  note << std::flush;
  return true;
}

bool SqlShell::RunScript(const std::string& script, const std::string& source) {
  for (const ScriptStatement& statement : SplitStatements(script)) {
    if (!Run(statement, source)) return false;
  }
  return true;
}

}  // namespace quiver::cli
