#include "text/unicode_text.hpp"

#include <array>
#include <cstring>
#include <utf8proc.h>

#include "lm/error.hpp"

namespace lm::detail {

CharClass char_class_slow(char32_t c) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
      return CharClass::kSpace;
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      return CharClass::kLetter;
    case UTF8PROC_CATEGORY_ND:
      return CharClass::kDigit;
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
    case UTF8PROC_CATEGORY_SM:
    case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK:
    case UTF8PROC_CATEGORY_SO:
      return CharClass::kPunct;
    default:
      // White_Space also holds these controls (PropList.txt).
      return (c >= 0x09 && c <= 0x0D) || c == 0x85 ? CharClass::kSpace : CharClass::kOther;
  }
}

namespace {

utf8proc_option_t utf8proc_options(Normalization form, bool fold) {
  int options = UTF8PROC_STABLE;
  if (form == Normalization::kNfc) options |= UTF8PROC_COMPOSE;
  if (form == Normalization::kNfkc) options |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
  if (fold) options |= UTF8PROC_CASEFOLD;
  return static_cast<utf8proc_option_t>(options);
}

}  // namespace

const std::array<CharClass, 128> kAsciiClasses = [] {
  std::array<CharClass, 128> table{};
  for (char32_t c = 0; c < 128; ++c) table[c] = char_class_slow(c);
  return table;
}();


bool is_ascii(std::string_view text) {
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    if ((w & 0x8080808080808080ULL) != 0) return false;
  }
  for (; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) >= 0x80) return false;
  }
  return true;
}

void normalize_text(std::string_view text, Normalization form, bool fold, std::vector<std::int32_t>* scratch,
                    std::string* out) {
  if (is_ascii(text)) {
    const std::size_t at = out->size();
    out->append(text);
    if (fold) {
      for (std::size_t i = at; i < out->size(); ++i) {
        const char c = (*out)[i];
        if (c >= 'A' && c <= 'Z') (*out)[i] = static_cast<char>(c - 'A' + 'a');
      }
    }
    return;
  }
  if (form == Normalization::kNone && !fold) {
    out->append(text);
    return;
  }
  const utf8proc_option_t options = utf8proc_options(form, fold);
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const auto length = static_cast<utf8proc_ssize_t>(text.size());
  // Decomposition can make the text longer (at most 18 code points from one).
  if (scratch->size() < text.size() + 16) scratch->resize(text.size() * 2 + 16);
  utf8proc_ssize_t n = utf8proc_decompose(bytes, length, scratch->data(), static_cast<utf8proc_ssize_t>(scratch->size()), options);
  if (n > static_cast<utf8proc_ssize_t>(scratch->size())) {
    scratch->resize(static_cast<std::size_t>(n));
    n = utf8proc_decompose(bytes, length, scratch->data(), n, options);
  }
  if (n >= 0) n = utf8proc_normalize_utf32(scratch->data(), n, options);
  if (n >= 0) n = utf8proc_reencode(scratch->data(), n, options);
  if (n < 0) {
    // Valid UTF-8 and these options cannot fail but for memory.
    throw Error(std::string("cannot normalize text: ") + utf8proc_errmsg(n));
  }
  out->append(reinterpret_cast<const char*>(scratch->data()), static_cast<std::size_t>(n));
}

std::size_t next_code_point(std::string_view text, std::size_t i, char32_t* c) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char b = s[i];
  if (b < 0x80) {
    *c = b;
    return i + 1;
  }
  if (b < 0xE0) {
    *c = static_cast<char32_t>((b & 0x1F) << 6 | (s[i + 1] & 0x3F));
    return i + 2;
  }
  if (b < 0xF0) {
    *c = static_cast<char32_t>((b & 0x0F) << 12 | (s[i + 1] & 0x3F) << 6 | (s[i + 2] & 0x3F));
    return i + 3;
  }
  *c = static_cast<char32_t>((b & 0x07) << 18 | (s[i + 1] & 0x3F) << 12 | (s[i + 2] & 0x3F) << 6 | (s[i + 3] & 0x3F));
  return i + 4;
}

bool grapheme_break(char32_t a, char32_t b, std::int32_t* state) {
  return utf8proc_grapheme_break_stateful(static_cast<utf8proc_int32_t>(a), static_cast<utf8proc_int32_t>(b), state);
}

}  // namespace lm::detail
