// Next-word prediction: the exact distribution of the word after a context,
// or its k most probable words.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "lm/model.hpp"
#include "lm/scorer.hpp"

namespace lm {

struct Prediction {
  WordId word = kUnkId;
  double log10_prob = 0;
};

// Computes next-word distributions exactly: p(w | context) for every word of
// the vocabulary except <s>. Holds scratch space of one int per word, so keep
// one per thread and reuse it.
class NextWordPredictor {
 public:
  explicit NextWordPredictor(const Model& model);

  // The state after reading context (mid-sentence unless it starts with
  // "<s>"); only the last order-1 words matter. Unknown words become <unk>.
  [[nodiscard]] State context_state(std::span<const std::string_view> context) const;

  // The k most probable next words, most probable first (ties by word id);
  // k == 0 means all of them. Cost grows with the number of successors of
  // the context, not with the vocabulary (unless k is 0 or huge).
  [[nodiscard]] std::vector<Prediction> top(const State& context, std::size_t k);

 private:
  const Model& model_;
  std::vector<std::uint32_t> stamp_;  // stamp_[w] == generation_: w already scored
  std::uint32_t generation_ = 0;
};

}  // namespace lm
