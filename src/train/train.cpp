#include "lm/train.hpp"

#include <fmt/format.h>

#include "lm/error.hpp"
#include "lm/estimator.hpp"
#include "lm/kneser_ney.hpp"
#include "lm/line_reader.hpp"
#include "lm/model_io.hpp"
#include "lm/ngram_table.hpp"
#include "lm/nltk_smoothing.hpp"

namespace lm {

namespace {

void check_outputs(const TrainSpec& spec) {
  if (!spec.model_path.empty()) check_output_path(spec.model_path, OutputFormat::kBinary);
  if (spec.arpa_path.empty()) return;
  check_output_path(spec.arpa_path, OutputFormat::kArpa);
  if (!spec.model_path.empty() && same_output(spec.model_path, spec.arpa_path)) {
    throw ConfigError(fmt::format("{} is both the model and the ARPA file to write; give two different files",
                                  spec.model_path));
  }
}

// NLTK's counts go with NLTK's formulas only, and with none of the options
// NLTK does not have; checked before reading anything.
void check_nltk_spec(const TrainSpec& spec, const SmoothingMethod& method) {
  if (dynamic_cast<const NltkSmoothing*>(&method) == nullptr) {
    throw ConfigError("nltk_padding", "goes with NLTK's formulas (NltkSmoothing: wb, absolute, add or mle) only");
  }
  if (spec.count.order < 2) {
    // NLTK's unigram model pads nothing and predicts no </s>; lm's sentences always end with one.
    throw ConfigError("nltk_padding", "needs order 2 or more: NLTK's order-1 model predicts no </s>");
  }
  if (spec.limits.any()) {
    throw ConfigError("nltk_padding",
                      "not with {min_count}, {max_vocab} or {vocab_file}: NLTK counts every word of the corpus");
  }
  if (!check_prune(spec.count.prune, spec.count.order).empty()) {
    throw ConfigError("prune", "not with {nltk_padding}: NLTK's counts are not pruned");
  }
  if (spec.settings.closed_vocab) throw ConfigError("closed_vocab", "not with {nltk_padding}: NLTK's vocabulary has <UNK>");
  if (!check_min_counts(spec.settings.min_counts, spec.count.order).empty()) {
    throw ConfigError("min_counts", "not with {nltk_padding}: NLTK keeps every n-gram");
  }
}

}  // namespace

TrainResult train(const TrainSpec& spec, const TrainObserver& observer) {
  const TrainProgressFn& progress = observer.progress;
  check_text_options(spec.count.text);
  check_outputs(spec);
  (void)check_min_counts(spec.settings.min_counts, spec.count.order);  // before reading anything
  ModifiedKneserNey default_method;
  SmoothingMethod& method = spec.method != nullptr ? *spec.method : default_method;
  CountConfig config = spec.count;
  config.keep_raw_counts = config.keep_raw_counts || method.needs().raw_counts;
  if (config.nltk_padding) check_nltk_spec(spec, method);

  PhaseProgressFn count_progress;
  if (progress) {
    count_progress = [&progress](CountPhase phase, std::uint64_t done, std::uint64_t total) {
      static constexpr TrainPhase kPhases[] = {TrainPhase::kVocab, TrainPhase::kRead, TrainPhase::kMerge,
                                               TrainPhase::kAdjust};
      progress(kPhases[static_cast<int>(phase)], done, total);
    };
  }
  CountReport report;
  NGramCounts counts;
  if (config.nltk_padding) {
    LineReader reader(spec.corpus);
    counts = count_corpus_nltk(reader, config);
  } else {
    counts = count_corpus_limited(spec.corpus, config, spec.limits, count_progress, &report);
  }
  const CorpusStats stats = counts.stats;
  if (observer.counted) observer.counted(stats, report, counts.vocab.size());

  EstimateConfig estimate_config;
  estimate_config.threads = config.threads;
  estimate_config.settings = spec.settings;
  if (progress) {
    estimate_config.progress = [&progress](std::uint64_t done, std::uint64_t total) {
      progress(TrainPhase::kEstimate, done, total);
    };
    progress(TrainPhase::kEstimate, 1, static_cast<std::uint64_t>(config.order));
  }
  TableEstimate estimated = estimate_table(std::move(counts), method, estimate_config);
  estimated.table.info.text = config.text;
  if (progress) progress(TrainPhase::kWrite, 0, 0);
  // The ARPA file first (exact, from the table): if it fails, the old model
  // is still in place. The table is then laid out once, quantized or not.
  if (!spec.arpa_path.empty()) write_arpa_file(estimated.table, spec.arpa_path);
  Model model = build_model(std::move(estimated.table), spec.layout);
  if (!spec.model_path.empty()) save_model(model, spec.model_path);
  return TrainResult{std::move(model), stats, report, std::move(estimated.warnings)};
}

}  // namespace lm
