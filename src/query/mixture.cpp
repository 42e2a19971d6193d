// Linear interpolation of models over the union of their vocabularies.
#include "lm/mixture.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "lm/error.hpp"
#include "lm/smoothing.hpp"

namespace lm {

namespace {

// log10 of sum_i weights[i] * 10^log10_probs[i]; -inf when every term is 0.
// exp(x ln 10) is twice as fast as pow(10, x) and within an ulp or two of it.
double mix_log10(const std::vector<double>& weights, const double* log10_probs) {
  constexpr double kLn10 = 2.302585092994045684;
  double p = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] > 0) p += weights[i] * std::exp(log10_probs[i] * kLn10);
  }
  return p > 0 ? std::log10(p) : -std::numeric_limits<double>::infinity();
}

// How a model reads text, for a message: its lm train flags, or "words".
std::string text_description(const TextOptions& text) {
  return text.is_default() ? std::string("words") : text_flags(text);
}

// Models that tokenize their input differently cannot share one input, so
// their probabilities are of different events: mixing them has no meaning.
void check_same_text(const std::vector<const Model*>& models) {
  const TextOptions& first = models[0]->info().text;
  for (std::size_t i = 1; i < models.size(); ++i) {
    const TextOptions& text = models[i]->info().text;
    if (text == first) continue;
    throw ConfigError("model", "model " + std::to_string(i + 1) + " reads text differently from model 1 (" +
                                   ConfigError::literal(text_description(text)) + " vs " +
                                   ConfigError::literal(text_description(first)) +
                                   "); mix models trained with the same {units}, {normalize}, {lowercase}, "
                                   "{split_punct} and {space_token}");
  }
}

}  // namespace

Mixture::Mixture(std::vector<const Model*> models, std::vector<double> weights) : models_(std::move(models)) {
  if (models_.empty()) throw ConfigError("model", "a mixture needs at least one model");
  const bool nltk = models_[0]->info().nltk_padding;
  for (const Model* m : models_) {
    if (!smoothing_normalized(m->info().smoothing.method)) {
      throw ConfigError("model", "a stupid backoff model gives scores, not probabilities, and cannot be mixed: "
                                 "train it with another --smoothing");
    }
    if (m->info().nltk_padding != nltk || (nltk && m->order() != models_[0]->order())) {
      throw ConfigError("model", "models of NLTK's padding (lm train --nltk) mix only with each other, "
                                 "of the same order: they end sentences with a different number of </s>");
    }
    order_ = std::max(order_, m->order());
  }
  check_same_text(models_);
  to_union_.resize(models_.size());
  for (std::size_t i = 0; i < models_.size(); ++i) {
    const VocabView v = models_[i]->vocab();
    to_union_[i].resize(v.size());
    for (WordId id = 0; id < v.size(); ++id) to_union_[i][id] = vocab_.find_or_insert(v.word(id));
  }
  to_component_.resize(models_.size());
  for (std::size_t i = 0; i < models_.size(); ++i) {
    to_component_[i].assign(vocab_.size(), kUnkId);
    for (WordId id = 0; id < to_union_[i].size(); ++id) to_component_[i][to_union_[i][id]] = id;
    if (to_union_[i].size() != vocab_.size()) same_vocabulary_ = false;
  }
  set_weights(std::move(weights));
}

void Mixture::check_weights(std::vector<double>* weights) const {
  if (weights->empty()) weights->assign(models_.size(), 1.0 / static_cast<double>(models_.size()));
  if (weights->size() != models_.size()) {
    throw ConfigError("weights", ConfigError::literal(std::to_string(weights->size())) + " weights for " +
                                     ConfigError::literal(std::to_string(models_.size())) +
                                     " models: give one weight per model, e.g. 0.7,0.3");
  }
  double sum = 0;
  for (const double w : *weights) {
    if (!(w >= 0 && w <= 1)) throw ConfigError("weights", "each weight must be between 0 and 1");
    sum += w;
  }
  if (std::abs(sum - 1) > 1e-6) {
    throw ConfigError("weights", "the weights sum to " + ConfigError::literal(std::to_string(sum)) +
                                     ", not 1: make them sum to 1");
  }
  for (double& w : *weights) w /= sum;
}

void Mixture::set_weights(std::vector<double> weights) {
  check_weights(&weights);
  weights_ = std::move(weights);
}

MixtureState begin_sentence_state(const Mixture& mixture) {
  MixtureState s;
  s.states.reserve(mixture.size());
  for (std::size_t i = 0; i < mixture.size(); ++i) s.states.push_back(begin_sentence_state(mixture.model(i)));
  return s;
}

WordScore score_word(const Mixture& mixture, const MixtureState& in, WordId word, MixtureState* out) {
  double log10s[64];
  std::vector<double> many;
  double* l = log10s;
  if (mixture.size() > 64) {
    many.resize(mixture.size());
    l = many.data();
  }
  if (out != &in) out->states.resize(mixture.size());
  WordScore result;
  for (std::size_t i = 0; i < mixture.size(); ++i) {
    const WordScore s = score_word(mixture.model(i), in.states[i], mixture.component_word(i, word), &out->states[i]);
    l[i] = s.log10_prob;
    result.ngram_order = std::max(result.ngram_order, s.ngram_order);
  }
  result.log10_prob = mix_log10(mixture.weights(), l);
  return result;
}

SentenceScore score_sentence(const Mixture& mixture, std::span<const std::string_view> words, bool keep_factors) {
  MixtureBatch batch;
  batch.add(words);
  batch.score(mixture);
  return batch.result(0, keep_factors);
}

void MixtureBatch::add(std::span<const std::string_view> words) {
  if (batches_.empty()) batches_.resize(1);
  batches_[0].add(words);
}

std::size_t MixtureBatch::size() const { return batches_.empty() ? 0 : batches_[0].size(); }

std::span<const std::string_view> MixtureBatch::words(std::size_t i) const { return batches_[0].words(i); }

void MixtureBatch::score(const Mixture& mixture) {
  mixture_ = &mixture;
  if (batches_.empty()) batches_.resize(1);
  batches_.resize(mixture.size());
  for (std::size_t m = 1; m < batches_.size(); ++m) {
    batches_[m].clear();
    for (std::size_t i = 0; i < batches_[0].size(); ++i) batches_[m].add(batches_[0].words(i));
  }
  for (std::size_t m = 0; m < batches_.size(); ++m) batches_[m].score(mixture.model(m));
}

SentenceScore MixtureBatch::result(std::size_t i, bool keep_factors,
                                   std::vector<std::vector<double>>* component_log10) const {
  const Mixture& mixture = *mixture_;
  const std::size_t models = batches_.size();
  const std::span<const std::string_view> tokens = batches_[0].tokens(i);
  SentenceScore result;
  if (component_log10 != nullptr) component_log10->assign(tokens.size(), std::vector<double>(models));
  double log10s[64];
  std::vector<double> many;
  double* l = log10s;
  if (models > 64) {
    many.resize(models);
    l = many.data();
  }
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    bool oov = true;
    WordScore score;
    for (std::size_t m = 0; m < models; ++m) {
      const WordScore s = batches_[m].token_scores(i)[t];
      l[m] = s.log10_prob;
      oov = oov && batches_[m].token_oovs(i)[t] != 0;
      score.ngram_order = std::max(score.ngram_order, s.ngram_order);
      if (component_log10 != nullptr) (*component_log10)[t][m] = l[m];
    }
    score.log10_prob = mix_log10(mixture.weights(), l);
    if (!oov && score.log10_prob <= kLog10Zero) {
      score.log10_prob = -std::numeric_limits<double>::infinity();
      ++result.zero_probs;
    }
    result.log10_prob += score.log10_prob;
    ++result.tokens;
    if (oov) {
      ++result.oovs;
      result.oov_log10_prob += score.log10_prob;
    }
    if (keep_factors) {
      const WordId id = oov ? kUnkId : mixture.vocab().find(tokens[t]);
      result.factors.push_back(TokenScore{tokens[t], id, oov, score});
    }
  }
  return result;
}

void MixtureBatch::clear() {
  for (SentenceBatch& b : batches_) b.clear();
}

MixturePredictor::MixturePredictor(const Mixture& mixture) : mixture_(mixture) {
  predictors_.reserve(mixture.size());
  for (std::size_t i = 0; i < mixture.size(); ++i) predictors_.emplace_back(mixture.model(i));
}

MixtureState MixturePredictor::context_state(std::span<const std::string_view> context) const {
  MixtureState s;
  s.states.reserve(predictors_.size());
  for (const NextWordPredictor& p : predictors_) s.states.push_back(p.context_state(context));
  return s;
}

std::vector<Prediction> MixturePredictor::top(const MixtureState& context, std::size_t k) {
  const std::size_t n = mixture_.vocab().size();
  sum_.assign(n, 0.0);
  std::vector<std::uint8_t> seen;
  for (std::size_t m = 0; m < predictors_.size(); ++m) {
    const double w = mixture_.weight(m);
    const std::vector<Prediction> all = predictors_[m].top(context.states[m], 0);
    double unk = 0;
    seen.assign(n, 0);
    for (const Prediction& p : all) {
      const double prob = w * std::pow(10.0, p.log10_prob);
      const WordId u = mixture_.union_word(m, p.word);
      sum_[u] += prob;
      seen[u] = 1;
      if (p.word == kUnkId) unk = prob;
    }
    // Union words model m lacks get its <unk> probability; <s> is never predicted.
    for (WordId u = 0; u < n; ++u) {
      if (seen[u] == 0 && u != kBosId && mixture_.component_word(m, u) == kUnkId) sum_[u] += unk;
    }
  }
  std::vector<Prediction> out;
  out.reserve(n);
  for (WordId u = 0; u < n; ++u) {
    if (u == kBosId) continue;
    out.push_back(Prediction{u, sum_[u] > 0 ? std::log10(sum_[u]) : -std::numeric_limits<double>::infinity()});
  }
  const auto better = [](const Prediction& a, const Prediction& b) {
    return a.log10_prob != b.log10_prob ? a.log10_prob > b.log10_prob : a.word < b.word;
  };
  if (k == 0 || k >= out.size()) {
    std::sort(out.begin(), out.end(), better);
  } else {
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(k), out.end(), better);
    out.resize(k);
  }
  return out;
}

MixtureFit fit_weights(std::span<const double> token_log10, std::size_t models, std::vector<double> start,
                       double tolerance, int max_iterations) {
  // p[t * models + i] = p_i(t), of the tokens some model gives a probability.
  std::vector<double> p;
  p.reserve(token_log10.size());
  for (std::size_t t = 0; t + models <= token_log10.size(); t += models) {
    bool informative = false;
    for (std::size_t i = 0; i < models; ++i) informative = informative || token_log10[t + i] > kLog10Zero;
    if (!informative) continue;
    for (std::size_t i = 0; i < models; ++i) {
      p.push_back(token_log10[t + i] > kLog10Zero ? std::pow(10.0, token_log10[t + i]) : 0.0);
    }
  }
  MixtureFit fit;
  fit.tokens = p.size() / models;
  if (fit.tokens == 0) throw ConfigError("tune", "no token of the text has a probability under any model: use other text");
  fit.weights = start.empty() ? std::vector<double>(models, 1.0 / static_cast<double>(models)) : std::move(start);
  std::vector<double> next(models);
  for (fit.iterations = 1; fit.iterations <= max_iterations; ++fit.iterations) {
    std::fill(next.begin(), next.end(), 0.0);
    for (std::size_t t = 0; t < p.size(); t += models) {
      double sum = 0;
      for (std::size_t i = 0; i < models; ++i) sum += fit.weights[i] * p[t + i];
      for (std::size_t i = 0; i < models; ++i) next[i] += fit.weights[i] * p[t + i] / sum;
    }
    double change = 0;
    for (std::size_t i = 0; i < models; ++i) {
      next[i] /= static_cast<double>(fit.tokens);
      change = std::max(change, std::abs(next[i] - fit.weights[i]));
    }
    fit.weights.swap(next);
    if (change < tolerance) break;
  }
  fit.iterations = std::min(fit.iterations, max_iterations);
  double log10_sum = 0;
  for (std::size_t t = 0; t < p.size(); t += models) {
    double sum = 0;
    for (std::size_t i = 0; i < models; ++i) sum += fit.weights[i] * p[t + i];
    log10_sum += std::log10(sum);
  }
  fit.perplexity = std::pow(10.0, -log10_sum / static_cast<double>(fit.tokens));
  return fit;
}

}  // namespace lm
