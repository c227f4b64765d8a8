#pragma once

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace quiver::flightsql {

/// One GetSqlInfo value; the alternative picks the member of the result's union.
using SqlInfoValue = std::variant<std::string, bool, int64_t, int32_t, std::vector<std::string>,
                                  std::map<int32_t, std::vector<int32_t>>>;

/// What Quiver says about itself over GetSqlInfo. Only values that are true of the
/// server today are listed; an identifier Quiver has no answer for is left out of
/// the result rather than guessed.
class SqlInfoTable {
 public:
  /// The values describing this build of Quiver.
  static SqlInfoTable ForQuiver();

  const std::map<uint32_t, SqlInfoValue>& values() const { return values_; }

  /// The GetSqlInfo result for `ids` (all values when empty), one row per known id,
  /// in the order asked.
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Select(const std::vector<uint32_t>& ids) const;

 private:
  std::map<uint32_t, SqlInfoValue> values_;
};

}  // namespace quiver::flightsql
