// lm train: count a corpus, estimate the model, write it.
#include <chrono>
#include <cstdlib>
#include <memory>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.hpp"
#include "heap.hpp"
#include "lm/error.hpp"
#include "lm/memory_size.hpp"
#include "lm/model_io.hpp"
#include "lm/ngram_counts.hpp"
#include "lm/parallel.hpp"
#include "lm/tokenizer.hpp"
#include "lm/train.hpp"
#include "lm/vocab_limits.hpp"
#include "options.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "smoothing_options.hpp"
#include "text_flags.hpp"

namespace lm::cli {

namespace {

struct TrainOptions {
  std::string corpus;
  std::string output = "model.lm";  // never $LM_MODEL: that names the model to read
  std::string arpa;
  int order = 3;
  bool skip_bad_lines = false;
  int threads = 0;  // 0: all cores
  std::string memory = "50%";
  std::string temp_dir;
  std::vector<std::string> prune;  // thresholds, as given
  SmoothingFlags smoothing;             // --smoothing and each method's options
  std::vector<std::string> min_counts;  // SRILM's -gtNmin
  bool closed_vocab = false;
  VocabLimits limits;
  LayoutOptions layout;  // --quantize (issue 3)
  TextOptions text;      // --units, --lowercase, ...
};

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  return (path != "-" && stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) ? static_cast<std::uint64_t>(st.st_size) : 0;
}

double peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024.0;
}

std::string human_bytes(double bytes) {
  if (bytes >= 1e9) return fmt::format("{:.2f} GB", bytes / 1e9);
  return fmt::format("{:.0f} MB", bytes / 1e6);
}

// Fails before any work when an output cannot be written (a missing
// directory found after an hour of counting is an hour lost).
void check_train_outputs(const TrainOptions& opt) {
  check_output_path(opt.output, OutputFormat::kBinary);
  if (!opt.arpa.empty()) {
    check_output_path(opt.arpa, OutputFormat::kArpa);
    if (same_output(opt.output, opt.arpa)) {
      throw ConfigError(fmt::format("-o {} and --arpa {} name the same file; give two different files",
                                    display_path(opt.output), display_path(opt.arpa)));
    }
  }
  const char* env = std::getenv("LM_MODEL");
  if (env != nullptr && *env != '\0' && opt.output == "model.lm" && std::string_view(env) != "model.lm") {
    spdlog::info("writing model.lm: LM_MODEL ({}) names the model that score and next read, never one to "
                 "write; give -o to write another file",
                 env);
  }
}

const char* phase_name(TrainPhase phase) {
  switch (phase) {
    case TrainPhase::kVocab: return "vocabulary";
    case TrainPhase::kRead: return "counting";
    case TrainPhase::kMerge: return "merging";
    case TrainPhase::kAdjust: return "sorting";
    case TrainPhase::kEstimate: return "estimating";
    case TrainPhase::kWrite: return "writing";
  }
  return "";
}

// lm::train, with a line that cannot be a sentence also naming the option
// that skips such lines.
TrainResult train_with_hint(const TrainSpec& spec, const TrainObserver& observer) {
  try {
    return train(spec, observer);
  } catch (const FormatError& e) {
    if (e.line() == 0 || spec.count.skip_bad_lines) throw;
    throw Error(fmt::format("{} (or train with --skip-bad-lines to leave such lines out)", e.what()));
  }
}

void run_train(TrainOptions opt, const CLI::App& cmd) {
  use_huge_page_heap();
  const std::vector<std::uint64_t> prune = parse_counts("--prune", opt.prune, &opt.corpus, "0 1 1", "0,1,1");
  const std::vector<std::uint64_t> min_counts =
      parse_counts("--min-counts", opt.min_counts, &opt.corpus, "1 1 2", "1,1,2");
  const std::unique_ptr<SmoothingMethod> method = make_method(opt.smoothing, cmd, &opt.corpus);
  if (opt.corpus.empty()) throw ConfigError("give the training corpus: a file, a .gz file, or - for stdin");
  check_train_outputs(opt);
  const auto start = std::chrono::steady_clock::now();
  TrainSpec spec;
  spec.corpus = opt.corpus;
  spec.model_path = opt.output;
  spec.arpa_path = opt.arpa;
  spec.layout = opt.layout;
  spec.limits = opt.limits;
  CountConfig& config = spec.count;
  config.order = opt.order;
  config.memory = parse_memory_size(opt.memory);
  config.threads = opt.threads > 0 ? opt.threads : static_cast<int>(available_cpus());
  config.temp_dir = opt.temp_dir;
  config.prune = prune;
  config.skip_bad_lines = opt.skip_bad_lines;
  config.nltk_padding = opt.smoothing.nltk;
  config.text = opt.text;
  if (config.temp_dir.empty()) {
    const char* env = std::getenv("TMPDIR");
    config.temp_dir = (env != nullptr && *env != '\0') ? env : "/tmp";
  }
  spec.method = method.get();
  spec.settings.closed_vocab = opt.closed_vocab;
  spec.settings.min_counts = min_counts;
  spdlog::debug("memory budget {}, {} threads, temp directory {}", human_bytes(static_cast<double>(config.memory)),
                config.threads, config.temp_dir);

  ProgressBar bar;
  const std::uint64_t corpus_bytes = file_size(opt.corpus);
  const TrainPhase first = opt.limits.scans_corpus() ? TrainPhase::kVocab : TrainPhase::kRead;
  bar.start(phase_name(first), corpus_bytes, "MB");
  TrainObserver observer;
  observer.progress = [&, phase = first](TrainPhase p, std::uint64_t done, std::uint64_t total) mutable {
    if (p != phase) {
      phase = p;
      const bool bytes = p == TrainPhase::kVocab || p == TrainPhase::kRead;
      bar.start(phase_name(p), bytes ? corpus_bytes : total, bytes ? "MB" : "");
    }
    bar.update(done, total);
  };
  observer.counted = [&](const CorpusStats& stats, const CountReport& report, std::size_t vocab_size) {
    bar.end();
    const std::size_t types = vocab_size - (stats.unk_words ? 2 : 3);
    const char* unit = opt.text.units == TextUnits::kWords ? "word" : opt.text.units == TextUnits::kChars ? "character" : "byte";
    spdlog::info("read {} sentences, {} {}s, {} {} types from {}", stats.sentences, stats.words, unit, types, unit,
                 opt.corpus == "-" ? "standard input" : opt.corpus);
    if (stats.skipped_lines > 0) {
      spdlog::warn("skipped {} line{} that could not be used (--skip-bad-lines); the first: {}", stats.skipped_lines,
                   stats.skipped_lines == 1 ? "" : "s", stats.first_skipped);
    }
    spdlog::debug("{} sorted runs, {} written to {} (peak temp disk {})", report.runs, report.spilled_runs,
                  config.temp_dir, human_bytes(static_cast<double>(report.temp_bytes_peak)));
    if (report.spilled_runs > 0) {
      spdlog::info("counts did not fit in --memory {}: used {} of temp disk in {}", opt.memory,
                   human_bytes(static_cast<double>(report.temp_bytes_peak)), config.temp_dir);
    }
  };
  const TrainResult result = train_with_hint(spec, observer);
  bar.end();
  for (const std::string& warning : result.warnings) spdlog::warn("{}", warning);
  const SmoothingInfo& smoothing = result.model.info().smoothing;
  const std::string label(smoothing_label(smoothing.method));
  std::string orders;
  std::string params;
  for (int n = 1; n <= result.model.order(); ++n) {
    spdlog::debug("order {}: {} n-grams, {} {}", n, result.model.ngram_count(n), label, smoothing_params(smoothing, n, true));
    orders += fmt::format("{}{}", n > 1 ? " " : "", result.model.ngram_count(n));
    params += fmt::format("{}{}", n > 1 ? " " : "", smoothing_params(smoothing, n, false));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const CorpusStats& stats = result.stats;
  spdlog::info("wrote {} ({}){}: order {}, {} tokens, vocabulary {}, n-grams {}, {} {}, {:.2f} s, peak memory {}",
               display_path(opt.output), human_bytes(static_cast<double>(result.model.buffer().size())),
               opt.arpa.empty() ? "" : " and " + display_path(opt.arpa), opt.order, stats.words + stats.sentences,
               result.model.vocab().size(), orders, label, params, seconds, human_bytes(peak_rss_bytes()));
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto opt = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Train a model from a corpus (one sentence per line)");
  cmd->footer(
      "Examples:\n"
      "  lm train corpus.txt                        # order 3, writes model.lm\n"
      "  lm train --order 5 -o big.lm corpus.txt.gz\n"
      "  lm train corpus.txt --arpa corpus.arpa     # also write an ARPA file\n"
      "  lm train --memory 4G --temp-dir /scratch big.txt\n"
      "  zcat a.gz b.gz | lm train -                # read standard input\n"
      "  lm train --lowercase --split-punct raw.txt # raw text: 'The end.' reads as 'the end .'\n"
      "  lm train --units chars --order 5 zh.txt    # a character model (no word segmenter)\n"
      "Tokens are separated by whitespace unless the text options say otherwise (the model\n"
      "keeps them, and every command that reads it tokenizes as it did: see lm tokenize).\n"
      "<s> and </s> are added to each line (a <s>\n"
      "that starts a line and a </s> that ends it are ignored; anywhere else they are an\n"
      "error, like invalid UTF-8: --skip-bad-lines leaves such lines out with a count).\n"
      "<unk> in the corpus is the unknown word. The model is the same whatever\n"
      "--memory and --threads are; counts that do not fit in --memory go to\n"
      "temporary files, which are deleted as soon as they are created.");
  cmd->add_option("corpus", opt->corpus, "Training text: a file, a .gz file, or - for stdin (required)")
      ->type_name("FILE");
  cmd->add_option("-o,--output", opt->output, "Model file to write (default: model.lm; $LM_MODEL is only read)")
      ->type_name("FILE");
  cmd->add_option("--order", opt->order, "N-gram order, 1 to 16")
      ->type_name("N")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  cmd->add_option("--arpa", opt->arpa,
                  "Also write the model in ARPA format to this file (- for standard output; .gz: gzip-compressed)")
      ->type_name("FILE");
  add_threads_option(cmd, &opt->threads, 1);
  cmd->add_option("-S,--memory", opt->memory,
                  "Memory for counting: bytes with a K, M, G or T suffix, or a percentage of RAM")
      ->type_name("SIZE")
      ->capture_default_str();
  cmd->add_option("-T,--temp-dir", opt->temp_dir, "Directory for temporary files (default: $TMPDIR or /tmp)")
      ->type_name("DIR");
  add_per_order_option(cmd, "--prune", &opt->prune,
                       "Count thresholds per order, like lmplz: 0 1 1 (or 0,1,1) drops bigrams and longer n-grams "
                       "seen once; the last value repeats",
                       "N");
  const CLI::Validator positive(
      [](std::string& text) {
        return (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
                text.find_first_not_of('0') == std::string::npos)
                   ? std::string("give a whole number of at least 1")
                   : std::string();
      },
      "N >= 1");
  cmd->add_option("--min-count", opt->limits.min_count,
                  "Count words seen fewer times as <unk> (reads the corpus twice)")
      ->type_name("N")
      ->check(positive);
  cmd->add_option("--max-vocab", opt->limits.max_vocab,
                  "Keep only this many most frequent words; count the others as <unk> (reads the corpus twice)")
      ->type_name("N")
      ->check(positive);
  cmd->add_option("--vocab", opt->limits.vocab_file,
                  "Fix the vocabulary to the words of this file (whitespace-separated); others count as <unk>")
      ->type_name("FILE");
  cmd->add_flag("--skip-bad-lines", opt->skip_bad_lines,
                "Leave out lines that cannot be sentences (invalid UTF-8, a NUL byte, <s> or </s> inside), "
                "with a count, instead of stopping at the first");
  add_smoothing_options(cmd, &opt->smoothing);
  add_per_order_option(cmd, "--min-counts", &opt->min_counts,
                       "N-grams of order n seen fewer than Nn times are left out, their mass going to the backoff "
                       "(SRILM's gtNmin; 1 1 2 is SRILM's default); the last value repeats. Not --min-count, which "
                       "is for words",
                       "N");
  cmd->add_flag("--closed-vocab", opt->closed_vocab,
                "No <unk> in the model (SRILM's default): words outside the training vocabulary are OOVs with "
                "no probability; the corpus must not contain <unk>");
  cmd->add_option("--quantize", opt->layout.quantize_bits,
                  "Store probabilities and backoffs of orders >= 2 in BITS bits (2-16; 0 = exact)")
      ->type_name("BITS")
      ->check(CLI::Range(0, 16));
  (void)add_text_flags(cmd, &opt->text);
  cmd->callback([opt, cmd]() { run_train(*opt, *cmd); });
}

std::string default_model_path() {
  const char* env = std::getenv("LM_MODEL");
  return (env != nullptr && *env != '\0') ? env : "model.lm";
}

}  // namespace lm::cli
