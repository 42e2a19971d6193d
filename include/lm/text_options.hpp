// How a model reads text: the units of its tokens and what is done to a line
// before it is split. Chosen at training (lm train --units, --lowercase,
// --normalize, --split-punct, --space-token), stored in the model and in ARPA
// comments, and applied by every reader of the model (lm/tokenizer.hpp), so
// that raw text is scored as the training text was read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lm {

enum class TextUnits : std::uint8_t {
  kWords = 0,  // tokens separated by white space
  kChars = 1,  // every code point that is not white space
  kBytes = 2,  // every byte of the line, spelled <0xHH>: any encoding
};

enum class Normalization : std::uint8_t { kNone = 0, kNfc = 1, kNfkc = 2 };

struct TextOptions {
  TextUnits units = TextUnits::kWords;
  Normalization normalize = Normalization::kNone;  // Unicode normalization form of the line
  bool lowercase = false;    // Unicode full case folding (ß -> ss), after normalization
  // Words: every punctuation or symbol code point (categories P* and S*) is a
  // token of its own, and any Unicode white space separates tokens; an
  // apostrophe or hyphen between letters, and a period or comma between
  // digits, stay inside the word.
  bool split_punct = false;
  // Chars: when not empty, a run of white space between two tokens becomes
  // this token, so that the model keeps word boundaries ("▁", "<space>").
  std::string space_token;

  static constexpr std::size_t kMaxSpaceTokenBytes = 48;  // what the model header holds

  // Today's and every older model's reading: words split at ASCII white space.
  [[nodiscard]] bool is_default() const { return *this == TextOptions{}; }
  bool operator==(const TextOptions&) const = default;
};

// Throws ConfigError naming the setting ("units", "normalize", "lowercase",
// "split_punct", "space_token") for options that cannot go together:
// split_punct with chars or bytes, lowercase or normalize with bytes (bytes
// are read as they are, whatever the encoding), a space token without chars,
// or one that is not valid UTF-8, holds white space, is a reserved word
// (<s>, </s>, <unk>) or is longer than kMaxSpaceTokenBytes.
void check_text_options(const TextOptions& options);

// The options as lm train's flags, "" for the default ("--units chars
// --normalize nfkc --lowercase --space-token ▁"): for lm info and for the
// ARPA comment. parse_text_flags reads that back; false (and *options
// unspecified) for text that is not such a list or fails check_text_options.
[[nodiscard]] std::string text_flags(const TextOptions& options);
[[nodiscard]] bool parse_text_flags(std::string_view flags, TextOptions* options);

std::string_view units_name(TextUnits units);              // "words", "chars", "bytes"
std::string_view normalization_name(Normalization form);   // "none", "nfc", "nfkc"
// The names above read back; false (and *out unchanged) for any other name.
[[nodiscard]] bool parse_units(std::string_view name, TextUnits* units);
[[nodiscard]] bool parse_normalization(std::string_view name, Normalization* form);

}  // namespace lm
