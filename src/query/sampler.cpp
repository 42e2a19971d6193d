// Sampling next words from one model (lm/sampler.hpp's TokenSampler).
#include "lm/sampler.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <optional>
#include <unordered_map>

#include "lm/error.hpp"
#include "query/cached_top.hpp"
#include "query/sampler_cache.hpp"
#include "query/sampler_draw.hpp"

namespace lm {

namespace {

using detail::draw_from;
using detail::kMaxAttempts;

// Up to this top_k, NextWordPredictor::top(k) is faster than CachedTop.
constexpr std::size_t kSmallTopK = 16;
// Contexts with at least this many successors go to the shared cache.
constexpr std::uint64_t kShareMin = 256;
// Cached cumulative sums past this many are dropped (128 MiB of doubles).
constexpr std::size_t kMaxCached = std::size_t{1} << 24;

constexpr double kLog2Of10 = 3.32192809488736234787031942948939017586;

// p^(1/T) of a stored log10 p, 0 for ARPA's zero; log2_10_over_t = log2(10) / T.
// exp2 is three times as fast as pow(10, x) and within 1e-15 of it.
double tempered(double log10_prob, double log2_10_over_t) {
  return log10_prob <= kLog10Zero ? 0.0 : std::exp2(log10_prob * log2_10_over_t);
}

}  // namespace

// ---------------------------------------------------------------- TokenSampler

struct TokenSampler::Impl {
  // A context's successors' cumulative weights: in the shared cache, or
  // pool[offset, offset + size).
  struct Cdf {
    std::uint64_t offset = 0;
    std::uint64_t first = 0;  // index in the next level of the first successor
    std::uint32_t size = 0;
    double total = 0;
    const double* shared = nullptr;
  };

  Impl(const Model& m, const SamplingOptions& o, std::shared_ptr<SamplerCache> shared_cache)
      : model(m), options(o), log2_10_over_t(kLog2Of10 / o.temperature),
        exact(o.top_k == 0 && o.top_p == 1), nucleus(o.top_k == 0 && o.top_p < 1),
        shared(shared_cache != nullptr && shared_cache->serves(m, o) ? std::move(shared_cache) : nullptr) {
    if (!exact && !nucleus) return;
    // Address space for the cache up front (pages are only taken as they are
    // written): growing it by doubling copied and zeroed 30% of the time.
    std::uint64_t successors = 0;
    for (int n = 2; n <= model.order(); ++n) successors += model.ngram_count(n);
    pool.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(successors, kMaxCached + (kMaxCached >> 3))));
    const Model::Level& unigram = model.level(1);
    unigram_cum.resize(unigram.size());
    double sum = 0;
    for (WordId w = 0; w < unigram.size(); ++w) {
      if (!excluded(w)) sum += tempered(unigram.log10_prob(w), log2_10_over_t);
      unigram_cum[w] = sum;
    }
  }

  [[nodiscard]] bool excluded(WordId w) const { return w == kBosId || (options.no_unk && w == kUnkId); }

  // The slot of key in the cache's open-addressing table (keys[slot] is
  // key, or 0: free; linear probing). Keys are never 0 (n >= 1).
  std::size_t slot_of(std::uint64_t key) const {
    const std::size_t mask = keys.size() - 1;
    std::size_t slot = (key * 0x9E3779B97F4A7C15ULL) >> (64 - std::countr_zero(keys.size()));
    while (keys[slot] != 0 && keys[slot] != key) slot = (slot + 1) & mask;
    return slot;
  }
  void remember(std::uint64_t key, const Cdf& c) {
    if (2 * (cached + 1) > keys.size()) {  // keep the table at most half full
      std::vector<std::uint64_t> old_keys(keys.size() * 2, 0);
      std::vector<Cdf> old_cdfs(keys.size() * 2);
      old_keys.swap(keys);
      old_cdfs.swap(slot_cdfs);
      for (std::size_t i = 0; i < old_keys.size(); ++i) {
        if (old_keys[i] == 0) continue;
        const std::size_t slot = slot_of(old_keys[i]);
        keys[slot] = old_keys[i];
        slot_cdfs[slot] = old_cdfs[i];
      }
    }
    const std::size_t slot = slot_of(key);
    keys[slot] = key;
    slot_cdfs[slot] = c;
    ++cached;
  }

  // The cumulative weights of the successors of entry `node` of level n.
  Cdf cdf(int n, std::uint32_t node) {
    const std::uint64_t key = std::uint64_t(n) << 32 | node;
    if (const std::size_t slot = slot_of(key); keys[slot] == key) return slot_cdfs[slot];
    const ModelLevel::Range r = model.level(n).children(node);
    // Contexts with many successors are shared with the other threads (the
    // others are cheaper to sum again than to pass through a lock).
    const bool share = shared != nullptr && r.end - r.begin >= kShareMin;
    SamplerCache::Entry e;
    if (share && shared->find(key, &e)) {
      const Cdf c{0, e.first, e.size, e.total, e.cum};
      remember(key, c);
      return c;
    }
    const Model::Level& next = model.level(n + 1);
    Cdf c{pool.size(), r.begin, static_cast<std::uint32_t>(r.end - r.begin), 0};
    double sum = 0;
    for (std::uint64_t i = r.begin; i < r.end; ++i) {
      if (!excluded(next.word(i))) sum += tempered(next.log10_prob(i), log2_10_over_t);
      pool.push_back(sum);
    }
    c.total = sum;
    if (share && shared->insert(key, SamplerCache::Entry{pool.data() + c.offset, c.first, c.size, c.total}, &e)) {
      pool.resize(c.offset);  // the shared copy serves from now on
      c = Cdf{0, e.first, e.size, e.total, e.cum};
    }
    remember(key, c);
    return c;
  }

  // Is w a successor of a context longer than j words (then it was drawn at
  // the wrong order)?
  [[nodiscard]] bool longer_has(const State& s, int j, WordId w) const {
    for (int i = j + 1; i <= s.length; ++i) {
      if (model.find_child(i, s.node[i - 1], w) != kNoEntry) return true;
      if (model.suffix_closed()) return false;  // then no longer context has it either
    }
    return false;
  }

  // Drops the cache once it holds kMaxCached sums (between draws, so that
  // no Cdf in use is lost).
  void trim_cache() {
    if (pool.size() > kMaxCached) {
      pool.clear();
      std::fill(keys.begin(), keys.end(), 0);
      cached = 0;
      totals.clear();
      taken_sums.clear();
    }
  }

  WordId sample_exact(const State& s, Rng* rng) {
    trim_cache();
    const int length = s.length;
    Cdf cdfs[kMaxOrder];
    double weight[kMaxOrder];
    double log10_backoff = 0, total = 0;
    for (int j = length; j >= 1; --j) {
      cdfs[j] = cdf(j, s.node[j - 1]);
      weight[j] = (log10_backoff == 0 ? 1.0 : std::exp2(log10_backoff * log2_10_over_t)) * cdfs[j].total;
      total += weight[j];
      log10_backoff += model.level(j).log10_backoff(s.node[j - 1]);
    }
    cdfs[0] = Cdf{0, 0, static_cast<std::uint32_t>(unigram_cum.size()), unigram_cum.empty() ? 0 : unigram_cum.back()};
    weight[0] = std::exp2(log10_backoff * log2_10_over_t) * cdfs[0].total;
    total += weight[0];
    for (int attempt = 0; attempt < kMaxAttempts && total > 0; ++attempt) {
      double u = rng->uniform() * total;
      int j = length;
      while (j > 0 && u >= weight[j]) u -= weight[j--];
      const Cdf& c = cdfs[j];
      const double* cum = j == 0 ? unigram_cum.data() : c.shared != nullptr ? c.shared : pool.data() + c.offset;
      const double v = rng->uniform() * c.total;
      const std::size_t i = std::upper_bound(cum, cum + c.size, v) - cum;
      if (i >= c.size) continue;  // only when rounding put v at the total
      const WordId w = j == 0 ? static_cast<WordId>(i) : model.level(j + 1).word(c.first + i);
      if (j < length && longer_has(s, j, w)) continue;
      return w;
    }
    return sample_full(s, rng);
  }

  // The sum over the vocabulary of q(w) = p(w | s)^(1/T) (the excluded
  // words left out), without visiting the vocabulary: order j's words that
  // no longer context has weigh its cached total less those that one has.
  double tempered_total(const State& s) {
    trim_cache();
    if (model.suffix_closed()) return tempered_total_closed(s);
    if (++generation == 0) {
      std::fill(stamp.begin(), stamp.end(), 0);
      generation = 1;
    }
    stamp.resize(unigram_cum.size(), 0);
    covered.clear();
    double z = 0, log10_backoff = 0;
    for (int j = s.length; j >= 0; --j) {
      const Model::Level& next = model.level(j + 1);
      double taken = 0;
      for (WordId w : covered) {
        const std::uint32_t c = j == 0 ? w : model.find_child(j, s.node[j - 1], w);
        if (c != kNoEntry && !excluded(w)) taken += tempered(next.log10_prob(c), log2_10_over_t);
      }
      const double total = j == 0 ? unigram_cum.back() : cdf(j, s.node[j - 1]).total;
      z += std::exp2(log10_backoff * log2_10_over_t) * std::max(0.0, total - taken);
      if (j == 0) break;
      log10_backoff += model.level(j).log10_backoff(s.node[j - 1]);
      const ModelLevel::Range r = model.level(j).children(s.node[j - 1]);
      for (std::uint64_t c = r.begin; c < r.end; ++c) {
        const WordId w = next.word(c);
        if (w < stamp.size() && stamp[w] != generation) {
          stamp[w] = generation;
          covered.push_back(w);
        }
      }
    }
    return z;
  }

  // tempered_total for a suffix-closed model: the words a longer context
  // has are then those of the next longer one, so what order j gives up to
  // them depends on that context alone and is cached.
  double tempered_total_closed(const State& s) {
    double z = 0, log10_backoff = 0;
    for (int j = s.length; j >= 0; --j) {
      const double total = j == 0 ? unigram_cum.back() : cdf(j, s.node[j - 1]).total;
      const double taken = j == s.length ? 0.0 : taken_by(j, s);
      z += std::exp2(log10_backoff * log2_10_over_t) * std::max(0.0, total - taken);
      if (j > 0) log10_backoff += model.level(j).log10_backoff(s.node[j - 1]);
    }
    return z;
  }
  // The weights at order j (context: the last j words of s) of the
  // successors of the context one word longer. REQUIRES: j < s.length.
  double taken_by(int j, const State& s) {
    const std::uint64_t key = std::uint64_t(j + 1) << 32 | s.node[j];
    if (const auto it = taken_sums.find(key); it != taken_sums.end()) return it->second;
    const ModelLevel::Range r = model.level(j + 1).children(s.node[j]);
    const Model::Level& longer = model.level(j + 2);
    const Model::Level& next = model.level(j + 1);
    double taken = 0;
    for (std::uint64_t c = r.begin; c < r.end; ++c) {
      const WordId w = longer.word(c);
      if (excluded(w)) continue;
      const std::uint32_t at = j == 0 ? w : model.find_child(j, s.node[j - 1], w);
      if (at != kNoEntry) taken += tempered(next.log10_prob(at), log2_10_over_t);
    }
    taken_sums.emplace(key, taken);
    return taken;
  }

  // top_p without top_k: the most probable words, from NextWordPredictor::top(k)
  // for a growing k, until they hold top_p of tempered_total (the same
  // words as draw_from(top(0)) keeps, found without sorting the vocabulary).
  WordId sample_nucleus(const State& s, Rng* rng) {
    if (!predictor) predictor.emplace(model);
    // The total depends on the longest context alone (the others are its
    // suffixes): short contexts, whose totals cost the most, come back often.
    const std::uint64_t key = s.length == 0 ? 0 : std::uint64_t(s.length) << 32 | s.node[s.length - 1];
    auto [it, added] = totals.try_emplace(key, 0.0);
    if (added) it->second = tempered_total(s);
    const double target = options.top_p * it->second;
    const std::size_t extra = options.no_unk ? 1 : 0;
    std::vector<std::pair<WordId, double>> kept;
    for (std::size_t k = 64;; k *= 8) {
      // Past a sixteenth of the vocabulary, sorting all of it is as fast.
      if (k > unigram_cum.size() / 16) return draw_from(predictor->top(s, 0), options, rng);
      const std::vector<Prediction> top = predictor->top(s, k + extra);
      kept.clear();
      double sum = 0;
      for (const Prediction& p : top) {
        if (excluded(p.word) || p.log10_prob <= kLog10Zero) continue;
        kept.emplace_back(p.word, tempered(p.log10_prob, log2_10_over_t));
        sum += kept.back().second;
        if (sum >= target) break;
      }
      if (sum >= target || top.size() < k + extra) {
        if (kept.empty() || !(sum > 0)) throw Error("no word can be sampled here: every next word has probability 0");
        double u = rng->uniform() * sum;
        for (const auto& [w, q] : kept) {
          if (u < q) return w;
          u -= q;
        }
        return kept.back().first;
      }
    }
  }

  WordId sample_full(const State& s, Rng* rng) {
    // A small k: top(k) stops early in the model's lists of large contexts'
    // most probable successors; a larger one: the cached sorted lists (on
    // gutenberg 10M, k = 40 takes half the time, k = 100 a third).
    if (options.top_k > kSmallTopK) {
      if (!cached_top) cached_top.emplace(model);
      return draw_from(cached_top->top(s, options.top_k, options.no_unk), options, rng);
    }
    if (!predictor) predictor.emplace(model);
    const std::size_t k = options.top_k == 0 ? 0 : options.top_k + (options.no_unk ? 1 : 0);
    return draw_from(predictor->top(s, k), options, rng);
  }

  const Model& model;
  const SamplingOptions options;
  const double log2_10_over_t;
  const bool exact;
  const bool nucleus;
  std::vector<double> unigram_cum;  // by word id
  std::vector<std::uint32_t> stamp;  // tempered_total's: stamp[w] == generation when covered holds w
  std::uint32_t generation = 0;
  std::vector<WordId> covered;
  std::unordered_map<std::uint64_t, double> totals;  // tempered_total by longest context
  std::unordered_map<std::uint64_t, double> taken_sums;  // taken_by by the longer context
  std::optional<detail::CachedTop> cached_top;  // for top_k > kSmallTopK
  std::vector<std::uint64_t> keys = std::vector<std::uint64_t>(std::size_t{1} << 16, 0);  // (n << 32 | node), 0: free
  std::vector<Cdf> slot_cdfs = std::vector<Cdf>(std::size_t{1} << 16);  // the Cdf of keys[slot]
  std::size_t cached = 0;
  std::vector<double> pool;
  std::shared_ptr<SamplerCache> shared;
  std::optional<NextWordPredictor> predictor;
};

TokenSampler::TokenSampler(const Model& model, const SamplingOptions& options, std::shared_ptr<SamplerCache> shared)
    : impl_(std::make_unique<Impl>(model, options, std::move(shared))) {}
TokenSampler::~TokenSampler() = default;
TokenSampler::TokenSampler(TokenSampler&&) noexcept = default;

WordId TokenSampler::sample(const State& context, Rng* rng) {
  if (impl_->exact) return impl_->sample_exact(context, rng);
  return impl_->nucleus ? impl_->sample_nucleus(context, rng) : impl_->sample_full(context, rng);
}
}  // namespace lm
