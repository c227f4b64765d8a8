#pragma once

#include <arrow/result.h>

#include <string>
#include <string_view>
#include <vector>

#include "slt_record.h"

namespace quiver::sqllogictest {

/// Splits the text of a .test file into records. A malformed header is an error naming
/// its line, so a typo in a test file cannot silently skip a check.
arrow::Result<std::vector<Record>> ParseTestFile(std::string_view text);

/// Splits one expected-result line into values: columns are separated by tabs.
std::vector<std::string> SplitExpectedRow(std::string_view line);

}  // namespace quiver::sqllogictest
