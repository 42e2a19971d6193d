#include "lm/stupid_backoff.hpp"

#include <cmath>
#include <fmt/format.h>

#include "lm/error.hpp"

namespace lm {

StupidBackoff::StupidBackoff(double alpha) : alpha_(alpha) {
  if (!(alpha > 0.0 && alpha <= 1.0)) {
    throw ConfigError("alpha", ConfigError::literal(fmt::format("{}: the backoff factor must be above 0 and at most 1", alpha)));
  }
}

void StupidBackoff::prepare(const NGramCounts& counts, const EstimateSettings&, std::vector<std::string>*) {
  order_ = counts.order;
}

SmoothingInfo StupidBackoff::describe() const {
  SmoothingInfo info;
  info.method = "stupid";
  for (int n = 1; n <= order_; ++n) info.params.push_back({"alpha", n, alpha_});
  return info;
}

void StupidBackoff::unigrams(const NGramCounts& counts, std::span<double> prob) const {
  const std::vector<std::uint32_t>& raw = counts.levels[0].raw_counts;
  double total = 0;
  for (std::size_t w = 0; w < prob.size(); ++w) {
    if (w != kBosId) total += raw[w];
  }
  for (std::size_t w = 0; w < prob.size(); ++w) prob[w] = w == kBosId ? 0.0 : raw[w] / total;
}

double StupidBackoff::context(const ContextCounts& c, std::span<double> prob) const {
  double total = 0;
  for (std::uint32_t r : c.raw) total += r;
  for (std::size_t i = 0; i < c.raw.size(); ++i) prob[i] = c.raw[i] / total;
  return alpha_;
}

}  // namespace lm
