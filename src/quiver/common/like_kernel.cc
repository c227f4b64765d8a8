#include "quiver/common/like_kernel.h"

#include <arrow/array/array_binary.h>
#include <arrow/compute/api_scalar.h>
#include <arrow/compute/function.h>
#include <arrow/compute/kernel.h>
#include <arrow/util/bit_util.h>
#include <string.h>

namespace quiver {

namespace {

namespace cp = arrow::compute;

struct LikeState : public cp::KernelState {
  explicit LikeState(PiecewiseLikePattern pattern) : pattern(std::move(pattern)) {}
  PiecewiseLikePattern pattern;
};

arrow::Result<std::unique_ptr<cp::KernelState>> InitLike(cp::KernelContext*, const cp::KernelInitArgs& args) {
  const auto* options = static_cast<const cp::MatchSubstringOptions*>(args.options);
  if (options == nullptr) return arrow::Status::Invalid(kPiecewiseLikeFunction, " needs MatchSubstringOptions");
  auto pattern = PiecewiseLikePattern::Parse(options->pattern);
  if (!pattern || options->ignore_case) {
    return arrow::Status::Invalid(kPiecewiseLikeFunction, " cannot run the pattern \"", options->pattern, "\"",
                                  options->ignore_case ? " ignoring case" : "");
  }
  return std::make_unique<LikeState>(std::move(*pattern));
}

// Writes each row's match into the preallocated output bitmap; NULL rows (whose
// validity the executor computes) are left false.
template <typename TextOf>
void MatchRows(const PiecewiseLikePattern& pattern, const arrow::ArraySpan& input, TextOf text_of,
               arrow::ArraySpan* out) {
  uint8_t* bits = out->buffers[1].data;
  for (int64_t i = 0; i < input.length; ++i) {
    const bool match = input.IsValid(i) && pattern.Matches(text_of(i));
    arrow::bit_util::SetBitTo(bits, out->offset + i, match);
  }
}

template <typename OffsetType>
arrow::Status ExecOffsets(cp::KernelContext* context, const cp::ExecSpan& batch, cp::ExecResult* out) {
  const auto& pattern = static_cast<const LikeState*>(context->state())->pattern;
  const arrow::ArraySpan& input = batch[0].array;
  const auto* offsets = input.GetValues<OffsetType>(1);
  const char* data = reinterpret_cast<const char*>(input.buffers[2].data);
  MatchRows(
      pattern, input,
      [&](int64_t i) { return std::string_view(data + offsets[i], static_cast<size_t>(offsets[i + 1] - offsets[i])); },
      out->array_span_mutable());
  return arrow::Status::OK();
}

arrow::Status ExecViews(cp::KernelContext* context, const cp::ExecSpan& batch, cp::ExecResult* out) {
  const auto& pattern = static_cast<const LikeState*>(context->state())->pattern;
  const arrow::ArraySpan& input = batch[0].array;
  arrow::StringViewArray views(input.ToArrayData());
  MatchRows(
      pattern, input, [&](int64_t i) { return views.GetView(i); }, out->array_span_mutable());
  return arrow::Status::OK();
}

}  // namespace

std::optional<PiecewiseLikePattern> PiecewiseLikePattern::Parse(std::string_view pattern) {
  if (pattern.find_first_of("_\\") != std::string_view::npos) return std::nullopt;
  PiecewiseLikePattern parsed;
  parsed.anchored_start = !pattern.empty() && pattern.front() != '%';
  parsed.anchored_end = !pattern.empty() && pattern.back() != '%';
  size_t start = 0;
  while (start <= pattern.size()) {
    size_t end = pattern.find('%', start);
    if (end == std::string_view::npos) end = pattern.size();
    if (end > start) parsed.pieces.emplace_back(pattern.substr(start, end - start));
    start = end + 1;
  }
  if (parsed.pieces.size() < 2) return std::nullopt;
  return parsed;
}

bool PiecewiseLikePattern::Matches(std::string_view text) const {
  size_t position = 0;
  size_t first = 0;
  size_t last = pieces.size();
  if (anchored_start) {
    if (!text.starts_with(pieces.front())) return false;
    position = pieces.front().size();
    first = 1;
  }
  if (anchored_end) last -= 1;
  // The leftmost match of each piece leaves the most room for those after it.
  for (size_t i = first; i < last; ++i) {
    const std::string& piece = pieces[i];
    const void* found = memmem(text.data() + position, text.size() - position, piece.data(), piece.size());
    if (found == nullptr) return false;
    position = static_cast<size_t>(static_cast<const char*>(found) - text.data()) + piece.size();
  }
  if (!anchored_end) return true;
  const std::string& tail = pieces.back();
  return text.size() >= position + tail.size() && text.ends_with(tail);
}

arrow::Status RegisterPiecewiseLike(cp::FunctionRegistry* registry) {
  const cp::FunctionDoc doc{"SQL LIKE for patterns of literal pieces between %", "", {"strings"}};
  auto function = std::make_shared<cp::ScalarFunction>(kPiecewiseLikeFunction, cp::Arity::Unary(), doc);
  auto add = [&](arrow::Type::type type, cp::ArrayKernelExec exec) {
    cp::ScalarKernel kernel({cp::InputType(type)}, arrow::boolean(), exec, InitLike);
    kernel.null_handling = cp::NullHandling::INTERSECTION;
    kernel.mem_allocation = cp::MemAllocation::PREALLOCATE;
    return function->AddKernel(std::move(kernel));
  };
  ARROW_RETURN_NOT_OK(add(arrow::Type::STRING, ExecOffsets<int32_t>));
  ARROW_RETURN_NOT_OK(add(arrow::Type::LARGE_STRING, ExecOffsets<int64_t>));
  ARROW_RETURN_NOT_OK(add(arrow::Type::STRING_VIEW, ExecViews));
  return registry->AddFunction(std::move(function), /*allow_overwrite=*/true);
}

}  // namespace quiver
