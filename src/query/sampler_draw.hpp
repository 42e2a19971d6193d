// What TokenSampler (sampler.cpp) and the mixture's and sentences' samplers
// (sentence_sampler.cpp) share.
#pragma once

#include <vector>

#include "lm/next_words.hpp"
#include "lm/sampler.hpp"

namespace lm::detail {

// Draws beyond this many rejections fall back to the whole distribution:
// exact too (a draw is rejected independently of the word accepted), and it
// bounds the work where nearly every proposal would be rejected.
inline constexpr int kMaxAttempts = 200;

// Draws from a distribution sorted most probable first (top()'s order):
// drops <s>, <unk> when asked and zero probabilities, takes p^(1/T), keeps
// the top k, then the top p of the mass, and draws one in proportion to what
// is kept, with one uniform. Throws lm::Error when nothing is left.
[[nodiscard]] WordId draw_from(const std::vector<Prediction>& sorted, const SamplingOptions& o, Rng* rng);

}  // namespace lm::detail
