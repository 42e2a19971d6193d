// lm train's smoothing options: --smoothing, the options of each method and
// --nltk, and the method they make.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lm/smoothing.hpp"

namespace lm::cli {

struct SmoothingFlags {
  std::string method = "mkn";           // --smoothing
  bool backoff = false;                 // kn, wb, absolute
  std::vector<std::string> discount;    // absolute: D, or one per order, as given
  std::vector<std::string> gt_max;      // katz, as given
  double add = 1.0;                     // add: K
  double alpha = 0.4;                   // stupid
  bool strict_discounts = false;        // mkn, kn: no fallback discounts
  bool nltk = false;                    // NLTK's counts and formulas
};

// Registers the flags above on cmd.
void add_smoothing_options(CLI::App* cmd, SmoothingFlags* flags);

// The method the flags name, with its options; throws ConfigError when an
// option is not the method's, or a value is out of range. Per-order values
// may have taken the corpus (see parse_counts): it is given back to *corpus.
[[nodiscard]] std::unique_ptr<SmoothingMethod> make_method(const SmoothingFlags& flags, const CLI::App& cmd,
                                                           std::string* corpus);

}  // namespace lm::cli
