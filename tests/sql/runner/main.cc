// quiver_sqllogictest: runs sqllogictest-style files (tests/sql/*.test) against an
// in-process engine, one fresh data directory per file. The format is described in
// tests/sql/README.md.
#include <arrow/record_batch.h>
#include <arrow/status.h>
#include <arrow/table.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "quiver/engine/engine.h"
#include "quiver/engine/session.h"
#include "slt_parser.h"
#include "slt_runner.h"
#include "value_format.h"

namespace fs = std::filesystem;
using namespace quiver::sqllogictest;

namespace {

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
}

Outcome Execute(quiver::engine::Session& session, const std::string& sql, const std::string& column_types) {
  Outcome outcome;
  auto fail = [&](const arrow::Status& status) {
    outcome.ok = false;
    outcome.error = status.ToString();
    return outcome;
  };
  auto result = session.Execute(sql);
  if (!result.ok()) return fail(result.status());
  if (!result->is_query) return outcome;
  outcome.returned_rows = true;
  if (!result->batches) return fail(arrow::Status::Invalid("query result has no batch stream"));
  // Reading the stream is what runs the query: its errors are the statement's errors.
  auto table = result->batches->ToTable();
  if (!table.ok()) return fail(table.status());
  outcome.num_columns = (*table)->num_columns();
  auto rows = FormatRows(**table, column_types);
  if (!rows.ok()) return fail(rows.status());
  outcome.rows = std::move(*rows);
  return outcome;
}

// Returns false when the file could not be run at all or had a failing record.
// How the engine under test runs queries: on a cluster (an --cluster spec) and in an
// execution mode, so that the same files check distributed execution too.
struct EngineChoice {
  std::string cluster;
  std::string execution_mode;
  std::string task_bytes;  // SET distributed_task_bytes, for many small tasks
};

bool RunFile(const fs::path& path, bool verbose, const EngineChoice& choice) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << path.string() << ": cannot read\n";
    return false;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();

  std::string work_template = (fs::temp_directory_path() / "quiver_sqllogictest_XXXXXX").string();
  if (mkdtemp(work_template.data()) == nullptr) {
    std::cerr << "cannot create a temporary directory\n";
    return false;
  }
  const fs::path work_dir = work_template;
  ReplaceAll(text, "__TEST_DIR__", fs::absolute(path).parent_path().string());
  ReplaceAll(text, "__WORK_DIR__", work_dir.string());

  bool ok = false;
  auto records = ParseTestFile(text);
  if (!records.ok()) {
    std::cerr << path.string() << ": " << records.status().message() << "\n";
  } else {
    quiver::engine::EngineOptions options;
    options.data_dir = (work_dir / "data").string();
    options.cluster.spec = choice.cluster;
    auto engine = quiver::engine::Engine::Open(options);
    if (!engine.ok()) {
      std::cerr << path.string() << ": cannot open an engine: " << engine.status().ToString() << "\n";
    } else {
      auto session = (*engine)->NewSession();
      if (!choice.execution_mode.empty()) {
        auto set = session->Execute("SET execution_mode = '" + choice.execution_mode + "'");
        if (!set.ok()) std::cerr << "cannot set the execution mode: " << set.status().ToString() << "\n";
      }
      if (!choice.task_bytes.empty()) {
        auto set = session->Execute("SET distributed_task_bytes = '" + choice.task_bytes + "'");
        if (!set.ok()) std::cerr << "cannot set the task size: " << set.status().ToString() << "\n";
      }
      FileSummary summary = RunRecords(
          path.string(), *records,
          [&](const std::string& sql, const std::string& types) {
            // Names each statement before it runs, so a crash can be traced to its record.
            if (verbose) std::cerr << "running: " << sql << "\n";
            return Execute(*session, sql, types);
          },
          std::cout);
      std::cout << path.string() << ": " << summary.passed << " passed, " << summary.failed << " failed\n";
      ok = summary.failed == 0;
    }
  }
  std::error_code ignored;
  fs::remove_all(work_dir, ignored);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  bool verbose = false;
  EngineChoice choice;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-v" || arg == "--verbose") {
      verbose = true;
    } else if (arg == "--cluster" && i + 1 < argc) {
      choice.cluster = argv[++i];
    } else if (arg == "--execution-mode" && i + 1 < argc) {
      choice.execution_mode = argv[++i];
    } else if (arg == "--task-bytes" && i + 1 < argc) {
      choice.task_bytes = argv[++i];
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) {
    std::cerr << "usage: quiver_sqllogictest [-v] [--cluster SPEC] [--execution-mode MODE] FILE.test...\n"
                 "  -v                     print each statement to stderr before running it\n"
                 "  --cluster SPEC         run on a cluster (local:N)\n"
                 "  --execution-mode MODE  SET execution_mode (auto, distributed, local) first\n"
                 "  --task-bytes N         SET distributed_task_bytes (small: many tasks) first\n";
    return 2;
  }
  int failed_files = 0;
  for (const auto& file : files) {
    if (!RunFile(file, verbose, choice)) ++failed_files;
  }
  return failed_files == 0 ? 0 : 1;
}
