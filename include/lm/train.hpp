// Training as one call: a corpus -> counts -> estimate -> the model, written
// to its files. The `lm train` command is this call with options and a
// progress bar; the Python module and other commands call it too.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lm/model.hpp"
#include "lm/ngram_counts.hpp"
#include "lm/smoothing.hpp"
#include "lm/vocab_limits.hpp"

namespace lm {

struct TrainSpec {
  std::string corpus;       // a text file, a .gz file, or "-" for standard input
  CountConfig count;        // order, memory, threads, temp_dir, prune, skip_bad_lines
  VocabLimits limits;       // a fixed or limited vocabulary
  // The smoothing method; nullptr: interpolated modified Kneser-Ney with its
  // default options. Counting keeps what it needs() on top of count.
  SmoothingMethod* method = nullptr;
  EstimateSettings settings;  // closed vocabulary, minimum counts
  LayoutOptions layout;     // quantization of the model file
  std::string model_path;   // lm's binary model to write; "" writes none
  std::string arpa_path;    // an ARPA file to write (exact, whatever layout says); "" writes none
};

enum class TrainPhase { kVocab, kRead, kMerge, kAdjust, kEstimate, kWrite };

// Progress of a phase: done out of total (0 if unknown). kVocab and kRead
// count bytes of the corpus read (compressed bytes for a .gz file), kMerge
// n-grams, kAdjust and kEstimate orders; kWrite has none.
using TrainProgressFn = std::function<void(TrainPhase phase, std::uint64_t done, std::uint64_t total)>;

// What train() reports while it works (each may be empty). Called on the
// caller's thread.
struct TrainObserver {
  TrainProgressFn progress;
  // Once counting is done, before estimation: what was read.
  std::function<void(const CorpusStats& stats, const CountReport& report, std::size_t vocab_size)> counted;
};

struct TrainResult {
  Model model;                        // as written to model_path
  CorpusStats stats;                  // sentences, words, lines skipped
  CountReport count;                  // runs and temporary disk
  std::vector<std::string> warnings;  // the method's (discount fallbacks)
};

// Checks the outputs (check_output_path: they can be written, and are not
// the same file) before reading anything, then trains and writes the ARPA
// file first and the model second, each atomically: if either fails, the
// files that were there are still there. Throws ConfigError for a spec
// that cannot work, FormatError for a bad corpus line (unless
// count.skip_bad_lines), Error for the rest.
[[nodiscard]] TrainResult train(const TrainSpec& spec, const TrainObserver& observer = {});

}  // namespace lm
