// From the merged top-order stream to the counts of every order.
//
// The top-order n-grams arrive distinct and in suffix order, so the n-grams
// that share their last k words are adjacent for every k: one pass derives
// all lower orders with their Kneser-Ney adjusted counts (the number of
// distinct words seen to the left) and tallies the counts of counts, as
// lmplz's adjust_counts does. Each order is then re-sorted into forward
// (prefix) order with one radix sort keyed by (first word, rank of the last
// n-1 words in the forward order below), which yields trie levels.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "lm/ngram_counts.hpp"

namespace lm::detail {

class CountAdjuster {
 public:
  // prune[k-1]: n-grams of order k >= 2 seen at most this often (raw count)
  // are marked pruned (lmplz's --prune). Empty: nothing is pruned.
  // keep_raw: also keep raw counts and their counts of counts.
  CountAdjuster(int order, std::vector<std::uint64_t> prune, bool keep_raw = false);

  // Adds the next top-order n-gram (order ids) with its raw count.
  // REQUIRES: n-grams arrive distinct and in suffix order.
  void add(const WordId* gram, std::uint64_t count);

  // Closes the stream and fills out->levels and out->counts_of_counts
  // (vocab_size entries in level 1), on `threads` threads. progress receives levels done of order.
  void finish(std::size_t vocab_size, int threads, NGramCounts* out, const ProgressFn& progress);

 private:
  // One order's entries in suffix order.
  struct SuffixLevel {
    std::vector<WordId> first;          // first word; kNoEntry for padding ("<s> <s> ...")
    std::vector<std::uint32_t> group;   // index of the last k-1 words in level k-1 (k >= 2)
    std::vector<std::uint32_t> count;   // adjusted count
    std::vector<std::uint8_t> pruned;   // 1: pruned (only when pruning)
    std::vector<std::uint32_t> raw;     // raw count (only with keep_raw)
  };
  // The group of n-grams sharing their last k words, while it is open.
  struct Open {
    std::uint32_t index = 0;   // its entry in level k
    WordId first = 0;
    bool padding = false;
    std::uint64_t raw = 0;
    std::uint64_t extensions = 0;
  };
  // lmplz's counts-of-counts tally, holding back the last real entry.
  struct Tally {
    std::array<std::uint64_t, 5> t{};
    bool pending = false;
    std::uint64_t pending_adjusted = 0;
    std::uint64_t pending_raw = 0;
    void add(std::uint64_t c) {
      ++t[0];
      if (c >= 1 && c <= 4) ++t[c];
    }
  };

  void open(int k, const WordId* gram);
  void close(int k);
  void emit(int k, WordId first, bool padding, std::uint32_t group, std::uint64_t adjusted, std::uint64_t raw);
  // finish's steps: the counts of counts, level 1 (indexed by word id; returns
  // each suffix-order entry's rank in it), and level k >= 2 in forward order.
  void finish_tallies(NGramCounts* out);
  std::vector<std::uint32_t> finish_unigrams(std::size_t vocab_size, NGramCounts* out);
  void finish_level(int k, std::size_t vocab_size, int threads, std::vector<std::uint32_t>& rank,
                    std::vector<std::uint32_t>& lower_first_begin, NGramCounts* out);

  int order_;
  std::vector<std::uint64_t> prune_;
  bool keep_raw_;
  bool started_ = false;
  std::vector<WordId> previous_;
  std::vector<SuffixLevel> levels_;  // levels_[k-1] holds order k
  std::vector<Open> open_;           // open_[k-1] for k = 1..order-1
  std::vector<Tally> tallies_;
  std::vector<std::array<std::uint64_t, kRawCountsOfCounts + 1>> raw_tallies_;  // with keep_raw
};

}  // namespace lm::detail
