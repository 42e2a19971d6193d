// Random streams, options, and sampling from mixtures and whole sentences
// (lm/sampler.hpp); TokenSampler is in sampler.cpp.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <optional>
#include <random>

#include "lm/error.hpp"
#include "lm/sampler.hpp"
#include "query/sampler_draw.hpp"

namespace lm {

namespace {

std::uint64_t splitmix64(std::uint64_t* x) {
  std::uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

namespace detail {

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

}  // namespace detail

using detail::draw_from;
using detail::kMaxAttempts;

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

std::uint64_t random_seed() {
  return (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
}

std::string sampled_text(const Tokenizer& tokenizer, std::span<const std::string_view> prefix,
                         const SampledSentence& sentence, const VocabView& vocab, std::vector<std::string_view>* tokens) {
  tokens->assign(prefix.begin(), prefix.end());
  for (const SampledToken& t : sentence.tokens) {
    if (t.word != kEosId) tokens->push_back(vocab.word(t.word));
  }
  return tokenizer.join(*tokens);
}

}  // namespace lm
