// Backoff arithmetic over an NGramTable: finding n-grams by word ids, the
// backoff rule p_BO(w | h), and backoff weights recomputed from the
// probabilities, as SRILM computes them (Ngram::wordProbBO, computeBOW,
// computeBOWs, recomputeBOWs, distributeProb in SRILM 1.7's NgramLM.cc).
//
// Editing a model (pruning, static mixing) changes which n-grams have
// explicit probabilities, or the probabilities themselves; the backoff
// weights must then be computed again so that every context's distribution
// sums to 1. The usual sequence:
//   NGramTable t = ...;                 // n-grams (trie order) and their log10 p
//   recompute_backoffs(t);              // every log10 backoff from them
//   Model m = build_model(std::move(t));
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lm/ngram_table.hpp"

namespace lm {

// Read-only lookups in a table: n-grams by word ids, suffix links and the
// backoff rule. Built once (it computes every entry's suffix link and every
// context's successor range); then every call is a few binary searches,
// without allocation (except where a context's suffix is missing from a
// table that is not suffix-closed: that context is looked up by its words),
// and may be made from several threads at once.
//
// The lookup reads the table's probabilities and backoffs at each call, so
// they may change between calls (recompute_backoffs changes them while it
// uses a lookup); the table's structure (the levels' words and parents and
// sizes) must not change while the lookup is used, and the table must
// outlive it.
class TableLookup {
 public:
  // "No such entry".
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  // Computes the suffix links and successor ranges, on `threads` threads
  // (0 or 1: the calling thread; the result is the same). REQUIRES: the
  // table is valid as build_model checks it (sorted, parents in range).
  explicit TableLookup(const NGramTable& table, unsigned threads = 1);
  // The same with the suffix links already known, for an editor that took
  // entries out of a table it had a lookup for and renumbered their links
  // (a link to an entry taken out becomes kNone): links[n-2][i] is what
  // suffix(n, i) returns, for every entry i of every level n >= 2. Computes
  // only the successor ranges. REQUIRES: links so; not checked.
  TableLookup(const NGramTable& table, std::vector<std::vector<std::uint32_t>> links);

  [[nodiscard]] const NGramTable& table() const { return *table_; }
  [[nodiscard]] int order() const { return table_->order(); }

  // The successors of entry i of level n (1 <= n < order()): the range
  // [begin, end) of level n+1. For n = 0, the whole of level 1.
  struct Range {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
  };
  [[nodiscard]] Range successors(int n, std::uint32_t i) const;

  // Index in level n+1 of the successor `word` of entry `context` of level n,
  // or kNone. n = 0 is the empty context: returns word (kNone when word is
  // not in the vocabulary). REQUIRES: 0 <= n < order().
  [[nodiscard]] std::uint32_t find_child(int n, std::uint32_t context, WordId word) const;
  // Index of the n-gram `words` in level words.size(), or kNone (also for
  // an empty or too long sequence).
  [[nodiscard]] std::uint32_t find(std::span<const WordId> words) const;

  // The suffix link of entry i of level n (2 <= n <= order()): the index in
  // level n-1 of its last n-1 words, or kNone when the table lacks that
  // (n-1)-gram (a table that is not suffix-closed). For n = 2 it is the
  // last word's id.
  [[nodiscard]] std::uint32_t suffix(int n, std::uint32_t i) const { return links_[n - 2][i]; }

  // log10 p_BO(word | context) by SRILM's backoff rule (Ngram::wordProbBO):
  // of the context's suffixes s_0 (empty), s_1, ..., s_L that are all
  // entries of the table (L is the first length whose suffix is missing,
  // minus one), take the longest s_k with an explicit probability for
  // s_k word; the result is that probability plus the backoffs of
  // s_{k+1} .. s_L (added in that order, in float, as SRILM does). Only the
  // last order()-1 words of the context count. kLog10Zero when the
  // probability is 0 (an explicit kLog10Zero, or a word outside the
  // vocabulary); every result <= kLog10Zero is returned as kLog10Zero.
  [[nodiscard]] float log10_prob(std::span<const WordId> context, WordId word) const;
  // The same for the context that is entry `context` of level n (n = 0: the
  // empty context). REQUIRES: 0 <= n < order().
  [[nodiscard]] float log10_prob(int n, std::uint32_t context, WordId word) const;
  // The lower-order estimate of entry i of level n (2 <= n <= order()):
  // for i = h w, log10 p_BO(w | h') where h' is h without its first word.
  // This is the p_BO of a backoff weight's denominator (and of pruning).
  [[nodiscard]] float log10_lower_prob(int n, std::uint32_t i) const;

 private:
  void find_successors();
  // The backoff rule over the context's suffixes that are entries:
  // entries[k] is the one of length k, for 1 <= k <= length.
  [[nodiscard]] float backed_off(const std::uint32_t* entries, int length, WordId word) const;

  const NGramTable* table_;
  // links_[n-2][i]: suffix link of entry i of level n (n >= 2).
  std::vector<std::vector<std::uint32_t>> links_;
  // first_child_[n-1][i]: the first successor of entry i of level n in
  // level n+1 (n < order()); size level n + 1.
  std::vector<std::vector<std::uint32_t>> first_child_;
};

// What recompute_backoffs found, for a caller that reports it.
struct BackoffStats {
  // Contexts whose backoff distribution had no probability left (SRILM:
  // "BOW denominator ... is zero"): their n-grams were scaled to sum to 1.
  std::uint64_t scaled_contexts = 0;
  // Contexts whose explicit probabilities sum to more than 1, or that have
  // mass left and nothing to back off to (SRILM: "BOW numerator ... < 0",
  // "BOW denominator ... <= 0"): backoff kLog10Zero, the model is improper
  // there.
  std::uint64_t improper_contexts = 0;
  // The unigram mass that was left (1 - sum of unigram probabilities when
  // at least Prob_Epsilon = 3e-6) and was spread over the words (see below).
  double unigram_mass_distributed = 0.0;
};

// Recomputes every backoff weight of the table from its probabilities,
// lowest order first, exactly as SRILM's Ngram::recomputeBOWs:
// - Unigrams (SRILM's computeBOWs(0) and distributeProb): the mass left,
//   m = 1 - sum_w p(w) (0 when below 3e-6; nothing is done when the sum
//   exceeds 1 + 3e-6), goes in equal shares to the words with probability
//   0 (log10 p <= kLog10Zero), or, if there are none, to every word. <s>
//   and, in a closed-vocabulary table (info.closed_vocab), <unk> are not
//   words that receive mass.
// - Every context h of order >= 1 (computeBOW), sums in double:
//     BOW(h) = (1 - sum_{w explicit in h} p(w | h)) / (1 - sum_{same w} p_BO(w | h'))
//   where h' is h without its first word; numerator and denominator within
//   3e-6 of 0 count as 0. A zero denominator with mass left: h's n-grams are
//   scaled to sum to 1 and BOW = 1. A negative numerator, or a zero
//   denominator with mass left: BOW = kLog10Zero (improper). Both 0: BOW = 1.
//   A context with no successors (and the top order) keeps backoff 0.
// Probabilities of other entries are not changed. `threads` as for
// TableLookup: the result does not depend on it. REQUIRES: the table is valid
// as build_model checks it.
BackoffStats recompute_backoffs(NGramTable& table, unsigned threads = 1);
// The same with a lookup built over this table (saves computing its links
// again). REQUIRES: &lookup.table() == &table.
BackoffStats recompute_backoffs(NGramTable& table, const TableLookup& lookup, unsigned threads = 1);

}  // namespace lm
