// Relative-entropy pruning (lm/prune.hpp), following SRILM 1.7's
// Ngram::pruneProbs and LM::contextProb with SRILM's float (LogP) and double
// (Prob) arithmetic, so that borderline decisions come out as SRILM's.
//
// Every quantity a decision needs comes from the table as it was before
// pruning (SRILM changes no probability or weight until recomputeBOWs at the
// end), so the decisions are made first, as marks, and the table is
// compacted once.
#include "lm/prune.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <fmt/format.h>
#include <limits>
#include <memory>
#include <thread>

#include "edit/srilm_prob.hpp"
#include "model/unpack.hpp"
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

// SRILM reads log10 -99 (its LogP_PseudoZero) as LogP_Zero, -infinity, and
// pruneProbs computes with it as such (a context whose backoff weight is 0
// keeps its n-grams: 0 * infinity is NaN, never below the threshold).
float logp_of(float log10_p) { return log10_p <= kLog10Zero ? kLogPZero : log10_p; }

double prob_of_log(float log10_p) { return std::isinf(log10_p) && log10_p < 0 ? 0.0 : std::exp(log10_p * M_LN10); }

// Takes out the entries of every level whose keep mark is 0, renumbering
// the parents of the level above; returns the suffix links of what is left,
// lookup's renumbered (kNone where the suffix was taken out).
std::vector<std::vector<std::uint32_t>> compact(NGramTable& table, const std::vector<std::vector<std::uint8_t>>& keep,
                                                const TableLookup& lookup) {
  std::vector<std::vector<std::uint32_t>> links(static_cast<std::size_t>(std::max(0, table.order() - 1)));
  std::vector<std::uint32_t> renumber;  // of the level below the one compacted
  for (int n = 2; n <= table.order(); ++n) {
    NGramTable::Level& level = table.levels[n - 1];
    const std::vector<std::uint8_t>& k = keep[n - 1];
    const bool top = n == table.order();
    std::vector<std::uint32_t> next_renumber(top ? 0 : level.size());
    std::vector<std::uint32_t>& link = links[n - 2];
    link.reserve(level.size());
    std::size_t out = 0;
    for (std::size_t i = 0; i < level.size(); ++i) {
      if (!top) next_renumber[i] = static_cast<std::uint32_t>(out);
      if (k[i] == 0) continue;
      std::uint32_t s = lookup.suffix(n, static_cast<std::uint32_t>(i));
      if (n > 2 && s != TableLookup::kNone) s = keep[n - 2][s] != 0 ? renumber[s] : TableLookup::kNone;
      link.push_back(s);
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
    link.shrink_to_fit();
    renumber = std::move(next_renumber);
  }
  return links;
}

// One order's pass (SRILM's pruneProbs loop for contexts of order n-1): the
// inputs every context reads, and the marks it writes for its own successors.
struct Pass {
  const NGramTable::Level* contexts;  // level n-1
  NGramTable::Level* level;           // level n (probabilities scaled in place if a context needs it)
  const TableLookup* lookup;
  const std::vector<float>* context_probs;   // log10 P(h) of level n-1
  const std::vector<std::uint8_t>* alive;    // of level n, as contexts; empty for the top order
  std::vector<std::uint8_t>* kept;           // of level n
  std::vector<std::uint8_t>* context_alive;  // of level n-1
  int n;
  double threshold;
  double x_limit;  // log1p(threshold)
};

// The successors' values a context's decisions share.
struct Scratch {
  std::vector<float> lower;     // log10 p_BO(w | h')
  std::vector<double> lower_p;  // p_BO(w | h')
  std::vector<double> own_p;    // p(w | h)
};

// Decides the successors of context c; returns how many are removed.
std::uint64_t judge_context(const Pass& pass, std::uint32_t c, Scratch* s) {
  const TableLookup::Range r = pass.lookup->successors(pass.n - 1, c);
  if (r.begin == r.end) return 0;
  std::vector<float>& log10_prob = pass.level->log10_prob;
  const std::size_t count = r.end - r.begin;
  s->lower.resize(count);
  s->lower_p.resize(count);
  s->own_p.resize(count);
  detail::BowSums sums;
  for (std::size_t i = 0; i < count; ++i) {
    s->lower[i] = pass.lookup->log10_lower_prob(pass.n, r.begin + static_cast<std::uint32_t>(i));
    s->lower_p[i] = to_prob(s->lower[i]);
    s->own_p[i] = to_prob(log10_prob[r.begin + i]);
    sums.numerator -= s->own_p[i];
    sums.denominator -= s->lower_p[i];
  }
  const detail::BowCase verdict = detail::check_bow(&sums);
  if (verdict == detail::BowCase::kImproper) {
    (*pass.context_alive)[c] = 1;  // SRILM skips the context
    return 0;
  }
  if (verdict == detail::BowCase::kScale) {
    detail::scale_to_one(std::span<float>(log10_prob).subspan(r.begin, count), sums);
    for (std::size_t i = 0; i < count; ++i) s->own_p[i] = to_prob(log10_prob[r.begin + i]);
  }
  const float bow = logp_of(pass.contexts->log10_backoff[c]);
  const double context_prob = prob_of_log((*pass.context_probs)[c]);
  std::uint64_t removed = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t e = r.begin + i;
    if (!pass.alive->empty() && (*pass.alive)[e] != 0) {
      (*pass.context_alive)[c] = 1;
      continue;
    }
    // Float where SRILM's LogP is a float, double where its Prob is.
    const float log10_p = logp_of(log10_prob[e]);
    const double p = s->own_p[i];
    const float new_bow =
        static_cast<float>(std::log10(sums.numerator + p) - std::log10(sums.denominator + s->lower_p[i]));
    const float delta_prob = logp_of(s->lower[i]) + new_bow - log10_p;
    const double delta_entropy = -context_prob * (p * static_cast<double>(delta_prob) +
                                                  sums.numerator * static_cast<double>(new_bow - bow));
    // perplexity change = 10^deltaH - 1 < threshold, i.e. x = deltaH ln 10 <
    // log1p(threshold): decided without exp() when x is clearly on one side
    // (exp's error near 0 is 1e-16), computed as SRILM does within 1e-12.
    const double x = delta_entropy * M_LN10;
    const bool pruned = x < pass.x_limit - 1e-12   ? true
                        : x > pass.x_limit + 1e-12 ? false
                                                   : std::exp(x) - 1.0 < pass.threshold;
    if (pruned) {
      (*pass.kept)[e] = 0;
      ++removed;
    } else {
      (*pass.context_alive)[c] = 1;
    }
  }
  return removed;
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
  std::vector<std::vector<std::uint8_t>> keep(static_cast<std::size_t>(order));
  for (int n = 2; n <= order; ++n) keep[n - 1].assign(table.levels[n - 1].size(), 1);
  auto lookup_ptr = std::make_unique<const TableLookup>(table, threads);
  const TableLookup& lookup = *lookup_ptr;
  {  // P(h) is freed before the table is compacted
    const std::vector<std::vector<float>> context_probs = context_log10_probs(table, order - 1);
    // alive[i]: entry i of the level just pruned is still a context in SRILM's
    // trie (a BOW node): it keeps a successor, or a longer alive context has it
    // as suffix, or its backoff weight could not be computed.
    std::vector<std::uint8_t> alive;
    for (int n = order; n >= lowest; --n) {
      std::vector<std::uint8_t> context_alive(table.levels[n - 2].size(), 0);
      const Pass pass{&table.levels[n - 2], &table.levels[n - 1], &lookup, &context_probs[n - 2], &alive,
                      &keep[n - 1], &context_alive, n, options.threshold, std::log1p(options.threshold)};
      std::vector<std::uint64_t> removed(threads, 0);
      parallel_for(pass.contexts->size(), threads, [&](unsigned slice, std::size_t begin, std::size_t end) {
        Scratch scratch;
        for (std::size_t c = begin; c < end; ++c) {
          removed[slice] += judge_context(pass, static_cast<std::uint32_t>(c), &scratch);
        }
      });
      for (std::uint64_t count : removed) result.removed[n - 1] += count;
      // A context stays in SRILM's trie while a longer one that has it as
      // suffix does.
      for (std::uint32_t e = 0; e < alive.size(); ++e) {
        if (alive[e] == 0) continue;
        const std::uint32_t s = lookup.suffix(n, e);
        if (s != TableLookup::kNone) context_alive[s] = 1;
      }
      alive = std::move(context_alive);
    }
  }

  std::uint64_t total = 0;
  for (std::uint64_t count : result.removed) total += count;
  if (total == 0) return result;
  std::vector<std::vector<std::uint32_t>> links = compact(table, keep, lookup);
  lookup_ptr.reset();
  const TableLookup pruned(table, std::move(links));
  result.backoffs = recompute_backoffs(table, pruned, threads);
  return result;
}

PrunedModel prune_model(const Model& model, const PruneOptions& options) {
  std::exception_ptr corrupt;
  auto verify = [&]() {
    try {
      model.verify();
    } catch (...) {
      corrupt = std::current_exception();
    }
  };
  std::thread verifier;
  try {
    verifier = std::thread(verify);
  } catch (const std::system_error&) {
    verify();  // no thread to be had: verify first
  }
  PrunedModel out;
  std::exception_ptr failure;
  try {
    out.table.levels = detail::unpack_levels(model);
    out.table.info = model.info();
    out.result = prune(out.table, options);
  } catch (...) {
    failure = std::current_exception();
  }
  if (verifier.joinable()) verifier.join();
  if (corrupt) std::rethrow_exception(corrupt);  // the model's problem first
  if (failure) std::rethrow_exception(failure);
  out.table.vocab = detail::unpack_vocabulary(model.vocab());
  return out;
}

}  // namespace lm
