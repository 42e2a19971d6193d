#include "count/adjust_counts.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <atomic>

#include "lm/error.hpp"
#include "lm/model.hpp"
#include "lm/parallel.hpp"
#include "count/ngram_runs.hpp"
#include "count/radix_sort.hpp"

namespace lm::detail {

namespace {

[[noreturn]] void throw_missing_context(int k) {
  throw Error(fmt::format("internal error: a {}-gram has no context entry", k));
}

template <typename T>
void release(std::vector<T>& v) {
  std::vector<T>().swap(v);
}

}  // namespace

CountAdjuster::CountAdjuster(int order, std::vector<std::uint64_t> prune, bool keep_raw)
    : order_(order),
      prune_(std::move(prune)),
      keep_raw_(keep_raw),
      previous_(static_cast<std::size_t>(order)),
      levels_(static_cast<std::size_t>(order)),
      open_(static_cast<std::size_t>(order)),
      tallies_(static_cast<std::size_t>(order)) {
  if (keep_raw_) raw_tallies_.assign(static_cast<std::size_t>(order), {});
}

void CountAdjuster::emit(int k, WordId first, bool padding, std::uint32_t group, std::uint64_t adjusted,
                         std::uint64_t raw) {
  SuffixLevel& level = levels_[k - 1];
  level.first.push_back(padding ? kNoEntry : first);
  if (k >= 2) level.group.push_back(group);
  level.count.push_back(checked_count(adjusted));
  if (!prune_.empty()) level.pruned.push_back(k >= 2 && raw <= prune_[k - 1] ? 1 : 0);
  if (keep_raw_) level.raw.push_back(checked_count(raw));
  if (padding) return;
  if (keep_raw_) {
    auto& t = raw_tallies_[k - 1];
    ++t[0];
    if (raw <= kRawCountsOfCounts) ++t[raw];
  }
  Tally& tally = tallies_[k - 1];
  if (k == order_) {
    tally.add(raw);
    return;
  }
  if (tally.pending) tally.add(tally.pending_adjusted);
  tally.pending = true;
  tally.pending_adjusted = adjusted;
  tally.pending_raw = raw;
}

void CountAdjuster::open(int k, const WordId* gram) {
  Open& o = open_[k - 1];
  o.index = static_cast<std::uint32_t>(levels_[k - 1].count.size());
  o.first = gram[order_ - k];
  o.padding = k >= 2 && gram[order_ - k + 1] == kBosId;
  o.raw = 0;
  o.extensions = 0;
}

void CountAdjuster::close(int k) {
  const Open& o = open_[k - 1];
  const std::uint64_t adjusted = o.first == kBosId ? o.raw : o.extensions;
  emit(k, o.first, o.padding, k >= 2 ? open_[k - 2].index : 0, adjusted, o.raw);
  if (k >= 2) {
    open_[k - 2].raw += o.raw;
    ++open_[k - 2].extensions;
  }
}

void CountAdjuster::add(const WordId* gram, std::uint64_t count) {
  const int n = order_;
  int same = 0;  // trailing words shared with the previous n-gram
  if (started_) {
    while (same < n && gram[n - 1 - same] == previous_[n - 1 - same]) ++same;
    for (int k = n - 1; k > same; --k) close(k);
  }
  for (int k = std::max(same, 0) + 1; k <= n - 1; ++k) open(k, gram);
  started_ = true;
  std::copy(gram, gram + n, previous_.begin());
  const bool padding = n >= 2 && gram[1] == kBosId;
  emit(n, gram[0], padding, n >= 2 ? open_[n - 2].index : 0, count, count);
  if (n >= 2) {
    open_[n - 2].raw += count;
    ++open_[n - 2].extensions;
  }
}

void CountAdjuster::finish(std::size_t vocab_size, int threads, NGramCounts* out, const ProgressFn& progress) {
  const int n = order_;
  if (started_) {
    for (int k = n - 1; k >= 1; --k) close(k);
  }
  finish_tallies(out);
  out->levels.assign(static_cast<std::size_t>(n), CountLevel());
  std::vector<std::uint32_t> rank = finish_unigrams(vocab_size, out);
  if (progress) progress(1, static_cast<std::uint64_t>(n));
  // first_begin[w]: the first entry of the level below whose first word is >= w.
  std::vector<std::uint32_t> lower_first_begin;
  for (int k = 2; k <= n; ++k) {
    finish_level(k, vocab_size, threads, rank, lower_first_begin, out);
    if (progress) progress(static_cast<std::uint64_t>(k), static_cast<std::uint64_t>(n));
  }
}

void CountAdjuster::finish_tallies(NGramCounts* out) {
  out->counts_of_counts.assign(static_cast<std::size_t>(order_), {});
  for (int k = 1; k <= order_; ++k) {
    Tally& tally = tallies_[k - 1];
    if (tally.pending) tally.add(tally.pending_raw);  // lmplz's final flush
    out->counts_of_counts[k - 1] = tally.t;
  }
  out->raw_counts_of_counts = std::move(raw_tallies_);
}

std::vector<std::uint32_t> CountAdjuster::finish_unigrams(std::size_t vocab_size, NGramCounts* out) {
  CountLevel& unigrams = out->levels[0];
  SuffixLevel& level = levels_[0];
  unigrams.n = 1;
  unigrams.counts.assign(vocab_size, 0);
  if (keep_raw_) unigrams.raw_counts.assign(vocab_size, 0);
  std::vector<std::uint32_t> rank(level.first.size());
  for (std::size_t i = 0; i < rank.size(); ++i) {
    unigrams.counts[level.first[i]] = level.count[i];
    if (keep_raw_) unigrams.raw_counts[level.first[i]] = level.raw[i];
    rank[i] = level.first[i];
  }
  release(level.first);
  release(level.count);
  release(level.raw);
  return rank;
}

// Level k in forward order: one radix sort keyed by (first word, rank of the
// last k-1 words in level k-1's forward order). rank maps level k-1's
// suffix-order entries to their forward index and becomes level k's.
void CountAdjuster::finish_level(int k, std::size_t vocab_size, int threads, std::vector<std::uint32_t>& rank,
                                 std::vector<std::uint32_t>& lower_first_begin, NGramCounts* out) {
  const int n = order_;
  SuffixLevel& level = levels_[k - 1];
  const CountLevel& below = out->levels[k - 2];
  const std::size_t below_size = k == 2 ? vocab_size : below.size();
  const int word_bits = sort_key_bits(vocab_size);
  const int rank_bits = sort_key_bits(below_size);
  std::vector<KeyIndex> items;
  items.reserve(level.count.size());
  for (std::size_t i = 0; i < level.first.size(); ++i) {
    if (level.first[i] == kNoEntry) continue;
    items.push_back(KeyIndex{(std::uint64_t{level.first[i]} << rank_bits) | rank[level.group[i]],
                             static_cast<std::uint32_t>(i), level.count[i]});
  }
  const std::size_t suffix_size = level.first.size();
  release(level.first);
  release(level.group);
  release(level.count);
  release(rank);
  radix_sort(items, word_bits + rank_bits);

  CountLevel& fwd = out->levels[k - 1];
  fwd.n = k;
  const std::size_t size = items.size();
  fwd.words.resize(size);
  fwd.parent.resize(size);
  fwd.suffix.resize(size);
  fwd.counts.resize(size);
  if (!level.pruned.empty()) fwd.pruned.resize(size);
  if (keep_raw_) fwd.raw_counts.resize(size);
  if (k < n) rank.assign(suffix_size, kNoEntry);
  std::vector<std::uint32_t> first_begin(vocab_size + 1, static_cast<std::uint32_t>(size));
  for (std::size_t r = size; r-- > 0;) first_begin[items[r].key >> rank_bits] = static_cast<std::uint32_t>(r);
  for (std::size_t w = vocab_size; w-- > 0;) first_begin[w] = std::min(first_begin[w], first_begin[w + 1]);

  const std::uint64_t rank_mask = (std::uint64_t{1} << rank_bits) - 1;
  // Entries are independent but for the parent search, which walks the
  // level below monotonically: each thread starts its walk afresh.
  std::atomic<bool> missing_context{false};
  const bool keep_raw = keep_raw_;
  auto fill = [&, k, keep_raw](unsigned /*slice*/, std::size_t begin, std::size_t end) {
    std::size_t p = 0;
    WordId p_first = kNoEntry;
    for (std::size_t r = begin; r < end; ++r) {
      const KeyIndex item = items[r];
      const auto s = static_cast<std::uint32_t>(item.key & rank_mask);
      const auto first = static_cast<WordId>(item.key >> rank_bits);
      fwd.counts[r] = item.payload;
      if (!level.pruned.empty()) fwd.pruned[r] = level.pruned[item.index];
      if (keep_raw) fwd.raw_counts[r] = level.raw[item.index];
      fwd.suffix[r] = s;
      if (k == 2) {
        fwd.words[r] = s;
        fwd.parent[r] = first;
      } else {
        fwd.words[r] = below.words[s];
        // The context: first word, then the first k-2 words of the suffix.
        const std::uint32_t target = below.parent[s];
        if (first != p_first) {
          p_first = first;
          p = lower_first_begin[first];
        }
        const std::size_t stop = lower_first_begin[first + 1];
        while (p < stop && below.suffix[p] < target) ++p;
        if (p == stop || below.suffix[p] != target) {
          missing_context = true;  // parallel_for's fn must not throw
          return;
        }
        fwd.parent[r] = static_cast<std::uint32_t>(p);
      }
      if (k < n) rank[item.index] = static_cast<std::uint32_t>(r);
    }
  };
  // Small levels are not worth the threads.
  parallel_for(size, size < 100000 ? 1u : static_cast<unsigned>(std::max(1, threads)), fill);
  if (missing_context) throw_missing_context(k);
  release(items);
  release(level.pruned);
  release(level.raw);
  lower_first_begin.swap(first_begin);
}

}  // namespace lm::detail
