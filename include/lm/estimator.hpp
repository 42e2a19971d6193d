// Estimation: counts -> an n-gram table -> a model, with any smoothing
// method (lm/smoothing.hpp); interpolated modified Kneser-Ney
// (lm/kneser_ney.hpp) unless another is given.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lm/model.hpp"
#include "lm/ngram_counts.hpp"
#include "lm/ngram_table.hpp"
#include "lm/smoothing.hpp"

namespace lm {

struct EstimateConfig {
  // Threads for computing each order's probabilities (results do not depend on it).
  int threads = 1;
  // Called with (orders done, order) as estimation goes.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
  // How the model is laid out (quantization); estimate() only.
  LayoutOptions layout;
  // Closed vocabulary, minimum counts.
  EstimateSettings settings;
};

struct TableEstimate {
  NGramTable table;
  std::vector<std::string> warnings;  // the method's (e.g. discount fallbacks); for the user to see
};

// Walks the counts order by order: the method gives p(w) for every word, then
// for each context of each order p(w | h) for its successors and h's backoff
// weight; the table holds their log10 (probabilities capped at 0, as ARPA
// files hold them), the n-grams that counting marked pruned left out, and
// info (the method's description, training tokens, whether <unk> was a word).
// counts must carry what method.needs() asks for (CountConfig); throws
// ConfigError when they do not, and when a closed vocabulary is asked of
// counts that hold <unk>. N-grams under config.settings.min_counts are left
// out like pruned ones, except those that a kept longer n-gram needs as its
// context or suffix: these stay, with the probability the backoff gives
// them (SRILM's fixup), so the model keeps every n-gram's prefixes. Consumes counts (pass an rvalue to save
// memory; a copy works too).
[[nodiscard]] TableEstimate estimate_table(NGramCounts counts, SmoothingMethod& method,
                                           const EstimateConfig& config = {});

struct EstimateResult {
  Model model;
  std::vector<std::string> warnings;
};

// estimate_table, laid out as config.layout says.
[[nodiscard]] EstimateResult estimate(NGramCounts counts, SmoothingMethod& method, const EstimateConfig& config = {});
// The same with interpolated modified Kneser-Ney and its default options.
[[nodiscard]] EstimateResult estimate(NGramCounts counts, const EstimateConfig& config = {});

}  // namespace lm
