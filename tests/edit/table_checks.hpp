// Checks on an edited n-gram table shared by the edit/ tests.
#pragma once

#include <catch2/catch.hpp>
#include <cmath>

#include "lm/backoff_weights.hpp"

namespace lm::test {

// Every context of the table (the empty one and every entry below the top
// order) gives a next-word distribution, by the backoff rule, that sums to 1
// within 1e-6 over the vocabulary (<s> left out).
inline void check_every_context_sums_to_one(const NGramTable& t) {
  const TableLookup lookup(t);
  for (int n = 0; n < t.order(); ++n) {
    const std::size_t contexts = n == 0 ? 1 : t.levels[n - 1].size();
    for (std::size_t c = 0; c < contexts; ++c) {
      double sum = 0;
      for (WordId w = 0; w < t.vocab.size(); ++w) {
        if (w != kBosId) sum += std::pow(10.0, lookup.log10_prob(n, static_cast<std::uint32_t>(c), w));
      }
      INFO("order " << n << " context " << c);
      CHECK(sum == Approx(1.0).margin(1e-6));
    }
  }
}

}  // namespace lm::test
