#pragma once

#include <cstddef>
#include <string>

namespace quiver {

/// `size` random bytes naming something (a query's run, a session): unpredictable
/// enough that two never collide, not a secret key.
std::string RandomId(size_t size);

}  // namespace quiver
