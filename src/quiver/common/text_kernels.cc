#include "quiver/common/text_kernels.h"

#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/compute/kernel.h>

#include <cstdio>
#include <vector>

#include "quiver/common/kernel_rows.h"

namespace quiver {

namespace {

namespace cp = arrow::compute;

// Splits UTF-8 text into its characters (each a view of 1–4 bytes).
std::vector<std::string_view> Characters(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    length = std::min(length, text.size() - i);
    out.push_back(text.substr(i, length));
    i += length;
  }
  return out;
}

arrow::Status ChrExec(cp::KernelContext* ctx, const cp::ExecSpan& batch, cp::ExecResult* out) {
  arrow::StringBuilder builder(ctx->memory_pool());
  return kernel_rows::MapRows(builder, batch, arrow::utf8(), out,
                              [&](int64_t i) { return CharacterOf(kernel_rows::Value<int64_t>(batch[0], i)); });
}

arrow::Status TranslateExec(cp::KernelContext* ctx, const cp::ExecSpan& batch, cp::ExecResult* out) {
  arrow::StringBuilder builder(ctx->memory_pool());
  return kernel_rows::MapRows(builder, batch, arrow::utf8(), out, [&](int64_t i) {
    return Translate(kernel_rows::Text(batch[0], i), kernel_rows::Text(batch[1], i), kernel_rows::Text(batch[2], i));
  });
}

template <typename Signed, typename Unsigned>
arrow::Status ToHexExec(cp::KernelContext* ctx, const cp::ExecSpan& batch, cp::ExecResult* out) {
  arrow::StringBuilder builder(ctx->memory_pool());
  return kernel_rows::MapRows(builder, batch, arrow::utf8(), out, [&](int64_t i) {
    // Negative numbers print as their two's complement, as in PostgreSQL.
    auto value = static_cast<Unsigned>(kernel_rows::Value<Signed>(batch[0], i));
    char buffer[24];
    std::snprintf(buffer, sizeof(buffer), "%llx", static_cast<unsigned long long>(value));
    return std::string(buffer);
  });
}

arrow::Status AddFunction(cp::FunctionRegistry* registry, const std::string& name, const char* summary,
                          std::vector<std::pair<std::vector<cp::InputType>, cp::ArrayKernelExec>> kernels) {
  const cp::FunctionDoc doc{summary, "", {}};
  auto function = std::make_shared<cp::ScalarFunction>(name, cp::Arity(static_cast<int>(kernels[0].first.size())), doc);
  for (auto& [inputs, exec] : kernels) {
    cp::ScalarKernel kernel(std::move(inputs), arrow::utf8(), exec);
    kernel.null_handling = cp::NullHandling::COMPUTED_NO_PREALLOCATE;
    kernel.mem_allocation = cp::MemAllocation::NO_PREALLOCATE;
    ARROW_RETURN_NOT_OK(function->AddKernel(std::move(kernel)));
  }
  return registry->AddFunction(std::move(function), /*allow_overwrite=*/true);
}

}  // namespace

arrow::Result<std::string> CharacterOf(int64_t code) {
  if (code == 0) return arrow::Status::Invalid("null character not permitted");
  if (code < 0) return arrow::Status::Invalid("character number must be positive");
  if (code > 0x10FFFF) return arrow::Status::Invalid("requested character too large for encoding: ", code);
  if (code >= 0xD800 && code <= 0xDFFF) {
    return arrow::Status::Invalid("requested character not valid for encoding: ", code);
  }
  std::string out;
  auto c = static_cast<uint32_t>(code);
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

std::string Translate(std::string_view text, std::string_view from, std::string_view to) {
  const auto from_chars = Characters(from);
  const auto to_chars = Characters(to);
  std::string out;
  out.reserve(text.size());
  for (std::string_view c : Characters(text)) {
    size_t index = 0;
    while (index < from_chars.size() && from_chars[index] != c) ++index;
    if (index == from_chars.size()) {
      out += c;
    } else if (index < to_chars.size()) {
      out += to_chars[index];
    }
  }
  return out;
}

arrow::Status RegisterTextKernels(cp::FunctionRegistry* registry) {
  const cp::InputType text(arrow::utf8());
  ARROW_RETURN_NOT_OK(AddFunction(registry, "quiver_chr", "PostgreSQL's chr", {{{arrow::int64()}, ChrExec}}));
  ARROW_RETURN_NOT_OK(
      AddFunction(registry, "quiver_translate", "PostgreSQL's translate", {{{text, text, text}, TranslateExec}}));
  return AddFunction(
      registry, "quiver_to_hex", "PostgreSQL's to_hex",
      {{{arrow::int32()}, ToHexExec<int32_t, uint32_t>}, {{arrow::int64()}, ToHexExec<int64_t, uint64_t>}});
}

}  // namespace quiver
