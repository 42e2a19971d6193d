#include "model/quantizer.hpp"

#include <algorithm>
#include <cmath>

namespace lm::detail {

Quantizer::Quantizer(std::span<const float> values, unsigned bits) {
  const std::size_t bins = std::size_t{1} << bits;
  std::vector<float> sorted;
  sorted.reserve(values.size());
  for (float v : values) {
    if (std::isfinite(v)) sorted.push_back(v);
  }
  std::sort(sorted.begin(), sorted.end());
  std::vector<float> distinct = sorted;
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  if (distinct.size() <= bins) {
    centers_ = distinct;
  } else {
    const std::size_t n = sorted.size();
    for (std::size_t b = 0; b < bins; ++b) {
      const std::size_t lo = b * n / bins;
      const std::size_t hi = (b + 1) * n / bins;
      double sum = 0;
      for (std::size_t i = lo; i < hi; ++i) sum += sorted[i];
      centers_.push_back(hi > lo ? static_cast<float>(sum / static_cast<double>(hi - lo)) : sorted[lo]);
    }
  }
  if (centers_.empty()) centers_.push_back(0.0f);
  centers_.resize(bins, centers_.back());
}

std::uint32_t Quantizer::encode(float value) const {
  if (!(value >= centers_.front())) return 0;
  const auto it = std::lower_bound(centers_.begin(), centers_.end(), value);
  if (it == centers_.end()) return static_cast<std::uint32_t>(centers_.size() - 1);
  auto at = static_cast<std::uint32_t>(it - centers_.begin());
  if (at > 0 && value - centers_[at - 1] < *it - value) --at;
  return at;
}

}  // namespace lm::detail
