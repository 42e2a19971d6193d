// Static mixing (SRILM's `ngram -mix-lm -lambda -write-lm`): one backoff
// model whose n-grams are the union of the models' n-grams, each with the
// mixed probability sum_i lambda_i p_i(w | h) (p_i by model i's backoff rule,
// a word model i lacks getting its <unk> probability, as in lm/mixture.hpp),
// and backoff weights recomputed so that every context sums to 1
// (recompute_backoffs). It differs from the dynamic mixture only where a
// word is not an explicit n-gram of the context: there it backs off once,
// with the recomputed weight, instead of mixing each model's own backoff.
#pragma once

#include "lm/mixture.hpp"
#include "lm/ngram_table.hpp"

namespace lm {

// The mixed model of the mixture's models and weights, over its union
// vocabulary (same ids as mixture.vocab()). Its ModelInfo names the method
// "mix"; <unk> is a word of it if it is of any model, and its vocabulary is
// closed only if every model's is. Works on `threads` threads (0: every CPU);
// the result does not depend on them. Memory: each model unpacked into a
// table, and the result.
[[nodiscard]] NGramTable mix_static(const Mixture& mixture, unsigned threads = 1);

}  // namespace lm
