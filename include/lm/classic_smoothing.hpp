// The classic smoothing family, estimated as SRILM's ngram-count estimates it
// (Ngram::estimate and Discount.cc of SRILM 1.7), so that the models equal
// SRILM's: Kneser-Ney with one discount per order, Witten-Bell, absolute
// discounting (each interpolated or backoff), Good-Turing with Katz backoff,
// additive smoothing and maximum likelihood. docs/ESTIMATION.md has the
// formulas.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lm/smoothing.hpp"

namespace lm {

enum class ClassicKind {
  kKneserNey,   // kn: D_n = n1 / (n1 + 2 n2) of the adjusted (continuation) counts
  kWittenBell,  // wb
  kAbsolute,    // absolute: a fixed D per order
  kKatz,        // katz: Good-Turing discounts up to gt_max, backoff only
  kAdditive,    // add: (c + K) / (T + |V| K), backoff only
  kMle,         // mle: c / T, backoff only
};

struct ClassicOptions {
  ClassicKind kind = ClassicKind::kWittenBell;
  // Interpolate with the lower order (SRILM's -interpolate); kn, wb and
  // absolute only: katz, add and mle are always backoff models.
  bool interpolate = true;
  std::vector<double> discounts{0.75};  // absolute: D of each order in [0, 1]; the last repeats
  std::vector<std::uint64_t> gt_max{1, 7};  // katz: largest count discounted, per order; the last repeats
  double add = 1.0;                      // add: K > 0
  // kn: when a discount cannot be estimated (n1 or n2 is 0), use 0.5 with a
  // warning instead of failing.
  bool allow_discount_fallback = true;
};

// Throws ConfigError when the options cannot work (a discount outside [0, 1],
// K <= 0, gt_max above 7...).
void check_classic_options(const ClassicOptions& options);

// The method's name in model files: "kn", "kn-backoff", "wb", ... "mle".
[[nodiscard]] std::string classic_method_name(const ClassicOptions& options);

// For each context h with successors w of counts c(h w) (adjusted counts for
// kn, raw for the others), total T = sum_w c(h w) and n = number of
// successors:
//   p(w | h) = d(c) c(h w) / T  [+ lambda(h) p(w | h') when interpolated]
// with the method's discount factor d and lower-order weight lambda; the
// backoff weight is then SRILM's (1 - sum_w p(w | h)) / (1 - sum_w p(w | h'))
// over the kept successors. Unigrams interpolate with 1/|V| (|V|: the words
// but <s>, and <unk> under a closed vocabulary); mass left at the unigrams
// goes to the words never seen (an open vocabulary's <unk>), or to every word
// when all were seen. SRILM's rescues are kept: a context whose successors
// take all the mass is estimated again without interpolation, or with T + 1.
class ClassicSmoothing : public SmoothingMethod {
 public:
  explicit ClassicSmoothing(ClassicOptions options);

  [[nodiscard]] CountNeeds needs() const override;
  void prepare(const NGramCounts& counts, const EstimateSettings& settings, std::vector<std::string>* warnings) override;
  [[nodiscard]] SmoothingInfo describe() const override;
  void unigrams(const NGramCounts& counts, std::span<double> prob) const override;
  [[nodiscard]] double context(const ContextCounts& c, std::span<double> prob) const override;

 private:
  struct OrderParams {
    double discount = 0;               // kn, absolute
    std::uint64_t gt_max = 0;          // katz, after SRILM's lowering
    std::vector<double> gt_coeffs;     // katz: gt_coeffs[c] for c in 1..gt_max
  };
  // The successors of one context: their counts, which are left out, and
  // p(w | h') of each (uniform below the unigrams).
  struct Successors {
    std::span<const std::uint32_t> count;
    std::span<const std::uint8_t> pruned;
    std::span<const std::uint32_t> suffix;  // empty for unigrams
    std::span<const double> lower_prob;
    double uniform = 0;
    bool as_stored = false;  // p(w | h') as SRILM reads it back: rounded to a float log10
    [[nodiscard]] double lower(std::size_t i) const {
      const double p = suffix.empty() ? uniform : lower_prob[suffix[i]];
      return as_stored ? stored(p) : p;
    }
  };
  // p as a float log10, as SRILM stores it and sums it for backoff weights.
  static double stored(double p);
  // The discount factor d(c) of a count at order n (SRILM's Discount::discount).
  [[nodiscard]] double discount(int n, std::uint64_t count, double total, std::uint64_t observed) const;
  [[nodiscard]] double lower_weight(int n, double total, std::uint64_t observed) const;
  [[nodiscard]] bool no_discount(int n) const;
  [[nodiscard]] std::uint64_t min_count(int n) const;
  // p(w | h) of the kept successors into prob; returns their sum.
  double estimate(int n, const Successors& s, std::span<double> prob) const;

  ClassicOptions options_;
  bool closed_vocab_ = false;
  std::uint64_t vocab_events_ = 0;  // |V|
  std::vector<std::uint64_t> min_counts_;  // per order, or empty
  std::vector<OrderParams> orders_;
};

}  // namespace lm
