// The n-gram model: a forward trie of bit-packed sorted arrays, stored in one
// buffer that is either built in memory or memory-mapped from a model file.
//
// Level n (1-based) holds the n-grams of order n. Level 1 is indexed by word id.
// For n >= 2, entries are sorted by (parent, word) where parent is the index of
// the (n-1)-word prefix in level n-1, so the successors of a context are one
// contiguous, word-sorted range: level(n).children(i) in level n+1.
// Each entry stores log10 p(w | prefix) (interpolated, as written in ARPA files)
// and, below the top level, the log10 backoff weight of the n-gram as a context.
// The layout is documented in docs/FORMAT.md.
#pragma once

#include <array>
#include <cstdlib>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "lm/model_level.hpp"
#include "lm/text_options.hpp"
#include "lm/vocabulary.hpp"

namespace lm {

inline constexpr int kMaxOrder = 16;
// ARPA's log10 of zero (SRILM's LogP_PseudoZero): a probability stored as
// this or less (a maximum likelihood model's unseen events) is 0 to the
// scorer.
inline constexpr float kLog10Zero = -99.0f;

// One named parameter of a smoothing method, such as a discount.
struct SmoothingParam {
  std::string name;  // as the method names it: "D1", "D2", "D3+" for modified Kneser-Ney
  int order = 0;     // the order it belongs to (1-based), or 0 for the whole model
  double value = 0;
  bool operator==(const SmoothingParam&) const = default;
};

// How a model was smoothed: the method and its named parameters, as the model
// file records them (docs/FORMAT.md), `lm info` shows them and ARPA comments
// carry them. Methods are named in src/model/smoothing_codec.cpp.
struct SmoothingInfo {
  std::string method;  // "mkn" (interpolated modified Kneser-Ney); "" when unknown (read from ARPA)
  std::vector<SmoothingParam> params;
  bool operator==(const SmoothingInfo&) const = default;
};

// Facts about a model that are not needed to score with it.
struct ModelInfo {
  SmoothingInfo smoothing;
  std::uint64_t training_tokens = 0;  // words + </s> in the training corpus, 0 if unknown
  bool unk_is_word = false;  // "<unk>" occurred in the training text: it is not an OOV
  // No <unk> in the model (SRILM's default vocabulary): its log10 p is -100
  // (KenLM's value for such models) and ARPA files leave it out.
  bool closed_vocab = false;
  // Trained on NLTK's padding (CountConfig::nltk_padding): a sentence is
  // scored as NLTK's nltk.lm scores it, from the context of order-1 <s>, and
  // ends by predicting </s> order-1 times (lm/scorer.hpp).
  bool nltk_padding = false;
  int quantize_bits = 0;     // of a loaded model: 0 = exact, else bits per value (LayoutOptions)
  // How the model reads text (lm/tokenizer.hpp's Tokenizer): every reader of
  // the model tokenizes its input this way. Models before format version 9
  // read the default.
  TextOptions text;
};

// How a model is laid out in its file.
struct LayoutOptions {
  // 0 stores probabilities and backoffs exactly (as floats). 2..16 stores
  // those of orders >= 2 as indices into 2^bits per-order centers (lossy,
  // like KenLM's -q/-b); unigrams stay exact.
  int quantize_bits = 0;
};

// Bytes of a model: owned memory or a read-only memory map.
class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(std::size_t bytes);        // owned, zero-filled, 8-byte aligned
  static Buffer map_file(const std::string& path);  // throws lm::Error
  ~Buffer();
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  [[nodiscard]] const std::byte* data() const { return data_; }
  [[nodiscard]] std::byte* mutable_data() { return owned_ ? data_ : nullptr; }
  [[nodiscard]] std::size_t size() const { return size_; }
  // For a mapped file: maps every page now (MADV_POPULATE_READ), reading
  // what is not in the page cache, so that later random reads take no page
  // faults. Takes under a millisecond for a cached file in huge pages; reads
  // the whole file if it is not cached, so call it only before heavy use.
  // Does nothing for an owned buffer, for a file larger than half the
  // machine's memory, or where the kernel (< 5.14) cannot.
  void prefault() const;
  // The path of the file map_file mapped last ("" before any), in a static
  // buffer that a signal handler may read: a mapped file that another process
  // truncates (or overwrites in place) while it is in use, or whose disk
  // fails, raises SIGBUS on the next access to a page that is gone.
  [[nodiscard]] static const char* last_mapped_path() noexcept;

 private:
  struct Free {
    void operator()(std::uint64_t* p) const { std::free(p); }
  };
  std::unique_ptr<std::uint64_t[], Free> owned_;
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
  bool mapped_ = false;
};

// The successor hash tables (docs/FORMAT.md): slot i holds 0 (empty) or
// (index of an n-gram in level n+1) + 1 in its low index_bits bits, and the
// n-gram's tag (child_hash' low bits) in the others, so that probing rarely
// reads an n-gram that is not the one asked for. An n-gram's key is the
// index of its context in level n (for a bigram, the first word's id) and
// its last word.
[[nodiscard]] inline std::uint64_t child_hash(std::uint32_t parent, WordId word) {
  std::uint64_t h = (std::uint64_t{parent} << 32 | word) * 0x9E3779B97F4A7C15ULL;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 32;
  return h;
}
// The first slot to probe for hash h in a table of `slots` slots.
[[nodiscard]] inline std::uint64_t child_slot(std::uint64_t h, std::uint64_t slots) {
  __extension__ using U128 = unsigned __int128;
  return static_cast<std::uint64_t>((static_cast<U128>(h) * slots) >> 64);
}
// The slot probed after slot s (linear probing, wrapping at the end).
[[nodiscard]] inline std::uint64_t next_child_slot(std::uint64_t s, std::uint64_t slots) {
  return s + 1 == slots ? 0 : s + 1;
}
// Bits of a slot that hold the index: enough for entries + 1.
[[nodiscard]] inline unsigned child_index_bits(std::uint64_t entries) {
  unsigned bits = 1;
  while (bits < 32 && (std::uint64_t{1} << bits) <= entries + 1) ++bits;
  return bits;
}
// The tag bits (above the index) of a slot for hash h.
[[nodiscard]] inline std::uint32_t child_tag(std::uint64_t h, unsigned index_bits) {
  return index_bits >= 32 ? 0 : static_cast<std::uint32_t>(h << index_bits);
}

class Model {
 public:
  using Level = ModelLevel;

  // Interprets a buffer laid out by build_model (lm/ngram_table.hpp) or read
  // from a model file. Cheap: checks the header and that every array fits the file, not
  // the vocabulary, the n-gram arrays or the checksum;
  // a damaged n-gram array can give wrong numbers but never an out-of-bounds
  // read (see ModelLevel). Throws FormatError(source, 0, ...) when the header
  // or the sizes are wrong (bad magic, unknown version, truncated file).
  Model(Buffer buffer, const std::string& source);
  Model(Model&&) noexcept = default;
  Model& operator=(Model&&) noexcept = default;

  [[nodiscard]] int order() const { return order_; }
  [[nodiscard]] const VocabView& vocab() const { return vocab_; }
  [[nodiscard]] const ModelInfo& info() const { return info_; }
  // REQUIRES: 1 <= n <= order().
  [[nodiscard]] const Level& level(int n) const { return levels_[n - 1]; }
  [[nodiscard]] std::uint64_t ngram_count(int n) const { return levels_[n - 1].size(); }
  // True when every n-gram's suffix (its last n-1 words) is an n-gram of the
  // model too, as in every model lm trains and every model KenLM's lmplz
  // writes (some pruned ARPA files are not). Then a word's n-gram that is
  // missing at one order ends no longer n-gram either, and scoring stops
  // searching there.
  [[nodiscard]] bool suffix_closed() const { return suffix_closed_; }
  // The format version of the file the model was read from (docs/FORMAT.md):
  // an older one than kModelFormatVersion (lm/model_io.hpp) for a model
  // written by an older lm; that version for a model built in memory.
  [[nodiscard]] std::uint32_t format_version() const { return format_version_; }
  // Word ids other than <s>, sorted by unigram probability, most probable
  // first. Not checked on open: in a corrupt file ids may be out of range.
  [[nodiscard]] std::span<const WordId> unigrams_by_prob() const { return by_prob_; }
  [[nodiscard]] const Buffer& buffer() const { return buffer_; }

  // Reads the whole file: checks the checksum and every array (word ids
  // sorted and in range, child pointers monotone, no NaN). Throws FormatError
  // naming the first problem. `lm info --verify` calls it.
  void verify() const;

  // Index in level n+1 of the successor `word` of entry `parent` of level n,
  // or kNoEntry. n = 0 means the empty context (returns word itself).
  [[nodiscard]] std::uint32_t find_child(int n, std::uint32_t parent, WordId word) const {
    if (n == 0) return word < levels_[0].size() ? word : kNoEntry;
    if (has_child_hash(n)) {
      const std::uint64_t h = child_hash(parent, word);
      return find_child_from(n, parent, word, h, child_slot(h, hashes_[n - 1].count));
    }
    const ModelLevel::Range r = levels_[n - 1].children(parent);
    return levels_[n].find(r.begin, r.end, word);
  }
  // Index of the n-gram in level ngram.size(), or kNoEntry.
  [[nodiscard]] std::uint32_t find(std::span<const WordId> ngram) const;

  // The hash tables of successors (docs/FORMAT.md): for n = 1 (the bigrams,
  // every model of order >= 2) and n = 2 (the trigrams, in exact models of
  // order >= 3), a table finds the successor `word` of entry `parent` of
  // level n in a few probes, instead of a search of the parent's successors.
  [[nodiscard]] bool has_child_hash(int n) const { return n >= 1 && n <= 2 && hashes_[n - 1].count != 0; }
  // Starts loading the slot that find_child(n, ...) reads first, for h = child_hash(parent, word).
  // REQUIRES: has_child_hash(n).
  void prefetch_child_slot(int n, std::uint64_t h) const {
    const ChildHash& t = hashes_[n - 1];
    prefetch_line(t.slots + child_slot(h, t.count));
  }
  // The first slot a search for a successor with hash h stops at: empty, or
  // with h's tag (or after kMaxProbes probes, on a corrupt table). Reads the
  // slots (best after prefetch_child_slot) and starts loading the entry a tag
  // points to. Separate from find_child_from so that the loads of many
  // searches overlap. (With the 100M-word Gutenberg model, 79% of
  // gutenberg.test's bigrams that are found are in the first slot probed,
  // 99% within 8; one not found takes 10 probes on average: the bigram
  // table is 80% full, the trigram table 60%.) REQUIRES: has_child_hash(n).
  [[nodiscard]] std::uint64_t probe_child(int n, std::uint64_t h) const {
    const ChildHash& t = hashes_[n - 1];
    int budget = kMaxProbes;
    const std::uint64_t s = next_candidate(t, child_tag(h, t.index_bits), child_slot(h, t.count), &budget);
    if (s < t.count) {
      const std::uint32_t index = t.slots[s] & t.index_mask;
      if (index != 0 && index - 1 < levels_[n].size()) levels_[n].prefetch_word(index - 1);
    }
    return s;
  }
  // find_child(n, parent, word) given h = child_hash(parent, word), probing
  // from slot s: the slot probe_child(n, h) returned, or h's first (or the
  // slot count: then it goes straight to the search of parent's successors).
  // REQUIRES: has_child_hash(n).
  [[nodiscard]] std::uint32_t find_child_from(int n, std::uint32_t parent, WordId word, std::uint64_t h,
                                              std::uint64_t s) const;

 private:
  // A correct table ends every search at an empty slot within a few probes;
  // the cap only bounds the work on a corrupt file (then binary search).
  static constexpr int kMaxProbes = 64;

  // One successor hash table: slot i holds 0 (empty) or (index in the next
  // level) + 1 in its low index_bits bits, and the tag above them.
  struct ChildHash {
    const std::uint32_t* slots = nullptr;
    std::uint64_t count = 0;  // 0: no table
    unsigned index_bits = 32;
    std::uint32_t index_mask = 0xFFFFFFFFu;
  };
  // From slot s on, the first slot of table t a search with this tag has to
  // look at: an empty one (the search ends) or one with the tag (a
  // candidate). Each slot read spends one of *budget; returns t.count when
  // the budget runs out first (only on a corrupt table). s < t.count.
  [[nodiscard]] static std::uint64_t next_candidate(const ChildHash& t, std::uint32_t tag, std::uint64_t s, int* budget) {
    while (*budget > 0) {
      --*budget;
      const std::uint32_t v = t.slots[s];
      if ((v & t.index_mask) == 0 || (v & ~t.index_mask) == tag) return s;
      s = next_child_slot(s, t.count);
    }
    return t.count;
  }

  Buffer buffer_;
  int order_ = 0;
  VocabView vocab_;
  ModelInfo info_;
  std::vector<Level> levels_;
  std::span<const WordId> by_prob_;
  std::string source_;
  ChildHash hashes_[2];  // contexts of order 1 (bigrams) and 2 (trigrams)
  bool suffix_closed_ = false;
  std::uint32_t format_version_ = 0;
};

// Through a successor hash table (docs/FORMAT.md).
inline std::uint32_t Model::find_child_from(int n, std::uint32_t parent, WordId word, std::uint64_t h,
                                            std::uint64_t s) const {
  const ChildHash& t = hashes_[n - 1];
  const ModelLevel& level = levels_[n];
  const std::uint32_t tag = child_tag(h, t.index_bits);
  int budget = kMaxProbes;
  if (s < t.count) s = next_candidate(t, tag, s, &budget);
  while (s < t.count) {
    const std::uint32_t index = t.slots[s] & t.index_mask;
    if (index == 0) return kNoEntry;
    if (index - 1 < level.size() && level.word(index - 1) == word) {
      const ModelLevel::Range r = levels_[n - 1].children(parent);
      if (index - 1 >= r.begin && index - 1 < r.end) return index - 1;
    }
    s = next_candidate(t, tag, next_child_slot(s, t.count), &budget);
  }
  const ModelLevel::Range r = levels_[n - 1].children(parent);
  return level.find(r.begin, r.end, word);
}

// The same model laid out again, e.g. quantized. Verifies model first
// (throws FormatError if it is corrupt) and ConfigError for bad options.
[[nodiscard]] Model rebuild_model(const Model& model, const LayoutOptions& options);

}  // namespace lm
