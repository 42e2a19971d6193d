// Mixtures of models (linear interpolation, SRILM's `ngram -bayes 0 -mix-lm`):
// p(w | h) = sum_i lambda_i p_i(w | h), each model scoring w in its own
// context state, over the union of the models' vocabularies.
//
// The union vocabulary rule: a word that model i does not have gets model i's
// <unk> probability (never 0 for an open-vocabulary model; a closed-vocabulary
// model's <unk> has log10 p -100, so it adds nothing and the other models
// carry the word). A word that no model has is an OOV of the mixture.
// With different vocabularies the mixed distribution of the next word need
// not sum to 1 over the union (each model's <unk> mass is given to every word
// it lacks); train the components on one vocabulary (lm train --vocab) for an
// exactly normalized mixture.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "lm/model.hpp"
#include "lm/next_words.hpp"
#include "lm/scorer.hpp"
#include "lm/vocabulary.hpp"

namespace lm {

class Mixture {
 public:
  // models: one or more, not null, outliving the mixture. weights: one per
  // model, each in [0, 1], summing to 1 within 1e-6 (they are then scaled to
  // sum to 1 exactly); empty means equal weights. Throws
  // ConfigError("weights", ...) for bad weights, ConfigError("model", ...)
  // for models that cannot be mixed: stupid backoff models (scores, not
  // probabilities), models of NLTK's padding beside ones without, and models
  // that read text differently (ModelInfo::text): their tokens are not the
  // same events.
  explicit Mixture(std::vector<const Model*> models, std::vector<double> weights = {});

  [[nodiscard]] std::size_t size() const { return models_.size(); }
  [[nodiscard]] const Model& model(std::size_t i) const { return *models_[i]; }
  [[nodiscard]] double weight(std::size_t i) const { return weights_[i]; }
  [[nodiscard]] const std::vector<double>& weights() const { return weights_; }
  // Same rules as the constructor's.
  void set_weights(std::vector<double> weights);
  // The highest order of the models.
  [[nodiscard]] int order() const { return order_; }

  // The union vocabulary: <unk>, <s>, </s> at ids 0, 1, 2, then model 0's
  // words in its id order, then the words each next model adds.
  [[nodiscard]] VocabView vocab() const { return vocab_.view(); }
  // The id in model i of union word w: kUnkId when model i lacks it.
  [[nodiscard]] WordId component_word(std::size_t i, WordId w) const { return to_component_[i][w]; }
  // The union id of model i's word id.
  [[nodiscard]] WordId union_word(std::size_t i, WordId id) const { return to_union_[i][id]; }
  // Every model has the same words (then the mixed next-word distribution
  // sums to 1, and sampling a model by weight, then a word from it, samples
  // the mixture exactly).
  [[nodiscard]] bool same_vocabulary() const { return same_vocabulary_; }

 private:
  void check_weights(std::vector<double>* weights) const;

  std::vector<const Model*> models_;
  std::vector<double> weights_;
  int order_ = 0;
  Vocabulary vocab_;
  std::vector<std::vector<WordId>> to_component_;  // [model][union id]
  std::vector<std::vector<WordId>> to_union_;      // [model][model's id]
  bool same_vocabulary_ = true;
};

// A mixture's context: each model's own State (states[i] for model i).
struct MixtureState {
  std::vector<State> states;
};

// The states before a sentence's first word (begin_sentence_state of each model).
[[nodiscard]] MixtureState begin_sentence_state(const Mixture& mixture);

// Scores union word `word` (kUnkId for a word no model has): log10 of
// sum_i lambda_i p_i, and the longest n-gram order any model matched.
// Writes the states after the word to *out (out may alias &in).
[[nodiscard]] WordScore score_word(const Mixture& mixture, const MixtureState& in, WordId word,
                                   MixtureState* out);

// Scores <s> words... </s> as score_sentence(Model) does, with the mixed
// probabilities. A word is an OOV when no model has it.
[[nodiscard]] SentenceScore score_sentence(const Mixture& mixture, std::span<const std::string_view> words,
                                           bool keep_factors = false);

// Many sentences scored together: each model scores them with its own
// SentenceBatch, then the probabilities are mixed token by token. result(i)
// equals score_sentence(mixture, sentence i) to the last bit.
class MixtureBatch {
 public:
  void add(std::span<const std::string_view> words);
  [[nodiscard]] std::size_t size() const;
  void score(const Mixture& mixture);
  // Also gives each token's log10 p under every model (component_log10[t][i]
  // for token t of the sentence, </s> last) when component_log10 is not null.
  [[nodiscard]] SentenceScore result(std::size_t i, bool keep_factors,
                                     std::vector<std::vector<double>>* component_log10 = nullptr) const;
  [[nodiscard]] std::span<const std::string_view> words(std::size_t i) const;
  void clear();

 private:
  const Mixture* mixture_ = nullptr;
  std::vector<SentenceBatch> batches_;  // one per model; batches_[0] also keeps the words
};

// The exact next-word distribution of a mixture: p(w | context) for every
// union word except <s>. One per thread.
class MixturePredictor {
 public:
  explicit MixturePredictor(const Mixture& mixture);
  // The states after reading context (mid-sentence unless it starts with "<s>").
  [[nodiscard]] MixtureState context_state(std::span<const std::string_view> context) const;
  // The k most probable next words (union ids), most probable first (ties
  // by union id); k == 0 means all of them. Costs one pass over the union
  // vocabulary per model.
  [[nodiscard]] std::vector<Prediction> top(const MixtureState& context, std::size_t k);

 private:
  const Mixture& mixture_;
  std::vector<NextWordPredictor> predictors_;
  std::vector<double> sum_;  // per union word
};

// Mixture weights fitted to held-out text by expectation maximization
// (SRILM's compute-best-mix): lambda_i <- mean over tokens t of
// lambda_i p_i(t) / sum_j lambda_j p_j(t), until no weight moves by
// `tolerance` or more. The perplexity is convex in the weights, so EM finds
// its minimum.
struct MixtureFit {
  std::vector<double> weights;
  double perplexity = 0;      // of the tokens with the fitted weights
  std::uint64_t tokens = 0;   // tokens the fit used
  int iterations = 0;
};
// token_log10 holds each token's log10 p under every model, token by token:
// token_log10[t * models + i]. Tokens that every model gives probability 0
// (log10 p <= kLog10Zero: an OOV of closed-vocabulary models) carry no
// information and are left out. start: the first weights (empty: equal).
// Throws ConfigError("tune", ...) when no token is left.
[[nodiscard]] MixtureFit fit_weights(std::span<const double> token_log10, std::size_t models,
                                     std::vector<double> start = {}, double tolerance = 1e-7,
                                     int max_iterations = 100000);

}  // namespace lm
