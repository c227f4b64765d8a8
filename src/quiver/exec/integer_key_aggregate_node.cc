#include "quiver/exec/integer_key_aggregate_node.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/query_context.h>
#include <arrow/acero/util.h>
#include <arrow/array/builder_binary.h>
#include <arrow/array/data.h>
#include <arrow/array/util.h>
#include <arrow/scalar.h>
#include <arrow/util/bit_util.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <optional>

#include "quiver/exec/accumulating_node.h"
#include "quiver/exec/dictionary_key_codes.h"
#include "quiver/exec/grouped_accumulator.h"
#include "quiver/exec/integer_key_table.h"
#include "quiver/exec/node_registry.h"
#include "quiver/exec/pool_array.h"

namespace quiver::exec {

namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

bool IsIntegerKey(const arrow::DataType& type) {
  return type.id() == arrow::Type::INT32 || type.id() == arrow::Type::INT64 || type.id() == arrow::Type::DATE32;
}

std::string WithoutHashPrefix(const std::string& function) {
  return function.rfind("hash_", 0) == 0 ? function.substr(5) : function;
}

// An aggregate as the node runs it.
struct AggregateSpec {
  std::string function;  // without hash_
  int input = -1;        // column index; -1 for count_all
  std::shared_ptr<arrow::DataType> input_type;
  std::shared_ptr<cp::FunctionOptions> options;
};

// Dictionary keys: each key's id takes 32 bits of the group's integer key.
constexpr int kBitsPerDictionaryKey = 32;
constexpr size_t kMaxDictionaryKeys = 2;

// What one thread has aggregated.
struct ThreadState {
  explicit ThreadState(arrow::MemoryPool* pool)
      : table(pool), groups(pool), run_keys(pool), run_groups(pool), ids(pool), packed_keys(pool) {}
  IntegerKeyTable table;
  std::vector<DictionaryKeyCodes> dictionaries;  // by key, for dictionary keys
  std::vector<std::unique_ptr<GroupedAccumulator>> accumulators;
  // Scratch for the current batch: each row's group, each run's key and group.
  PoolArray<uint32_t> groups;
  PoolArray<int64_t> run_keys;
  PoolArray<uint32_t> run_groups;
  // With dictionary keys: one key's ids, and the rows' packed keys.
  PoolArray<uint32_t> ids;
  PoolArray<int64_t> packed_keys;
};

class IntegerKeyAggregateNode : public AccumulatingNode {
 public:
  IntegerKeyAggregateNode(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs,
                          std::shared_ptr<arrow::Schema> output_schema, std::vector<int> keys, bool dictionary_keys,
                          std::vector<AggregateSpec> aggregates, int64_t expected_groups)
      : AccumulatingNode(plan, inputs, {"input"}, std::move(output_schema)),
        keys_(std::move(keys)),
        dictionary_keys_(dictionary_keys),
        aggregates_(std::move(aggregates)),
        expected_groups_(std::min(expected_groups, IntegerKeyAggregateNodeOptions::kMaxPresizedGroups)),
        states_(plan->query_context()->max_concurrency()) {}

  static arrow::Result<ac::ExecNode*> Make(ac::ExecPlan* plan, std::vector<ac::ExecNode*> inputs,
                                           const ac::ExecNodeOptions& options) {
    RETURN_NOT_OK(ac::ValidateExecNodeInputs(plan, inputs, 1, kKindName));
    const auto& aggregate = static_cast<const IntegerKeyAggregateNodeOptions&>(options);
    const auto& input = *inputs[0]->output_schema();
    if (!IntegerKeyAggregateNodeOptions::Supports(input, aggregate.keys, aggregate.aggregates)) {
      return arrow::Status::NotImplemented("the integer-key aggregate cannot run these aggregates over ",
                                           input.ToString());
    }
    std::vector<int> keys;
    arrow::FieldVector fields;
    bool dictionary_keys = false;
    for (const auto& name : aggregate.keys) {
      keys.push_back(input.GetFieldIndex(name));
      const auto& field = input.field(keys.back());
      dictionary_keys = DictionaryKeyCodes::Reads(*field->type());
      // Dictionary keys come out as the strings they stand for.
      fields.push_back(dictionary_keys ? field->WithType(arrow::utf8()) : field);
    }
    std::vector<AggregateSpec> specs;
    for (const auto& call : aggregate.aggregates) {
      AggregateSpec spec;
      spec.function = WithoutHashPrefix(call.function);
      spec.options = call.options;
      if (!call.target.empty()) {
        spec.input = input.GetFieldIndex(*call.target[0].name());
        spec.input_type = input.field(spec.input)->type();
      }
      auto probe =
          GroupedAccumulator::Make(spec.function, spec.input_type, spec.options.get(), arrow::default_memory_pool());
      fields.push_back(arrow::field(call.name, probe->result_type()));
      specs.push_back(std::move(spec));
    }
    return plan->EmplaceNode<IntegerKeyAggregateNode>(plan, std::move(inputs), arrow::schema(std::move(fields)),
                                                      std::move(keys), dictionary_keys, std::move(specs),
                                                      aggregate.expected_groups);
  }

  const char* kind_name() const override { return kKindName; }

  arrow::Status InputReceived(ac::ExecNode*, cp::ExecBatch batch) override {
    ARROW_ASSIGN_OR_RAISE(auto* state, StateOfThisThread());
    ARROW_RETURN_NOT_OK(Consume(batch, state));
    received_.fetch_add(1);
    return MaybeFinish();
  }

  arrow::Status InputFinished(ac::ExecNode*, int total_batches) override {
    total_batches_.store(total_batches);
    return MaybeFinish();
  }

 private:
  static constexpr const char* kKindName = "IntegerKeyAggregateNode";

  arrow::MemoryPool* pool() const { return plan_->query_context()->memory_pool(); }

  arrow::Result<ThreadState*> StateOfThisThread() {
    const size_t thread = plan_->query_context()->GetThreadIndex();
    if (thread >= states_.size()) return arrow::Status::Invalid("thread index ", thread, " out of range");
    auto& state = states_[thread];
    if (!state) {
      // Only this thread uses this slot, so no lock is needed.
      state = std::make_unique<ThreadState>(pool());
      // The estimate is a hint: where the budget cannot hold a table that large, the
      // table starts small and grows with the groups actually met.
      (void)state->table.Reserve(expected_groups_);
      if (dictionary_keys_) state->dictionaries.resize(keys_.size());
      for (const auto& spec : aggregates_) {
        state->accumulators.push_back(
            GroupedAccumulator::Make(spec.function, spec.input_type, spec.options.get(), pool()));
      }
    }
    return state.get();
  }

  // Each row's group, then each aggregate's values added to their groups.
  arrow::Status Consume(const cp::ExecBatch& batch, ThreadState* state) {
    const int64_t length = batch.length;
    if (length == 0) return arrow::Status::OK();
    ARROW_RETURN_NOT_OK(state->groups.Resize(length));
    uint32_t* groups = state->groups.data();
    const arrow::Datum& keys = batch.values[keys_[0]];
    const bool wide = keys.type()->id() == arrow::Type::INT64;
    if (dictionary_keys_) {
      ARROW_RETURN_NOT_OK(GroupsOfDictionaryKeys(batch, state, groups));
    } else if (keys.is_scalar()) {
      std::optional<int64_t> key;
      if (keys.scalar()->is_valid) key = ScalarKey(*keys.scalar(), wide);
      ARROW_ASSIGN_OR_RAISE(uint32_t group, key ? state->table.Find(*key) : state->table.FindNull());
      for (int64_t i = 0; i < length; ++i) groups[i] = group;
    } else {
      ARROW_RETURN_NOT_OK(GroupsOfColumn(*keys.array(), wide, state, groups));
    }
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      auto& accumulator = *state->accumulators[a];
      ARROW_RETURN_NOT_OK(accumulator.Resize(state->table.size()));
      static const arrow::Datum kNoValues;
      const arrow::Datum& values = aggregates_[a].input >= 0 ? batch.values[aggregates_[a].input] : kNoValues;
      ARROW_RETURN_NOT_OK(accumulator.Consume(values, groups, length));
    }
    return arrow::Status::OK();
  }

  // The group of each row of an integer key column.
  arrow::Status GroupsOfColumn(const arrow::ArrayData& keys, bool wide, ThreadState* state, uint32_t* groups) {
    const uint8_t* validity = keys.GetNullCount() > 0 ? keys.buffers[0]->data() : nullptr;
    const uint8_t* data = keys.buffers[1]->data();
    return GroupsOfRows(
        keys.length, validity, keys.offset,
        [&](int64_t i) {
          int64_t key;
          if (wide) {
            std::memcpy(&key, data + (keys.offset + i) * 8, 8);
          } else {
            int32_t narrow;
            std::memcpy(&narrow, data + (keys.offset + i) * 4, 4);
            key = narrow;
          }
          return key;
        },
        state, groups);
  }

  // The group of each row of dictionary-encoded keys: their ids packed into one
  // integer (a NULL has an id of its own, so no row is a NULL key to the table).
  arrow::Status GroupsOfDictionaryKeys(const cp::ExecBatch& batch, ThreadState* state, uint32_t* groups) {
    const int64_t length = batch.length;
    ARROW_RETURN_NOT_OK(state->packed_keys.Resize(length));
    ARROW_RETURN_NOT_OK(state->ids.Resize(length));
    int64_t* packed = state->packed_keys.data();
    const uint32_t* ids = state->ids.data();
    for (int64_t i = 0; i < length; ++i) packed[i] = 0;
    for (size_t k = 0; k < keys_.size(); ++k) {
      std::shared_ptr<arrow::ArrayData> column;
      const arrow::Datum& datum = batch.values[keys_[k]];
      if (datum.is_scalar()) {
        ARROW_ASSIGN_OR_RAISE(auto array, arrow::MakeArrayFromScalar(*datum.scalar(), length, pool()));
        column = array->data();
      } else {
        column = datum.array();
      }
      ARROW_RETURN_NOT_OK(state->dictionaries[k].IdsOf(column, state->ids.data()));
      for (int64_t i = 0; i < length; ++i) packed[i] = (packed[i] << kBitsPerDictionaryKey) | ids[i];
    }
    return GroupsOfRows(
        length, nullptr, 0, [&](int64_t i) { return packed[i]; }, state, groups);
  }

  // Each row's group from its key (`key_of`), NULL where `validity` says so. Rows
  // clustered on the key repeat it, so the keys are looked up once per run of equal
  // keys, all of a batch's runs at once.
  template <typename KeyOf>
  arrow::Status GroupsOfRows(int64_t length, const uint8_t* validity, int64_t offset, KeyOf key_of, ThreadState* state,
                             uint32_t* groups) {
    constexpr uint32_t kNullRow = UINT32_MAX;
    ARROW_RETURN_NOT_OK(state->run_keys.Resize(length));
    int64_t* run_keys = state->run_keys.data();
    int64_t runs = 0;
    bool null_seen = false;
    for (int64_t i = 0; i < length; ++i) {
      if (validity && !arrow::bit_util::GetBit(validity, offset + i)) {
        groups[i] = kNullRow;
        null_seen = true;
        continue;
      }
      const int64_t key = key_of(i);
      if (runs == 0 || run_keys[runs - 1] != key) run_keys[runs++] = key;
      groups[i] = static_cast<uint32_t>(runs - 1);  // the run for now; its group below
    }
    ARROW_RETURN_NOT_OK(state->run_groups.Resize(runs));
    ARROW_RETURN_NOT_OK(state->table.FindMany(run_keys, runs, state->run_groups.data()));
    uint32_t null_group = 0;
    if (null_seen) {
      ARROW_ASSIGN_OR_RAISE(null_group, state->table.FindNull());
    }
    const uint32_t* run_groups = state->run_groups.data();
    for (int64_t i = 0; i < length; ++i) groups[i] = groups[i] == kNullRow ? null_group : run_groups[groups[i]];
    return arrow::Status::OK();
  }

  static int64_t ScalarKey(const arrow::Scalar& scalar, bool wide) {
    const void* data = static_cast<const arrow::internal::PrimitiveScalarBase&>(scalar).data();
    if (wide) return *static_cast<const int64_t*>(data);
    return *static_cast<const int32_t*>(data);
  }

  // Emits the result once every batch has been consumed (exactly once).
  arrow::Status MaybeFinish() {
    const int total = total_batches_.load();
    if (total < 0 || received_.load() != total) return arrow::Status::OK();
    if (finished_.exchange(true)) return arrow::Status::OK();
    if (stopped()) {
      for (auto& state : states_) state.reset();
      return arrow::Status::OK();
    }
    ThreadState* result = nullptr;
    for (auto& state : states_) {
      if (!state) continue;
      if (result == nullptr) {
        result = state.get();
        continue;
      }
      ARROW_RETURN_NOT_OK(MergeInto(result, state.get()));
      state.reset();
    }
    if (result == nullptr) return output_->InputFinished(this, 0);
    ARROW_ASSIGN_OR_RAISE(auto batch, Result(result));
    for (auto& state : states_) state.reset();
    return EmitInBatches(batch, "IntegerKeyAggregateNode::Emit");
  }

  arrow::Status MergeInto(ThreadState* into, ThreadState* from) {
    PoolArray<uint32_t> mapping(pool());
    ARROW_RETURN_NOT_OK(mapping.Resize(from->table.size()));
    // The groups before and after the NULL key's (whose key is a placeholder) by key.
    const int64_t groups = from->table.size();
    const int64_t null_group = from->table.null_group();
    const int64_t before = null_group >= 0 ? null_group : groups;
    if (dictionary_keys_) {
      // Each thread numbers the strings as it meets them: recode into `into`'s ids.
      PoolArray<int64_t> recoded(pool());
      ARROW_RETURN_NOT_OK(recoded.Resize(groups));
      for (int64_t g = 0; g < groups; ++g) {
        int64_t key = 0;
        for (size_t k = 0; k < keys_.size(); ++k) {
          const uint32_t id = IdOfKey(from->table.keys()[g], k);
          const uint32_t into_id =
              id == DictionaryKeyCodes::kNullId ? id : into->dictionaries[k].IdOf(from->dictionaries[k].value(id));
          key = (key << kBitsPerDictionaryKey) | into_id;
        }
        recoded[g] = key;
      }
      ARROW_RETURN_NOT_OK(into->table.FindMany(recoded.data(), groups, mapping.data()));
      return MergeAccumulators(into, from, mapping.data());
    }
    ARROW_RETURN_NOT_OK(into->table.FindMany(from->table.keys(), before, mapping.data()));
    if (null_group >= 0) {
      ARROW_ASSIGN_OR_RAISE(mapping[null_group], into->table.FindNull());
      ARROW_RETURN_NOT_OK(into->table.FindMany(from->table.keys() + null_group + 1, groups - null_group - 1,
                                               mapping.data() + null_group + 1));
    }
    return MergeAccumulators(into, from, mapping.data());
  }

  arrow::Status MergeAccumulators(ThreadState* into, ThreadState* from, const uint32_t* mapping) {
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      ARROW_RETURN_NOT_OK(into->accumulators[a]->Resize(into->table.size()));
      ARROW_RETURN_NOT_OK(into->accumulators[a]->Merge(*from->accumulators[a], mapping));
    }
    return arrow::Status::OK();
  }

  // The id of dictionary key `k` within a packed group key.
  uint32_t IdOfKey(int64_t packed, size_t k) const {
    const int shift = kBitsPerDictionaryKey * static_cast<int>(keys_.size() - 1 - k);
    return static_cast<uint32_t>(static_cast<uint64_t>(packed) >> shift);
  }

  // The strings of dictionary key `k`, one per group.
  arrow::Result<arrow::Datum> DictionaryKeyColumn(const ThreadState& state, size_t k) {
    arrow::StringBuilder strings(pool());
    const int64_t groups = state.table.size();
    ARROW_RETURN_NOT_OK(strings.Reserve(groups));
    for (int64_t g = 0; g < groups; ++g) {
      const uint32_t id = IdOfKey(state.table.keys()[g], k);
      if (id == DictionaryKeyCodes::kNullId) {
        ARROW_RETURN_NOT_OK(strings.AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(strings.Append(state.dictionaries[k].value(id)));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto column, strings.Finish());
    return arrow::Datum(column->data());
  }

  // The key column then the aggregates, one row per group.
  arrow::Result<cp::ExecBatch> Result(ThreadState* state) {
    const int64_t groups = state->table.size();
    std::vector<arrow::Datum> columns;
    if (dictionary_keys_) {
      for (size_t k = 0; k < keys_.size(); ++k) {
        ARROW_ASSIGN_OR_RAISE(auto column, DictionaryKeyColumn(*state, k));
        columns.push_back(std::move(column));
      }
      return WithAggregates(state, std::move(columns));
    }
    const auto& key_type = output_schema_->field(0)->type();
    const bool wide = key_type->id() == arrow::Type::INT64;
    ARROW_ASSIGN_OR_RAISE(auto keys, arrow::AllocateBuffer(groups * (wide ? 8 : 4), pool()));
    for (int64_t g = 0; g < groups; ++g) {
      if (wide) {
        keys->mutable_data_as<int64_t>()[g] = state->table.keys()[g];
      } else {
        keys->mutable_data_as<int32_t>()[g] = static_cast<int32_t>(state->table.keys()[g]);
      }
    }
    std::shared_ptr<arrow::Buffer> validity;
    int64_t null_count = 0;
    if (state->table.null_group() >= 0) {
      ARROW_ASSIGN_OR_RAISE(validity, arrow::AllocateBitmap(groups, pool()));
      arrow::bit_util::SetBitsTo(validity->mutable_data(), 0, groups, true);
      arrow::bit_util::ClearBit(validity->mutable_data(), state->table.null_group());
      null_count = 1;
    }
    columns.push_back(arrow::ArrayData::Make(key_type, groups, {std::move(validity), std::move(keys)}, null_count));
    return WithAggregates(state, std::move(columns));
  }

  // The key columns then one column per aggregate.
  arrow::Result<cp::ExecBatch> WithAggregates(ThreadState* state, std::vector<arrow::Datum> columns) {
    const int64_t groups = state->table.size();
    for (auto& accumulator : state->accumulators) {
      ARROW_RETURN_NOT_OK(accumulator->Resize(groups));
      ARROW_ASSIGN_OR_RAISE(auto column, accumulator->Finish());
      columns.emplace_back(std::move(column));
    }
    return cp::ExecBatch(std::move(columns), groups);
  }

  const std::vector<int> keys_;
  const bool dictionary_keys_;  // one or two dictionary keys; one integer key otherwise
  const std::vector<AggregateSpec> aggregates_;
  const int64_t expected_groups_;
  std::vector<std::unique_ptr<ThreadState>> states_;  // by thread index
  std::atomic<int> received_{0};
  std::atomic<int> total_batches_{-1};
  std::atomic<bool> finished_{false};
};

}  // namespace

bool IntegerKeyAggregateNodeOptions::Supports(const arrow::Schema& input, const std::vector<std::string>& keys,
                                              const std::vector<cp::Aggregate>& aggregates) {
  if (keys.empty()) return false;
  size_t dictionary_keys = 0;
  for (const auto& name : keys) {
    const int key = input.GetFieldIndex(name);
    if (key < 0) return false;
    if (DictionaryKeyCodes::Reads(*input.field(key)->type())) {
      ++dictionary_keys;
    } else if (!IsIntegerKey(*input.field(key)->type())) {
      return false;
    }
  }
  const bool one_integer = keys.size() == 1 && dictionary_keys == 0;
  const bool dictionaries = dictionary_keys == keys.size() && keys.size() <= kMaxDictionaryKeys;
  return (one_integer || dictionaries) && SupportsAggregates(input, aggregates);
}

bool IntegerKeyAggregateNodeOptions::SupportsAggregates(const arrow::Schema& input,
                                                        const std::vector<cp::Aggregate>& aggregates) {
  for (const auto& call : aggregates) {
    const arrow::DataType* type = nullptr;
    if (call.target.size() > 1) return false;
    if (call.target.size() == 1) {
      const auto* name = call.target[0].name();
      if (name == nullptr || input.GetFieldIndex(*name) < 0) return false;
      type = input.GetFieldByName(*name)->type().get();
    }
    if (!GroupedAccumulator::Supports(WithoutHashPrefix(call.function), type, call.options.get())) return false;
  }
  return true;
}

arrow::Status RegisterIntegerKeyAggregateNode() {
  return RegisterNodeFactory(IntegerKeyAggregateNodeOptions::kFactoryName, IntegerKeyAggregateNode::Make);
}

}  // namespace quiver::exec
