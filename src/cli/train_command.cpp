// lm train: count a corpus, estimate the model, write it.
#include <chrono>
#include <cstdio>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.hpp"
#include "lm/estimator.hpp"
#include "lm/model_io.hpp"
#include "lm/ngram_counts.hpp"
#include "lm/tokenizer.hpp"

namespace lm::cli {

namespace {

struct TrainOptions {
  std::string corpus;
  std::string output = default_model_path();
  std::string arpa;
  int order = 3;
  bool strict_discounts = false;
  LayoutOptions layout;  // --quantize (issue 3)
};

// A progress line on stderr, only when it is a terminal.
ProgressFn reading_progress(const std::string& path) {
  if (!isatty(STDERR_FILENO) || spdlog::get_level() > spdlog::level::info) return {};
  struct stat st {};
  const std::uint64_t total = (path != "-" && stat(path.c_str(), &st) == 0) ? st.st_size : 0;
  return [total, last = std::chrono::steady_clock::time_point()](std::uint64_t done, std::uint64_t) mutable {
    auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::milliseconds(200)) return;
    last = now;
    if (total > 0) {
      std::fprintf(stderr, "\rreading: %.1f MB of %.1f MB (%.0f%%)   ", static_cast<double>(done) / 1e6,
                   static_cast<double>(total) / 1e6,
                   100.0 * static_cast<double>(done) / static_cast<double>(total));
    } else {
      std::fprintf(stderr, "\rreading: %.1f MB   ", static_cast<double>(done) / 1e6);
    }
  };
}

void run_train(const TrainOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  LineReader reader(opt.corpus);
  ProgressFn progress = reading_progress(opt.corpus);
  NGramCounts counts = count_corpus(reader, opt.order, progress);
  if (progress) std::fprintf(stderr, "\r%60s\r", "");
  spdlog::info("read {} sentences, {} words, {} word types from {}", counts.stats.sentences,
               counts.stats.words, counts.vocab.size() - (counts.stats.unk_words ? 2 : 3), reader.name());
  spdlog::info("estimating an order-{} model", opt.order);
  EstimateConfig config;
  config.allow_discount_fallback = !opt.strict_discounts;
  EstimateResult result = estimate(counts, config);
  for (const std::string& warning : result.warnings) spdlog::warn("{}", warning);
  std::string sizes;
  for (int n = 1; n <= result.model.order(); ++n) {
    const Discount& d = result.discounts[n - 1];
    spdlog::info("order {}: {} n-grams, discounts D1={:.6g} D2={:.6g} D3+={:.6g}", n,
                 result.model.ngram_count(n), d.d[1], d.d[2], d.d[3]);
  }
  // The ARPA file first: if it fails, the old model is still in place.
  if (!opt.arpa.empty()) write_arpa_file(result.model, opt.arpa);
  if (opt.layout.quantize_bits != 0) result.model = rebuild_model(result.model, opt.layout);
  save_model(result.model, opt.output);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("wrote {} ({:.1f} MB){} in {:.2f} s", opt.output, static_cast<double>(result.model.buffer().size()) / 1e6,
               opt.arpa.empty() ? "" : " and " + opt.arpa, seconds);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto opt = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Train a model from a corpus (one sentence per line)");
  cmd->footer(
      "Examples:\n"
      "  lm train corpus.txt                       # order 3, writes model.lm\n"
      "  lm train --order 5 -o big.lm corpus.txt.gz\n"
      "  lm train corpus.txt --arpa corpus.arpa    # also write an ARPA file\n"
      "  zcat a.gz b.gz | lm train -               # read standard input\n"
      "Tokens are separated by whitespace; <s> and </s> are added to each line.\n"
      "<unk> in the corpus is the unknown word.");
  cmd->add_option("corpus", opt->corpus, "Training text: a file, a .gz file, or - for stdin")->required();
  cmd->add_option("-o,--output", opt->output, "Model file to write (default: $LM_MODEL or model.lm)");
  cmd->add_option("--order", opt->order, "N-gram order")->check(CLI::Range(1, 16))->capture_default_str();
  cmd->add_option("--arpa", opt->arpa, "Also write the model in ARPA format to this file");
  cmd->add_flag("--strict-discounts", opt->strict_discounts,
                "Fail instead of using fallback discounts (0.5 1 1.5) when they cannot be estimated");
  cmd->add_option("--quantize", opt->layout.quantize_bits,
                  "Store probabilities and backoffs of orders >= 2 in BITS bits (2-16; 0 = exact)")
      ->check(CLI::Range(0, 16));
  cmd->callback([opt]() { run_train(*opt); });
}

std::string default_model_path() {
  const char* env = std::getenv("LM_MODEL");
  return (env != nullptr && *env != '\0') ? env : "model.lm";
}

}  // namespace lm::cli
