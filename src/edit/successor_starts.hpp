// Where each context's successors start in the next level of a table.
#pragma once

#include <cstdint>
#include <vector>

namespace lm::detail {

// first[c] .. first[c+1]: the successors of entry c (of `contexts` entries)
// in the next level, whose parents are sorted.
inline std::vector<std::uint32_t> successor_starts(const std::vector<std::uint32_t>& parents, std::size_t contexts) {
  std::vector<std::uint32_t> first(contexts + 1, 0);
  std::size_t e = 0;
  for (std::size_t c = 0; c <= contexts; ++c) {
    while (e < parents.size() && parents[e] < c) ++e;
    first[c] = static_cast<std::uint32_t>(e);
  }
  return first;
}

}  // namespace lm::detail
