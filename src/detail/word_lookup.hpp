// What score_word and score_sentences share: the score of a word once its
// successor searches are done.
#pragma once

#include <algorithm>

#include "lm/model.hpp"
#include "lm/scorer.hpp"

namespace lm::detail {

// The score of `word` after context `in`, given found[i] for 1 <= i <=
// in.length: the index in level i+1 of word's successor entry under the
// context's last i words (in.node[i-1]), or kNoEntry. Writes the context
// after the word to *out (out may alias &in).
//
// Tries the longest context first; each miss multiplies by that context's
// backoff. The successors found on the way down form the next state.
inline WordScore score_found(const Model& model, const State& in, WordId word, const std::uint32_t* found,
                             State* out) {
  const int max_state = model.order() - 1;
  double backoff = 0;
  int j = in.length;
  for (; j >= 1 && found[j] == kNoEntry; --j) backoff += model.level(j).log10_backoff(in.node[j - 1]);
  WordScore score;
  if (j == 0) {
    score.ngram_order = 1;
    score.log10_prob = backoff + model.level(1).log10_prob(word);
  } else {
    score.ngram_order = j + 1;
    score.log10_prob = backoff + model.level(j + 1).log10_prob(found[j]);
  }
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

}  // namespace lm::detail
