// Lossy compression of one order's probabilities or backoffs to 2^bits
// values (docs/FORMAT.md, "Quantization").
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace lm::detail {

class Quantizer {
 public:
  Quantizer() = default;
  // Equal-count bins over the sorted finite values, each represented by its
  // mean (KenLM's -q/-b binning); when there are at most 2^bits distinct
  // values they are kept exactly. REQUIRES: 1 <= bits <= 16.
  Quantizer(std::span<const float> values, unsigned bits);

  // The 2^bits centers, ascending.
  [[nodiscard]] const std::vector<float>& centers() const { return centers_; }
  // Index of the center nearest to value (-inf and NaN: the lowest).
  [[nodiscard]] std::uint32_t encode(float value) const;

 private:
  std::vector<float> centers_;
};

}  // namespace lm::detail
