#include "lm/tokenizer.hpp"

#include <bit>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "lm/error.hpp"

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
      const std::string_view token = line.substr(check.byte, line[check.byte + 1] == '/' ? 4 : 3);
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

Tokenizer::Tokenizer(TextOptions options) : options_(std::move(options)) {}

LineCheck Tokenizer::tokenize(std::string_view line, std::vector<std::string_view>* out) {
  return tokenize_line(line, out);  // TODO(units): the options
}

void Tokenizer::tokenize_checked(std::string_view line, const std::string& source, std::uint64_t line_number,
                                 std::vector<std::string_view>* out) {
  const LineCheck check = tokenize(line, out);
  if (!check.ok()) throw FormatError(source, line_number, describe_line_problem(line, check));
}

std::string Tokenizer::join(std::span<const std::string_view> tokens) const {
  std::string text;
  for (std::string_view t : tokens) {
    if (!text.empty()) text += ' ';
    text += t;
  }
  return text;
}

}  // namespace lm
