// Interpolated modified Kneser-Ney, as KenLM's lmplz computes it: a
// SmoothingMethod (lm/smoothing.hpp).
//
// References: S. F. Chen and J. Goodman, "An Empirical Study of Smoothing
// Techniques for Language Modeling", TR-10-98, Harvard, 1998 (eq. 26 for the
// discounts); K. Heafield et al., "Scalable Modified Kneser-Ney Language Model
// Estimation", ACL 2013 (the pipeline lmplz implements). docs/ESTIMATION.md
// gives the formulas and where lm differs from lmplz.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "lm/smoothing.hpp"

namespace lm {

// Discounts D1, D2, D3+ of one order. d[0] is always 0.
struct Discount {
  std::array<double, 4> d{0.0, 0.0, 0.0, 0.0};
  [[nodiscard]] double get(std::uint64_t count) const { return d[count < 3 ? count : 3]; }
};

struct KneserNeyOptions {
  // When the discounts of an order cannot be computed (an adjusted count of
  // 1, 2 or 3 never occurs, or a discount falls outside (0, k]), use
  // `fallback` with a warning instead of failing.
  bool allow_discount_fallback = true;
  Discount fallback{{0.0, 0.5, 1.0, 1.5}};
};

// Discounts D1, D2, D3+ for each order from counts of counts (NGramCounts::
// counts_of_counts), computed in single precision exactly as lmplz does.
// Appends one warning per order that falls back. Throws Error when an order
// needs the fallback and options.allow_discount_fallback is false.
[[nodiscard]] std::vector<Discount> compute_discounts(
    const std::vector<std::array<std::uint64_t, 5>>& counts_of_counts, const KneserNeyOptions& options,
    std::vector<std::string>* warnings);

// For an n-gram w with context h (n-1 words) and adjusted count a(h w),
//   p(w | h) = (a(h w) - D_n(a(h w))) / sum_x a(h x) + gamma(h) p(w | h'),
//   gamma(h) = (D_n1 N1(h .) + D_n2 N2(h .) + D_n3+ N3+(h .)) / sum_x a(h x),
// where h' drops the first word of h; unigrams interpolate with the uniform
// distribution over the vocabulary without <s> (so an unseen <unk> gets
// gamma() / |V|; with a closed vocabulary, without <unk> either), and p(<s>) = 1 (lmplz's convention: <s> is never
// predicted). gamma(h) is h's backoff weight. Pruned successors keep their
// counts in the denominator and give their mass to gamma, as lmplz does, so
// the model stays normalized. Described as "mkn" with D1, D2, D3+ per order.
class ModifiedKneserNey : public SmoothingMethod {
 public:
  explicit ModifiedKneserNey(KneserNeyOptions options = {}) : options_(options) {}

  [[nodiscard]] CountNeeds needs() const override { return {.raw_counts = false, .adjusted_min_counts = true}; }
  void prepare(const NGramCounts& counts, const EstimateSettings& settings, std::vector<std::string>* warnings) override;
  [[nodiscard]] SmoothingInfo describe() const override;
  void unigrams(const NGramCounts& counts, std::span<double> prob) const override;
  [[nodiscard]] double context(const ContextCounts& c, std::span<double> prob) const override;

  // One per order, once prepared.
  [[nodiscard]] const std::vector<Discount>& discounts() const { return discounts_; }

 private:
  KneserNeyOptions options_;
  std::vector<Discount> discounts_;
  bool closed_vocab_ = false;
};

}  // namespace lm
