// The backoff rule of the chain rule's factor, shared by score_word
// (src/query/scorer.cpp, one word) and score_sentences (src/query/batch_scorer.cpp, a
// chunk of words at a time), which must give the same numbers.
#pragma once

#include <cstdint>

#include "lm/model.hpp"
#include "lm/scorer.hpp"

namespace lm::detail {

// log10 p(word | context) and the order of the n-gram it comes from, for a
// context of `length` words whose searches are done:
//   found[j], 1 <= j <= length: the index in level j+1 of the word under the
//     last j context words, or kNoEntry;
//   node[j - 1]: the index of those j context words in level j.
// Tries the longest context first; each miss adds that context's backoff
// (log10). Without any match the word's unigram probability is used.
inline WordScore backoff_score(const Model& model, WordId word, int length, const std::uint32_t* found,
                               const std::uint32_t* node) {
  double backoff = 0;
  int j = length;
  for (; j >= 1 && found[j] == kNoEntry; --j) {
    backoff += model.level(j).log10_backoff(node[j - 1]);
  }
  WordScore score;
  score.ngram_order = j + 1;
  const float prob = j == 0 ? model.level(1).log10_prob(word) : model.level(j + 1).log10_prob(found[j]);
  score.log10_prob = backoff + prob;
  return score;
}

}  // namespace lm::detail
