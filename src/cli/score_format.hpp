// Formatting lm score's records and corpus summary.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "lm/scorer.hpp"
#include "output.hpp"

namespace lm::cli {

// How records are printed.
struct ScoreStyle {
  Format format = Format::kText;
  bool tokens = false;             // every factor of the chain rule
  std::size_t context_words = 0;   // words of context shown for each factor
  // The model gives scores, not probabilities (stupid backoff): no
  // perplexity ("n/a", JSON null), JSON keys log10_score, factors S(w | h).
  bool scores = false;
  // The model pads sentences as NLTK does (order-1 <s>): show that context.
  bool nltk_padding = false;
};

// One record for a sentence.
void print_sentence(fmt::memory_buffer& out, const ScoreStyle& style, std::string_view text,
                    std::span<const std::string_view> words, const SentenceScore& s);

// The corpus summary, as KenLM's query prints it (or one JSON object);
// perplexities of no tokens are nan (JSON null).
void print_summary(fmt::memory_buffer& out, const ScoreStyle& style, const CorpusScore& c);

}  // namespace lm::cli
