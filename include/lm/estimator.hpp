// Interpolated modified Kneser-Ney estimation, as KenLM's lmplz computes it.
//
// References: S. F. Chen and J. Goodman, "An Empirical Study of Smoothing
// Techniques for Language Modeling", TR-10-98, Harvard, 1998 (eq. 26 for the
// discounts); K. Heafield et al., "Scalable Modified Kneser-Ney Language Model
// Estimation", ACL 2013 (the pipeline lmplz implements). docs/ESTIMATION.md
// gives the formulas and where lm differs from lmplz.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lm/model.hpp"
#include "lm/ngram_counts.hpp"

namespace lm {

struct EstimateConfig {
  // When the discounts of an order cannot be computed (an adjusted count of
  // 1, 2 or 3 never occurs, or a discount falls outside [0, k]), use
  // `fallback` with a warning instead of failing.
  bool allow_discount_fallback = true;
  Discount fallback{{0.0, 0.5, 1.0, 1.5}};
  // Threads for computing each order's probabilities (results do not depend on it).
  int threads = 1;
  // Called with (orders done, order) as estimation goes.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
  // How the model is laid out (quantization).
  LayoutOptions layout;
};

// Discounts D1, D2, D3+ for each order from counts of counts (NGramCounts::
// counts_of_counts), computed in single precision exactly as lmplz does.
// Appends one warning per order that falls back. Throws Error when an order
// needs the fallback and config.allow_discount_fallback is false.
[[nodiscard]] std::vector<Discount> compute_discounts(
    const std::vector<std::array<std::uint64_t, 5>>& counts_of_counts, const EstimateConfig& config,
    std::vector<std::string>* warnings);

struct EstimateResult {
  Model model;
  std::vector<Discount> discounts;
  std::vector<std::string> warnings;  // e.g. discount fallbacks; for the user to see
};

// Estimates the model: for an n-gram w with context h (n-1 words) and adjusted
// count a(h w),
//   p(w | h) = (a(h w) - D_n(a(h w))) / sum_x a(h x) + gamma(h) p(w | h'),
//   gamma(h) = (D_n1 N1(h .) + D_n2 N2(h .) + D_n3+ N3+(h .)) / sum_x a(h x),
// where h' drops the first word of h; unigrams interpolate with the uniform
// distribution over the vocabulary without <s> (so an unseen <unk> gets
// gamma() / |V|). The model stores log10 p and log10 gamma, as ARPA does.
// Consumes counts (pass an rvalue to save memory; a copy works too).
[[nodiscard]] EstimateResult estimate(NGramCounts counts, const EstimateConfig& config = {});

}  // namespace lm
