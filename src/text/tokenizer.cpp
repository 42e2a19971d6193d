#include "lm/tokenizer.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "lm/error.hpp"
#include "text/unicode_text.hpp"

namespace lm {

namespace {

// Bit j set when byte j of the 64 at p (of which only the first n < 64 when
// n is less) is whitespace; bits past n are set.
std::uint64_t space_mask(const char* p, std::size_t n) {
  char block[64];
  if (n < 64) {
    std::memset(block, ' ', 64);
    std::memcpy(block, p, n);
    p = block;
  }
#if defined(__SSE2__)
  // is_space(c): c == ' ' or c - '\t' <= 4 unsigned ('\t' '\n' '\v' '\f' '\r').
  const __m128i blank = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'), four = _mm_set1_epi8(4);
  std::uint64_t mask = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const __m128i d = _mm_sub_epi8(c, tab);
    const __m128i space = _mm_or_si128(_mm_cmpeq_epi8(c, blank), _mm_cmpeq_epi8(_mm_min_epu8(d, four), d));
    mask |= static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(space))) << (16 * k);
  }
  return mask;
#else
  std::uint64_t mask = 0;
  for (int j = 0; j < 64; ++j) mask |= static_cast<std::uint64_t>(is_space(p[j])) << j;
  return mask;
#endif
}

}  // namespace

void split_tokens(std::string_view line, std::vector<std::string_view>* out) {
  out->clear();
  // 64 bytes at a time: a mask of the whitespace bytes gives the tokens'
  // starts and ends without a branch per byte.
  const char* data = line.data();
  const std::size_t n = line.size();
  bool in_token = false;  // a token runs on from the block before
  std::size_t start = 0;
  for (std::size_t block = 0; block < n; block += 64) {
    const std::uint64_t space = space_mask(data + block, n - block);
    const std::uint64_t space_before = space << 1 | static_cast<std::uint64_t>(!in_token);  // byte j-1 is whitespace
    std::uint64_t starts = ~space & space_before;
    std::uint64_t ends = space & ~space_before;
    // Starts and ends alternate.
    for (;;) {
      if (!in_token) {
        if (starts == 0) break;
        start = block + static_cast<std::size_t>(std::countr_zero(starts));
        starts &= starts - 1;
        in_token = true;
      } else {
        if (ends == 0) break;
        const std::size_t end = block + static_cast<std::size_t>(std::countr_zero(ends));
        ends &= ends - 1;
        out->emplace_back(data + start, end - start);
        in_token = false;
      }
    }
  }
  if (in_token) out->emplace_back(data + start, n - start);
}

std::size_t find_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // Eight ASCII bytes at a time: no high bit set and no NUL byte.
    while (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, s + i, 8);
      constexpr std::uint64_t kLow = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
      if (((w | ((w - kLow) & ~w)) & kHigh) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = s[i];
    if (c >= 0x01 && c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // no UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;  // NUL, stray continuation byte, overlong lead or > U+10FFFF
    }
    if (i + len > n || s[i + 1] < lo || s[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

LineCheck tokenize_line(std::string_view line, std::vector<std::string_view>* out) {
  const std::size_t bad = find_invalid_utf8(line);
  if (bad != std::string_view::npos) {
    return {line[bad] == '\0' ? LineProblem::kNulByte : LineProblem::kInvalidUtf8, bad};
  }
  split_tokens(line, out);
  if (out->empty()) return {};
  if (out->back() == kEosWord) out->pop_back();
  if (!out->empty() && out->front() == kBosWord) out->erase(out->begin());
  for (std::string_view token : *out) {
    if (token.size() <= 4 && (token == kBosWord || token == kEosWord)) {
      return {LineProblem::kBoundaryInside, static_cast<std::size_t>(token.data() - line.data())};
    }
  }
  return {};
}

std::string describe_line_problem(std::string_view line, LineCheck check) {
  switch (check.problem) {
    case LineProblem::kNulByte:
      return fmt::format("NUL byte at byte {}; is this a binary file? Text must be UTF-8", check.byte + 1);
    case LineProblem::kInvalidUtf8:
      return fmt::format("invalid UTF-8 at byte {} (0x{:02X}); convert the text to UTF-8, "
                         "e.g. with iconv -f latin1 -t utf-8",
                         check.byte + 1, static_cast<unsigned char>(line[check.byte]));
    case LineProblem::kBoundaryInside: {
      std::string_view token = line.substr(check.byte);
      std::size_t length = 0;
      while (length < token.size() && !is_space(token[length])) ++length;
      token = token.substr(0, length);
      return fmt::format("'{}' inside a sentence (at byte {}); sentence boundaries are added automatically "
                         "(a <s> that starts a line and a </s> that ends it are ignored), so remove it",
                         token, check.byte + 1);
    }
    case LineProblem::kNone: break;
  }
  return "no problem";
}

std::string_view line_problem_name(LineProblem problem) {
  switch (problem) {
    case LineProblem::kInvalidUtf8: return "invalid UTF-8";
    case LineProblem::kNulByte: return "NUL byte";
    case LineProblem::kBoundaryInside: return "<s> or </s> inside a line";
    case LineProblem::kNone: break;
  }
  return "none";
}

void tokenize_checked(std::string_view line, const std::string& source, std::uint64_t line_number,
                      std::vector<std::string_view>* out) {
  const LineCheck check = tokenize_line(line, out);
  if (!check.ok()) throw FormatError(source, line_number, describe_line_problem(line, check));
}

}  // namespace lm

namespace lm {

namespace {

constexpr std::size_t kSpaceSpan = ~std::size_t{0};  // a span that stands for the space token

bool is_apostrophe_or_hyphen(char32_t c) {
  return c == U'\'' || c == U'\u2019' || c == U'-' || c == U'\u2010' || c == U'\u2011';
}

// Whether punctuation c between clusters of classes before and after stays
// inside the word (TextOptions::split_punct): an apostrophe or hyphen
// between letters, a period or comma between digits.
bool joins_word(char32_t c, detail::CharClass before, detail::CharClass after) {
  using detail::CharClass;
  return (is_apostrophe_or_hyphen(c) && before == CharClass::kLetter && after == CharClass::kLetter) ||
         ((c == U'.' || c == U',') && before == CharClass::kDigit && after == CharClass::kDigit);
}

bool is_reserved_boundary(std::string_view token) { return token == kBosWord || token == kEosWord; }

const std::array<std::string, 256>& byte_tokens() {
  static const std::array<std::string, 256> tokens = [] {
    std::array<std::string, 256> t;
    for (unsigned b = 0; b < 256; ++b) t[b] = fmt::format("<0x{:02X}>", b);
    return t;
  }();
  return tokens;
}

// A grapheme cluster of a piece of text: [begin, end) bytes, and the class
// of its first code point.
struct Cluster {
  std::size_t begin = 0, end = 0;
  detail::CharClass kind = detail::CharClass::kOther;
  char32_t first = 0;
};

// Splits text[begin, end) into words and, with split_punct, punctuation
// (see TextOptions::split_punct), appending [begin, end) offsets to spans.
void split_words(std::string_view text, std::size_t begin, std::size_t end, bool split_punct,
                 std::vector<std::size_t>* spans) {
  std::size_t word = kSpaceSpan;  // start of the word being read
  const auto close = [&](std::size_t at) {
    if (word != kSpaceSpan) {
      spans->push_back(word);
      spans->push_back(at);
      word = kSpaceSpan;
    }
  };
  if (!split_punct) {
    // Words end at white space only.
    for (std::size_t i = begin; i < end;) {
      char32_t c;
      const std::size_t next = detail::next_code_point(text, i, &c);
      if (detail::char_class(c) == detail::CharClass::kSpace) {
        close(i);
      } else if (word == kSpaceSpan) {
        word = i;
      }
      i = next;
    }
    close(end);
    return;
  }
  if (detail::is_ascii(text.substr(begin, end - begin))) {
    // Every ASCII character is a cluster of its own (no CR LF inside a piece).
    using detail::CharClass;
    const auto kind = [&text](std::size_t i) { return detail::char_class(static_cast<unsigned char>(text[i])); };
    for (std::size_t i = begin; i < end; ++i) {
      const CharClass k = kind(i);
      if (k == CharClass::kSpace) {
        close(i);
      } else if (k != CharClass::kPunct) {
        if (word == kSpaceSpan) word = i;
      } else {
        const bool joins = word != kSpaceSpan && i + 1 < end &&
                           joins_word(static_cast<unsigned char>(text[i]), kind(i - 1), kind(i + 1));
        if (!joins) {
          close(i);
          spans->push_back(i);
          spans->push_back(i + 1);
        }
      }
    }
    close(end);
    return;
  }
  // Grapheme clusters, so that marks stay with their base and emoji
  // sequences stay whole; a cluster is punctuation if its first code point is.
  Cluster previous, current, next;
  std::int32_t state = 0;
  std::size_t i = begin;
  const auto read_cluster = [&](Cluster* cluster) {
    if (i >= end) return false;
    cluster->begin = i;
    i = detail::next_code_point(text, i, &cluster->first);
    cluster->kind = detail::char_class(cluster->first);
    char32_t last = cluster->first;
    while (i < end) {
      char32_t c;
      const std::size_t after = detail::next_code_point(text, i, &c);
      if (detail::grapheme_break(last, c, &state)) break;
      last = c;
      i = after;
    }
    cluster->end = i;
    return true;
  };
  bool has_next = read_cluster(&next);
  bool has_previous = false;
  while (has_next) {
    current = next;
    has_next = read_cluster(&next);
    using detail::CharClass;
    if (current.kind == CharClass::kSpace) {
      close(current.begin);
    } else if (current.kind != CharClass::kPunct) {
      if (word == kSpaceSpan) word = current.begin;
    } else {
      const bool joins = word != kSpaceSpan && has_previous && has_next &&
                         joins_word(current.first, previous.kind, next.kind);
      if (!joins) {
        close(current.begin);
        spans->push_back(current.begin);
        spans->push_back(current.end);
      }
    }
    previous = current;
    has_previous = true;
  }
  close(end);
}

// Appends the code points of text[begin, end) that are not white space, as
// spans, with a kSpaceSpan pair for each run of white space between two of
// them (when space_token); *gap says white space came before.
void split_chars(std::string_view text, std::size_t begin, std::size_t end, bool space_token, bool* gap,
                 std::vector<std::size_t>* spans) {
  for (std::size_t i = begin; i < end;) {
    char32_t c;
    const std::size_t next = detail::next_code_point(text, i, &c);
    if (detail::char_class(c) == detail::CharClass::kSpace) {
      *gap = true;
    } else {
      if (*gap && space_token && !spans->empty()) {
        spans->push_back(kSpaceSpan);
        spans->push_back(kSpaceSpan);
      }
      *gap = false;
      spans->push_back(i);
      spans->push_back(next);
    }
    i = next;
  }
}

}  // namespace

std::string_view byte_token(unsigned char b) { return byte_tokens()[b]; }

Tokenizer::Tokenizer(TextOptions options) : options_(std::move(options)) {}

LineCheck Tokenizer::tokenize(std::string_view line, std::vector<std::string_view>* out) {
  if (options_.units == TextUnits::kBytes) {
    out->clear();
    for (const char b : line) out->push_back(byte_token(static_cast<unsigned char>(b)));
    return {};
  }
  if (options_.is_default()) return tokenize_line(line, out);
  const std::size_t bad = find_invalid_utf8(line);
  if (bad != std::string_view::npos) {
    return {line[bad] == '\0' ? LineProblem::kNulByte : LineProblem::kInvalidUtf8, bad};
  }
  // Pieces between ASCII white space, each normalized on its own (white
  // space neither changes nor combines under normalization or folding).
  split_tokens(line, out);
  text_.clear();
  spans_.clear();
  const bool words = options_.units == TextUnits::kWords;
  if (words && !out->empty()) {
    if (out->back() == kEosWord) out->pop_back();
    if (!out->empty() && out->front() == kBosWord) out->erase(out->begin());
  }
  bool gap = false;
  for (const std::string_view piece : *out) {
    const auto offset = static_cast<std::size_t>(piece.data() - line.data());
    if (words && piece.size() <= 5 && piece[0] == '<') {
      if (is_reserved_boundary(piece)) return {LineProblem::kBoundaryInside, offset};
      if (piece == kUnkWord) {  // the unknown word as it is
        spans_.push_back(text_.size());
        text_ += piece;
        spans_.push_back(text_.size());
        continue;
      }
    }
    const std::size_t begin = text_.size();
    detail::normalize_text(piece, options_.normalize, options_.lowercase, &code_points_, &text_);
    if (words) {
      const std::size_t first = spans_.size();
      split_words(text_, begin, text_.size(), options_.split_punct, &spans_);
      // Folding or normalization can make a boundary word ("<S>").
      for (std::size_t k = first; k < spans_.size(); k += 2) {
        if (is_reserved_boundary(std::string_view(text_).substr(spans_[k], spans_[k + 1] - spans_[k]))) {
          return {LineProblem::kBoundaryInside, offset};
        }
      }
    } else {
      gap = true;
      split_chars(text_, begin, text_.size(), !options_.space_token.empty(), &gap, &spans_);
    }
  }
  out->clear();
  for (std::size_t k = 0; k < spans_.size(); k += 2) {
    if (spans_[k] == kSpaceSpan) {
      out->push_back(options_.space_token);
    } else {
      out->emplace_back(text_.data() + spans_[k], spans_[k + 1] - spans_[k]);
    }
  }
  return {};
}

bool ends_with_eos_word(std::string_view text) {
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text.ends_with(kEosWord) && (text.size() == kEosWord.size() || is_space(text[text.size() - 5]));
}

std::string Tokenizer::read_prefix(std::string_view text, std::vector<std::string_view>* out, bool* starts_sentence,
                                   std::string_view what, LineProblem* problem) {
  const LineCheck check = tokenize_prefix(text, out, starts_sentence);
  if (problem != nullptr) *problem = check.problem;
  if (!check.ok()) return describe_line_problem(text, check);
  if (ends_with_eos_word(text)) {
    if (problem != nullptr) *problem = LineProblem::kBoundaryInside;
    return fmt::format("'</s>' ends {}, and nothing follows the end of a sentence: remove it", what);
  }
  return {};
}

LineCheck Tokenizer::tokenize_prefix(std::string_view text, std::vector<std::string_view>* out,
                                     bool* starts_sentence) {
  std::size_t skip = 0;
  while (skip < text.size() && is_space(text[skip])) ++skip;
  const std::string_view rest = text.substr(skip);
  *starts_sentence = rest.starts_with(kBosWord) && (rest.size() == 3 || is_space(rest[3]));
  if (*starts_sentence) text = rest.substr(3);
  LineCheck check = tokenize(text, out);
  if (!check.ok() && *starts_sentence) check.byte += skip + 3;
  if (check.ok() && options_.units == TextUnits::kChars && !options_.space_token.empty() && !out->empty() &&
      !text.empty()) {
    // The text's last code point: white space (ASCII or not) asks for a boundary.
    std::size_t last = text.size() - 1;
    while (last > 0 && (static_cast<unsigned char>(text[last]) & 0xC0) == 0x80) --last;
    char32_t c;
    (void)detail::next_code_point(text, last, &c);
    if (detail::char_class(c) == detail::CharClass::kSpace) out->push_back(options_.space_token);
  }
  return check;
}

void TokenStore::keep(std::vector<std::string_view>* tokens) {
  std::size_t bytes = 0;
  for (std::string_view t : *tokens) bytes += t.size();
  if (used_ == 0 || blocks_[used_ - 1].capacity() - blocks_[used_ - 1].size() < bytes) {
    if (used_ == blocks_.size()) blocks_.emplace_back();
    std::string& block = blocks_[used_++];
    block.clear();
    block.reserve(std::max<std::size_t>(bytes, 1 << 16));
  }
  std::string& block = blocks_[used_ - 1];
  for (std::string_view& t : *tokens) {
    const std::size_t at = block.size();
    block.append(t);  // within the reserved capacity: no reallocation
    t = std::string_view(block).substr(at, t.size());
  }
}

void TokenStore::clear() {
  for (std::size_t i = 0; i < used_; ++i) blocks_[i].clear();
  used_ = 0;
}

void Tokenizer::tokenize_checked(std::string_view line, const std::string& source, std::uint64_t line_number,
                                 std::vector<std::string_view>* out) {
  const LineCheck check = tokenize(line, out);
  if (!check.ok()) throw FormatError(source, line_number, describe_line_problem(line, check));
}

std::string Tokenizer::join(std::span<const std::string_view> tokens) const {
  std::string text;
  switch (options_.units) {
    case TextUnits::kWords:
      for (std::string_view t : tokens) {
        if (!text.empty()) text += ' ';
        text += t;
      }
      break;
    case TextUnits::kChars:
      for (std::string_view t : tokens) {
        if (!options_.space_token.empty() && t == options_.space_token) {
          text += ' ';
        } else {
          text += t;
        }
      }
      break;
    case TextUnits::kBytes:
      for (std::string_view t : tokens) {
        unsigned value = 0;
        if (t.size() == 6 && t.starts_with("<0x") && t.back() == '>' &&
            std::from_chars(t.data() + 3, t.data() + 5, value, 16).ptr == t.data() + 5 && byte_token(static_cast<unsigned char>(value)) == t) {
          text += static_cast<char>(value);
        } else {
          text += t;
        }
      }
      break;
  }
  return text;
}

}  // namespace lm
