#include "quiver/cli/default_paths.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace quiver::cli {

namespace fs = std::filesystem;

std::string SelfPath() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.string();
}

namespace {

// The checkout the running binary was built in (build/quiver sits one level below it),
// or empty when the binary lives elsewhere.
std::string CheckoutDir() {
  const std::string self = SelfPath();
  if (self.empty()) return {};
  fs::path checkout = fs::path(self).parent_path().parent_path();
  std::error_code ec;
  if (fs::exists(checkout / "CMakeLists.txt", ec) && fs::exists(checkout / "src" / "quiver", ec)) {
    return checkout.string();
  }
  return {};
}

}  // namespace

std::string DefaultDataDir() {
  if (const char* home = std::getenv("QUIVER_HOME"); home && *home) return home;
  const std::string checkout = CheckoutDir();
  return ((checkout.empty() ? fs::path("var") : fs::path(checkout) / "var") / "quiver").string();
}

std::string DefaultClusterDir() {
  const std::string checkout = CheckoutDir();
  return ((checkout.empty() ? fs::path("var") : fs::path(checkout) / "var") / "cluster").string();
}

}  // namespace quiver::cli
