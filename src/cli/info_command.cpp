// lm info: what a model holds (order, vocabulary, n-grams, discounts, size).
#include <cstdio>

#include "commands.hpp"
#include "lm/model_io.hpp"
#include "output.hpp"

namespace lm::cli {

namespace {

struct InfoOptions {
  std::string model = default_model_path();
};

void run_info(const InfoOptions& opt) {
  // Opening the model verifies its structure and checksum.
  const Model model = load_model(opt.model);
  const ModelInfo& info = model.info();
  Output output;
  auto o = std::back_inserter(output.buffer());
  std::uint64_t total = 0;
  for (int n = 1; n <= model.order(); ++n) total += model.ngram_count(n);
  fmt::format_to(o, "model\t{}\n", opt.model);
  fmt::format_to(o, "order\t{}\n", model.order());
  fmt::format_to(o, "vocabulary\t{} (including <unk>, <s>, </s>)\n", model.vocab().size());
  for (int n = 1; n <= model.order(); ++n) fmt::format_to(o, "{}-grams\t{}\n", n, model.ngram_count(n));
  fmt::format_to(o, "smoothing\t{}\n", info.smoothing == Smoothing::kModifiedKneserNey
                                           ? "interpolated modified Kneser-Ney (trained by lm)"
                                           : "read from an ARPA file");
  for (std::size_t n = 0; n < info.discounts.size(); ++n) {
    const Discount& d = info.discounts[n];
    fmt::format_to(o, "discounts {}\tD1={:.6g} D2={:.6g} D3+={:.6g}\n", n + 1, d.d[1], d.d[2], d.d[3]);
  }
  if (info.training_tokens > 0) fmt::format_to(o, "training tokens\t{}\n", info.training_tokens);
  if (info.unk_is_word) fmt::format_to(o, "<unk> in training text\tyes\n");
  const std::size_t bytes = model.buffer().size();
  fmt::format_to(o, "size\t{} bytes, {:.2f} bytes per n-gram\n", bytes,
                 static_cast<double>(bytes) / static_cast<double>(total));
  if (info.smoothing == Smoothing::kArpa) {
    fmt::format_to(o, "format\tARPA text (size above: the in-memory trie)\n");
  } else {
    fmt::format_to(o, "format\tlm binary, checksum verified\n");
  }
  output.flush();
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto opt = std::make_shared<InfoOptions>();
  CLI::App* cmd = app.add_subcommand("info", "Describe a model and verify its checksum");
  cmd->footer("Examples:\n  lm info\n  lm info -m corpus.lm\n  lm info -m kenlm.arpa");
  cmd->add_option("-m,--model", opt->model, "Model: lm binary or ARPA (default: $LM_MODEL or model.lm)");
  cmd->callback([opt]() { run_info(*opt); });
}

}  // namespace lm::cli
