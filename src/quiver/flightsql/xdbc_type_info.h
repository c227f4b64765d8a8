#pragma once

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace quiver::flightsql {

/// One SQL type as GetXdbcTypeInfo describes it (JDBC's getTypeInfo row).
struct XdbcType {
  std::string type_name;
  int32_t data_type = 0;  // an XdbcDataType
  std::optional<int32_t> column_size;
  std::optional<std::string> literal_prefix;
  std::optional<std::string> literal_suffix;
  std::optional<std::vector<std::string>> create_params;
  bool case_sensitive = false;
  int32_t searchable = 0;  // a Searchable
  std::optional<bool> unsigned_attribute;
  bool fixed_prec_scale = false;
  std::optional<int32_t> minimum_scale;
  std::optional<int32_t> maximum_scale;
  int32_t sql_data_type = 0;
  std::optional<int32_t> datetime_subcode;
  std::optional<int32_t> num_prec_radix;
};

/// The SQL types Quiver's engine accepts in column definitions and CASTs, ordered
/// by data_type then type_name as the specification asks.
const std::vector<XdbcType>& QuiverXdbcTypes();

/// The GetXdbcTypeInfo result: all types, or only those whose data_type matches.
arrow::Result<std::shared_ptr<arrow::RecordBatch>> XdbcTypeInfoBatch(std::optional<int32_t> data_type);

}  // namespace quiver::flightsql
