// SRILM's probability arithmetic (lm/src/Prob.h) and the checks of
// Ngram::computeBOW, shared by recompute_backoffs and prune.
#pragma once

#include <cmath>
#include <span>

#include "lm/model.hpp"

namespace lm::detail {

// SRILM's Prob_Epsilon: probability sums closer than this to 0 are taken as 0.
inline constexpr double kProbEpsilon = 3e-6;

// SRILM's LogPtoProb, with log10 p <= kLog10Zero (its LogP_PseudoZero, read
// as LogP_Zero) giving 0.
[[nodiscard]] inline double to_prob(double log10_p) {
  return log10_p <= kLog10Zero ? 0.0 : std::exp(log10_p * M_LN10);
}

// The two sums of a backoff weight: 1 - sum p(w | h) and 1 - sum p_BO(w | h').
struct BowSums {
  double numerator = 1.0;
  double denominator = 1.0;
  float scale = 0.0f;  // kScale: log10 of the factor that makes h's n-grams sum to 1
};

enum class BowCase {
  kOk,        // BOW = numerator / denominator (1 when both are 0)
  kScale,     // nothing left to back off to: scale h's n-grams, BOW = 1
  kImproper,  // SRILM's computeBOW returns false: BOW = LogP_Zero
};

// Ngram::computeBOW after the sums (minBackoffMass -1, SRILM's default).
[[nodiscard]] inline BowCase check_bow(BowSums* s) {
  if (std::fabs(s->numerator) < kProbEpsilon) s->numerator = 0.0;
  if (std::fabs(s->denominator) < kProbEpsilon) s->denominator = 0.0;
  if (s->denominator < kProbEpsilon && s->numerator > kProbEpsilon) {
    s->scale = static_cast<float>(-std::log10(1.0 - s->numerator));
    s->numerator = 0.0;
    s->denominator = 0.0;
    return BowCase::kScale;
  }
  if (s->numerator < 0.0) return BowCase::kImproper;
  if (s->denominator <= 0.0) {
    if (s->numerator > kProbEpsilon) return BowCase::kImproper;
    s->numerator = 0.0;
    s->denominator = 0.0;
  }
  return BowCase::kOk;
}

// Adds s.scale to every non-zero log10 p (computeBOW's "*prob += scale").
inline void scale_to_one(std::span<float> log10_prob, const BowSums& s) {
  for (float& p : log10_prob) {
    if (p > kLog10Zero) p += s.scale;
  }
}

// The log10 backoff weight computeBOWs stores for a checked context.
[[nodiscard]] inline float bow_of(BowCase verdict, const BowSums& s) {
  if (verdict == BowCase::kImproper) return kLog10Zero;
  if (s.numerator < kProbEpsilon && s.denominator < kProbEpsilon) return 0.0f;
  const float bow = static_cast<float>(std::log10(s.numerator) - std::log10(s.denominator));
  return bow <= kLog10Zero ? kLog10Zero : bow;
}

}  // namespace lm::detail
