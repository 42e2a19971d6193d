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
#include "lm/smoothing.hpp"

namespace lm {

namespace {

using detail::to_prob;
constexpr float kLogPZero = -std::numeric_limits<float>::infinity();

// SRILM's LM::contextProb of every entry of levels 1 .. top: log10 P(w1 .. wm)
// by the chain rule, summed in float from the first word (each level adds
// its word's term to its parent's sum, so the order of the additions is
// SRILM's). The marginal of an initial <s> is p(</s>) (p(<s>) is 0); a word
// of probability 0 that is not an event (<s>, a closed vocabulary's <unk>)
// is skipped, any other makes the sum -inf.
std::vector<std::vector<float>> context_log10_probs(const NGramTable& table, int top) {
  std::vector<std::vector<float>> joint(static_cast<std::size_t>(top));
  auto term = [&](WordId word, float p) {
    if (p > kLog10Zero) return p;
    const bool event = word != kBosId && !(table.info.closed_vocab && word == kUnkId);
    return event ? kLogPZero : 0.0f;
  };
  const NGramTable::Level& unigrams = table.levels[0];
  joint[0].resize(unigrams.size());
  for (std::size_t w = 0; w < unigrams.size(); ++w) {
    joint[0][w] = w == kBosId ? term(kEosId, unigrams.log10_prob[kEosId])
                              : term(static_cast<WordId>(w), unigrams.log10_prob[w]);
  }
  for (int k = 2; k <= top; ++k) {
    const NGramTable::Level& level = table.levels[k - 1];
    const std::vector<float>& below = joint[k - 2];
    std::vector<float>& out = joint[k - 1];
    out.resize(level.size());
    for (std::size_t i = 0; i < level.size(); ++i) {
      out[i] = below[level.parent[i]] + term(level.words[i], level.log10_prob[i]);
    }
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
  if (!smoothing_normalized(table.info.smoothing.method)) {
    throw Error("a stupid backoff model gives scores, not probabilities: relative-entropy pruning needs a "
                "normalized model; train it with another --smoothing (or use lm train --prune)");
  }
  const int order = table.order();
  PruneResult result;
  result.removed.assign(static_cast<std::size_t>(order), 0);
  const int lowest = std::max(2, options.min_order);
  if (options.threshold == 0.0 || order < lowest) return result;

  const unsigned threads = std::max(1u, options.threads);
  const double threshold = options.threshold;
  std::vector<std::vector<std::uint8_t>> keep(static_cast<std::size_t>(order));
  for (int n = 2; n <= order; ++n) keep[n - 1].assign(table.levels[n - 1].size(), 1);
  {  // the lookups and P(h) are freed before the table is compacted
    const TableLookup lookup(table, threads);
    const std::vector<std::vector<float>> context_probs = context_log10_probs(table, order - 1);
    // perplexity change < threshold, i.e. x = deltaH ln 10 < log1p(threshold),
    // decided without exp() when x is clearly on one side (exp's error near 0
    // is 1e-16); computed as SRILM does when it is within 1e-12.
    const double x_limit = std::log1p(threshold);
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
        std::vector<double> own_p;  // their p(w | h)
        for (std::size_t ci = begin; ci < end; ++ci) {
          const auto c = static_cast<std::uint32_t>(ci);
          const TableLookup::Range r = lookup.successors(n - 1, c);
          if (r.begin == r.end) continue;
          const float bow = contexts.log10_backoff[c];
          detail::BowSums sums;
          lower.resize(r.end - r.begin);
          lower_p.resize(r.end - r.begin);
          own_p.resize(r.end - r.begin);
          for (std::uint32_t e = r.begin; e < r.end; ++e) {
            lower[e - r.begin] = lookup.log10_lower_prob(n, e);
            lower_p[e - r.begin] = to_prob(lower[e - r.begin]);
            own_p[e - r.begin] = to_prob(level.log10_prob[e]);
            sums.numerator -= own_p[e - r.begin];
            sums.denominator -= lower_p[e - r.begin];
          }
          const detail::BowCase verdict = detail::check_bow(&sums);
          if (verdict == detail::BowCase::kImproper) {
            context_alive[c] = 1;  // SRILM skips the context
            continue;
          }
          if (verdict == detail::BowCase::kScale) {
            detail::scale_to_one(std::span<float>(level.log10_prob).subspan(r.begin, r.end - r.begin), sums);
            for (std::uint32_t e = r.begin; e < r.end; ++e) own_p[e - r.begin] = to_prob(level.log10_prob[e]);
          }
          const double numerator = sums.numerator;
          const double denominator = sums.denominator;
          const double context_prob = prob_of_log(context_probs[n - 2][c]);
          for (std::uint32_t e = r.begin; e < r.end; ++e) {
            if (!alive.empty() && alive[e] != 0) {
              context_alive[c] = 1;
              continue;
            }
            const float log10_p = level.log10_prob[e];
            const float backoff_prob = lower[e - r.begin];
            const double p = own_p[e - r.begin];
            const float new_bow = static_cast<float>(std::log10(numerator + p) -
                                                     std::log10(denominator + lower_p[e - r.begin]));
            const float delta_prob = backoff_prob + new_bow - log10_p;
            const double delta_entropy =
                -context_prob * (p * static_cast<double>(delta_prob) +
                                 numerator * static_cast<double>(new_bow - bow));
            const double x = delta_entropy * M_LN10;
            const bool pruned = x < x_limit - 1e-12   ? true
                                : x > x_limit + 1e-12 ? false
                                                      : std::exp(x) - 1.0 < threshold;
            if (pruned) {
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
  }

  std::uint64_t total = 0;
  for (std::uint64_t count : result.removed) total += count;
  if (total == 0) return result;
  compact(table, keep);
  result.backoffs = recompute_backoffs(table, threads);
  return result;
}

}  // namespace lm
