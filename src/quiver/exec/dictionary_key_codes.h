#pragma once

#include <arrow/array/data.h>
#include <arrow/status.h>
#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace quiver::exec {

/// Small ids for the strings of a dictionary-encoded group key column (a string
/// column as the Parquet reader gives it). Each distinct string gets the next id the
/// first time it is met. A batch's dictionary is looked up once per entry, and not
/// again while the following batches share it (the batches of one row group do);
/// each row then takes its entry's id, with no hashing per row.
class DictionaryKeyCodes {
 public:
  static constexpr uint32_t kNullId = UINT32_MAX;

  /// Whether `type` is a dictionary this class reads: int32 indices, string values.
  static bool Reads(const arrow::DataType& type);

  /// The id of each row of `column` (of a type Reads accepts), kNullId for NULL.
  arrow::Status IdsOf(const std::shared_ptr<arrow::ArrayData>& column, uint32_t* ids);

  /// The id of `value`, a new one if it is new.
  uint32_t IdOf(std::string_view value);

  const std::string& value(uint32_t id) const { return values_[id]; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> ids_;
  std::vector<std::string> values_;
  // The dictionary of the last batch (held, so that its address names it) and the id
  // of each of its entries.
  std::shared_ptr<arrow::ArrayData> dictionary_;
  std::vector<uint32_t> entry_ids_;
};

}  // namespace quiver::exec
