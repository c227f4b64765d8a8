#include "quiver/exec/dictionary_condition.h"

#include <arrow/array/data.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/function.h>
#include <arrow/scalar.h>
#include <arrow/type.h>

#include <set>

#include "quiver/exec/bound_columns.h"
#include "quiver/plan/plan_builders.h"

namespace quiver::exec {

namespace {

namespace cp = arrow::compute;

// Whether the expression gives every row with the same inputs the same value: not so
// with an impure function (random()), which evaluated per dictionary entry would give
// all rows of an entry one draw.
bool Deterministic(const cp::Expression& expr) {
  const auto* call = expr.call();
  if (call == nullptr) return true;
  if (call->function && !call->function->is_pure()) return false;
  for (const auto& argument : call->arguments) {
    if (!Deterministic(argument)) return false;
  }
  return true;
}

// Indices 0, 1, … n-1 of `type`: each dictionary entry once.
arrow::Result<std::shared_ptr<arrow::ArrayData>> EveryEntry(const arrow::DataType& index_type, int64_t entries,
                                                            arrow::MemoryPool* pool) {
  const int width = index_type.byte_width();
  ARROW_ASSIGN_OR_RAISE(auto data, arrow::AllocateBuffer(entries * width, pool));
  for (int64_t i = 0; i < entries; ++i) {
    switch (width) {
      case 1:
        data->mutable_data_as<int8_t>()[i] = static_cast<int8_t>(i);
        break;
      case 2:
        data->mutable_data_as<int16_t>()[i] = static_cast<int16_t>(i);
        break;
      case 4:
        data->mutable_data_as<int32_t>()[i] = static_cast<int32_t>(i);
        break;
      default:
        data->mutable_data_as<int64_t>()[i] = i;
        break;
    }
  }
  return arrow::ArrayData::Make(index_type.GetSharedPtr(), entries, {nullptr, std::move(data)}, 0);
}

}  // namespace

void DictionaryCondition::Split(const cp::Expression& condition, const arrow::Schema& schema,
                                std::vector<DictionaryCondition>* on_dictionaries,
                                std::vector<cp::Expression>* others) {
  for (auto& conjunct : plan::SplitConjunction(condition)) {
    const std::set<int> columns = ColumnsRead(conjunct);
    if (columns.size() == 1 && *columns.begin() >= 0 && Deterministic(conjunct) &&
        schema.field(*columns.begin())->type()->id() == arrow::Type::DICTIONARY) {
      on_dictionaries->push_back(DictionaryCondition(std::move(conjunct), *columns.begin()));
    } else {
      others->push_back(std::move(conjunct));
    }
  }
}

arrow::Result<arrow::Datum> DictionaryCondition::Evaluate(const cp::ExecBatch& batch, cp::ExecContext* context) const {
  const arrow::Datum& column = batch.values[column_];
  const bool per_entry =
      column.is_array() && column.array()->GetNullCount() == 0 && column.array()->dictionary->length < batch.length;
  if (!per_entry) return cp::ExecuteScalarExpression(expression_, batch, context);

  // A batch of the dictionary's entries, each once, in which no other column is read.
  const auto& codes = *column.array();
  const auto& type = static_cast<const arrow::DictionaryType&>(*codes.type);
  ARROW_ASSIGN_OR_RAISE(auto entries, EveryEntry(*type.index_type(), codes.dictionary->length, context->memory_pool()));
  entries->type = codes.type;
  entries->dictionary = codes.dictionary;
  cp::ExecBatch dictionary_batch = batch;
  dictionary_batch.length = codes.dictionary->length;
  for (size_t i = 0; i < dictionary_batch.values.size(); ++i) {
    dictionary_batch.values[i] = static_cast<int>(i) == column_
                                     ? arrow::Datum(entries)
                                     : arrow::Datum(arrow::MakeNullScalar(batch.values[i].type()));
  }
  ARROW_ASSIGN_OR_RAISE(auto per_dictionary_entry, cp::ExecuteScalarExpression(expression_, dictionary_batch, context));
  if (per_dictionary_entry.is_scalar()) return per_dictionary_entry;
  // Each row takes its entry's result: a lookup by the row's code.
  auto indices = arrow::ArrayData::Make(type.index_type(), codes.length, codes.buffers, 0, codes.offset);
  return cp::Take(per_dictionary_entry, indices, cp::TakeOptions::NoBoundsCheck(), context);
}

}  // namespace quiver::exec
