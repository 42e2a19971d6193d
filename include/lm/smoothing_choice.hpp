// A smoothing method chosen by name and options, as `lm train --smoothing`
// and the Python module's lm.train(smoothing=...) choose it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lm/smoothing.hpp"

namespace lm {

struct SmoothingChoice {
  // mkn (interpolated modified Kneser-Ney, as KenLM), kn, wb, absolute,
  // katz, add, mle or stupid (stupid backoff).
  std::string method = "mkn";
  bool backoff = false;             // kn, wb, absolute: the backoff variant (SRILM without -interpolate)
  std::vector<double> discount;     // absolute: one D for all orders or one per order; empty: 0.75
  std::vector<std::uint64_t> gt_max;  // katz: per order, the last repeating; empty: 1 7
  std::optional<double> add;        // add: the count added to every word (default 1)
  std::optional<double> alpha;      // stupid: the backoff factor (default 0.4)
  bool strict_discounts = false;    // mkn, kn: fail instead of using fallback discounts
  bool nltk = false;                // NLTK's formulas (wb, absolute, add, mle), on NLTK's padded counts
};

// The method choice names, with its options. Throws ConfigError naming the
// setting ("smoothing", "discount", ...) when the method is unknown, an
// option is given that is not the method's, or a combination cannot work.
// Values are checked by the method itself (prepare()).
[[nodiscard]] std::unique_ptr<SmoothingMethod> make_smoothing_method(const SmoothingChoice& choice);

}  // namespace lm
