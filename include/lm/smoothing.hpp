// The estimation seam: a smoothing method turns counts into probabilities one
// context at a time, and estimate() (lm/estimator.hpp) does the rest: it walks
// the count trie order by order, hands each context's successors to the
// method, stores log10 probabilities and backoffs in an NGramTable, leaves
// pruned n-grams out and lays out the model.
//
// Adding a method: a class deriving from SmoothingMethod in
// src/estimate/<method>.cpp (kneser_ney.cpp is the model), and an entry in
// src/model/smoothing_codec.cpp that names it and its parameters for the
// model file. docs/ARCHITECTURE.md has the steps.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lm/model.hpp"
#include "lm/ngram_counts.hpp"

namespace lm {

// What a method reads from the counts beyond the adjusted (continuation)
// counts and their counts of counts, which counting always keeps; counting
// keeps only what is asked for (CountConfig), so a method pays for nothing
// it does not use.
struct CountNeeds {
  bool raw_counts = false;  // CountLevel::raw_counts, NGramCounts::raw_counts_of_counts
  // EstimateSettings::min_counts compare each n-gram's adjusted count (the
  // count Kneser-Ney methods estimate from) rather than its raw count.
  bool adjusted_min_counts = false;
};

// What estimation is asked for beyond the method's own options.
struct EstimateSettings {
  // SRILM's default vocabulary: the training words only. <unk> gets no
  // probability mass (its log10 p is stored as -100, the value KenLM gives a
  // model without <unk>) and ARPA files leave it out. Counts that contain
  // <unk> cannot be estimated so.
  bool closed_vocab = false;
  // SRILM's -gtNmin: n-grams of order n seen fewer than min_counts[n-1] times
  // are left out of the model, their probability mass going to the backoff.
  // The last value repeats; empty or all 1 leaves nothing out. Unigrams
  // must be 1 (check_min_counts).
  std::vector<std::uint64_t> min_counts;
};

// Pads min_counts to order (the last value repeats) and checks them; throws
// ConfigError with the reason. Returns an empty vector when nothing is left out.
[[nodiscard]] std::vector<std::uint64_t> check_min_counts(std::vector<std::uint64_t> min_counts, int order);

// The successors w of one context h at order n, as estimate() hands them to
// a method: entries of counts.levels[n-1] that share their parent, in word
// order. Spans index the same entries.
struct ContextCounts {
  int n = 0;                                // 2..order
  std::span<const std::uint32_t> adjusted;  // adjusted counts a(h w) (raw at the top order and after <s>)
  std::span<const std::uint32_t> raw;       // raw counts c(h w); empty unless needs().raw_counts
  // Non-zero: left out of the distribution (pruned or under a minimum
  // count); its count stays in the context's total and its mass goes to the
  // backoff. Empty when nothing is left out.
  std::span<const std::uint8_t> pruned;
  std::span<const std::uint32_t> suffix;    // entry of h' w in level n-1 (h' is h without its first word)
  std::span<const double> lower_prob;       // p(. | h'): every entry of level n-1, indexed by suffix
};

class SmoothingMethod {
 public:
  virtual ~SmoothingMethod() = default;

  [[nodiscard]] virtual CountNeeds needs() const = 0;

  // Called once, before the others: the parameters that count statistics
  // give (discounts from counts of counts, say). Appends what the user should
  // know to warnings; throws Error when the counts cannot be smoothed so.
  virtual void prepare(const NGramCounts& counts, const EstimateSettings& settings,
                       std::vector<std::string>* warnings) = 0;

  // The method's name and parameters, as prepared, for the model file.
  [[nodiscard]] virtual SmoothingInfo describe() const = 0;

  // p(w) for every word id w (prob has counts.vocab.size() entries; <s>,
  // which is never predicted, gets what the method's convention gives it).
  virtual void unigrams(const NGramCounts& counts, std::span<double> prob) const = 0;

  // p(w | h) for the successors (prob[i] for entry i; entries that are
  // pruned are ignored: estimate() gives them b * p(w | h')) and returns the
  // backoff weight of h: the factor b such that p(w | h) = b * p(w | h') for
  // every w that is not a kept successor. Called for many contexts at once from several threads:
  // must not modify the method.
  [[nodiscard]] virtual double context(const ContextCounts& c, std::span<double> prob) const = 0;
};

// Whether a method's numbers are probabilities: false for stupid backoff,
// whose scores do not sum to 1.
[[nodiscard]] bool smoothing_normalized(std::string_view method);

// For people: "interpolated modified Kneser-Ney" for "mkn"; "unknown" for a
// method the model file does not name.
[[nodiscard]] std::string_view smoothing_title(std::string_view method);
// What a method's per-order parameters are, for `lm info`: "discounts".
[[nodiscard]] std::string_view smoothing_label(std::string_view method);

}  // namespace lm
