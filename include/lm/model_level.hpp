// One level of a model's trie (the n-grams of one order), read in place from
// bit-packed records. docs/FORMAT.md describes the layout.
//
// Every accessor is safe on a corrupt file: indices read from the file are
// clamped to the arrays they index, so damage gives wrong numbers (which
// Model::verify detects), never an out-of-bounds read.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>

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
    const std::byte* records = nullptr;
    std::uint64_t count = 0;
    unsigned word_bits = 0, prob_bits = 0, backoff_bits = 0, pointer_bits = 0;
    bool prob_sign_dropped = false;
    const float* prob_centers = nullptr;     // quantized: 2^prob_bits centers
    const float* backoff_centers = nullptr;  // quantized: 2^backoff_bits centers
    const std::uint64_t* blocks = nullptr;   // child-pointer block headers
    const std::uint32_t* exceptions = nullptr;
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

  [[nodiscard]] std::uint64_t size() const { return p_.count; }
  [[nodiscard]] bool has_children() const { return p_.blocks != nullptr; }

  // The last word of entry i (level 1: i itself). REQUIRES: i < size().
  [[nodiscard]] WordId word(std::uint64_t i) const {
    if (p_.word_bits == 0) return static_cast<WordId>(i);
    const WordId w = read_bits(p_.records, i * record_bits_, p_.word_bits);
    return std::min<WordId>(w, p_.vocab_size - 1);
  }
  // log10 p(word | context) of entry i. REQUIRES: i < size().
  [[nodiscard]] float log10_prob(std::uint64_t i) const {
    const std::uint32_t v = read_bits(p_.records, i * record_bits_ + prob_at_, p_.prob_bits);
    if (p_.prob_centers != nullptr) return p_.prob_centers[v];
    return finite_or_zero(to_float(p_.prob_sign_dropped && v != 0 ? v | 0x80000000u : v));
  }
  // log10 backoff of entry i as a context; 0 on the top level.
  [[nodiscard]] float log10_backoff(std::uint64_t i) const {
    if (p_.backoff_bits == 0) return 0.0f;
    const std::uint32_t v = read_bits(p_.records, i * record_bits_ + backoff_at_, p_.backoff_bits);
    if (p_.backoff_centers != nullptr) return p_.backoff_centers[v];
    return finite_or_zero(to_float(v));
  }
  // Index in the next level of the first successor of entry i; i == size()
  // gives the next level's size. REQUIRES: i <= size(), has_children().
  [[nodiscard]] std::uint64_t child_begin(std::uint64_t i) const {
    if (i >= p_.count) return p_.next_count;
    const std::uint64_t header = p_.blocks[i / 64];
    const std::uint64_t exception = header >> 32;
    std::uint64_t v;
    if (exception != 0xFFFFFFFFu) {
      const std::uint64_t at = exception * 64 + i % 64;
      v = at < p_.exception_values ? p_.exceptions[at] : 0;
    } else {
      v = (header & 0xFFFFFFFFu) + read_bits(p_.records, i * record_bits_ + pointer_at_, p_.pointer_bits);
    }
    return std::min(v, p_.next_count);
  }
  struct Range {
    std::uint64_t begin = 0, end = 0;
  };
  // The successors of entry i in the next level (empty on the top level).
  [[nodiscard]] Range children(std::uint64_t i) const {
    if (!has_children()) return {};
    const std::uint64_t begin = child_begin(i);
    return {begin, std::max(begin, child_begin(i + 1))};
  }
  // Index of the entry with last word `word` in [begin, end) (sorted by
  // word), or kNoEntry. REQUIRES: end <= size().
  [[nodiscard]] std::uint32_t find(std::uint64_t begin, std::uint64_t end, WordId word) const {
    // 8-ary search: the 7 pivots of a round are fetched together, so a
    // round costs one memory latency instead of three for binary search.
    while (end - begin > 16) {
      const std::uint64_t step = (end - begin) / 8;
      for (std::uint64_t j = 1; j < 8; ++j) prefetch(begin + j * step);
      std::uint64_t next_begin = begin;
      std::uint64_t next_end = end;
      for (std::uint64_t j = 1; j < 8; ++j) {
        const std::uint64_t at = begin + j * step;
        const WordId w = this->word(at);
        if (w == word) return static_cast<std::uint32_t>(at);
        if (w > word) {
          next_end = at;
          break;
        }
        next_begin = at + 1;
      }
      begin = next_begin;
      end = next_end;
    }
    for (; begin < end; ++begin) {
      const WordId w = this->word(begin);
      if (w >= word) return w == word ? static_cast<std::uint32_t>(begin) : kNoEntry;
    }
    return kNoEntry;
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
  // Hints the processor to fetch entry i's record.
  void prefetch(std::uint64_t i) const { __builtin_prefetch(p_.records + (i * record_bits_ >> 3)); }

  [[nodiscard]] const Parts& parts() const { return p_; }

 private:
  static float to_float(std::uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  // NaN and +inf can only come from a corrupt file; keep them out of sums and sorts.
  static float finite_or_zero(float f) { return f < std::numeric_limits<float>::infinity() ? f : 0.0f; }

  Parts p_;
  std::uint64_t record_bits_ = 0;
  unsigned prob_at_ = 0, backoff_at_ = 0, pointer_at_ = 0;
};

inline ModelLevel::ModelLevel(const Parts& parts) : p_(parts) {
  record_bits_ = p_.word_bits + p_.prob_bits + p_.backoff_bits + p_.pointer_bits;
  prob_at_ = p_.word_bits;
  backoff_at_ = prob_at_ + p_.prob_bits;
  pointer_at_ = backoff_at_ + p_.backoff_bits;
}

}  // namespace lm
