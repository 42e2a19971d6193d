// lm convert: ARPA -> lm binary (fast to open), or any model -> ARPA.
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "lm/model_io.hpp"
#include "output.hpp"

namespace lm::cli {

namespace {

struct ConvertOptions {
  std::string input;
  std::string output;
  bool arpa = false;
  int quantize = -1;  // -1: keep the input's layout
};

void run_convert(const ConvertOptions& opt) {
  check_output_path(opt.output, opt.arpa ? OutputFormat::kArpa : OutputFormat::kBinary);
  Model model = load_model(opt.input);
  if (opt.arpa) {
    write_arpa_file(model, opt.output);
  } else {
    if (opt.quantize >= 0 && opt.quantize != model.info().quantize_bits) {
      model = rebuild_model(model, LayoutOptions{opt.quantize});
    }
    save_model(model, opt.output);
  }
  spdlog::info("wrote {} ({} format, order {}, {} words)", display_path(opt.output), opt.arpa ? "ARPA" : "lm binary",
               model.order(), model.vocab().size());
}

}  // namespace

void add_convert_command(CLI::App& app) {
  auto opt = std::make_shared<ConvertOptions>();
  CLI::App* cmd = app.add_subcommand("convert", "Convert a model: ARPA to lm binary, or to ARPA");
  cmd->footer(
      "Examples:\n"
      "  lm convert kenlm.arpa kenlm.lm           # ARPA (or .arpa.gz) -> lm binary: opens in milliseconds\n"
      "  lm convert --arpa model.lm model.arpa    # lm binary -> ARPA text\n"
      "  lm convert --arpa model.lm - | less      # ARPA on standard output (.gz names are compressed)\n"
      "  lm convert --quantize 8 kenlm.arpa q8.lm # smaller, lossy (see docs/FORMAT.md)\n"
      "Scores are identical before and after (the binary stores the ARPA values as they are),\n"
      "unless --quantize is given.");
  cmd->add_option("input", opt->input, "Model to read: lm binary or ARPA (plain or gzip)")
      ->required()
      ->type_name("FILE");
  cmd->add_option("output", opt->output,
                  "File to write (atomically; - for standard output; with --arpa, a .gz name is gzip-compressed)")
      ->required()
      ->type_name("FILE");
  cmd->add_flag("--arpa", opt->arpa, "Write ARPA text instead of lm's binary format");
  cmd->add_option("--quantize", opt->quantize,
                  "Store probabilities and backoffs of orders >= 2 in BITS bits (2-16; 0 = exact; "
                  "default: as the input)")
      ->type_name("BITS")
      ->check(CLI::Range(0, 16))
      ->excludes("--arpa");
  cmd->callback([opt]() { run_convert(*opt); });
}

}  // namespace lm::cli
