// Formatting lm score's records and corpus summary.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "lm/scorer.hpp"
#include "output.hpp"

namespace lm::cli {

// One record for a sentence; with `tokens`, every factor of the chain rule,
// showing up to context_words words of context.
void print_sentence(fmt::memory_buffer& out, Format format, std::string_view text,
                    std::span<const std::string_view> words, const SentenceScore& s, bool tokens,
                    std::size_t context_words);

// The corpus summary, as KenLM's query prints it (or one JSON object);
// perplexities of no tokens are nan (JSON null).
void print_summary(fmt::memory_buffer& out, Format format, const CorpusScore& c);

}  // namespace lm::cli
