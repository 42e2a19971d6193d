// Counting n-grams of a corpus and deriving the Kneser-Ney adjusted counts.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "lm/vocabulary.hpp"

namespace lm {

class LineReader;

// Counts of one order, sorted lexicographically by word ids.
struct CountLevel {
  int n = 0;
  std::vector<WordId> words;          // n ids per entry (for n == 1: empty, index = word id)
  std::vector<std::uint64_t> counts;  // adjusted counts (raw for the top order and for n-grams starting with <s>)
  std::vector<std::uint32_t> suffix;  // index in level n-1 of each entry's last n-1 words (n >= 2)
  [[nodiscard]] std::size_t size() const { return counts.size(); }
};

struct CorpusStats {
  std::uint64_t sentences = 0;
  std::uint64_t words = 0;       // tokens excluding the implicit </s>
  std::uint64_t unk_words = 0;   // "<unk>" written in the corpus
};

// Everything estimation needs.
struct NGramCounts {
  int order = 0;
  Vocabulary vocab;
  CorpusStats stats;
  std::vector<CountLevel> levels;  // levels[n-1] holds order n
  // counts_of_counts[n-1][k] = number of n-grams with adjusted count k (k = 1..4),
  // counts_of_counts[n-1][0] = number of n-grams of order n (KenLM's "count").
  std::vector<std::array<std::uint64_t, 5>> counts_of_counts;
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
class NGramCounter {
 public:
  // Throws ConfigError when order is outside 1..kMaxOrder.
  explicit NGramCounter(int order);
  ~NGramCounter();
  NGramCounter(const NGramCounter&) = delete;
  NGramCounter& operator=(const NGramCounter&) = delete;

  // Adds one sentence; words are ids from vocab() (no <s> or </s>).
  void add_sentence(std::span<const WordId> words);
  [[nodiscard]] Vocabulary& vocab() { return vocab_; }
  [[nodiscard]] CorpusStats& stats() { return stats_; }

  // Sorts and derives all orders. The counter is empty afterwards.
  [[nodiscard]] NGramCounts finish();

 private:
  struct Table;
  int order_;
  Vocabulary vocab_;
  CorpusStats stats_;
  std::unique_ptr<Table> table_;
  std::vector<WordId> padded_;
};

// Progress of a long stage: done out of total units (total 0 if unknown).
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

// Reads a corpus (one sentence per line, see tokenize_checked) and counts it.
// Throws FormatError for bad lines and Error for an empty corpus.
[[nodiscard]] NGramCounts count_corpus(LineReader& reader, int order, const ProgressFn& progress = {});

}  // namespace lm
