// lm mix: fit mixture weights on held-out text (--tune), and write the
// mixture as one backoff model (-o, --arpa).
#include <cmath>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "lm/error.hpp"
#include "lm/model_io.hpp"
#include "lm/parallel.hpp"
#include "lm/static_mix.hpp"
#include "lm/tokenizer.hpp"
#include "model_choice.hpp"
#include "options.hpp"
#include "output.hpp"

namespace lm::cli {

namespace {

struct MixOptions {
  ModelChoice models;
  std::string tune;    // held-out text to fit the weights on
  std::string output;  // the mixed model, lm binary
  std::string arpa;    // the mixed model, ARPA
  Format format = Format::kText;
  int threads = 0;
};

// Each token's log10 p under every model, token after token (fit_weights'
// layout), for the sentences of file. A line that cannot be scored stops
// the run: tuning on part of a file would give other weights silently.
std::vector<double> component_scores(const Mixture& mixture, const std::string& file) {
  std::vector<double> scores;
  MixtureBatch batch;
  std::vector<std::vector<std::string>> lines;  // the batch's words point into these
  std::vector<std::vector<double>> tokens;
  auto flush = [&]() {
    batch.score(mixture);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      (void)batch.result(i, false, &tokens);
      for (const std::vector<double>& t : tokens) scores.insert(scores.end(), t.begin(), t.end());
    }
    batch.clear();
    lines.clear();
  };
  InputOptions input;
  input.files.push_back(file);
  std::vector<std::string_view> words;
  std::vector<std::string> held;
  Tokenizer tokenizer(mixture.model(0).info().text);
  for_each_input(input, [&](std::string_view text, const std::string& source, std::uint64_t line) {
    const LineCheck check = tokenizer.tokenize(text, &words);
    if (!check.ok()) throw FormatError(source, line, describe_line_problem(text, check));
    held.assign(words.begin(), words.end());
    lines.push_back(std::move(held));
    std::vector<std::string_view> views(lines.back().begin(), lines.back().end());
    batch.add(views);
    if (lines.size() == 4096) flush();
  });
  flush();
  return scores;
}

void print_fit(const MixOptions& opt, const std::vector<std::string>& paths, const MixtureFit& fit) {
  fmt::memory_buffer out;
  auto o = std::back_inserter(out);
  if (opt.format == Format::kJson) {
    fmt::format_to(o, "{{\"models\":[");
    for (std::size_t i = 0; i < paths.size(); ++i) {
      if (i > 0) out.push_back(',');
      append_json_string(out, paths[i]);
    }
    fmt::format_to(o, "],\"weights\":[{}],\"perplexity\":{},\"tokens\":{},\"iterations\":{}}}\n",
                   fmt::join(fit.weights, ","), fit.perplexity, fit.tokens, fit.iterations);
  } else if (opt.format == Format::kTsv) {
    for (std::size_t i = 0; i < paths.size(); ++i) fmt::format_to(o, "{}\t{:.9f}\n", paths[i], fit.weights[i]);
    fmt::format_to(o, "perplexity\t{}\n", fit.perplexity);
  } else {
    std::vector<std::string> weights;
    for (const double w : fit.weights) weights.push_back(fmt::format("{:.9f}", w));
    fmt::format_to(o, "weights\t{}\nperplexity\t{:.6f}\ntokens\t{}\n", fmt::join(weights, ","), fit.perplexity,
                   fit.tokens);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

void run_mix(const MixOptions& opt) {
  if (opt.models.paths.size() < 2) throw ConfigError("model", "lm mix needs two or more models: -m a.lm -m b.lm");
  if (opt.tune.empty() && opt.output.empty() && opt.arpa.empty()) {
    throw ConfigError("model", "nothing to do: give --tune dev.txt to fit the weights, and/or -o mixed.lm "
                               "(or --arpa mixed.arpa) to write the mixed model");
  }
  if (!opt.tune.empty() && !opt.models.weights.empty()) {
    throw ConfigError("weights", "--tune fits the weights: leave out --weights");
  }
  if (!opt.output.empty()) check_output_path(opt.output, OutputFormat::kBinary);
  if (!opt.arpa.empty()) check_output_path(opt.arpa, OutputFormat::kArpa);
  LoadedModels models(opt.models);
  Mixture& mixture = models.mixture();
  if (!opt.tune.empty()) {
    const std::vector<double> scores = component_scores(mixture, opt.tune);
    const MixtureFit fit = fit_weights(scores, mixture.size());
    spdlog::info("fitted {} weights on {} tokens of {} in {} EM iterations", fit.weights.size(), fit.tokens,
                 display_path(opt.tune), fit.iterations);
    print_fit(opt, models.paths(), fit);
    mixture.set_weights(fit.weights);
  }
  if (opt.output.empty() && opt.arpa.empty()) return;
  const unsigned threads = opt.threads == 0 ? available_cpus() : static_cast<unsigned>(opt.threads);
  NGramTable table = mix_static(mixture, threads);
  std::vector<std::size_t> counts;
  for (const NGramTable::Level& level : table.levels) counts.push_back(level.size());
  if (!opt.arpa.empty()) write_arpa_file(table, opt.arpa);
  if (!opt.output.empty()) {
    const Model model = build_model(std::move(table));
    save_model(model, opt.output);
  }
  spdlog::info("wrote {}{}{}: order {}, n-grams {}", opt.output.empty() ? "" : display_path(opt.output),
               !opt.output.empty() && !opt.arpa.empty() ? " and " : "",
               opt.arpa.empty() ? "" : display_path(opt.arpa), counts.size(), fmt::join(counts, " "));
}

}  // namespace

void add_mix_command(CLI::App& app) {
  auto opt = std::make_shared<MixOptions>();
  CLI::App* cmd = app.add_subcommand("mix", "Mix models: fit weights on held-out text, write one mixed model");
  cmd->footer(
      "Examples:\n"
      "  lm mix -m general.lm -m domain.lm --tune dev.txt          # weights that minimize dev perplexity\n"
      "  lm mix -m a.lm -m b.lm --weights 0.7,0.3 -o mixed.lm      # one backoff model (SRILM -mix-lm)\n"
      "  lm mix -m a.lm -m b.lm --tune dev.txt -o mixed.lm --arpa mixed.arpa\n"
      "  lm score -m a.lm -m b.lm --weights 0.7,0.3 -i test.txt    # the dynamic mixture, without writing one\n"
      "--tune runs EM on each token's probability under each model until no weight moves by 1e-7,\n"
      "and prints the weights (for --weights) and the dev perplexity. The mixed model holds the union of\n"
      "the n-grams, each with sum_i w_i p_i(w | h), and backoff weights recomputed so that every context\n"
      "sums to 1 when the models share one vocabulary (else, as in SRILM, each model's <unk> mass goes to\n"
      "every word it lacks); it scores a little differently from the dynamic mixture where it backs off.");
  add_models_option(cmd, &opt->models);
  cmd->add_option("--tune", opt->tune, "Fit the weights on this text (one sentence per line; .gz; - is stdin)")
      ->type_name("FILE");
  cmd->add_option("-o,--output", opt->output, "Write the mixed model in lm's binary format (atomically)")
      ->type_name("FILE");
  cmd->add_option("--arpa", opt->arpa, "Write the mixed model as ARPA text (.gz: compressed; - for stdout)")
      ->type_name("FILE");
  add_format_option(cmd, &opt->format);
  add_threads_option(cmd, &opt->threads, 0);
  cmd->callback([opt]() { run_mix(*opt); });
}

}  // namespace lm::cli
