#include "quiver/dist/open_streams.h"

namespace quiver::dist {

std::atomic<int64_t>& OpenStreams::served() {
  static std::atomic<int64_t> count{0};
  return count;
}

std::atomic<int64_t>& OpenStreams::read() {
  static std::atomic<int64_t> count{0};
  return count;
}

}  // namespace quiver::dist
