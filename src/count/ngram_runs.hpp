// Sorted runs of n-gram counts: sorting a chunk of the corpus, spilling a run
// to a temp file, and merging runs into one stream.
//
// All runs are in suffix order: n-grams compare by their last word, then the
// one before it, and so on (the order lmplz's adjust_counts walks).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lm/vocabulary.hpp"

namespace lm::detail {

// True when a comes before b in suffix order.
[[nodiscard]] inline bool suffix_less(const WordId* a, const WordId* b, int n) {
  for (int i = n - 1; i >= 0; --i) {
    if (a[i] != b[i]) return a[i] < b[i];
  }
  return false;
}

// c as a 32-bit count; throws Error when an n-gram occurs too often for that.
[[nodiscard]] std::uint32_t checked_count(std::uint64_t c);

[[nodiscard]] inline bool same_ngram(const WordId* a, const WordId* b, int n) {
  for (int i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Unique n-grams in suffix order with their counts, in memory or spilled.
class Run {
 public:
  Run() = default;
  Run(int order, std::vector<WordId> words, std::vector<std::uint32_t> counts);
  ~Run();
  Run(Run&& other) noexcept;
  Run& operator=(Run&& other) noexcept;
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  [[nodiscard]] std::uint64_t size() const { return entries_; }
  [[nodiscard]] bool spilled() const { return fd_ >= 0; }
  // Bytes the run takes in memory, or on disk once spilled.
  [[nodiscard]] std::uint64_t bytes() const { return entries_ * (order_ + 1) * sizeof(std::uint32_t); }

  // Writes the run to an unlinked temp file in dir and frees its memory.
  // Throws Error naming dir when it cannot (full disk, not writable).
  void spill(const std::string& dir);

  // Merges runs (all spilled, say) into one spilled run in dir: fewer open
  // files and merge cursors. buffer_bytes bounds the read buffers.
  static Run merge_to_file(std::vector<Run>& runs, int order, const std::string& dir, std::uint64_t buffer_bytes);

  friend class RunMerger;

 private:
  int order_ = 0;
  std::uint64_t entries_ = 0;
  std::vector<WordId> words_;            // order_ ids per entry, while in memory
  std::vector<std::uint32_t> counts_;    // while in memory
  int fd_ = -1;                          // the temp file once spilled: entries of (words, count)
};

// Sorts the n-grams of a chunk of padded sentences into a run. starts holds
// the position in tokens of every n-gram's first word.
[[nodiscard]] Run sort_chunk(std::span<const WordId> tokens, std::span<const std::uint32_t> starts, int order);

// Merges runs into one stream of distinct n-grams with summed counts.
class RunMerger {
 public:
  // buffer_bytes bounds the read buffers of spilled runs, all together.
  RunMerger(std::vector<Run>& runs, int order, std::uint64_t buffer_bytes);
  ~RunMerger();
  RunMerger(const RunMerger&) = delete;
  RunMerger& operator=(const RunMerger&) = delete;

  // The next n-gram (order ids, valid until the next call) and its total
  // count; false at the end.
  bool next(const WordId** gram, std::uint64_t* count);

 private:
  struct Cursor;
  bool less(std::size_t a, std::size_t b) const;
  void sift_down(std::size_t i);

  int order_;
  std::vector<Cursor> cursors_;
  std::vector<std::size_t> heap_;  // indices of cursors that are not exhausted
  std::vector<WordId> current_;
};

}  // namespace lm::detail
