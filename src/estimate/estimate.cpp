#include "lm/estimator.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "lm/error.hpp"
#include "lm/parallel.hpp"

namespace lm {

std::vector<Discount> compute_discounts(const std::vector<std::array<std::uint64_t, 5>>& counts_of_counts,
                                        const EstimateConfig& config, std::vector<std::string>* warnings) {
  std::vector<Discount> discounts;
  for (std::size_t i = 0; i < counts_of_counts.size(); ++i) {
    const auto& t = counts_of_counts[i];
    const int order = static_cast<int>(i) + 1;
    std::string problem;
    Discount d;
    for (int j = 1; j <= 3 && problem.empty(); ++j) {
      if (t[j] == 0) problem = fmt::format("no {}-grams have adjusted count {}", order, j);
    }
    if (problem.empty()) {
      // Chen & Goodman eq. 26, in float like lmplz so that the results match.
      const float y = static_cast<float>(t[1]) / static_cast<float>(static_cast<double>(t[1]) + 2.0 * static_cast<double>(t[2]));
      for (int j = 1; j <= 3; ++j) {
        const float amount = static_cast<float>(j) - static_cast<float>(j + 1) * y *
                                                         static_cast<float>(t[j + 1]) /
                                                         static_cast<float>(t[j]);
        d.d[j] = amount;
        // lmplz accepts 0; lm does not, since a zero discount can leave a context
        // no backoff mass (log10 backoff -inf) on degenerate data.
        if (amount <= 0.0f || amount > static_cast<float>(j)) {
          problem = fmt::format("the {}-gram discount for count {} is {:.4g}, outside (0, {}]", order,
                                j, amount, j);
          break;
        }
      }
    }
    if (!problem.empty()) {
      if (!config.allow_discount_fallback) {
        throw Error(fmt::format("cannot estimate modified Kneser-Ney discounts: {}; the corpus is too "
                                "small or unusual (allow the fallback discounts, or add text)",
                                problem));
      }
      warnings->push_back(fmt::format(
          "order {}: {}, so Kneser-Ney discounts cannot be estimated (tiny or unusual corpus); "
          "using D1={} D2={} D3+={}",
          order, problem, config.fallback.d[1], config.fallback.d[2], config.fallback.d[3]));
      d = config.fallback;
    }
    discounts.push_back(d);
  }
  return discounts;
}

namespace {

// gamma and denominator of one context: counts[begin, end) share it.
struct ContextMass {
  double denominator = 0;
  double gamma = 0;
};

// pruned (may be null): entries left out of the model. Their counts stay in
// the denominator and their discounted-away mass goes to gamma, as lmplz
// does, so the model stays normalized.
ContextMass context_mass(const std::vector<std::uint32_t>& counts, const std::uint8_t* pruned, std::size_t begin,
                         std::size_t end, const Discount& discount) {
  std::uint64_t total = 0;
  std::uint64_t left_out = 0;
  std::array<std::uint64_t, 4> n{};
  for (std::size_t i = begin; i < end; ++i) {
    total += counts[i];
    if (pruned != nullptr && pruned[i] != 0) {
      left_out += counts[i];
    } else if (counts[i] > 0) {
      ++n[std::min<std::uint64_t>(counts[i], 3)];
    }
  }
  ContextMass m;
  m.denominator = static_cast<double>(total);
  double mass = discount.d[1] * static_cast<double>(n[1]) + discount.d[2] * static_cast<double>(n[2]) +
                discount.d[3] * static_cast<double>(n[3]) + static_cast<double>(left_out);
  m.gamma = total > 0 ? mass / m.denominator : 0.0;
  return m;
}

// Removes the pruned entries of level (and their probabilities), renumbering
// parents through lower_map; lower_map becomes this level's renumbering.
void drop_pruned(CountLevel* level, std::vector<float>* log10_prob, std::vector<std::uint32_t>& lower_map) {
  std::vector<std::uint32_t> map(level->size(), kNoEntry);
  std::uint32_t kept = 0;
  for (std::size_t i = 0; i < level->size(); ++i) {
    if (level->pruned[i] != 0) continue;
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

float to_log10_prob(double p) { return std::min(0.0f, static_cast<float>(std::log10(p))); }

}  // namespace

EstimateResult estimate(NGramCounts counts, const EstimateConfig& config) {
  std::vector<std::string> warnings;
  const std::vector<Discount> discounts = compute_discounts(counts.counts_of_counts, config, &warnings);
  const int order = counts.order;
  TrieBuilder builder(order, counts.vocab);

  // Unigrams: interpolate with the uniform distribution over words other than <s>.
  const CountLevel& uni = counts.levels[0];
  const std::size_t vocab_size = counts.vocab.size();
  const ContextMass root = context_mass(uni.counts, nullptr, 0, uni.counts.size(), discounts[0]);
  const double uniform = 1.0 / static_cast<double>(vocab_size - 1);
  std::vector<double> lower_prob(vocab_size);
  std::vector<float> log10_prob(vocab_size);
  for (WordId w = 0; w < vocab_size; ++w) {
    const std::uint64_t c = uni.counts[w];
    double p = (static_cast<double>(c) - discounts[0].get(c)) / root.denominator + root.gamma * uniform;
    if (w == kBosId) p = 1.0;  // lmplz's convention: <s> is never predicted
    lower_prob[w] = p;
    log10_prob[w] = to_log10_prob(p);
  }
  builder.set_unigrams(std::move(log10_prob), std::vector<float>(vocab_size, 0.0f));

  // With pruning, entries of each level are renumbered once the pruned ones
  // are dropped: lower_map takes the level below's indices to the builder's.
  std::vector<std::uint32_t> lower_map;
  for (int n = 2; n <= order; ++n) {
    CountLevel& level = counts.levels[n - 1];
    const std::uint8_t* pruned = level.pruned.empty() ? nullptr : level.pruned.data();
    const Discount& discount = discounts[n - 1];
    const std::size_t size = level.size();
    // Probabilities in double for the next order's interpolation (none above the top).
    std::vector<double> prob(n < order ? size : 0);
    std::vector<float> level_log10(size);
    std::vector<float>& parent_backoff = builder.log10_backoff(n - 1);
    // Contexts are independent: split the level at context boundaries.
    auto estimate_range = [&](std::size_t begin, std::size_t stop) {
      while (begin < stop) {
        const std::uint32_t context = level.parent[begin];
        std::size_t end = begin + 1;
        while (end < size && level.parent[end] == context) ++end;
        const ContextMass mass = context_mass(level.counts, pruned, begin, end, discount);
        const std::uint32_t kept_context = lower_map.empty() ? context : lower_map[context];
        // A pruned context has only pruned extensions (thresholds do not decrease).
        if (kept_context != kNoEntry) parent_backoff[kept_context] = static_cast<float>(std::log10(mass.gamma));
        for (std::size_t i = begin; i < end; ++i) {
          if (pruned != nullptr && pruned[i] != 0) continue;
          const std::uint64_t c = level.counts[i];
          const std::uint32_t suffix = level.suffix[i];
          const double p = (static_cast<double>(c) - discount.get(c)) / mass.denominator +
                           mass.gamma * lower_prob[suffix];
          if (n < order) prob[i] = p;
          level_log10[i] = to_log10_prob(p);
        }
        begin = end;
      }
    };
    const std::size_t threads = std::max(1, std::min(config.threads, 64));
    std::vector<std::size_t> cut{0};
    for (std::size_t t = 1; t < threads; ++t) {
      std::size_t c = std::max(cut.back(), size * t / threads);
      while (c > 0 && c < size && level.parent[c] == level.parent[c - 1]) ++c;
      cut.push_back(c);
    }
    cut.push_back(size);
    // Slices of thread indices, cut at context boundaries above.
    parallel_for(threads, static_cast<unsigned>(threads),
                 [&](unsigned, std::size_t begin, std::size_t end) { estimate_range(cut[begin], cut[end]); });
    if (pruned != nullptr) {
      drop_pruned(&level, &level_log10, lower_map);
    } else {
      lower_map.clear();
    }
    const std::size_t kept = level.words.size();
    builder.add_level(std::move(level.words), level.parent, std::move(level_log10),
                      n < order ? std::vector<float>(kept, 0.0f) : std::vector<float>());
    level = CountLevel();  // done with it: keep the peak memory down
    lower_prob = std::move(prob);
    if (config.progress) config.progress(static_cast<std::uint64_t>(n), static_cast<std::uint64_t>(order));
  }
  ModelInfo info;
  info.smoothing = Smoothing::kModifiedKneserNey;
  info.training_tokens = counts.stats.words + counts.stats.sentences;
  info.discounts = discounts;
  info.unk_is_word = counts.stats.unk_words > 0;
  return EstimateResult{builder.finish(info, config.layout), discounts, std::move(warnings)};
}

}  // namespace lm
