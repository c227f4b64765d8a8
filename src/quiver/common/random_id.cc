#include "quiver/common/random_id.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>

namespace quiver {

std::string RandomId(size_t size) {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  std::string id(size, '\0');
  for (size_t i = 0; i < size; i += sizeof(uint64_t)) {
    const uint64_t bits = random();
    std::memcpy(id.data() + i, &bits, std::min(sizeof(bits), size - i));
  }
  return id;
}

}  // namespace quiver
