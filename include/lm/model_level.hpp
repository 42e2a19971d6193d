// One level of a model's trie (the n-grams of one order), read in place from
// bit-packed key lines and records. docs/FORMAT.md describes the layout.
//
// Every accessor is safe on a corrupt file: indices read from the file are
// clamped to the arrays they index, so damage gives wrong numbers (which
// Model::verify detects), never an out-of-bounds read.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>

#include "lm/prefetch.hpp"

namespace lm {

using WordId = std::uint32_t;
inline constexpr std::uint32_t kNoEntry = 0xFFFFFFFFu;

// `bits` (<= 32) bits at bit position `bit` of a packed array. REQUIRES: 8
// readable bytes from byte bit / 8 (packed arrays carry 8 bytes of padding).
[[nodiscard]] inline std::uint32_t read_bits(const std::byte* base, std::uint64_t bit, unsigned bits) {
  std::uint64_t w;
  std::memcpy(&w, base + (bit >> 3), 8);
  return static_cast<std::uint32_t>((w >> (bit & 7)) & ((std::uint64_t{1} << bits) - 1));
}

class ModelLevel {
 public:
  // The pieces of a level; set up by Model from the file's layout.
  struct Parts {
    const std::byte* keys = nullptr;     // 64-byte key lines: [base][word id, pointer delta, backoff]...
    const std::byte* records = nullptr;  // [prob] per entry (none when prob_in_key)
    std::uint64_t count = 0;
    unsigned word_bits = 0, prob_bits = 0, backoff_bits = 0, pointer_bits = 0;
    bool has_children = false;  // key lines start with a 32-bit base
    unsigned keys_per_line = 64;  // >= 2 (3 or more in a valid file)
    bool prob_sign_dropped = false;
    bool prob_in_key = false;  // probabilities in the keys, after the word id, pointer and backoff; no records
    const float* prob_centers = nullptr;     // quantized: 2^prob_bits centers
    const float* backoff_centers = nullptr;  // quantized: 2^backoff_bits centers
    const std::uint32_t* exceptions = nullptr;  // keys_per_line full child pointers per exception line
    std::uint64_t exception_values = 0;
    std::uint64_t next_count = 0;  // size of the next level (0 for the top level)
    WordId vocab_size = 0;
    const std::uint32_t* top_nodes = nullptr;    // entries with a top-successor list, ascending
    const std::uint32_t* top_entries = nullptr;  // top_size next-level indices per listed entry
    std::uint64_t top_lists = 0;
    unsigned top_size = 0;
  };

  ModelLevel() = default;
  explicit ModelLevel(const Parts& parts);

  // Key lines (docs/FORMAT.md): kKeyLineBytes each. Below the top order a
  // line starts with a kKeyBaseBits base: the first child of its first entry,
  // or kExceptionBit | the exception line that holds its child pointers.
  static constexpr unsigned kKeyLineBytes = 64;
  static constexpr unsigned kKeyBaseBits = 32;
  static constexpr std::uint32_t kExceptionBit = 0x80000000u;

  [[nodiscard]] std::uint64_t size() const { return p_.count; }
  [[nodiscard]] bool has_children() const { return p_.has_children; }

  // The last word of entry i (level 1: i itself). REQUIRES: i < size().
  [[nodiscard]] WordId word(std::uint64_t i) const {
    if (p_.word_bits == 0) return static_cast<WordId>(i);
    return std::min<WordId>(raw_word(i), p_.vocab_size - 1);
  }
  // The word id as stored, unclamped (for verification). REQUIRES: level >= 2, i < size().
  [[nodiscard]] WordId raw_word(std::uint64_t i) const {
    const std::uint64_t line = line_of(i);
    return key_word(line_at(line), i - line * p_.keys_per_line);
  }
  // log10 p(word | context) of entry i. REQUIRES: i < size().
  [[nodiscard]] float log10_prob(std::uint64_t i) const {
    const std::uint32_t v =
        p_.prob_in_key ? key_field(i, p_.word_bits + p_.pointer_bits + p_.backoff_bits, p_.prob_bits) : read_bits(p_.records, i * record_bits_, p_.prob_bits);
    if (p_.prob_centers != nullptr) return p_.prob_centers[v];
    return finite_or_zero(to_float(p_.prob_sign_dropped && v != 0 ? v | 0x80000000u : v));
  }
  // log10 backoff of entry i as a context; 0 on the top level.
  [[nodiscard]] float log10_backoff(std::uint64_t i) const {
    if (p_.backoff_bits == 0) return 0.0f;
    const std::uint32_t v = key_field(i, p_.word_bits + p_.pointer_bits, p_.backoff_bits);
    if (p_.backoff_centers != nullptr) return p_.backoff_centers[v];
    return finite_or_zero(to_float(v));
  }
  // Index in the next level of the first successor of entry i; i == size()
  // gives the next level's size. It is read from i's key line: the line's
  // base plus i's delta, or the exception array. REQUIRES: i <= size(), has_children().
  [[nodiscard]] std::uint64_t child_begin(std::uint64_t i) const {
    if (i >= p_.count) return p_.next_count;
    const std::uint64_t line = line_of(i), slot = i - line * p_.keys_per_line;
    const std::byte* at = line_at(line);
    return std::min(line_pointer(at, line_base(at), slot), p_.next_count);
  }
  // True when line `line`'s child pointers are stored in full (exceptions);
  // false for a level without children. REQUIRES: line * keys_per_line < size().
  [[nodiscard]] bool exception_line(std::uint64_t line) const {
    return p_.has_children && (line_base(line_at(line)) & kExceptionBit) != 0;
  }
  [[nodiscard]] std::uint64_t exception_line_index(std::uint64_t line) const {
    return line_base(line_at(line)) & ~kExceptionBit;
  }
  [[nodiscard]] unsigned keys_per_line() const { return p_.keys_per_line; }
  // When children(i) reads a child pointer stored in full, in the exceptions
  // array, starts loading it. Reads i's key line: best when it is cached.
  // REQUIRES: i < size(), has_children().
  void prefetch_child_exception(std::uint64_t i) const {
    const std::uint64_t line = line_of(i);
    const std::uint32_t base = line_base(line_at(line));
    if ((base & kExceptionBit) == 0) return;
    const std::uint64_t e = exception_at(base, i - line * p_.keys_per_line);
    if (e < p_.exception_values) prefetch_line(p_.exceptions + e);
  }
  struct Range {
    std::uint64_t begin = 0, end = 0;
  };
  // The successors of entry i in the next level (empty on the top level).
  // Equal to {child_begin(i), max of that and child_begin(i + 1)}, reading
  // the line once when i + 1 is in the same line (nearly always).
  [[nodiscard]] Range children(std::uint64_t i) const {
    if (!has_children()) return {};
    const std::uint64_t line = line_of(i), slot = i - line * p_.keys_per_line;
    if (i + 1 >= p_.count || slot + 1 == p_.keys_per_line) {  // i + 1 is past the end or in the next line
      const std::uint64_t begin = child_begin(i);
      return {begin, std::max(begin, child_begin(i + 1))};
    }
    const std::byte* at = line_at(line);
    const std::uint32_t base = line_base(at);
    const std::uint64_t begin = std::min(line_pointer(at, base, slot), p_.next_count);
    return {begin, std::max(begin, std::min(line_pointer(at, base, slot + 1), p_.next_count))};
  }
  // Index of the entry with last word `word` in [begin, end) (sorted by
  // word), or kNoEntry. REQUIRES: end <= size().
  [[nodiscard]] std::uint32_t find(std::uint64_t begin, std::uint64_t end, WordId word) const {
    prefetch_find(begin, end);
    std::uint32_t found;
    while ((found = find_round(&begin, &end, word)) == kSearching) {
    }
    return found;
  }
  // One round of find: returns the index of `word` in [*begin, *end), or
  // kNoEntry, or kSearching after narrowing the range (then the next round's
  // key lines are being fetched, see prefetch_find). The search goes by key
  // lines, whose first words tell which line can hold `word`. A range over
  // up to kMaxLines lines is searched in one round: every line was fetched,
  // the first words pick the line, and a binary search of its slots finds
  // the word. A longer range is cut into up to kMaxLines groups of lines at
  // once: the first lines of the groups were fetched, the round keeps the
  // group that can hold `word` and starts fetching its lines. A context with
  // a thousand successors so takes two rounds, not the ten dependent cache
  // misses of halving. (Fewer lines per round fetch fewer lines in all;
  // more take fewer rounds. 8 measured best, see docs/BENCHMARKS.md.)
  static constexpr std::uint32_t kSearching = 0xFFFFFFFEu;
  static constexpr std::uint64_t kMaxLines = 8;  // a power of two
  [[nodiscard]] std::uint32_t find_round(std::uint64_t* begin, std::uint64_t* end, WordId word) const {
    const std::uint64_t b = *begin, e = *end;
    if (b >= e) return kNoEntry;
    if (p_.word_bits == 0) return word >= b && word < e ? word : kNoEntry;  // level 1: entry i is word i
    const std::uint64_t first_line = line_of(b), lines = line_of(e - 1) + 1 - first_line;
    if (lines > kMaxLines) {
      const unsigned shift = group_shift(lines);
      std::uint64_t group = 0;
      for (std::uint64_t j = 1; j << shift < lines; ++j) group += key_word(line_at(first_line + (j << shift)), 0) <= word;
      const std::uint64_t line = first_line + (group << shift);
      *begin = std::max(b, line * p_.keys_per_line);
      *end = std::min(e, (line + (std::uint64_t{1} << shift)) * p_.keys_per_line);
      prefetch_find(*begin, *end);
      return kSearching;
    }
    std::uint64_t line = first_line;
    for (std::uint64_t j = 1; j < lines; ++j) line += key_word(line_at(first_line + j), 0) <= word;
    const std::uint64_t first = line * p_.keys_per_line;
    const std::byte* at = line_at(line);
    std::uint64_t lo = std::max(b, first) - first;
    const std::uint64_t hi = std::min(e, first + p_.keys_per_line) - first;
    std::uint64_t n = hi - lo;
    while (n > 1) {
      const std::uint64_t half = n / 2;
      lo = key_word(at, lo + half) < word ? lo + half : lo;
      n -= half;
    }
    lo += key_word(at, lo) < word;
    return lo < hi && key_word(at, lo) == word ? static_cast<std::uint32_t>(first + lo) : kNoEntry;
  }
  // The most probable successors of entry i (indices in the next level, most
  // probable first, ties by word), if the file lists them: only entries with
  // many successors have a list. Empty otherwise. Values may be out of range
  // in a corrupt file: check them against children(i).
  [[nodiscard]] std::span<const std::uint32_t> top_successors(std::uint64_t i) const {
    const std::uint32_t* end = p_.top_nodes + p_.top_lists;
    const std::uint32_t* it = std::lower_bound(p_.top_nodes, end, i);
    if (it == end || *it != i) return {};
    return {p_.top_entries + (it - p_.top_nodes) * p_.top_size, p_.top_size};
  }
  // Hints the processor to fetch what log10_prob(i) reads: entry i's record,
  // or its key line on the levels that keep probabilities in the keys.
  void prefetch(std::uint64_t i) const {
    prefetch_line(p_.prob_in_key ? line_at(line_of(i)) : p_.records + (i * record_bits_ >> 3));
  }
  // The same for log10_backoff(i): entry i's key line.
  void prefetch_backoff(std::uint64_t i) const { prefetch_word(i); }
  // Hints the processor to fetch what children(i) reads: i's key line, and
  // the next one when i is the last of its line. REQUIRES: i < size().
  void prefetch_children(std::uint64_t i) const {
    if (!p_.has_children) return;
    const std::uint64_t line = line_of(i);
    prefetch_line(line_at(line));
    if (i + 1 - line * p_.keys_per_line == p_.keys_per_line) prefetch_line(line_at(line + 1));
  }
  // Hints the processor to fetch what the next round of find_round(begin, end, .) reads.
  void prefetch_find(std::uint64_t begin, std::uint64_t end) const {
    if (begin >= end || p_.word_bits == 0) return;
    const std::uint64_t first_line = line_of(begin), lines = line_of(end - 1) + 1 - first_line;
    if (lines > kMaxLines) {
      const unsigned shift = group_shift(lines);
      for (std::uint64_t j = 1; j << shift < lines; ++j) prefetch_line(line_at(first_line + (j << shift)));
    } else {
      for (std::uint64_t j = 0; j < lines; ++j) prefetch_line(line_at(first_line + j));
    }
  }
  // Hints the processor to fetch entry i's key line.
  void prefetch_word(std::uint64_t i) const { prefetch_line(line_at(line_of(i))); }

  [[nodiscard]] const Parts& parts() const { return p_; }

 private:
  static float to_float(std::uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  // NaN and +inf can only come from a corrupt file; keep them out of sums and sorts.
  static float finite_or_zero(float f) { return f < std::numeric_limits<float>::infinity() ? f : 0.0f; }

  // log2 of the lines per group when find_round cuts a range over `lines`
  // > kMaxLines key lines: the fewest (a power of two, so that the cuts take a
  // shift) that leave at most kMaxLines groups.
  [[nodiscard]] static unsigned group_shift(std::uint64_t lines) {
    // kMaxLines << shift >= lines; by bit arithmetic, not a loop whose
    // trip count the processor would mispredict.
    constexpr auto kMaxLinesLog2 = static_cast<unsigned>(std::bit_width(kMaxLines) - 1);
    const auto ceil_log2 = static_cast<unsigned>(std::bit_width(lines - 1));
    return std::max(1u, ceil_log2 - std::min(ceil_log2, kMaxLinesLog2));
  }

  // The child pointer of key `slot` of the key line at `at`, whose base is
  // `base`: the base plus the key's delta, or its entry in the exceptions
  // array (0 when out of range). Not clamped to the next level.
  [[nodiscard]] std::uint64_t line_pointer(const std::byte* at, std::uint32_t base, std::uint64_t slot) const {
    if ((base & kExceptionBit) != 0) {
      const std::uint64_t e = exception_at(base, slot);
      return e < p_.exception_values ? p_.exceptions[e] : 0;
    }
    return base + std::uint64_t{read_bits(at, base_bits_ + slot * key_bits_ + p_.word_bits, p_.pointer_bits)};
  }

  // The `bits` bits at bit `at` of entry i's key: its backoff (at the
  // pointer's end), or its probability (after the backoff, on the levels
  // that keep it in the key).
  [[nodiscard]] std::uint32_t key_field(std::uint64_t i, unsigned at, unsigned bits) const {
    const std::uint64_t line = line_of(i);
    const std::uint64_t slot = i - line * p_.keys_per_line;
    return read_bits(line_at(line), base_bits_ + slot * key_bits_ + at, bits);
  }

  // The word id of key `slot` of the key line at `line`, unclamped. REQUIRES: level >= 2.
  [[nodiscard]] WordId key_word(const std::byte* line, std::uint64_t slot) const {
    return read_bits(line, base_bits_ + slot * key_bits_, p_.word_bits);
  }

  // Where in exceptions the child pointer of key `slot` of an exception line
  // with base `base` is (unchecked).
  [[nodiscard]] std::uint64_t exception_at(std::uint32_t base, std::uint64_t slot) const {
    return (base & ~kExceptionBit) * std::uint64_t{p_.keys_per_line} + slot;
  }
  // i / keys_per_line, by multiplication: exact for every i < 2^32.
  [[nodiscard]] std::uint64_t line_of(std::uint64_t i) const {
    __extension__ using U128 = unsigned __int128;
    return static_cast<std::uint64_t>((static_cast<U128>(i) * line_reciprocal_) >> 64);
  }
  [[nodiscard]] const std::byte* line_at(std::uint64_t line) const { return p_.keys + line * kKeyLineBytes; }
  [[nodiscard]] static std::uint32_t line_base(const std::byte* line) {
    std::uint32_t base;
    std::memcpy(&base, line, 4);
    return base;
  }

  Parts p_;
  std::uint64_t record_bits_ = 0;
  std::uint64_t line_reciprocal_ = 0;  // ceil(2^64 / keys_per_line)
  unsigned base_bits_ = 0, key_bits_ = 0;
};

inline ModelLevel::ModelLevel(const Parts& parts) : p_(parts) {
  record_bits_ = p_.prob_in_key ? 0 : p_.prob_bits;
  base_bits_ = p_.has_children ? kKeyBaseBits : 0;
  key_bits_ = p_.word_bits + p_.pointer_bits + p_.backoff_bits + (p_.prob_in_key ? p_.prob_bits : 0);
  const std::uint64_t k = p_.keys_per_line;
  line_reciprocal_ = ~std::uint64_t{0} / std::max<std::uint64_t>(k, 2) + 1;
}

}  // namespace lm
