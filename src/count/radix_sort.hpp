// Sorting (64-bit key, 32-bit index) pairs: the workhorse of counting.
#pragma once

#include <cstdint>
#include <vector>

namespace lm::detail {

struct KeyIndex {
  std::uint64_t key;
  std::uint32_t index;
  std::uint32_t payload = 0;  // rides along (fills what would be padding)
};

// Stable LSD radix sort by key; key_bits bounds the keys (keys < 2^key_bits).
// Uses a scratch array of the same size.
void radix_sort(std::vector<KeyIndex>& items, int key_bits);

// Number of bits needed to represent values up to and including max_value.
[[nodiscard]] int sort_key_bits(std::uint64_t max_value);

}  // namespace lm::detail
