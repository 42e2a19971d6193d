// Fixing the training vocabulary before counting: words outside it are
// counted as <unk> (which then gets a trained probability).
#pragma once

#include <cstdint>
#include <string>

#include "lm/ngram_counts.hpp"
#include "lm/vocabulary.hpp"

namespace lm {

struct VocabLimits {
  std::uint64_t min_count = 1;   // words seen fewer times become <unk>
  std::uint64_t max_vocab = 0;   // keep only this many most frequent words (0: all)
  std::string vocab_file;        // the vocabulary, whitespace-separated (fixes it; excludes the two above)
  [[nodiscard]] bool scans_corpus() const { return min_count > 1 || max_vocab > 0; }
  [[nodiscard]] bool any() const { return scans_corpus() || !vocab_file.empty(); }
};

// Reads a vocabulary file: words separated by whitespace, in the order
// given (duplicates and <s>, </s>, <unk> are skipped). Throws FormatError
// naming the file and line for invalid UTF-8, and Error when unreadable.
[[nodiscard]] Vocabulary read_vocab_file(const std::string& path);

// Reads the corpus once (its lines tokenized as text says) and keeps the
// words that pass min_count and max_vocab (ties broken by first occurrence),
// in order of first occurrence. Throws ConfigError for standard input (it is read twice), and
// FormatError for a line that cannot be a sentence unless skip_bad_lines
// (then it is left out, as counting leaves it out).
[[nodiscard]] Vocabulary scan_vocabulary(const std::string& corpus, const VocabLimits& limits,
                                         const ProgressFn& progress = {}, bool skip_bad_lines = false,
                                         const TextOptions& text = {});

// count_corpus with a vocabulary fixed by limits: tokens outside it count as
// <unk>. Reads the corpus twice when limits.scans_corpus().
[[nodiscard]] NGramCounts count_corpus_limited(const std::string& corpus, const CountConfig& config,
                                               const VocabLimits& limits, const PhaseProgressFn& progress = {},
                                               CountReport* report = nullptr);

}  // namespace lm
