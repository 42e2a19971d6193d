// Counting n-grams of a corpus and deriving the Kneser-Ney adjusted counts,
// in a memory budget: sorted runs that do not fit are spilled to temporary
// files and merged (docs/TRAINING.md describes the pipeline).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lm/text_options.hpp"
#include "lm/vocabulary.hpp"

namespace lm {

class LineReader;

// Counts of one order as a forward trie level: entries sorted by (parent,
// last word), so the n-grams that share a context are one contiguous range.
struct CountLevel {
  int n = 0;
  std::vector<WordId> words;           // last word of each entry (n >= 2; level 1 is indexed by word id)
  std::vector<std::uint32_t> parent;   // index in level n-1 of the first n-1 words (n >= 2), non-decreasing
  std::vector<std::uint32_t> suffix;   // index in level n-1 of the last n-1 words (n >= 2)
  std::vector<std::uint32_t> counts;   // adjusted counts (raw for the top order and for n-grams starting with <s>)
  std::vector<std::uint32_t> raw_counts;  // times seen; empty unless CountConfig::keep_raw_counts
  std::vector<std::uint8_t> pruned;    // 1 for n-grams to leave out of the model; empty when not pruning
  [[nodiscard]] std::size_t size() const { return counts.size(); }
};

struct CorpusStats {
  std::uint64_t sentences = 0;
  std::uint64_t words = 0;       // tokens excluding the implicit </s>
  std::uint64_t unk_words = 0;   // "<unk>" written in the corpus, or words mapped to it
  std::uint64_t skipped_lines = 0;  // lines left out (CountConfig::skip_bad_lines)
  std::string first_skipped;        // the first of them: "file:line: what is wrong"
};

// Counts of counts kept for raw counts: up to this many occurrences.
inline constexpr std::size_t kRawCountsOfCounts = 16;

// Everything estimation needs.
struct NGramCounts {
  int order = 0;
  Vocabulary vocab;
  CorpusStats stats;
  std::vector<CountLevel> levels;  // levels[n-1] holds order n
  // counts_of_counts[n-1][k] = number of n-grams with adjusted count k (k = 1..4),
  // counts_of_counts[n-1][0] = number of n-grams of order n (KenLM's "count").
  std::vector<std::array<std::uint64_t, 5>> counts_of_counts;
  // Only with CountConfig::keep_raw_counts, else empty: raw_counts_of_counts[n-1][k]
  // = number of n-grams of order n seen k times (k = 1..kRawCountsOfCounts),
  // [n-1][0] = number of n-grams of order n. N-grams of <s> padding ("<s> <s>")
  // are not counted.
  std::vector<std::array<std::uint64_t, kRawCountsOfCounts + 1>> raw_counts_of_counts;
  // Counted as NLTK counts (CountConfig::nltk_padding); the model records it
  // (ModelInfo::nltk_padding).
  bool nltk_padding = false;

  // The word ids of entry i of level n. REQUIRES: 1 <= n <= order, i < size.
  [[nodiscard]] std::vector<WordId> ngram(int n, std::size_t i) const;
};

// Resources for counting. Results do not depend on them: any budget and any
// number of threads give the same counts, bit for bit.
struct CountConfig {
  int order = 3;
  // Bytes for the corpus chunks being sorted and the sorted runs kept in
  // memory; runs beyond it go to temp_dir. Estimation needs about 28 bytes
  // per distinct n-gram on top of this (docs/TRAINING.md).
  std::uint64_t memory = std::uint64_t{1} << 30;
  int threads = 1;               // >= 1; one reads, the others sort
  std::string temp_dir = "/tmp";
  // Count pruning like lmplz's --prune: prune[k-1] is the threshold of order
  // k; n-grams of order k >= 2 whose raw count is at most it are marked in
  // CountLevel::pruned (estimation leaves them out and keeps the model
  // normalized). Shorter than order: the last value repeats. Must be
  // non-decreasing, with 0 for unigrams (checked by check_prune). Empty or
  // all zero: no pruning.
  std::vector<std::uint64_t> prune;
  // A line that cannot be a sentence (see tokenize_line: invalid UTF-8, a NUL
  // byte, <s> or </s> inside it) is an error (FormatError) unless this is
  // set: then it is left out and counted in CorpusStats::skipped_lines.
  bool skip_bad_lines = false;
  // Keep each n-gram's raw count (CountLevel::raw_counts) and the counts of
  // raw counts beside the adjusted ones: 4 bytes more per n-gram, for the
  // smoothing methods that read them (SmoothingMethod::needs).
  bool keep_raw_counts = false;
  // Count as NLTK's nltk.lm does (padded_everygram_pipeline), for its
  // smoothing formulas (lm/nltk_smoothing.hpp): order-1 <s> and order-1 </s>
  // around each sentence, and every n-gram of orders 1..order of the padded
  // sentence, padding-only ones ("<s> <s>", "</s> </s>") included; counts are
  // raw (CountLevel::counts = raw_counts). count_corpus_nltk does it, exactly
  // and in memory (for NLTK-sized corpora): memory, threads, temp_dir and
  // prune do not apply (prune must be empty).
  bool nltk_padding = false;
  // How lines become tokens (lm/tokenizer.hpp's Tokenizer).
  TextOptions text;
};

// Pads thresholds to order (the last value repeats) and checks them; throws
// ConfigError with the reason. Returns an empty vector when nothing is pruned.
[[nodiscard]] std::vector<std::uint64_t> check_prune(std::vector<std::uint64_t> thresholds, int order);

// What the counter is doing, for progress displays.
enum class CountPhase { kVocab, kRead, kMerge, kAdjust };

// Progress of a long stage: done out of total units (total 0 if unknown).
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;
using PhaseProgressFn = std::function<void(CountPhase phase, std::uint64_t done, std::uint64_t total)>;

// Facts about a finished count, for logs.
struct CountReport {
  std::uint64_t runs = 0;              // sorted runs made
  std::uint64_t spilled_runs = 0;      // of which written to temp files
  std::uint64_t temp_bytes_peak = 0;   // largest temp disk use at one time
};

// Accumulates n-gram counts sentence by sentence.
//
// Sentences are padded like KenLM's lmplz: order-1 copies of <s>, the words,
// </s>. Adjusted counts (Kneser-Ney continuation counts) follow lmplz: for
// orders below the top, the number of distinct words seen to the left; raw
// counts for the top order and for n-grams that start with <s>. The counts of
// counts used for the discounts also follow lmplz, including its final-flush
// behaviour: the last n-gram of each lower order in suffix order is tallied
// with its raw count rather than its adjusted count (docs/ESTIMATION.md).
//
// Temp files are unlinked as soon as they are created, so nothing is left on
// disk whatever happens to the process.
class NGramCounter {
 public:
  // Throws ConfigError when the order is outside 1..kMaxOrder, threads < 1,
  // or temp_dir is not a writable directory (checked when first needed).
  explicit NGramCounter(const CountConfig& config);
  ~NGramCounter();
  NGramCounter(const NGramCounter&) = delete;
  NGramCounter& operator=(const NGramCounter&) = delete;

  // Adds one sentence; words are ids from vocab() (no <s> or </s>).
  void add_sentence(std::span<const WordId> words);
  [[nodiscard]] Vocabulary& vocab() { return vocab_; }
  [[nodiscard]] CorpusStats& stats() { return stats_; }

  // Merges the runs and derives all orders. The counter is empty afterwards.
  [[nodiscard]] NGramCounts finish(const PhaseProgressFn& progress = {});
  [[nodiscard]] const CountReport& report() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  Vocabulary vocab_;
  CorpusStats stats_;
};

// Reads a corpus (one sentence per line, see tokenize_checked) and counts it.
// Throws FormatError for bad lines and Error for an empty corpus.
[[nodiscard]] NGramCounts count_corpus(LineReader& reader, const CountConfig& config,
                                       const PhaseProgressFn& progress = {}, CountReport* report = nullptr);
// The same with a fixed vocabulary: tokens outside it count as <unk>.
[[nodiscard]] NGramCounts count_corpus(LineReader& reader, const CountConfig& config, const Vocabulary& fixed_vocab,
                                       const PhaseProgressFn& progress = {}, CountReport* report = nullptr);
[[nodiscard]] NGramCounts count_corpus(LineReader& reader, int order);

// Counts a corpus as NLTK's padded_everygram_pipeline(order, ...) does (see
// CountConfig::nltk_padding): every n-gram in a hash table per order, so
// memory grows with the distinct n-grams (about 100 bytes each). Uses
// config.order and skip_bad_lines; throws ConfigError when config.prune is
// not empty, FormatError for bad lines (unless skip_bad_lines) and for an
// empty corpus. src/count/nltk_counts.cpp.
[[nodiscard]] NGramCounts count_corpus_nltk(LineReader& reader, const CountConfig& config);

}  // namespace lm
