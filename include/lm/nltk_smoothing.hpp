// NLTK's nltk.lm models (nltk/lm/models.py and smoothing.py, NLTK 3.8), in
// the backoff form lm's models take, so that lm reproduces NLTK's scores and
// perplexities. Needs counts made as NLTK makes them (count_corpus_nltk,
// CountConfig::nltk_padding); models record that padding
// (ModelInfo::nltk_padding) and lm scores their sentences as NLTK pads them.
//
// With c the NLTK counts, c(h) = sum_w c(h w) (h's successors), N1+(h) the
// number of distinct successors and |V| the vocabulary with <unk>, <s>, </s>:
//   wb        WittenBellInterpolated: p(w|h) = (1-g) c(hw)/c(h) + g p(w|h'),
//             g = N1+(h) / (N1+(h) + c(h))
//   absolute  AbsoluteDiscountingInterpolated(discount D): p(w|h) =
//             max(c(hw)-D, 0)/c(h) + g p(w|h'), g = D N1+(h) / c(h)
//   add       Lidstone(K) (K = 1: Laplace): p(w|h) = (c(hw)+K) / (c(h)+|V|K),
//             the full context only (1/|V| for a context never seen)
//   mle       MLE: p(w|h) = c(hw)/c(h), the full context only (else 0)
// The interpolated ones end in p(w) = c(w)/N over every padded token (no
// uniform distribution) and take p(w|h) = p(w|h') for a context never seen.
// In backoff form: the interpolated ones store p(w|h) of the successors and
// g as h's backoff; add stores the top order's and backoff (|V|K) / (c(h)+|V|K),
// every lower order 1/|V| with backoff 1; mle the top order's, every lower
// order 0 (log10 -99, which lm scores as probability 0) with backoff 1.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "lm/smoothing.hpp"

namespace lm {

enum class NltkKind {
  kWittenBell,  // nltk-wb: WittenBellInterpolated
  kAbsolute,    // nltk-absolute: AbsoluteDiscountingInterpolated
  kAdditive,    // nltk-add: Lidstone(K); Laplace for K = 1
  kMle,         // nltk-mle: MLE
};

struct NltkOptions {
  NltkKind kind = NltkKind::kWittenBell;
  double discount = 0.75;  // absolute: D in [0, 1] (NLTK's default 0.75), every order
  double add = 1.0;        // add: K > 0
};

// Throws ConfigError when the options cannot work.
void check_nltk_options(const NltkOptions& options);

// The method's name in model files: "nltk-wb", "nltk-absolute", "nltk-add", "nltk-mle".
[[nodiscard]] std::string nltk_method_name(NltkKind kind);

class NltkSmoothing : public SmoothingMethod {
 public:
  explicit NltkSmoothing(NltkOptions options);

  [[nodiscard]] CountNeeds needs() const override { return {.raw_counts = true}; }
  // Throws ConfigError for counts not made as NLTK makes them, and for a
  // closed vocabulary or minimum counts (NLTK has neither).
  void prepare(const NGramCounts& counts, const EstimateSettings& settings, std::vector<std::string>* warnings) override;
  [[nodiscard]] SmoothingInfo describe() const override;
  void unigrams(const NGramCounts& counts, std::span<double> prob) const override;
  [[nodiscard]] double context(const ContextCounts& c, std::span<double> prob) const override;

 private:
  NltkOptions options_;
  int order_ = 0;
  double vocab_size_ = 0;  // |V|
};

}  // namespace lm
