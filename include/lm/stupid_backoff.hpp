// Stupid backoff (Brants et al. 2007): scores, not probabilities.
//   S(w | h) = c(h w) / c(h)       when h w was seen,
//            = alpha * S(w | h')   otherwise,
//   S(w)     = c(w) / N            (N: the tokens, </s> included),
// with raw counts. Stored like any backoff model (S as log10 p, alpha as
// every context's backoff), so scoring and `next` work unchanged, but the
// scores of a context do not sum to 1: `score` reports no perplexity for
// such a model (smoothing_normalized).
#pragma once

#include "lm/smoothing.hpp"

namespace lm {

class StupidBackoff : public SmoothingMethod {
 public:
  // Throws ConfigError unless 0 < alpha <= 1.
  explicit StupidBackoff(double alpha = 0.4);

  [[nodiscard]] CountNeeds needs() const override { return {.raw_counts = true, .adjusted_min_counts = false}; }
  void prepare(const NGramCounts& counts, const EstimateSettings& settings, std::vector<std::string>* warnings) override;
  [[nodiscard]] SmoothingInfo describe() const override;
  void unigrams(const NGramCounts& counts, std::span<double> prob) const override;
  [[nodiscard]] double context(const ContextCounts& c, std::span<double> prob) const override;

 private:
  double alpha_;
  int order_ = 0;
};

}  // namespace lm
