#include "quiver/common/decimal_arithmetic.h"

#include <arrow/array/data.h>
#include <arrow/compute/api_scalar.h>
#include <arrow/compute/cast.h>
#include <arrow/compute/function.h>
#include <arrow/compute/kernel.h>
#include <arrow/compute/registry.h>
#include <arrow/scalar.h>
#include <arrow/util/bit_util.h>

#include <cstring>
#include <map>
#include <mutex>

#include "quiver/common/decimal_result_type.h"

namespace quiver {

namespace {

namespace cp = arrow::compute;
using Int128 = __int128;

// Decimal128 values are two's-complement 128-bit little-endian integers: __int128's
// layout on the platforms Arrow supports.
static_assert(sizeof(Int128) == 16);

struct Add {
  static bool Apply(Int128 a, Int128 b, Int128* out) { return __builtin_add_overflow(a, b, out); }
};
struct Subtract {
  static bool Apply(Int128 a, Int128 b, Int128* out) { return __builtin_sub_overflow(a, b, out); }
};
struct Multiply {
  static bool Apply(Int128 a, Int128 b, Int128* out) { return __builtin_mul_overflow(a, b, out); }
};

// An operand: a column of values or one value for every row.
struct Operand {
  const uint8_t* values = nullptr;  // null for a scalar
  Int128 scalar = 0;

  Int128 at(int64_t i) const {
    if (values == nullptr) return scalar;
    Int128 value;
    std::memcpy(&value, values + i * sizeof(Int128), sizeof(value));
    return value;
  }
};

Operand OperandOf(const cp::ExecValue& value) {
  Operand operand;
  if (value.is_array()) {
    operand.values = value.array.buffers[1].data + value.array.offset * sizeof(Int128);
  } else {
    const auto& scalar = static_cast<const arrow::Decimal128Scalar&>(*value.scalar);
    std::memcpy(&operand.scalar, scalar.value.native_endian_bytes(), sizeof(Int128));
  }
  return operand;
}

template <typename Op>
arrow::Status Exec(cp::KernelContext*, const cp::ExecSpan& batch, cp::ExecResult* out) {
  const Operand left = OperandOf(batch[0]);
  const Operand right = OperandOf(batch[1]);
  arrow::ArraySpan* result = out->array_span_mutable();
  uint8_t* values = result->buffers[1].data + result->offset * sizeof(Int128);
  bool overflowed = false;
  for (int64_t i = 0; i < batch.length; ++i) {
    Int128 value;
    overflowed |= Op::Apply(left.at(i), right.at(i), &value);
    std::memcpy(values + i * sizeof(Int128), &value, sizeof(value));
  }
  if (!overflowed) return arrow::Status::OK();
  // Slots of NULL rows hold arbitrary bytes: only a row with a value may fail.
  const uint8_t* validity = result->buffers[0].data;
  for (int64_t i = 0; i < batch.length; ++i) {
    Int128 ignored;
    if (Op::Apply(left.at(i), right.at(i), &ignored) &&
        (validity == nullptr || arrow::bit_util::GetBit(validity, result->offset + i))) {
      return arrow::Status::Invalid("decimal overflow: the result does not fit in 128 bits");
    }
  }
  return arrow::Status::OK();
}

template <typename Op>
arrow::Status RegisterOne(const std::string& name) {
  static const cp::FunctionDoc doc{"Decimal arithmetic on native 128-bit integers",
                                   "Fails where the result would wrap around 128 bits.",
                                   {"left", "right"},
                                   "CastOptions"};
  auto function = std::make_shared<cp::ScalarFunction>(name, cp::Arity::Binary(), doc);
  cp::ScalarKernel kernel({cp::InputType(arrow::Type::DECIMAL128), cp::InputType(arrow::Type::DECIMAL128)},
                          cp::OutputType(DecimalResultType), Exec<Op>, InitDecimalResultType);
  ARROW_RETURN_NOT_OK(function->AddKernel(std::move(kernel)));
  return cp::GetFunctionRegistry()->AddFunction(std::move(function));
}

// Arrow's function names and the native function each maps to; whether Arrow aligns
// the operands' scales first.
struct Native {
  const char* name;
  bool same_scales;
};

const std::map<std::string, Native>& NativeFunctions() {
  static const std::map<std::string, Native> functions = {
      {"add", {"quiver_decimal_add", true}},
      {"add_checked", {"quiver_decimal_add", true}},
      {"subtract", {"quiver_decimal_subtract", true}},
      {"subtract_checked", {"quiver_decimal_subtract", true}},
      {"multiply", {"quiver_decimal_multiply", false}},
      {"multiply_checked", {"quiver_decimal_multiply", false}},
  };
  return functions;
}

}  // namespace

arrow::Status RegisterDecimalArithmetic() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] {
    status = RegisterOne<Add>("quiver_decimal_add");
    if (status.ok()) status = RegisterOne<Subtract>("quiver_decimal_subtract");
    if (status.ok()) status = RegisterOne<Multiply>("quiver_decimal_multiply");
  });
  return status;
}

arrow::Result<cp::Expression> WithNativeDecimalArithmetic(const cp::Expression& bound, const arrow::Schema& schema) {
  const auto* call = bound.call();
  if (call == nullptr || call->arguments.size() != 2 || bound.type()->id() != arrow::Type::DECIMAL128) return bound;
  auto native = NativeFunctions().find(call->function_name);
  if (native == NativeFunctions().end()) return bound;
  const auto* left = call->arguments[0].type();
  const auto* right = call->arguments[1].type();
  if (left == nullptr || right == nullptr || left->id() != arrow::Type::DECIMAL128 ||
      right->id() != arrow::Type::DECIMAL128) {
    return bound;
  }
  if (native->second.same_scales && static_cast<const arrow::Decimal128Type&>(*left).scale() !=
                                        static_cast<const arrow::Decimal128Type&>(*right).scale()) {
    return bound;
  }
  ARROW_RETURN_NOT_OK(RegisterDecimalArithmetic());
  return cp::call(native->second.name, call->arguments,
                  std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(bound.type()->GetSharedPtr())))
      .Bind(schema);
}

}  // namespace quiver
