// lm info: what a model holds (order, vocabulary, n-grams, discounts, how it reads text, size).
#include <chrono>
#include <cstdio>

#include "commands.hpp"
#include "lm/model_io.hpp"
#include "lm/smoothing.hpp"
#include "output.hpp"

namespace lm::cli {

namespace {

// How the model reads text, in words and as lm train's flags:
// "chars, NFKC, case folded, space token ▁ (lm train --units chars ...)".
std::string describe_text(const TextOptions& text) {
  if (text.is_default()) return "words (as given, split at white space)";
  std::string out(units_name(text.units));
  if (text.units == TextUnits::kBytes) out += ", each a token spelled <0xHH>";
  if (text.normalize != Normalization::kNone) out += fmt::format(", {} normalized", text.normalize == Normalization::kNfc ? "NFC" : "NFKC");
  if (text.lowercase) out += ", case folded";
  if (text.split_punct) out += ", punctuation split off";
  if (!text.space_token.empty()) out += fmt::format(", space token {}", text.space_token);
  return fmt::format("{} (lm train {})", out, text_flags(text));
}

struct InfoOptions {
  std::string model = default_model_path();
  bool verify = false;
};

void run_info(const InfoOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  const Model model = opt.verify ? load_verified_model(opt.model) : load_model(opt.model);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const ModelInfo& info = model.info();
  Output output;
  auto o = std::back_inserter(output.buffer());
  std::uint64_t total = 0;
  for (int n = 1; n <= model.order(); ++n) total += model.ngram_count(n);
  fmt::format_to(o, "model\t{}\n", opt.model);
  fmt::format_to(o, "order\t{}\n", model.order());
  fmt::format_to(o, "vocabulary\t{} (including <unk>, <s>, </s>)\n", model.vocab().size());
  for (int n = 1; n <= model.order(); ++n) fmt::format_to(o, "{}-grams\t{}\n", n, model.ngram_count(n));
  const SmoothingInfo& smoothing = info.smoothing;
  if (smoothing.method.empty()) {
    fmt::format_to(o, "smoothing\tread from an ARPA file\n");
  } else {
    fmt::format_to(o, "smoothing\t{} (trained by lm)\n", smoothing_title(smoothing.method));
  }
  // One line per order: "discounts 2<TAB>D1=0.7 D2=1.1 D3+=1.3" (the whole model's first, unnumbered).
  const std::string_view label = smoothing_label(smoothing.method);
  for (int n = 0; n <= model.order(); ++n) {
    const std::string values = smoothing_params(smoothing, n, true);
    if (values.empty()) continue;
    if (n == 0) fmt::format_to(o, "{}\t{}\n", label, values);
    if (n > 0) fmt::format_to(o, "{} {}\t{}\n", label, n, values);
  }
  if (info.training_tokens > 0) fmt::format_to(o, "training tokens\t{}\n", info.training_tokens);
  if (info.unk_is_word) fmt::format_to(o, "<unk> in training text\tyes\n");
  if (info.closed_vocab) {
    fmt::format_to(o, "closed vocabulary\tyes: no <unk>; words outside the vocabulary have no probability (log10 -100)\n");
  }
  if (info.nltk_padding) {
    fmt::format_to(o, "padding\tNLTK's: order-1 <s> and </s> around each sentence (scored as nltk.lm scores it)\n");
  }
  fmt::format_to(o, "text\t{}\n", describe_text(info.text));
  const std::size_t bytes = model.buffer().size();
  fmt::format_to(o, "n-grams\t{}\n", total);
  if (model.order() > 2) {
    fmt::format_to(o, "suffix closure\t{}\n", model.suffix_closed()
                                                  ? "yes (every n-gram's last n-1 words are an n-gram too)"
                                                  : "no (scoring searches every order)");
  }
  fmt::format_to(o, "size\t{} bytes, {:.2f} bytes per n-gram\n", bytes,
                 static_cast<double>(bytes) / static_cast<double>(total));
  if (info.quantize_bits != 0) {
    fmt::format_to(o, "quantization\t{} bits per probability and backoff (orders >= 2)\n", info.quantize_bits);
  } else {
    fmt::format_to(o, "quantization\tnone (exact)\n");
  }
  // How the exact backoffs are held, per order from 1: bits of an index into
  // a table of the order's distinct values, or 32 for a float.
  std::string widths;
  int orders = 0;
  for (int n = 1; n < model.order() && (info.quantize_bits == 0 || n == 1); ++n, ++orders) {
    const ModelLevel::Parts& p = model.level(n).parts();
    fmt::format_to(std::back_inserter(widths), "{}{}", n == 1 ? "" : ", ", p.backoff_centers != nullptr ? p.backoff_bits : 32);
  }
  if (orders > 0) {
    fmt::format_to(o, "backoff bits\t{} ({}; under 32: an index into a table of the order's distinct backoffs, exact)\n",
                   widths, orders == 1 ? std::string("order 1") : fmt::format("orders 1-{}", orders));
  }
  const bool arpa = !is_binary_model_file(opt.model);
  if (arpa) {
    fmt::format_to(o, "format\tARPA text (size above: the in-memory binary layout)\n");
  } else {
    fmt::format_to(o, "format\tlm binary, format version {}{}\n", model.format_version(),
                   model.format_version() < kModelFormatVersion
                       ? fmt::format(" (lm convert writes it again in version {})", kModelFormatVersion)
                       : "");
  }
  fmt::format_to(o, "integrity\t{}\n", opt.verify ? "checksum and structure verified"
                                                   : "not verified (lm info --verify reads the whole file)");
  fmt::format_to(o, "load time\t{:.1f} ms{}\n", ms, opt.verify ? " (including verification)" : "");
  output.flush();
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto opt = std::make_shared<InfoOptions>();
  CLI::App* cmd = app.add_subcommand("info", "Describe a model; --verify checks its checksum and structure");
  cmd->footer("Examples:\n  lm info                     # model.lm (or $LM_MODEL)\n  lm info corpus.lm --verify\n  lm info kenlm.arpa");
  cmd->add_option("model", opt->model, "Model: lm binary or ARPA, plain or .gz (default: $LM_MODEL, else model.lm)")
      ->type_name("FILE");
  cmd->add_option("-m,--model", opt->model, "The same, as score and next take it")->type_name("FILE");
  cmd->add_flag("--verify", opt->verify, "Check the checksum and structure of the whole file");
  cmd->callback([opt]() { run_info(*opt); });
}

}  // namespace lm::cli
