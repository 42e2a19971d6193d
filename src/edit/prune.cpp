// Relative-entropy pruning (lm/prune.hpp), following SRILM 1.7's
// Ngram::pruneProbs and LM::contextProb with SRILM's float (LogP) and double
// (Prob) arithmetic, so that borderline decisions come out as SRILM's.
//
// Every quantity a decision needs comes from the table as it was before
// pruning (SRILM changes no probability or weight until recomputeBOWs at the
// end), so the decisions are made first, as marks, and the table is
// compacted once.
#include "lm/prune.hpp"

#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "edit/srilm_prob.hpp"
#include "lm/error.hpp"
#include "lm/parallel.hpp"

namespace lm {

namespace {

using detail::to_prob;
constexpr float kLogPZero = -std::numeric_limits<float>::infinity();

// SRILM's LM::contextProb of entry c of level m: log10 P(w1 .. wm) by the
// chain rule, summed in float from the first word.
float context_log10_prob(const NGramTable& table, int m, std::uint32_t c) {
  std::uint32_t entries[kMaxOrder + 1];
  entries[m] = c;
  for (int k = m; k >= 2; --k) entries[k - 1] = table.levels[k - 1].parent[entries[k]];
  float joint = 0.0f;
  for (int k = 1; k <= m; ++k) {
    WordId word = k == 1 ? entries[1] : table.levels[k - 1].words[entries[k]];
    float p = table.levels[k - 1].log10_prob[entries[k]];
    // The marginal of an initial <s> is p(</s>): p(<s>) is 0.
    if (k == 1 && word == kBosId) {
      word = kEosId;
      p = table.levels[0].log10_prob[kEosId];
    }
    if (p <= kLog10Zero) {
      const bool event = word != kBosId && !(table.info.closed_vocab && word == kUnkId);
      if (!event) continue;  // SRILM skips a non-event of probability 0
      p = kLogPZero;
    }
    joint += p;
  }
  return joint;
}

double prob_of_log(float log10_p) { return std::isinf(log10_p) && log10_p < 0 ? 0.0 : std::exp(log10_p * M_LN10); }

// Takes out the entries of every level whose keep mark is 0, renumbering
// the parents of the level above.
void compact(NGramTable& table, const std::vector<std::vector<std::uint8_t>>& keep) {
  std::vector<std::uint32_t> renumber;  // of the level below the one compacted
  for (int n = 2; n <= table.order(); ++n) {
    NGramTable::Level& level = table.levels[n - 1];
    const std::vector<std::uint8_t>& k = keep[n - 1];
    const bool top = n == table.order();
    std::vector<std::uint32_t> next_renumber(top ? 0 : level.size());
    std::size_t out = 0;
    for (std::size_t i = 0; i < level.size(); ++i) {
      if (!top) next_renumber[i] = static_cast<std::uint32_t>(out);
      if (k[i] == 0) continue;
      level.words[out] = level.words[i];
      level.parent[out] = n == 2 ? level.parent[i] : renumber[level.parent[i]];
      level.log10_prob[out] = level.log10_prob[i];
      if (!top) level.log10_backoff[out] = level.log10_backoff[i];
      ++out;
    }
    level.words.resize(out);
    level.parent.resize(out);
    level.log10_prob.resize(out);
    if (!top) level.log10_backoff.resize(out);
    level.words.shrink_to_fit();
    level.parent.shrink_to_fit();
    level.log10_prob.shrink_to_fit();
    level.log10_backoff.shrink_to_fit();
    renumber = std::move(next_renumber);
  }
}

}  // namespace

PruneResult prune(NGramTable& table, const PruneOptions& options) {
  if (!(options.threshold >= 0.0) || !std::isfinite(options.threshold)) {
    throw ConfigError("threshold",
                      ConfigError::literal(fmt::format("{}: the pruning threshold is a relative change in perplexity, "
                                                       "0 or more (1e-8, say)",
                                                       options.threshold)));
  }
  if (options.min_order < 1) {
    throw ConfigError("min_order", fmt::format("{}: give an order of at least 2 (unigrams are never pruned)",
                                               options.min_order));
  }
  const int order = table.order();
  PruneResult result;
  result.removed.assign(static_cast<std::size_t>(order), 0);
  const int lowest = std::max(2, options.min_order);
  if (options.threshold == 0.0 || order < lowest) return result;

  const unsigned threads = std::max(1u, options.threads);
  const double threshold = options.threshold;
  const TableLookup lookup(table, threads);
  std::vector<std::vector<std::uint8_t>> keep(static_cast<std::size_t>(order));
  for (int n = 2; n <= order; ++n) keep[n - 1].assign(table.levels[n - 1].size(), 1);
  // alive[i]: entry i of the level just pruned is still a context in SRILM's
  // trie (a BOW node): it keeps a successor, or a longer alive context has it
  // as suffix, or its backoff weight could not be computed.
  std::vector<std::uint8_t> alive;

  for (int n = order; n >= lowest; --n) {
    const NGramTable::Level& contexts = table.levels[n - 2];
    NGramTable::Level& level = table.levels[n - 1];
    std::vector<std::uint8_t>& kept = keep[n - 1];
    std::vector<std::uint8_t> context_alive(contexts.size(), 0);
    std::vector<std::uint64_t> removed(threads, 0);
    parallel_for(contexts.size(), threads, [&](unsigned slice, std::size_t begin, std::size_t end) {
      std::vector<float> lower;  // log10 p_BO(w | h') of the context's successors
      std::vector<double> lower_p;
      for (std::size_t ci = begin; ci < end; ++ci) {
        const auto c = static_cast<std::uint32_t>(ci);
        const TableLookup::Range r = lookup.successors(n - 1, c);
        if (r.begin == r.end) continue;
        const float bow = contexts.log10_backoff[c];
        detail::BowSums sums;
        lower.resize(r.end - r.begin);
        lower_p.resize(r.end - r.begin);
        for (std::uint32_t e = r.begin; e < r.end; ++e) {
          lower[e - r.begin] = lookup.log10_lower_prob(n, e);
          lower_p[e - r.begin] = to_prob(lower[e - r.begin]);
          sums.numerator -= to_prob(level.log10_prob[e]);
          sums.denominator -= lower_p[e - r.begin];
        }
        const detail::BowCase verdict = detail::check_bow(&sums);
        if (verdict == detail::BowCase::kImproper) {
          context_alive[c] = 1;  // SRILM skips the context
          continue;
        }
        if (verdict == detail::BowCase::kScale) {
          detail::scale_to_one(std::span<float>(level.log10_prob).subspan(r.begin, r.end - r.begin), sums);
        }
        const double numerator = sums.numerator;
        const double denominator = sums.denominator;
        const double context_prob = prob_of_log(context_log10_prob(table, n - 1, c));
        for (std::uint32_t e = r.begin; e < r.end; ++e) {
          if (!alive.empty() && alive[e] != 0) {
            context_alive[c] = 1;
            continue;
          }
          const float log10_p = level.log10_prob[e];
          const float backoff_prob = lower[e - r.begin];
          const double p = to_prob(log10_p);
          const float new_bow = static_cast<float>(std::log10(numerator + p) -
                                                   std::log10(denominator + lower_p[e - r.begin]));
          const float delta_prob = backoff_prob + new_bow - log10_p;
          const double delta_entropy =
              -context_prob * (p * static_cast<double>(delta_prob) +
                               numerator * static_cast<double>(new_bow - bow));
          const double perplexity_change = std::exp(delta_entropy * M_LN10) - 1.0;
          if (perplexity_change < threshold) {
            kept[e] = 0;
            ++removed[slice];
          } else {
            context_alive[c] = 1;
          }
        }
      }
    });
    for (std::uint64_t count : removed) result.removed[n - 1] += count;
    // A context stays in SRILM's trie while a longer one that has it as
    // suffix does.
    if (!alive.empty()) {
      for (std::uint32_t e = 0; e < level.size(); ++e) {
        if (alive[e] == 0) continue;
        const std::uint32_t s = lookup.suffix(n, e);
        if (s != TableLookup::kNone) context_alive[s] = 1;
      }
    }
    alive = std::move(context_alive);
  }

  std::uint64_t total = 0;
  for (std::uint64_t count : result.removed) total += count;
  if (total == 0) return result;
  compact(table, keep);
  result.backoffs = recompute_backoffs(table, threads);
  return result;
}

}  // namespace lm
