#include "count/radix_sort.hpp"

#include <array>
#include <bit>

namespace lm::detail {

int sort_key_bits(std::uint64_t max_value) { return max_value == 0 ? 1 : static_cast<int>(std::bit_width(max_value)); }

void radix_sort(std::vector<KeyIndex>& items, int key_bits) {
  constexpr int kDigitBits = 11;
  constexpr std::size_t kBuckets = std::size_t{1} << kDigitBits;
  if (items.size() < 2) return;
  const int passes = (key_bits + kDigitBits - 1) / kDigitBits;
  std::vector<std::array<std::size_t, kBuckets>> histogram(passes);
  for (auto& h : histogram) h.fill(0);
  for (const KeyIndex& item : items) {
    for (int p = 0; p < passes; ++p) ++histogram[p][(item.key >> (p * kDigitBits)) & (kBuckets - 1)];
  }
  std::vector<KeyIndex> scratch(items.size());
  for (int p = 0; p < passes; ++p) {
    auto& h = histogram[p];
    // A digit with one value everywhere leaves the order as it is.
    bool trivial = false;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      if (h[b] == items.size()) trivial = true;
    }
    if (trivial) continue;
    std::size_t sum = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      const std::size_t c = h[b];
      h[b] = sum;
      sum += c;
    }
    const int shift = p * kDigitBits;
    for (const KeyIndex& item : items) scratch[h[(item.key >> shift) & (kBuckets - 1)]++] = item;
    items.swap(scratch);
  }
}

}  // namespace lm::detail
