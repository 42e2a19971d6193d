// The smoothing-neutral estimation driver (see lm/estimator.hpp).
#include "lm/estimator.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "lm/error.hpp"
#include "lm/kneser_ney.hpp"
#include "lm/parallel.hpp"

namespace lm {

namespace {

// A probability or backoff of 0 (maximum likelihood, say) is stored as
// kLog10Zero, which every ARPA reader takes, rather than -inf.
float to_log10_prob(double p) { return p > 0 ? std::min(0.0f, static_cast<float>(std::log10(p))) : kLog10Zero; }
float to_log10_backoff(double b) { return b > 0 ? static_cast<float>(std::log10(b)) : kLog10Zero; }

// The log10 p of <unk> in a closed-vocabulary model: what KenLM gives a
// model without <unk>, so that lm scores such models as KenLM does.
constexpr float kClosedUnkLog10 = -100.0f;

// Marks the n-grams under a minimum count as left out (pruned value 1), then
// brings back (value 2) those that a kept n-gram of the order above has as
// its context or its suffix: they stay in the model with the probability the
// backoff gives them, so that the trie keeps every kept n-gram's prefixes.
void mark_min_counts(NGramCounts& counts, const std::vector<std::uint64_t>& min_counts, bool adjusted) {
  if (min_counts.empty()) return;
  for (int n = 2; n <= counts.order; ++n) {
    CountLevel& level = counts.levels[n - 1];
    const std::uint64_t min = min_counts[n - 1];
    if (min <= 1) continue;
    const std::vector<std::uint32_t>& basis = adjusted ? level.counts : level.raw_counts;
    if (level.pruned.empty()) level.pruned.assign(level.size(), 0);
    for (std::size_t i = 0; i < level.size(); ++i) {
      if (basis[i] < min) level.pruned[i] = 1;
    }
  }
  for (int n = counts.order; n >= 3; --n) {
    const CountLevel& level = counts.levels[n - 1];
    std::vector<std::uint8_t>& lower = counts.levels[n - 2].pruned;
    if (lower.empty()) continue;
    for (std::size_t i = 0; i < level.size(); ++i) {
      if (!level.pruned.empty() && level.pruned[i] == 1) continue;
      if (lower[level.parent[i]] == 1) lower[level.parent[i]] = 2;
      if (lower[level.suffix[i]] == 1) lower[level.suffix[i]] = 2;
    }
  }
}

// Removes the pruned entries of a level (value 1; 2 stays) and their probabilities,
// renumbering parents through lower_map; lower_map becomes this level's
// renumbering.
void drop_pruned(CountLevel* level, std::vector<float>* log10_prob, std::vector<std::uint32_t>& lower_map) {
  std::vector<std::uint32_t> map(level->size(), kNoEntry);
  std::uint32_t kept = 0;
  for (std::size_t i = 0; i < level->size(); ++i) {
    if (level->pruned[i] == 1) continue;
    map[i] = kept;
    level->words[kept] = level->words[i];
    level->parent[kept] = lower_map.empty() ? level->parent[i] : lower_map[level->parent[i]];
    (*log10_prob)[kept] = (*log10_prob)[i];
    ++kept;
  }
  level->words.resize(kept);
  level->parent.resize(kept);
  log10_prob->resize(kept);
  lower_map.swap(map);
}

// Splits [0, size) into one slice per thread, cut where the parent changes
// (contexts are independent of one another).
std::vector<std::size_t> context_cuts(const std::vector<std::uint32_t>& parent, std::size_t threads) {
  const std::size_t size = parent.size();
  std::vector<std::size_t> cut{0};
  for (std::size_t t = 1; t < threads; ++t) {
    std::size_t c = std::max(cut.back(), size * t / threads);
    while (c > 0 && c < size && parent[c] == parent[c - 1]) ++c;
    cut.push_back(c);
  }
  cut.push_back(size);
  return cut;
}

// The state carried from one order to the next.
struct Walk {
  const SmoothingMethod& method;
  int order;
  std::size_t threads;
  std::vector<double> lower_prob;       // p(w | h) of every entry of the order below
  std::vector<std::uint32_t> lower_map;  // with pruning: the order below's entries -> the table's
};

// Estimates order n >= 2 of counts into table.levels[n-1] and sets the
// backoffs of table.levels[n-2].
void estimate_order(Walk& walk, int n, CountLevel& level, NGramTable& table) {
  const std::size_t size = level.size();
  const bool top = n == walk.order;
  std::vector<double> prob(top ? 0 : size);  // for the next order (none above the top)
  std::vector<float> level_log10(size);
  std::vector<float>& parent_backoff = table.levels[n - 2].log10_backoff;
  const std::span<const std::uint8_t> pruned(level.pruned);
  const std::span<const std::uint32_t> raw(level.raw_counts);
  auto estimate_range = [&](std::size_t begin, std::size_t stop) {
    std::vector<double> scratch;  // the top order's probabilities, one context at a time
    ContextCounts c;
    c.n = n;
    c.lower_prob = walk.lower_prob;
    const std::uint32_t* adjusted = level.counts.data();
    const std::uint32_t* suffix = level.suffix.data();
    while (begin < stop) {
      const std::uint32_t context = level.parent[begin];
      std::size_t end = begin + 1;
      while (end < size && level.parent[end] == context) ++end;
      const std::size_t count = end - begin;
      c.adjusted = {adjusted + begin, count};
      c.suffix = {suffix + begin, count};
      if (!raw.empty()) c.raw = raw.subspan(begin, count);
      if (!pruned.empty()) c.pruned = pruned.subspan(begin, count);
      if (top && scratch.size() < count) scratch.resize(count);
      double* out = top ? scratch.data() : prob.data() + begin;
      const double backoff = walk.method.context(c, {out, count});
      const std::uint32_t kept_context = walk.lower_map.empty() ? context : walk.lower_map[context];
      // A pruned context has only pruned extensions (thresholds do not decrease).
      if (kept_context != kNoEntry) parent_backoff[kept_context] = to_log10_backoff(backoff);
      float* log10_out = level_log10.data() + begin;
      if (pruned.empty()) {
        for (std::size_t i = 0; i < count; ++i) log10_out[i] = to_log10_prob(out[i]);
      } else {
        // Left out: the probability the backoff gives (for the order above,
        // and for the entries that stay as contexts).
        for (std::size_t i = 0; i < count; ++i) {
          if (c.pruned[i] != 0) out[i] = backoff * c.lower_prob[c.suffix[i]];
          if (c.pruned[i] != 1) log10_out[i] = to_log10_prob(out[i]);
        }
      }
      begin = end;
    }
  };
  const std::vector<std::size_t> cut = context_cuts(level.parent, walk.threads);
  parallel_for(walk.threads, static_cast<unsigned>(walk.threads),
               [&](unsigned, std::size_t begin, std::size_t end) { estimate_range(cut[begin], cut[end]); });
  if (!pruned.empty()) {
    drop_pruned(&level, &level_log10, walk.lower_map);
  } else {
    walk.lower_map.clear();
  }
  NGramTable::Level& out = table.levels[n - 1];
  const std::size_t kept = level.words.size();
  out.words = std::move(level.words);
  out.parent = std::move(level.parent);
  out.log10_prob = std::move(level_log10);
  if (!top) out.log10_backoff.assign(kept, 0.0f);
  level = CountLevel();  // done with it: keep the peak memory down
  walk.lower_prob = std::move(prob);
}

}  // namespace

std::vector<std::uint64_t> check_min_counts(std::vector<std::uint64_t> min_counts, int order) {
  if (min_counts.empty()) return {};
  if (min_counts.size() > static_cast<std::size_t>(order)) {
    throw ConfigError("min_counts", fmt::format("{} values for an order-{} model; give at most one per order",
                                                min_counts.size(), order));
  }
  if (min_counts[0] > 1) {
    throw ConfigError("min_counts", "the first value (unigrams) must be 1: words are kept or dropped by the "
                                    "vocabulary options ({min_count}, {max_vocab}, {vocab_file})");
  }
  const std::uint64_t last = min_counts.back();
  min_counts.resize(static_cast<std::size_t>(order), last);
  for (std::uint64_t& m : min_counts) {
    if (m == 0) m = 1;  // seen at least 0 times: everything
  }
  if (std::all_of(min_counts.begin(), min_counts.end(), [](std::uint64_t m) { return m <= 1; })) return {};
  return min_counts;
}

TableEstimate estimate_table(NGramCounts counts, SmoothingMethod& method, const EstimateConfig& config) {
  if (method.needs().raw_counts && counts.raw_counts_of_counts.empty()) {
    throw ConfigError("this smoothing method needs raw counts: count with CountConfig::keep_raw_counts");
  }
  const EstimateSettings& settings = config.settings;
  if (settings.closed_vocab && counts.stats.unk_words > 0) {
    throw ConfigError("closed_vocab",
                      "a closed vocabulary has no <unk>, but the counts have it (written in the corpus, or words "
                      "outside a limited vocabulary): leave this out, or the vocabulary limit");
  }
  TableEstimate result;
  method.prepare(counts, settings, &result.warnings);
  mark_min_counts(counts, check_min_counts(settings.min_counts, counts.order), method.needs().adjusted_min_counts);
  const int order = counts.order;
  NGramTable& table = result.table;
  table.levels.resize(static_cast<std::size_t>(order));

  const std::size_t vocab_size = counts.vocab.size();
  Walk walk{method, order, static_cast<std::size_t>(std::max(1, std::min(config.threads, 64))),
            std::vector<double>(vocab_size), {}};
  method.unigrams(counts, walk.lower_prob);
  NGramTable::Level& unigrams = table.levels[0];
  unigrams.log10_prob.resize(vocab_size);
  for (std::size_t w = 0; w < vocab_size; ++w) unigrams.log10_prob[w] = to_log10_prob(walk.lower_prob[w]);
  if (settings.closed_vocab) unigrams.log10_prob[kUnkId] = kClosedUnkLog10;
  if (order > 1) unigrams.log10_backoff.assign(vocab_size, 0.0f);

  for (int n = 2; n <= order; ++n) {
    estimate_order(walk, n, counts.levels[n - 1], table);
    if (config.progress) config.progress(static_cast<std::uint64_t>(n), static_cast<std::uint64_t>(order));
  }
  table.vocab = std::move(counts.vocab);
  table.info.smoothing = method.describe();
  table.info.training_tokens = counts.stats.words + counts.stats.sentences;
  table.info.unk_is_word = counts.stats.unk_words > 0;
  table.info.closed_vocab = settings.closed_vocab;
  table.info.nltk_padding = counts.nltk_padding;
  return result;
}

EstimateResult estimate(NGramCounts counts, SmoothingMethod& method, const EstimateConfig& config) {
  TableEstimate e = estimate_table(std::move(counts), method, config);
  return EstimateResult{build_model(std::move(e.table), config.layout), std::move(e.warnings)};
}

EstimateResult estimate(NGramCounts counts, const EstimateConfig& config) {
  ModifiedKneserNey method;
  return estimate(std::move(counts), method, config);
}

}  // namespace lm
