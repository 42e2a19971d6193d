// The k most probable next words for a sampler that asks after many
// contexts (lm generate --top-k): NextWordPredictor::top(k)'s answer, from
// each context's successors sorted by probability once and cached.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "lm/model.hpp"
#include "lm/next_words.hpp"
#include "lm/scorer.hpp"

namespace lm::detail {

class CachedTop {
 public:
  explicit CachedTop(const Model& model) : model_(model) {}

  // The k most probable words after s (k >= 1), most probable first, ties by
  // word id; never <s>, nor <unk> when no_unk. The same words and log10
  // probabilities as NextWordPredictor::top(s, k) (but for the order of
  // words of exactly equal probability). Merges one stream per context
  // order, each already sorted, so that after a context's first visit a
  // query costs about k lookups, however many successors it has.
  [[nodiscard]] std::vector<Prediction> top(const State& s, std::size_t k, bool no_unk);

 private:
  struct Sorted {
    std::uint64_t offset = 0;  // in order_: successor positions, most probable first
    std::uint64_t first = 0;   // index in the next level of the context's first successor
    std::uint32_t size = 0;
  };
  // The successors of entry node of level n, sorted (cached).
  Sorted sorted(int n, std::uint32_t node);

  const Model& model_;
  std::unordered_map<std::uint64_t, Sorted> cache_;
  std::vector<std::uint32_t> order_;
};

}  // namespace lm::detail
