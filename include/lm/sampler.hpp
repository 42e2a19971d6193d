// Sampling sentences from a model or a mixture of models, token by token,
// from the exact next-word distribution (the one NextWordPredictor::top(0)
// gives, i.e. `lm next --all`), optionally reshaped by a temperature and cut
// to the top k words or the top p of the mass. Reproducible: sentence i of a
// seed is drawn from its own random stream, with a generator and a uniform
// double defined here, so the same seed gives the same sentences on every
// machine, standard library and number of threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lm/mixture.hpp"
#include "lm/model.hpp"
#include "lm/next_words.hpp"
#include "lm/scorer.hpp"
#include "lm/tokenizer.hpp"

namespace lm {

// A portable pseudo-random generator: xoshiro256** (Blackman and Vigna,
// 2018), its state filled by splitmix64 from (seed, stream).
class Rng {
 public:
  // Stream `stream` of `seed`: different streams of one seed (and streams of
  // different seeds) are, for all practical purposes, independent.
  Rng(std::uint64_t seed, std::uint64_t stream);
  [[nodiscard]] std::uint64_t next();
  // A double in [0, 1): the top 53 bits of next() times 2^-53.
  [[nodiscard]] double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t s_[4];
};

struct SamplingOptions {
  // Each probability p becomes p^(1 / temperature), then all are normalized
  // (> 0; 1 leaves the distribution as it is, below 1 sharpens it).
  double temperature = 1;
  // After the temperature: only the top_k most probable words (0: all).
  std::size_t top_k = 0;
  // After top_k: the smallest set of most probable words whose normalized
  // probabilities sum to at least top_p (in (0, 1]; 1: all), as Hugging Face
  // transformers' TopPLogitsWarper does.
  double top_p = 1;
  // Never sample <unk>: the others are renormalized without it.
  bool no_unk = false;
  // At most this many tokens are sampled per sentence, </s> included (>= 1).
  std::size_t max_length = 100;

  // Throws ConfigError("temperature" | "top_p" | "max_length", ...) for a
  // value out of range (a temperature of 0 suggests top_k 1 instead).
  void check() const;
};

class SamplerCache;

// A cache that the TokenSamplers (and SentenceSamplers) of one model and one
// temperature and no_unk share across threads, so that the cumulative sums
// of a context with many successors are computed once rather than once per
// thread. Thread-safe; what is drawn never depends on it.
[[nodiscard]] std::shared_ptr<SamplerCache> make_sampler_cache(const Model& model, const SamplingOptions& options);

// One token drawn: the word and the model's log10 p(word | context) as
// score_word gives it (before any temperature or cut).
struct SampledToken {
  WordId word = kUnkId;
  double log10_prob = 0;
};

struct SampledSentence {
  std::vector<SampledToken> tokens;  // the words drawn after the prefix, and </s> when ended
  bool ended = false;                // ends with </s> (else max_length cut it)
  double log10_prob = 0;             // sum over tokens: log10 p(tokens | <s> prefix)
};

// Draws next words from one model. With no top_k and top_p 1 it samples the
// backoff structure exactly (any temperature): a context's successors of
// each order, weighted by p^(1/T) times the backoffs' above it, are a
// proposal, and a word drawn at an order shorter than the longest one that
// has it is rejected and drawn again, so that the accepted words follow
// p(w | h)^(1/T) normalized over the vocabulary (how stored probabilities
// that do not sum to exactly 1 are handled: they are normalized). The
// cumulative sums of each context's successors are computed on first use and
// cached (up to 2^24 sums, then dropped and started again), so a draw
// costs a few binary searches. With top_k it draws from the k words of
// NextWordPredictor::top(k) (for k > 16 merged from each order's successors,
// sorted once and cached; the same words); with top_p alone from the
// smallest head of top(k) that holds p of the mass, for k = 64, 512, 4096,
// else from the whole sorted distribution (a pass over the vocabulary per
// token: slow). Scratch space grows with the contexts seen: one per thread.
class TokenSampler {
 public:
  // REQUIRES: options.check() passes; model outlives the sampler. shared:
  // a cache from make_sampler_cache(model, options), or null for the
  // sampler's own only (a cache made for other options is not used).
  TokenSampler(const Model& model, const SamplingOptions& options, std::shared_ptr<SamplerCache> shared = nullptr);
  ~TokenSampler();
  TokenSampler(TokenSampler&&) noexcept;
  TokenSampler(const TokenSampler&) = delete;
  TokenSampler& operator=(const TokenSampler&) = delete;

  // A word drawn after context: never <s>, never <unk> with no_unk. Throws
  // lm::Error when no word has a probability above 0 there.
  [[nodiscard]] WordId sample(const State& context, Rng* rng);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Draws next words from a mixture (union word ids). When the models have
// the same vocabulary, at temperature 1 with no top_k or top_p, it picks
// model i with probability lambda_i and draws its word (exact); otherwise it
// uses MixturePredictor's whole distribution (a pass over the union
// vocabulary per model and token: slow).
class MixtureTokenSampler {
 public:
  MixtureTokenSampler(const Mixture& mixture, const SamplingOptions& options);
  ~MixtureTokenSampler();
  MixtureTokenSampler(MixtureTokenSampler&&) noexcept;
  MixtureTokenSampler(const MixtureTokenSampler&) = delete;
  MixtureTokenSampler& operator=(const MixtureTokenSampler&) = delete;

  [[nodiscard]] WordId sample(const MixtureState& context, Rng* rng);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whole sentences: sentence `index` of `seed` is drawn with Rng(seed,
// index), from <s> followed by the prefix, so it depends on nothing else
// (not on the thread or the order sentences are drawn in). One per thread.
class SentenceSampler {
 public:
  SentenceSampler(const Model& model, const SamplingOptions& options, std::shared_ptr<SamplerCache> shared = nullptr);
  SentenceSampler(const Mixture& mixture, const SamplingOptions& options);

  // The sentence's words after <s> and the prefix (word ids of the model or
  // of the mixture's union vocabulary; kUnkId for unknown words; no <s> or
  // </s>).
  [[nodiscard]] SampledSentence sample(std::span<const WordId> prefix, std::uint64_t seed, std::uint64_t index);

 private:
  const Model* model_ = nullptr;
  const Mixture* mixture_ = nullptr;
  SamplingOptions options_;
  std::unique_ptr<TokenSampler> tokens_;
  std::unique_ptr<MixtureTokenSampler> mixture_tokens_;
};

// A seed from the system's random device, for when none is given.
[[nodiscard]] std::uint64_t random_seed();

// The text of a sampled sentence: the prefix's tokens, then the words drawn
// (not </s>), joined as the model reads text (Tokenizer::join). vocab: the
// one the words' ids are of. tokens: scratch space, kept between calls.
[[nodiscard]] std::string sampled_text(const Tokenizer& tokenizer, std::span<const std::string_view> prefix,
                                       const SampledSentence& sentence, const VocabView& vocab,
                                       std::vector<std::string_view>* tokens);

}  // namespace lm
