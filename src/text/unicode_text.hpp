// The Unicode work of the Tokenizer (lm/tokenizer.hpp), over utf8proc:
// normalization and case folding of a piece of text, the classes of code
// points that tokenization needs, and grapheme cluster boundaries.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lm/text_options.hpp"

namespace lm::detail {

// What tokenization needs to know of a code point, from its general category.
enum class CharClass : std::uint8_t {
  kSpace,   // White_Space: categories Zs, Zl, Zp and the controls U+0009-U+000D, U+0085
  kLetter,  // L*
  kDigit,   // Nd
  kPunct,   // P* and S*: punctuation and symbols
  kOther,   // marks, other numbers, format and other controls, unassigned
};

// A code point's class, from its general category (a utf8proc lookup).
[[nodiscard]] CharClass char_class_slow(char32_t c);
// char_class_slow of the ASCII code points, computed at start-up, so that
// char_class needs no call for them.
extern const std::array<CharClass, 128> kAsciiClasses;
[[nodiscard]] inline CharClass char_class(char32_t c) { return c < 128 ? kAsciiClasses[c] : char_class_slow(c); }

// Appends text in the normalization form, case folded when fold, to *out.
// ASCII text is only folded, without a call to utf8proc (ASCII is in every
// normalization form). REQUIRES: text is valid UTF-8 (find_invalid_utf8).
// scratch is working memory kept between calls.
void normalize_text(std::string_view text, Normalization form, bool fold, std::vector<std::int32_t>* scratch,
                    std::string* out);

// Decodes the code point at text[i] and returns the offset of the next one.
// REQUIRES: valid UTF-8, i < text.size().
[[nodiscard]] std::size_t next_code_point(std::string_view text, std::size_t i, char32_t* c);

// True when a grapheme cluster boundary lies between code points a and b
// (UAX #29, as utf8proc implements it); state starts at 0 for each text.
[[nodiscard]] bool grapheme_break(char32_t a, char32_t b, std::int32_t* state);

// True when every byte of text is ASCII.
[[nodiscard]] bool is_ascii(std::string_view text);

}  // namespace lm::detail
