#include "quiver/exec/dictionary_key_codes.h"

#include <arrow/array/array_binary.h>
#include <arrow/array/util.h>
#include <arrow/type.h>
#include <arrow/util/bit_util.h>

namespace quiver::exec {

bool DictionaryKeyCodes::Reads(const arrow::DataType& type) {
  if (type.id() != arrow::Type::DICTIONARY) return false;
  const auto& dictionary = static_cast<const arrow::DictionaryType&>(type);
  const auto values = dictionary.value_type()->id();
  return dictionary.index_type()->id() == arrow::Type::INT32 &&
         (values == arrow::Type::STRING || values == arrow::Type::LARGE_STRING || values == arrow::Type::STRING_VIEW);
}

uint32_t DictionaryKeyCodes::IdOf(std::string_view value) {
  auto found = ids_.find(value);
  if (found != ids_.end()) return found->second;
  const auto id = static_cast<uint32_t>(values_.size());
  values_.emplace_back(value);
  ids_.emplace(values_.back(), id);
  return id;
}

arrow::Status DictionaryKeyCodes::IdsOf(const std::shared_ptr<arrow::ArrayData>& column, uint32_t* ids) {
  if (column->dictionary != dictionary_) {
    const auto entries = arrow::MakeArray(column->dictionary);
    entry_ids_.resize(static_cast<size_t>(entries->length()));
    for (int64_t i = 0; i < entries->length(); ++i) {
      if (entries->IsNull(i)) {
        entry_ids_[i] = kNullId;
        continue;
      }
      std::string_view text;
      switch (entries->type_id()) {
        case arrow::Type::STRING:
          text = static_cast<const arrow::StringArray&>(*entries).GetView(i);
          break;
        case arrow::Type::LARGE_STRING:
          text = static_cast<const arrow::LargeStringArray&>(*entries).GetView(i);
          break;
        case arrow::Type::STRING_VIEW:
          text = static_cast<const arrow::StringViewArray&>(*entries).GetView(i);
          break;
        default:
          return arrow::Status::TypeError("dictionary keys of ", entries->type()->ToString());
      }
      entry_ids_[i] = IdOf(text);
    }
    dictionary_ = column->dictionary;
  }
  const int32_t* indices = column->GetValues<int32_t>(1);
  const uint8_t* validity = column->GetNullCount() > 0 ? column->buffers[0]->data() : nullptr;
  const auto entries = static_cast<int64_t>(entry_ids_.size());
  for (int64_t i = 0; i < column->length; ++i) {
    if (validity && !arrow::bit_util::GetBit(validity, column->offset + i)) {
      ids[i] = kNullId;
      continue;
    }
    const int32_t index = indices[i];
    if (index < 0 || index >= entries) {
      return arrow::Status::Invalid("dictionary index ", index, " out of range (", entries, " entries)");
    }
    ids[i] = entry_ids_[index];
  }
  return arrow::Status::OK();
}

}  // namespace quiver::exec
