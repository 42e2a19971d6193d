// Tokens: a line split into tokens as a model reads text (lm/text_options.hpp),
// checked for UTF-8 and reserved words. Lines come from LineReader
// (lm/line_reader.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lm/text_options.hpp"

namespace lm {

inline constexpr std::string_view kUnkWord = "<unk>";
inline constexpr std::string_view kBosWord = "<s>";
inline constexpr std::string_view kEosWord = "</s>";

// True for the ASCII whitespace that separates tokens: space, tab, CR, LF, FF, VT.
[[nodiscard]] constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

// Splits line on ASCII whitespace into out (cleared first). Views point into line.
void split_tokens(std::string_view line, std::vector<std::string_view>* out);

// Returns the byte offset of the first byte that is not valid UTF-8 (or is a
// NUL byte), or std::string_view::npos when the whole text is valid.
[[nodiscard]] std::size_t find_invalid_utf8(std::string_view text);

// Why a line cannot be used as a sentence.
enum class LineProblem : std::uint8_t {
  kNone,
  kInvalidUtf8,     // a byte sequence that is not UTF-8 (Latin-1 text, say)
  kNulByte,         // a NUL byte: binary data
  kBoundaryInside,  // "<s>" or "</s>" inside the line, where no boundary can be
};
inline constexpr std::size_t kLineProblems = 4;  // the values of LineProblem

struct LineCheck {
  LineProblem problem = LineProblem::kNone;
  std::size_t byte = 0;  // offset in the line of the offending byte or token
  [[nodiscard]] bool ok() const { return problem == LineProblem::kNone; }
};

// Splits one line of a corpus or of text to score into tokens (out, cleared
// first; views into line), after checking it. Sentence boundaries are added
// implicitly, so a "<s>" that starts the line and a "</s>" that ends it (as
// prepared corpora and SRILM/IRSTLM data write them) are dropped; anywhere
// else they are a problem. "<unk>" is allowed and means the unknown word.
// Returns what is wrong with the line (out is then unspecified).
[[nodiscard]] LineCheck tokenize_line(std::string_view line, std::vector<std::string_view>* out);

// What is wrong and what to do about it, in one sentence without the source
// and line number. REQUIRES: !check.ok(), check came from tokenize_line(line).
[[nodiscard]] std::string describe_line_problem(std::string_view line, LineCheck check);

// A short name for a kind of problem, for counts: "invalid UTF-8", ...
[[nodiscard]] std::string_view line_problem_name(LineProblem problem);

// tokenize_line, throwing FormatError(source, line_number, describe_line_problem)
// for a line with a problem.
void tokenize_checked(std::string_view line, const std::string& source, std::uint64_t line_number,
                      std::vector<std::string_view>* out);

// A line's tokens as TextOptions say; with default options exactly
// tokenize_line. Keep one per thread: tokens are views into the line, into
// the options or into the tokenizer's own buffer, valid until its next call.
//
// Words: the line is split at white space; a <s> that starts it and a </s>
// that ends it are dropped, and <unk> is kept as it is (neither normalized,
// folded nor split). Each other piece is normalized, case folded and, with
// split_punct, split into words and punctuation (grapheme clusters that
// start with a punctuation or symbol code point). Chars: the normalized,
// folded line's code points that are not white space, with the space token
// between runs of them. Bytes: every byte, as <0xHH> (any byte is valid).
class Tokenizer {
 public:
  // REQUIRES: check_text_options(options) does not throw.
  explicit Tokenizer(TextOptions options = {});

  // Like tokenize_line: what is wrong with the line (out is then unspecified).
  // check.byte is an offset in line.
  [[nodiscard]] LineCheck tokenize(std::string_view line, std::vector<std::string_view>* out);
  // tokenize, throwing FormatError(source, line_number, ...) for a bad line.
  void tokenize_checked(std::string_view line, const std::string& source, std::uint64_t line_number,
                        std::vector<std::string_view>* out);

  // The text that tokens stand for: words joined by spaces; chars joined
  // with the space token read as a space; bytes turned back into bytes.
  // Reserved words (<unk>, ...) stay as they are.
  [[nodiscard]] std::string join(std::span<const std::string_view> tokens) const;

  // A context or prefix: text that more text follows (lm next, lm generate).
  // Like tokenize, but a leading <s> word, whatever the units, is not a token:
  // it says that the text starts a sentence (*starts_sentence). Chars with a
  // space token: white space that ends the text gives a last space token
  // ("the " is then followed by a word's first character). check.byte is an
  // offset in text.
  [[nodiscard]] LineCheck tokenize_prefix(std::string_view text, std::vector<std::string_view>* out,
                                          bool* starts_sentence);
  // tokenize_prefix for a context or prefix, also refusing one whose last
  // word is </s> (nothing follows the end of a sentence). Returns "" when
  // text can be one, else why not in one sentence: describe_line_problem's,
  // or "'</s>' ends <what>, ..." with what naming the text ("the context").
  // *problem (if not null) says which kind (kBoundaryInside for the </s>).
  [[nodiscard]] std::string read_prefix(std::string_view text, std::vector<std::string_view>* out,
                                        bool* starts_sentence, std::string_view what,
                                        LineProblem* problem = nullptr);

  // True when tokens point into the line or into static memory (default
  // options, bytes): they stay valid after the next call, as long as the line.
  [[nodiscard]] bool views_outlive_call() const {
    return options_.is_default() || options_.units == TextUnits::kBytes;
  }

  [[nodiscard]] const TextOptions& options() const { return options_; }

 private:
  TextOptions options_;
  std::string text_;                 // the normalized line or pieces
  std::vector<std::size_t> spans_;   // token offsets into text_, in pairs
  std::vector<std::int32_t> code_points_;
};

// Copies of tokens that stay where they are until clear(): for tokens that
// must outlive the Tokenizer call that made them.
class TokenStore {
 public:
  // Points each token at a copy of it held here.
  void keep(std::vector<std::string_view>* tokens);
  void clear();

 private:
  std::vector<std::string> blocks_;  // never reallocated once filled
  std::size_t used_ = 0;             // blocks_ in use (the last may have room)
};

// True when the last white-space-separated word of text is </s>: a context
// or prefix that nothing can follow.
[[nodiscard]] bool ends_with_eos_word(std::string_view text);

// The token for byte b under TextUnits::kBytes: "<0x0A>" (SentencePiece's
// byte-fallback spelling). The view is static.
[[nodiscard]] std::string_view byte_token(unsigned char b);

}  // namespace lm
