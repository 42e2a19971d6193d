#include "lm/scorer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "lm/tokenizer.hpp"
#include "query/backoff.hpp"

namespace lm {

namespace {

// The score of `word` after context `in`, given found[i] for 1 <= i <=
// in.length: the index in level i+1 of word's successor entry under the
// context's last i words (in.node[i-1]), or kNoEntry. Writes the context
// after the word to *out (out may alias &in).
//
// The score is detail::backoff_score's. The successors found on the way
// down form the next state.
WordScore score_found(const Model& model, const State& in, WordId word, const std::uint32_t* found, State* out) {
  const int max_state = model.order() - 1;
  const WordScore score = detail::backoff_score(model, word, in.length, found, in.node);
  // The new context is word preceded by the longest matched context (capped).
  State next;
  next.length = std::min(score.ngram_order, max_state);
  if (next.length > 0) {
    next.node[0] = word;
    for (int i = 1; i < next.length; ++i) {
      next.node[i] = found[i];
      // Only models without suffix closure (some ARPA files) miss here.
      if (next.node[i] == kNoEntry) {
        next.length = i;
        break;
      }
    }
  }
  *out = next;
  return score;
}

}  // namespace

State begin_sentence_state(const Model& model) {
  State s;
  if (model.order() > 1) {
    s.length = 1;
    s.node[0] = kBosId;
  }
  // NLTK's padding: the context of order-1 <s> (as far as the model has it).
  if (model.info().nltk_padding) {
    for (int i = 2; i < model.order(); ++i) (void)score_word(model, s, kBosId, &s);
  }
  return s;
}

State null_context_state() { return State{}; }

WordScore score_word(const Model& model, const State& in, WordId word, State* out) {
  std::uint32_t found[kMaxOrder];
  const bool closed = model.suffix_closed();
  bool missed = false;  // a shorter n-gram of the word is missing: so are the longer ones, if closed
  for (int i = 1; i <= in.length; ++i) {
    found[i] = missed ? kNoEntry : model.find_child(i, in.node[i - 1], word);
    missed = closed && found[i] == kNoEntry;
  }
  return score_found(model, in, word, found, out);
}

double SentenceScore::perplexity() const {
  return std::pow(10.0, -log10_prob / static_cast<double>(tokens));
}

void SentenceScore::add(std::string_view token, WordId id, bool oov, WordScore score, bool keep) {
  if (score.log10_prob <= kLog10Zero && !oov) ++zero_probs;
  score.log10_prob = reported_log10_prob(score.log10_prob, oov);
  log10_prob += score.log10_prob;
  ++tokens;
  if (oov) {
    ++oovs;
    oov_log10_prob += score.log10_prob;
  }
  if (keep) factors.push_back(TokenScore{token, id, oov, score});
}

SentenceScore score_words(const Model& model, std::span<const std::string_view> words, SentenceEnds ends,
                          bool keep_factors) {
  SentenceScore result;
  State state = ends.bos ? begin_sentence_state(model) : null_context_state();
  for (const std::string_view word : words) {
    const WordId id = model.vocab().find(word);
    result.add(word, id, is_oov(model, id, word), score_word(model, state, id, &state), keep_factors);
  }
  if (ends.eos) {
    for (std::size_t k = sentence_end_tokens(model); k > 0; --k) {
      result.add(kEosWord, kEosId, false, score_word(model, state, kEosId, &state), keep_factors);
    }
  }
  return result;
}

SentenceScore score_sentence(const Model& model, std::span<const std::string_view> words,
                             bool keep_factors) {
  SentenceBatch batch;
  batch.add(words);
  batch.score(model);
  return batch.result(0, keep_factors);
}

void CorpusScore::add(const SentenceScore& s) {
  log10_prob += s.log10_prob;
  oov_log10_prob += s.oov_log10_prob;
  ++sentences;
  tokens += s.tokens;
  oovs += s.oovs;
  zero_probs += s.zero_probs;
}

double CorpusScore::perplexity() const {
  if (tokens == 0) return std::numeric_limits<double>::quiet_NaN();
  return std::pow(10.0, -log10_prob / static_cast<double>(tokens));
}

double CorpusScore::perplexity_excluding_oovs() const {
  if (tokens == oovs) return std::numeric_limits<double>::quiet_NaN();
  return std::pow(10.0, -(log10_prob - oov_log10_prob) / static_cast<double>(tokens - oovs));
}

}  // namespace lm
