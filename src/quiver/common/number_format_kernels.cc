#include "quiver/common/number_format_kernels.h"

#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/compute/kernel.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "quiver/common/kernel_rows.h"

namespace quiver {

namespace {

namespace cp = arrow::compute;

enum class Element { kDigit9, kDigit0, kPoint, kGroup, kSign, kMinus, kPlus, kSignAlways, kBrackets, kText };

struct FormatElement {
  Element kind;
  std::string text;  // for kText
};

bool StartsWithNoCase(std::string_view text, size_t pos, std::string_view word) {
  if (text.size() - pos < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[pos + i])) != word[i]) return false;
  }
  return true;
}

struct NumberTemplate {
  std::vector<FormatElement> elements;
  bool fill_mode = false;
  int integer_digits = 0;
  int fraction_digits = 0;
  bool explicit_sign = false;
};

arrow::Result<NumberTemplate> ParseNumberTemplate(std::string_view format) {
  NumberTemplate out;
  bool after_point = false;
  size_t pos = 0;
  auto add = [&](Element kind, size_t length, std::string text = "") {
    out.elements.push_back({kind, std::move(text)});
    pos += length;
  };
  while (pos < format.size()) {
    char c = format[pos];
    if (c == '9' || c == '0') {
      (after_point ? out.fraction_digits : out.integer_digits) += 1;
      add(c == '9' ? Element::kDigit9 : Element::kDigit0, 1);
    } else if (c == '.' || c == 'D' || c == 'd') {
      if (after_point) return arrow::Status::Invalid("multiple decimal points");
      after_point = true;
      add(Element::kPoint, 1);
    } else if (c == ',' || c == 'G' || c == 'g') {
      add(Element::kGroup, 1);
    } else if (StartsWithNoCase(format, pos, "FM")) {
      out.fill_mode = true;
      pos += 2;
    } else if (StartsWithNoCase(format, pos, "MI")) {
      out.explicit_sign = true;
      add(Element::kMinus, 2);
    } else if (StartsWithNoCase(format, pos, "PL")) {
      out.explicit_sign = true;
      add(Element::kPlus, 2);
    } else if (StartsWithNoCase(format, pos, "SG")) {
      out.explicit_sign = true;
      add(Element::kSignAlways, 2);
    } else if (StartsWithNoCase(format, pos, "PR")) {
      out.explicit_sign = true;
      add(Element::kBrackets, 2);
    } else if (c == 'S' || c == 's') {
      out.explicit_sign = true;
      add(Element::kSign, 1);
    } else if (StartsWithNoCase(format, pos, "EEEE") || StartsWithNoCase(format, pos, "RN") ||
               StartsWithNoCase(format, pos, "TH") || c == 'V' || c == 'v' || c == 'L' || c == 'l') {
      return arrow::Status::NotImplemented("to_char number format \"", format.substr(pos, c == 'E' ? 4 : 1),
                                           "\" is not supported in this version");
    } else if (c == '"') {
      std::string text;
      ++pos;
      while (pos < format.size() && format[pos] != '"') {
        if (format[pos] == '\\' && pos + 1 < format.size()) ++pos;
        text += format[pos++];
      }
      add(Element::kText, 1, std::move(text));
    } else {
      add(Element::kText, 1, std::string(1, c));
    }
  }
  return out;
}

// The number as sign and decimal digits, rounded half away from zero to `fraction`
// digits after the point.
struct Digits {
  bool negative = false;
  std::string integer;   // without leading zeros; "0" only when there is no fraction
  std::string fraction;  // exactly the rounded fraction digits
};

Digits RoundedDigits(std::string_view number, int fraction) {
  std::string text(number);
  if (text.find_first_of("eE") != std::string::npos) {
    // A double in exponent form: print it plainly first.
    char buffer[512];
    std::snprintf(buffer, sizeof(buffer), "%.*f", std::min(fraction + 1, 60), std::strtod(text.c_str(), nullptr));
    text = buffer;
  }
  Digits out;
  size_t pos = 0;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) out.negative = text[pos++] == '-';
  std::string integer, frac;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) integer += text[pos++];
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) frac += text[pos++];
  }
  bool round_up = static_cast<int>(frac.size()) > fraction && frac[fraction] >= '5';
  frac.resize(fraction, '0');
  std::string all = integer + frac;
  if (round_up) {
    int i = static_cast<int>(all.size()) - 1;
    while (i >= 0 && all[i] == '9') all[i--] = '0';
    if (i >= 0) {
      ++all[i];
    } else {
      all.insert(all.begin(), '1');
    }
  }
  out.fraction = all.substr(all.size() - fraction);
  out.integer = all.substr(0, all.size() - fraction);
  size_t first = out.integer.find_first_not_of('0');
  out.integer = first == std::string::npos ? "" : out.integer.substr(first);
  if (out.integer.empty() && fraction == 0) out.integer = "0";
  // Zero, also when rounded to zero, has no sign.
  if (all.find_first_not_of('0') == std::string::npos) out.negative = false;
  return out;
}

}  // namespace

arrow::Result<std::string> FormatNumber(std::string_view number, std::string_view format) {
  ARROW_ASSIGN_OR_RAISE(auto tmpl, ParseNumberTemplate(format));
  Digits digits = RoundedDigits(number, tmpl.fraction_digits);
  const bool overflow = static_cast<int>(digits.integer.size()) > tmpl.integer_digits;
  const bool fm = tmpl.fill_mode;
  const std::string positive_blank = fm ? "" : " ";

  // The first integer position from which insignificant zeros still print: the first
  // '0' in the template, or where the number's own digits begin.
  int first_zero = tmpl.integer_digits;
  {
    int position = 0;
    for (const auto& e : tmpl.elements) {
      if (e.kind == Element::kDigit9 || e.kind == Element::kDigit0) {
        if (position >= tmpl.integer_digits) break;
        if (e.kind == Element::kDigit0) {
          first_zero = position;
          break;
        }
        ++position;
      }
    }
  }
  const int first_significant = tmpl.integer_digits - static_cast<int>(digits.integer.size());

  // The sign goes right before the number's first printed character unless the
  // template places it (S before the digits is anchored the same way).
  bool sign_pending = true;
  std::string anchored_sign;
  bool leading_s = false;
  for (const auto& e : tmpl.elements) {
    if (e.kind == Element::kDigit9 || e.kind == Element::kDigit0 || e.kind == Element::kPoint) break;
    if (e.kind == Element::kSign) leading_s = true;
  }
  bool has_brackets = false;
  for (const auto& e : tmpl.elements) has_brackets |= e.kind == Element::kBrackets;
  if (leading_s) {
    anchored_sign = digits.negative ? "-" : "+";
  } else if (has_brackets) {
    anchored_sign = digits.negative ? "<" : positive_blank;
  } else if (!tmpl.explicit_sign) {
    anchored_sign = digits.negative ? "-" : positive_blank;
  } else {
    sign_pending = false;
  }

  std::string out;
  auto emit_number_char = [&](const std::string& c) {
    if (sign_pending) {
      out += anchored_sign;
      sign_pending = false;
    }
    out += c;
  };
  int integer_position = 0;
  int fraction_position = 0;
  bool printed_digit = false;
  bool after_point = false;
  size_t fraction_start = std::string::npos;            // where the fraction digits begin in `out`
  std::vector<std::pair<size_t, bool>> fraction_slots;  // output index, is a '9' slot
  for (const auto& e : tmpl.elements) {
    switch (e.kind) {
      case Element::kDigit9:
      case Element::kDigit0:
        if (!after_point) {
          int k = integer_position++;
          if (overflow) {
            emit_number_char("#");
          } else if (k >= first_significant) {
            emit_number_char(std::string(1, digits.integer[k - first_significant]));
            printed_digit = true;
          } else if (k >= first_zero) {
            emit_number_char("0");
            printed_digit = true;
          } else {
            out += positive_blank;
          }
        } else {
          int k = fraction_position++;
          if (fraction_start == std::string::npos) fraction_start = out.size();
          fraction_slots.push_back({out.size(), e.kind == Element::kDigit9});
          emit_number_char(overflow ? "#" : std::string(1, digits.fraction[k]));
        }
        break;
      case Element::kPoint:
        after_point = true;
        emit_number_char(".");
        break;
      case Element::kGroup:
        if (printed_digit || overflow) {
          out += ",";
        } else {
          out += positive_blank;
        }
        break;
      case Element::kSign:
        if (!leading_s) out += digits.negative ? "-" : "+";
        break;
      case Element::kMinus:
        out += digits.negative ? "-" : positive_blank;
        break;
      case Element::kPlus:
        out += digits.negative ? positive_blank : "+";
        break;
      case Element::kSignAlways:
        out += digits.negative ? "-" : "+";
        break;
      case Element::kBrackets:
        out += digits.negative ? ">" : positive_blank;
        break;
      case Element::kText:
        out += e.text;
        break;
    }
  }
  if (fm && !overflow) {
    // Fill mode drops trailing zeros in '9' fraction positions.
    for (auto it = fraction_slots.rbegin(); it != fraction_slots.rend(); ++it) {
      if (!it->second || out[it->first] != '0') break;
      out.erase(it->first, 1);
    }
  }
  return out;
}

namespace {

arrow::Status ToCharNumberExec(cp::KernelContext* ctx, const cp::ExecSpan& batch, cp::ExecResult* out) {
  arrow::StringBuilder builder(ctx->memory_pool());
  ARROW_RETURN_NOT_OK(builder.Reserve(batch.length));
  for (int64_t i = 0; i < batch.length; ++i) {
    if (kernel_rows::AnyNull(batch, i) || kernel_rows::Text(batch[1], i).empty()) {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto text, FormatNumber(kernel_rows::Text(batch[0], i), kernel_rows::Text(batch[1], i)));
    ARROW_RETURN_NOT_OK(builder.Append(text));
  }
  return kernel_rows::Finish(&builder, arrow::utf8(), out);
}

}  // namespace

arrow::Status RegisterNumberFormatKernels(cp::FunctionRegistry* registry) {
  static const cp::FunctionDoc doc{"PostgreSQL's to_char for numbers", "", {"number", "format"}};
  auto function = std::make_shared<cp::ScalarFunction>("quiver_to_char_number", cp::Arity::Binary(), doc);
  cp::ScalarKernel kernel({cp::InputType(arrow::utf8()), cp::InputType(arrow::utf8())}, arrow::utf8(),
                          ToCharNumberExec);
  kernel.null_handling = cp::NullHandling::COMPUTED_NO_PREALLOCATE;
  kernel.mem_allocation = cp::MemAllocation::NO_PREALLOCATE;
  ARROW_RETURN_NOT_OK(function->AddKernel(std::move(kernel)));
  return registry->AddFunction(std::move(function), /*allow_overwrite=*/true);
}

}  // namespace quiver
