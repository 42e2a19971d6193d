// Backoff weights as SRILM computes them (lm/backoff_weights.hpp). The
// arithmetic follows SRILM 1.7's NgramLM.cc function by function, including
// which values are floats (SRILM's LogP) and which doubles (Prob), so that
// recomputed weights match SRILM's to the last bit where possible.
#include "lm/backoff_weights.hpp"

#include <algorithm>
#include <cmath>

#include "edit/srilm_prob.hpp"
#include "edit/successor_starts.hpp"
#include "lm/parallel.hpp"

namespace lm {

using detail::kProbEpsilon;
using detail::to_prob;

void TableLookup::find_successors() {
  const int order = table_->order();
  first_child_.resize(order > 0 ? order - 1 : 0);
  for (int n = 1; n < order; ++n) {
    first_child_[n - 1] = detail::successor_starts(table_->levels[n].parent, table_->levels[n - 1].size());
  }
}

TableLookup::TableLookup(const NGramTable& table, std::vector<std::vector<std::uint32_t>> links)
    : table_(&table), links_(std::move(links)) {
  find_successors();
}

TableLookup::TableLookup(const NGramTable& table, unsigned threads) : table_(&table) {
  find_successors();
  const int order = table.order();
  links_.resize(order > 1 ? order - 1 : 0);
  for (int n = 2; n <= order; ++n) {
    const NGramTable::Level& level = table.levels[n - 1];
    std::vector<std::uint32_t>& link = links_[n - 2];
    link.assign(level.size(), kNone);
    if (n == 2) {
      std::copy(level.words.begin(), level.words.end(), link.begin());
      continue;
    }
    const std::vector<std::uint32_t>& parent_link = links_[n - 3];
    // The suffix of (parent, w) is the successor w of the parent's suffix.
    // Successive entries of one parent have increasing words, so each search
    // starts where the last one ended.
    parallel_for(level.size(), threads, [&](unsigned, std::size_t begin, std::size_t end) {
      std::uint32_t last_parent = kNone;
      std::uint32_t from = 0;
      std::uint32_t to = 0;
      const std::vector<WordId>& target = table.levels[n - 2].words;
      for (std::size_t i = begin; i < end; ++i) {
        const std::uint32_t p = level.parent[i];
        if (p != last_parent) {
          last_parent = p;
          const std::uint32_t sp = parent_link[p];
          if (sp == kNone) {
            from = to = 0;
          } else {
            from = first_child_[n - 3][sp];
            to = first_child_[n - 3][sp + 1];
          }
        }
        const auto it = std::lower_bound(target.begin() + from, target.begin() + to, level.words[i]);
        from = static_cast<std::uint32_t>(it - target.begin());
        if (from < to && *it == level.words[i]) link[i] = from;
      }
    });
  }
}

TableLookup::Range TableLookup::successors(int n, std::uint32_t i) const {
  if (n == 0) return {0, static_cast<std::uint32_t>(table_->levels[0].size())};
  return {first_child_[n - 1][i], first_child_[n - 1][i + 1]};
}

std::uint32_t TableLookup::find_child(int n, std::uint32_t context, WordId word) const {
  if (n == 0) return word < table_->levels[0].size() ? word : kNone;
  const std::vector<WordId>& words = table_->levels[n].words;
  const auto begin = words.begin() + first_child_[n - 1][context];
  const auto end = words.begin() + first_child_[n - 1][context + 1];
  const auto it = std::lower_bound(begin, end, word);
  return (it != end && *it == word) ? static_cast<std::uint32_t>(it - words.begin()) : kNone;
}

std::uint32_t TableLookup::find(std::span<const WordId> words) const {
  if (words.empty() || words.size() > static_cast<std::size_t>(order())) return kNone;
  std::uint32_t entry = 0;
  for (std::size_t k = 0; k < words.size(); ++k) {
    entry = find_child(static_cast<int>(k), entry, words[k]);
    if (entry == kNone) return kNone;
  }
  return entry;
}

namespace {

float clamp_zero(float log10_p) { return log10_p <= kLog10Zero ? kLog10Zero : log10_p; }

}  // namespace

float TableLookup::log10_prob(std::span<const WordId> context, WordId word) const {
  if (word >= table_->levels[0].size()) return kLog10Zero;
  const std::size_t max_context = static_cast<std::size_t>(order() - 1);
  if (context.size() > max_context) context = context.subspan(context.size() - max_context);
  // SRILM's walk: s_1, s_2, ... while they are entries.
  std::uint32_t entries[kMaxOrder] = {};
  int length = 0;
  for (std::size_t k = 1; k <= context.size(); ++k) {
    const std::uint32_t e = find(context.subspan(context.size() - k));
    if (e == kNone) break;
    entries[k] = e;
    length = static_cast<int>(k);
  }
  return backed_off(entries, length, word);
}

float TableLookup::log10_prob(int n, std::uint32_t context, WordId word) const {
  if (word >= table_->levels[0].size()) return kLog10Zero;
  std::uint32_t entries[kMaxOrder] = {};
  entries[n] = context;
  for (int k = n; k >= 2; --k) {
    entries[k - 1] = suffix(k, entries[k]);
    if (entries[k - 1] == kNone) {
      // Not suffix-closed: SRILM's walk stops below this context.
      const std::vector<WordId> words = table_->ngram(n, context);
      return log10_prob(words, word);
    }
  }
  return backed_off(entries, n, word);
}

float TableLookup::backed_off(const std::uint32_t* entries, int length, WordId word) const {
  int found = 0;
  float log10_p = table_->levels[0].log10_prob[word];
  for (int k = length; k >= 1; --k) {
    const std::uint32_t e = find_child(k, entries[k], word);
    if (e != kNone) {
      found = k;
      log10_p = table_->levels[k].log10_prob[e];
      break;
    }
  }
  if (log10_p <= kLog10Zero) return kLog10Zero;
  float bow = 0.0f;
  for (int k = found + 1; k <= length; ++k) bow += table_->levels[k - 1].log10_backoff[entries[k]];
  return clamp_zero(log10_p + bow);
}

float TableLookup::log10_lower_prob(int n, std::uint32_t i) const {
  const std::uint32_t link = suffix(n, i);
  if (link != kNone) return clamp_zero(table_->levels[n - 2].log10_prob[link]);
  // n >= 3 here (bigrams always have their unigram).
  const WordId word = table_->levels[n - 1].words[i];
  const std::uint32_t context = table_->levels[n - 1].parent[i];
  const std::uint32_t shorter = suffix(n - 1, context);
  if (shorter != kNone) return log10_prob(n - 2, shorter, word);
  std::vector<WordId> words = table_->ngram(n, i);
  return log10_prob(std::span<const WordId>(words).subspan(1, words.size() - 2), word);
}

namespace {

// SRILM's distributeProb over the unigrams, after computeBOW for the empty
// context (whose denominator is 1).
void distribute_unigram_mass(NGramTable& table, BackoffStats* stats) {
  std::vector<float>& prob = table.levels[0].log10_prob;
  // <s> is never predicted: whatever it stores (log10 p 0 in the models lm
  // trains, -99 in ARPA files) is not part of the distribution.
  double numerator = 1.0;
  for (std::size_t w = 0; w < prob.size(); ++w) {
    if (w != kBosId) numerator -= to_prob(prob[w]);
  }
  if (std::fabs(numerator) < kProbEpsilon) numerator = 0.0;
  if (numerator < 0.0) {
    ++stats->improper_contexts;
    return;
  }
  auto is_event = [&](std::size_t w) {
    return w != kBosId && !(table.info.closed_vocab && w == kUnkId);
  };
  std::size_t words = 0;
  std::size_t zero = 0;
  for (std::size_t w = 0; w < prob.size(); ++w) {
    if (!is_event(w)) continue;
    ++words;
    if (prob[w] <= kLog10Zero) ++zero;
  }
  stats->unigram_mass_distributed = numerator;
  if (numerator == 0.0 || words == 0) return;
  if (zero > 0) {
    const float share = static_cast<float>(std::log10(numerator / static_cast<double>(zero)));
    for (std::size_t w = 0; w < prob.size(); ++w) {
      if (is_event(w) && prob[w] <= kLog10Zero) prob[w] = share;
    }
  } else {
    const double add = numerator / static_cast<double>(words);
    for (std::size_t w = 0; w < prob.size(); ++w) {
      if (is_event(w)) prob[w] = static_cast<float>(std::log10(to_prob(prob[w]) + add));
    }
  }
}

}  // namespace

BackoffStats recompute_backoffs(NGramTable& table, unsigned threads) {
  const TableLookup lookup(table, threads);
  return recompute_backoffs(table, lookup, threads);
}

BackoffStats recompute_backoffs(NGramTable& table, const TableLookup& lookup, unsigned threads) {
  BackoffStats stats;
  if (table.order() == 0) return stats;
  distribute_unigram_mass(table, &stats);
  const unsigned slices = std::max(1u, threads);
  for (int n = 1; n < table.order(); ++n) {
    NGramTable::Level& context = table.levels[n - 1];
    NGramTable::Level& next = table.levels[n];
    std::vector<BackoffStats> slice_stats(slices);
    parallel_for(context.size(), slices, [&](unsigned slice, std::size_t begin, std::size_t end) {
      BackoffStats& s = slice_stats[slice];
      for (std::size_t c = begin; c < end; ++c) {
        const TableLookup::Range r = lookup.successors(n, static_cast<std::uint32_t>(c));
        if (r.begin == r.end) {
          context.log10_backoff[c] = 0.0f;
          continue;
        }
        detail::BowSums sums;
        for (std::uint32_t e = r.begin; e < r.end; ++e) {
          sums.numerator -= to_prob(next.log10_prob[e]);
          sums.denominator -= to_prob(lookup.log10_lower_prob(n + 1, e));
        }
        const detail::BowCase verdict = detail::check_bow(&sums);
        if (verdict == detail::BowCase::kScale) {
          detail::scale_to_one(std::span<float>(next.log10_prob).subspan(r.begin, r.end - r.begin), sums);
          ++s.scaled_contexts;
        }
        if (verdict == detail::BowCase::kImproper) ++s.improper_contexts;
        context.log10_backoff[c] = detail::bow_of(verdict, sums);
      }
    });
    for (const BackoffStats& s : slice_stats) {
      stats.scaled_contexts += s.scaled_contexts;
      stats.improper_contexts += s.improper_contexts;
    }
  }
  return stats;
}

}  // namespace lm
