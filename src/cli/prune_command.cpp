// lm prune: relative-entropy pruning of a model (SRILM's ngram -prune).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "heap.hpp"
#include "lm/error.hpp"
#include "lm/line_reader.hpp"
#include "lm/model_io.hpp"
#include "lm/parallel.hpp"
#include "lm/prune.hpp"
#include "options.hpp"
#include "output.hpp"

namespace lm::cli {

namespace {

struct PruneCommandOptions {
  std::string input;
  std::string output;
  std::string arpa;
  double threshold = -1.0;  // required
  int min_order = 2;
  int quantize = -1;  // -1: keep the input's layout
  int threads = 0;
};

void check_outputs(const PruneCommandOptions& opt) {
  if (opt.output.empty() && opt.arpa.empty()) {
    throw ConfigError("give the pruned model's file: -o OUT.lm (lm binary) and/or --arpa OUT.arpa");
  }
  if (!opt.output.empty()) check_output_path(opt.output, OutputFormat::kBinary);
  if (!opt.arpa.empty()) check_output_path(opt.arpa, OutputFormat::kArpa);
  if (!opt.output.empty() && !opt.arpa.empty() && same_output(opt.output, opt.arpa)) {
    throw ConfigError(fmt::format("-o {} and --arpa {} name the same file; give two different files",
                                  display_path(opt.output), display_path(opt.arpa)));
  }
}

void run_prune(const PruneCommandOptions& opt) {
  use_huge_page_heap();
  PruneOptions options;
  options.threshold = opt.threshold;
  options.min_order = opt.min_order;
  options.threads = opt.threads == 0 ? available_cpus() : static_cast<unsigned>(opt.threads);
  check_outputs(opt);
  NGramTable table;
  PruneResult result;
  int bits = opt.quantize >= 0 ? opt.quantize : 0;
  if (is_binary_model_file(opt.input)) {
    const Model model = load_model(opt.input);
    if (opt.quantize < 0) bits = model.info().quantize_bits;
    PrunedModel pruned = prune_model(model, options);
    table = std::move(pruned.table);
    result = std::move(pruned.result);
  } else {
    LineReader reader(opt.input);  // ARPA (plain or gzip): read into a table directly
    table = read_arpa_table(reader);
    result = prune(table, options);
  }
  if (options.min_order > table.order()) {
    spdlog::warn("--min-order {} is above the model's order {}: nothing is pruned", options.min_order, table.order());
  }
  for (int n = 1; n <= table.order(); ++n) {
    const std::uint64_t kept = table.levels[n - 1].size();
    spdlog::info("order {}: {} n-grams kept, {} removed (of {})", n, kept, result.removed[n - 1],
                 kept + result.removed[n - 1]);
  }
  if (result.backoffs.scaled_contexts + result.backoffs.improper_contexts > 0) {
    spdlog::warn("{} contexts with nothing left to back off to were scaled to sum to 1; {} are improper "
                 "(backoff weight 0)",
                 result.backoffs.scaled_contexts, result.backoffs.improper_contexts);
  }
  const Model pruned = build_model(std::move(table), LayoutOptions{bits});
  if (!opt.output.empty()) save_model(pruned, opt.output);
  if (!opt.arpa.empty()) write_arpa_file(pruned, opt.arpa);
}

}  // namespace

void add_prune_command(CLI::App& app) {
  auto opt = std::make_shared<PruneCommandOptions>();
  CLI::App* cmd = app.add_subcommand("prune", "Prune a model by relative entropy (SRILM's ngram -prune)");
  cmd->footer(
      "Examples:\n"
      "  lm prune model.lm --threshold 1e-8 -o pruned.lm\n"
      "  lm prune kenlm.arpa --threshold 1e-7 -o pruned.lm --arpa pruned.arpa\n"
      "An n-gram is removed when backing off instead changes the model's perplexity by a\n"
      "relative amount below the threshold (Stolcke 1998), as SRILM's ngram -prune does;\n"
      "the backoff weights are then recomputed. Orders from the highest down; unigrams stay.");
  cmd->add_option("model", opt->input, "Model to prune: lm binary or ARPA (plain or gzip)")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--threshold", opt->threshold,
                  "Remove n-grams whose removal changes perplexity by less than this relative amount "
                  "(1e-8 removes few, 1e-6 many; 0 none)")
      ->required()
      ->type_name("T");
  cmd->add_option("-o,--output", opt->output, "Pruned model to write, lm binary (atomically)")->type_name("FILE");
  cmd->add_option("--arpa", opt->arpa,
                  "Also (or only) write the pruned model as ARPA text (- for standard output; .gz: gzip-compressed)")
      ->type_name("FILE");
  cmd->add_option("--min-order", opt->min_order,
                  "Prune n-grams of this order and above only, like SRILM's minprune")
      ->type_name("N")
      ->check(CLI::Range(2, 16))
      ->capture_default_str();
  cmd->add_option("--quantize", opt->quantize,
                  "Store probabilities and backoffs of orders >= 2 in BITS bits (2-16; 0 = exact; "
                  "default: as the input)")
      ->type_name("BITS")
      ->check(CLI::Range(0, 16));
  add_threads_option(cmd, &opt->threads, 0);
  cmd->callback([opt]() { run_prune(*opt); });
}

}  // namespace lm::cli
