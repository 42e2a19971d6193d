// Relative-entropy pruning of a backoff model (Stolcke 1998, "Entropy-based
// pruning of backoff language models"), exactly as SRILM's `ngram -prune T`
// (Ngram::pruneProbs in SRILM 1.7's NgramLM.cc).
#pragma once

#include <cstdint>
#include <vector>

#include "lm/backoff_weights.hpp"
#include "lm/ngram_table.hpp"

namespace lm {

struct PruneOptions {
  // An n-gram is removed when removing it (and backing off instead, with its
  // context's backoff weight adjusted) changes the model's perplexity by a
  // relative amount below threshold: SRILM's -prune T. 0 removes nothing.
  double threshold = 0.0;
  // N-grams of orders below this are kept (SRILM's -minprune); unigrams are
  // always kept.
  int min_order = 2;
  // Threads for the work on the contexts of one order (0 or 1: the calling
  // thread). The result does not depend on it.
  unsigned threads = 1;
};

struct PruneResult {
  std::vector<std::uint64_t> removed;  // removed[n-1]: n-grams of order n removed
  BackoffStats backoffs;               // what recomputing the backoff weights found
};

// Prunes the table in place, as SRILM's Ngram::pruneProbs:
// - orders from the highest down to max(2, min_order); for each context h of
//   order n-1 (h = the n-gram's first n-1 words), its backoff numerator and
//   denominator (lm/backoff_weights.hpp) once, and P(h) by the chain rule
//   with the model itself (SRILM's LM::contextProb: an initial <s> counts
//   with p(</s>); words of probability 0 that are not events are skipped);
// - for each n-gram h w: BOW'(h) = (num + p(w|h)) / (den + p_BO(w|h')), and
//     deltaH = -P(h) [p(w|h) (log10 p_BO(w|h') + log10 BOW'(h) - log10 p(w|h))
//                     + num (log10 BOW'(h) - log10 BOW(h))];
//   (log10 values of kLog10Zero count as -infinity, as SRILM reads them; a
//   NaN, such as 0 * infinity, keeps the n-gram);
//   h w is removed if 10^deltaH - 1 < threshold, unless h w is still a
//   context in SRILM's trie: it has a successor left, or it is the suffix of
//   such a context (then it is kept);
// - the removed n-grams are taken out of the table (parents renumbered, so
//   that it stays valid for build_model), and every backoff weight is
//   recomputed (recompute_backoffs).
// When nothing is removed (threshold 0, say) the table is left exactly as it
// was: its backoff weights are not recomputed.
// Throws ConfigError("threshold") for a negative or non-finite threshold and
// ConfigError("min_order") for min_order < 1, Error for a stupid backoff
// model (its scores are not probabilities). REQUIRES: the table is valid as
// build_model checks it.
PruneResult prune(NGramTable& table, const PruneOptions& options);

// A model's table, pruned: unpack_model(model) then prune, with the model's
// verification (Model::verify, most of unpack_model's time on a large
// model) on a thread of its own beside the unpacking and pruning, which
// only read the model as far as they can without going out of bounds. Throws
// what unpack_model throws for a corrupt model (before anything is returned)
// and what prune throws.
struct PrunedModel {
  NGramTable table;
  PruneResult result;
};
[[nodiscard]] PrunedModel prune_model(const Model& model, const PruneOptions& options);

}  // namespace lm
