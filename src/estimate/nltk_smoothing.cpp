// NLTK's nltk.lm formulas in backoff form (see lm/nltk_smoothing.hpp).
#include "lm/nltk_smoothing.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "lm/error.hpp"

namespace lm {

void check_nltk_options(const NltkOptions& options) {
  if (options.kind == NltkKind::kAbsolute && !(options.discount >= 0.0 && options.discount <= 1.0)) {
    throw ConfigError("discount", ConfigError::literal(fmt::format("{}: an absolute discount must be in [0, 1]",
                                                                   options.discount)));
  }
  if (options.kind == NltkKind::kAdditive && !(options.add > 0.0 && std::isfinite(options.add))) {
    throw ConfigError("add", ConfigError::literal(fmt::format(
                                 "{}: the added count must be above 0 (1 for Laplace)", options.add)));
  }
}

std::string nltk_method_name(NltkKind kind) {
  switch (kind) {
    case NltkKind::kWittenBell: return "nltk-wb";
    case NltkKind::kAbsolute: return "nltk-absolute";
    case NltkKind::kAdditive: return "nltk-add";
    case NltkKind::kMle: return "nltk-mle";
  }
  return "";
}

NltkSmoothing::NltkSmoothing(NltkOptions options) : options_(options) { check_nltk_options(options_); }

void NltkSmoothing::prepare(const NGramCounts& counts, const EstimateSettings& settings, std::vector<std::string>*) {
  if (!counts.nltk_padding) {
    throw ConfigError("nltk_padding",
                      "NLTK's formulas need the counts NLTK makes: count with {nltk_padding} (count_corpus_nltk)");
  }
  if (settings.closed_vocab) throw ConfigError("closed_vocab", "not with {nltk_padding}: NLTK's vocabulary has <UNK>");
  if (!check_min_counts(settings.min_counts, counts.order).empty()) {
    throw ConfigError("min_counts", "not with {nltk_padding}: NLTK keeps every n-gram");
  }
  order_ = counts.order;
  vocab_size_ = static_cast<double>(counts.vocab.size());
}

SmoothingInfo NltkSmoothing::describe() const {
  SmoothingInfo info;
  info.method = nltk_method_name(options_.kind);
  for (int n = 1; n <= order_; ++n) {
    if (options_.kind == NltkKind::kAbsolute) info.params.push_back({"D", n, options_.discount});
    if (options_.kind == NltkKind::kAdditive) info.params.push_back({"K", n, options_.add});
  }
  return info;
}

void NltkSmoothing::unigrams(const NGramCounts& counts, std::span<double> prob) const {
  const std::vector<std::uint32_t>& raw = counts.levels[0].raw_counts;
  double total = 0;  // every padded token, <s> and </s> included
  for (std::uint32_t c : raw) total += c;
  const bool top = order_ == 1;
  for (std::size_t w = 0; w < prob.size(); ++w) {
    const double c = raw[w];
    switch (options_.kind) {
      case NltkKind::kWittenBell:
      case NltkKind::kAbsolute: prob[w] = c / total; break;
      case NltkKind::kAdditive:
        prob[w] = top ? (c + options_.add) / (total + vocab_size_ * options_.add) : 1.0 / vocab_size_;
        break;
      case NltkKind::kMle: prob[w] = top ? c / total : 0.0; break;
    }
  }
}

double NltkSmoothing::context(const ContextCounts& c, std::span<double> prob) const {
  const std::span<const std::uint32_t> raw = c.raw;
  const std::size_t size = raw.size();
  double total = 0;  // c(h): the successors' counts (NLTK's counts[h].N())
  for (std::uint32_t r : raw) total += r;
  const auto distinct = static_cast<double>(size);  // N1+(h)
  const bool top = c.n == order_;
  switch (options_.kind) {
    case NltkKind::kWittenBell: {  // WittenBell.alpha_gamma
      const double gamma = distinct / (distinct + total);
      for (std::size_t i = 0; i < size; ++i) {
        prob[i] = (1.0 - gamma) * (raw[i] / total) + gamma * c.lower_prob[c.suffix[i]];
      }
      return gamma;
    }
    case NltkKind::kAbsolute: {  // AbsoluteDiscounting.alpha_gamma
      const double d = options_.discount;
      const double gamma = d * distinct / total;
      for (std::size_t i = 0; i < size; ++i) {
        prob[i] = std::max(raw[i] - d, 0.0) / total + gamma * c.lower_prob[c.suffix[i]];
      }
      return gamma;
    }
    case NltkKind::kAdditive: {  // Lidstone.unmasked_score: the full context only
      if (!top) {
        std::fill(prob.begin(), prob.begin() + static_cast<std::ptrdiff_t>(size), 1.0 / vocab_size_);
        return 1.0;
      }
      const double norm = total + vocab_size_ * options_.add;
      for (std::size_t i = 0; i < size; ++i) prob[i] = (raw[i] + options_.add) / norm;
      return vocab_size_ * options_.add / norm;  // K / norm for the others, through p(w|h') = 1/|V|
    }
    case NltkKind::kMle:  // MLE.unmasked_score: the full context only
      for (std::size_t i = 0; i < size; ++i) prob[i] = top ? raw[i] / total : 0.0;
      return 1.0;  // times p(w|h') = 0
  }
  return 1.0;
}

}  // namespace lm
