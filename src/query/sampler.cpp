// Sampling next words and sentences (lm/sampler.hpp).
#include "lm/sampler.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <fmt/format.h>
#include <optional>
#include <unordered_map>

#include "lm/error.hpp"
#include "query/cached_top.hpp"
#include "query/sampler_cache.hpp"

namespace lm {

namespace {

std::uint64_t splitmix64(std::uint64_t* x) {
  std::uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// Draws beyond this many rejections fall back to the whole distribution:
// exact too (a draw is rejected independently of the word accepted), and it
// bounds the work where nearly every proposal would be rejected.
constexpr int kMaxAttempts = 200;
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

// Draws from a distribution sorted most probable first (top()'s order):
// drops <unk> when asked, takes p^(1/T), keeps the top k, then the top p of
// the mass, and draws one in proportion to what is kept.
WordId draw_from(const std::vector<Prediction>& sorted, const SamplingOptions& o, Rng* rng) {
  std::vector<std::pair<WordId, double>> kept;
  const double inv_t = 1.0 / o.temperature;
  double best = -std::numeric_limits<double>::infinity();
  for (const Prediction& p : sorted) {
    if ((o.no_unk && p.word == kUnkId) || p.word == kBosId || p.log10_prob <= kLog10Zero) continue;
    if (o.top_k != 0 && kept.size() == o.top_k) break;
    best = std::max(best, p.log10_prob);
    kept.emplace_back(p.word, p.log10_prob);
  }
  double total = 0;
  for (auto& [w, x] : kept) total += (x = std::pow(10.0, (x - best) * inv_t));  // relative to the best: no underflow
  if (kept.empty() || !(total > 0)) throw Error("no word can be sampled here: every next word has probability 0");
  if (o.top_p < 1) {
    double sum = 0;
    std::size_t n = 0;
    while (n < kept.size() && sum < o.top_p * total) sum += kept[n++].second;
    kept.resize(n);
    total = sum;
  }
  double u = rng->uniform() * total;
  for (const auto& [w, x] : kept) {
    if (u < x) return w;
    u -= x;
  }
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) {  // rounding left u at the end
    if (it->second > 0) return it->first;
  }
  return kept.back().first;
}

}  // namespace

Rng::Rng(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t x = seed;
  const std::uint64_t mixed_seed = splitmix64(&x);
  x = mixed_seed ^ (stream * 0xD1B54A32D192ED03ULL);
  for (std::uint64_t& s : s_) s = splitmix64(&x);
}

std::uint64_t Rng::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

void SamplingOptions::check() const {
  if (temperature == 0) {
    throw ConfigError("temperature", "0 is not a temperature; for the most probable word each time use {top_k} 1");
  }
  if (!(temperature > 0) || !std::isfinite(temperature)) {
    throw ConfigError("temperature", fmt::format("{} is out of range: give a number above 0 (1 = unchanged)", temperature));
  }
  if (!(top_p > 0 && top_p <= 1)) {
    throw ConfigError("top_p", fmt::format("{} is out of range: give a number in (0, 1] (1 = no cut)", top_p));
  }
  if (max_length == 0) throw ConfigError("max_length", "give at least 1 token");
}

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

// ---------------------------------------------------------------- MixtureTokenSampler

struct MixtureTokenSampler::Impl {
  Impl(const Mixture& m, const SamplingOptions& o)
      : mixture(m), options(o), exact(m.same_vocabulary() && o.temperature == 1 && o.top_k == 0 && o.top_p == 1) {
    if (!exact) return;
    SamplingOptions component = o;
    component.no_unk = false;  // rejected here, so that the mixture is renormalized, not each model
    for (std::size_t i = 0; i < m.size(); ++i) models.emplace_back(m.model(i), component);
  }

  WordId sample_full(const MixtureState& s, Rng* rng) {
    if (!predictor) predictor.emplace(mixture);
    const std::size_t k = options.top_k == 0 ? 0 : options.top_k + (options.no_unk ? 1 : 0);
    return draw_from(predictor->top(s, k), options, rng);
  }

  WordId sample(const MixtureState& s, Rng* rng) {
    if (!exact) return sample_full(s, rng);
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      double u = rng->uniform();
      std::size_t i = 0;
      while (i + 1 < mixture.size() && u >= mixture.weight(i)) u -= mixture.weight(i++);
      const WordId w = mixture.union_word(i, models[i].sample(s.states[i], rng));
      if (options.no_unk && w == kUnkId) continue;
      return w;
    }
    return sample_full(s, rng);
  }

  const Mixture& mixture;
  const SamplingOptions options;
  const bool exact;
  std::vector<TokenSampler> models;
  std::optional<MixturePredictor> predictor;
};

MixtureTokenSampler::MixtureTokenSampler(const Mixture& mixture, const SamplingOptions& options)
    : impl_(std::make_unique<Impl>(mixture, options)) {}
MixtureTokenSampler::~MixtureTokenSampler() = default;
MixtureTokenSampler::MixtureTokenSampler(MixtureTokenSampler&&) noexcept = default;

WordId MixtureTokenSampler::sample(const MixtureState& context, Rng* rng) { return impl_->sample(context, rng); }

// ---------------------------------------------------------------- SentenceSampler

SentenceSampler::SentenceSampler(const Model& model, const SamplingOptions& options,
                                 std::shared_ptr<SamplerCache> shared)
    : model_(&model), options_(options), tokens_(std::make_unique<TokenSampler>(model, options, std::move(shared))) {}

SentenceSampler::SentenceSampler(const Mixture& mixture, const SamplingOptions& options)
    : mixture_(&mixture), options_(options),
      mixture_tokens_(std::make_unique<MixtureTokenSampler>(mixture, options)) {}

SampledSentence SentenceSampler::sample(std::span<const WordId> prefix, std::uint64_t seed, std::uint64_t index) {
  Rng rng(seed, index);
  SampledSentence out;
  auto add = [&](WordId w, const WordScore& score) {
    out.tokens.push_back(SampledToken{w, score.log10_prob});
    out.log10_prob += score.log10_prob;
    out.ended = w == kEosId;
  };
  if (model_ != nullptr) {
    State state = begin_sentence_state(*model_);
    for (WordId w : prefix) (void)score_word(*model_, state, w, &state);
    while (!out.ended && out.tokens.size() < options_.max_length) {
      const WordId w = tokens_->sample(state, &rng);
      add(w, score_word(*model_, state, w, &state));
    }
  } else {
    MixtureState state = begin_sentence_state(*mixture_);
    for (WordId w : prefix) (void)score_word(*mixture_, state, w, &state);
    while (!out.ended && out.tokens.size() < options_.max_length) {
      const WordId w = mixture_tokens_->sample(state, &rng);
      add(w, score_word(*mixture_, state, w, &state));
    }
  }
  return out;
}

}  // namespace lm
