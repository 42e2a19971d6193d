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
    const std::byte* words = nullptr;    // word ids, word_bits each (levels >= 2)
    const std::byte* records = nullptr;  // [prob][backoff][pointer delta] per entry
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
    const WordId w = read_bits(p_.words, i * p_.word_bits, p_.word_bits);
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
  // True when children(i) reads a child pointer stored in full, in the
  // exceptions array; then starts loading it. REQUIRES: i < size(), has_children().
  bool prefetch_child_exception(std::uint64_t i) const {
    const std::uint64_t exception = p_.blocks[i / 64] >> 32;
    if (exception == 0xFFFFFFFFu) return false;
    const std::uint64_t at = exception * 64 + i % 64;
    if (at < p_.exception_values) __builtin_prefetch(p_.exceptions + at);
    return true;
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
    prefetch_find(begin, end);
    std::uint32_t found;
    while ((found = find_round(&begin, &end, word)) == kSearching) {
    }
    return found;
  }
  // One round of find: returns the index of `word` in [*begin, *end), or
  // kNoEntry, or kSearching after narrowing the range (then the next round's
  // word ids are being fetched, see prefetch_find). Word ids are packed in an
  // array of their own, so a range of up to scan_max_ entries spans about
  // two cache lines and is scanned. A longer one is cut into up to
  // kMaxPieces pieces at once: the ids at the cuts (one cache line each) are
  // fetched together, and the round keeps the piece that holds `word`. A
  // context with thousands of successors so takes two rounds, not the
  // seven dependent cache misses of halving.
  static constexpr std::uint32_t kSearching = 0xFFFFFFFEu;
  static constexpr std::uint64_t kMaxPieces = 16;
  [[nodiscard]] std::uint32_t find_round(std::uint64_t* begin, std::uint64_t* end, WordId word) const {
    std::uint64_t b = *begin;
    const std::uint64_t e = *end;
    if (e - b > scan_max_) {
      const std::uint64_t n = e - b, pieces = this->pieces(n);
      std::uint64_t lo = b, hi = e;
      for (std::uint64_t j = 1; j < pieces; ++j) {
        const std::uint64_t cut = b + n * j / pieces;
        const WordId w = this->word(cut);
        if (w == word) return static_cast<std::uint32_t>(cut);
        if (w > word) {
          hi = cut;
          break;
        }
        lo = cut + 1;
      }
      *begin = lo;
      *end = hi;
      prefetch_find(lo, hi);
      return kSearching;
    }
    if (b == e) return kNoEntry;
    // Branch-free binary search of the (cached) range for the first word >= word.
    std::uint64_t n = e - b;
    while (n > 1) {
      const std::uint64_t half = n / 2;
      b = this->word(b + half) < word ? b + half : b;
      n -= half;
    }
    b += this->word(b) < word;
    return b < e && this->word(b) == word ? static_cast<std::uint32_t>(b) : kNoEntry;
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
  // Hints the processor to fetch what children(i) reads. REQUIRES: i < size().
  void prefetch_children(std::uint64_t i) const {
    prefetch(i);
    if (p_.blocks != nullptr) __builtin_prefetch(p_.blocks + i / 64);
  }
  // Hints the processor to fetch what the next round of find_round(begin, end, .) reads.
  void prefetch_find(std::uint64_t begin, std::uint64_t end) const {
    if (end - begin > scan_max_) {
      const std::uint64_t n = end - begin, pieces = this->pieces(n);
      for (std::uint64_t j = 1; j < pieces; ++j) prefetch_word(begin + n * j / pieces);
    } else if (end > begin) {
      // First, middle and last: every cache line of a range of scan_max_.
      prefetch_word(begin);
      prefetch_word(begin + (end - begin) / 2);
      prefetch_word(end - 1);
    }
  }
  // Hints the processor to fetch entry i's word id.
  void prefetch_word(std::uint64_t i) const { __builtin_prefetch(p_.words + (i * p_.word_bits >> 3)); }

  [[nodiscard]] const Parts& parts() const { return p_; }

 private:
  static float to_float(std::uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  // NaN and +inf can only come from a corrupt file; keep them out of sums and sorts.
  static float finite_or_zero(float f) { return f < std::numeric_limits<float>::infinity() ? f : 0.0f; }

  // How many pieces find_round cuts a range of n > scan_max_ entries into:
  // enough that each is short enough to scan, at most kMaxPieces.
  [[nodiscard]] std::uint64_t pieces(std::uint64_t n) const {
    return std::min(kMaxPieces, (n + scan_max_ - 1) / scan_max_);
  }

  Parts p_;
  std::uint64_t record_bits_ = 0;
  std::uint64_t scan_max_ = 16;  // find_round scans ranges up to this long: ~2 cache lines of ids
  unsigned prob_at_ = 0, backoff_at_ = 0, pointer_at_ = 0;
};

inline ModelLevel::ModelLevel(const Parts& parts) : p_(parts) {
  record_bits_ = p_.prob_bits + p_.backoff_bits + p_.pointer_bits;
  prob_at_ = 0;
  if (p_.word_bits != 0) scan_max_ = std::max<std::uint64_t>(16, 1024 / p_.word_bits);
  backoff_at_ = prob_at_ + p_.prob_bits;
  pointer_at_ = backoff_at_ + p_.backoff_bits;
}

}  // namespace lm
