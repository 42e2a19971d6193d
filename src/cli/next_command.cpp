// lm next: the most probable next words after a context, exactly.
#include <cmath>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "heap.hpp"
#include "lm/model_io.hpp"
#include "lm/scorer.hpp"
#include "lm/tokenizer.hpp"
#include "fixed_format.hpp"
#include "output.hpp"

namespace lm::cli {

namespace {

struct NextOptions {
  std::vector<std::string> contexts;
  std::string model = default_model_path();
  Format format = Format::kText;
  std::size_t k = 10;
  bool all = false;
  bool bos = false;
  bool line_buffered = false;  // read stdin line by line, print each answer at once
};

void print_predictions(fmt::memory_buffer& out, Format format, std::string_view context,
                       const std::vector<std::string_view>& words, const std::vector<Prediction>& predictions,
                       const VocabView& vocab, bool header) {
  auto o = std::back_inserter(out);
  if (format == Format::kJson) {
    fmt::format_to(o, "{{\"context\":");
    append_json_string(out, context);
    fmt::format_to(o, ",\"next\":[");
  } else if (format == Format::kText && header) {
    fmt::format_to(o, "# {}\n", context);
  }
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    const Prediction& p = predictions[i];
    const double prob = std::pow(10.0, p.log10_prob);
    const std::string_view word = vocab.word(p.word);
    switch (format) {
      case Format::kText:
        out.append(word);
        out.push_back('\t');
        append_fixed(out, prob, 6);
        out.push_back('\t');
        append_fixed(out, p.log10_prob, 4);
        out.push_back('\n');
        break;
      case Format::kTsv:
        fmt::format_to(o, "{}\t{}\t{}\t{}\t{}\n", fmt::join(words, " "), i + 1, word, prob, p.log10_prob);
        break;
      case Format::kJson:
        fmt::format_to(o, "{}{{\"token\":", i ? "," : "");
        append_json_string(out, word);
        fmt::format_to(o, ",\"prob\":{},\"log10_prob\":{}}}", prob, p.log10_prob);
        break;
    }
  }
  if (format == Format::kJson) fmt::format_to(o, "]}}\n");
}

void run_next(const NextOptions& opt) {
  use_huge_page_heap();
  const Model model = load_model(opt.model);
  NextWordPredictor predictor(model);
  Output output(opt.line_buffered);
  std::vector<std::string_view> words;
  bool first = true;
  const bool many = opt.contexts.size() != 1;
  for_each_input(opt.contexts, [&](std::string_view text, const std::string& source, std::uint64_t line) {
    // "<s>" may start a context (sentence start); check the rest as usual.
    std::string_view rest = text;
    bool starts_sentence = opt.bos;
    std::size_t skip = 0;
    while (skip < rest.size() && is_space(rest[skip])) ++skip;
    if (rest.substr(skip, 3) == "<s>" && (skip + 3 == rest.size() || is_space(rest[skip + 3]))) {
      starts_sentence = true;
      rest.remove_prefix(skip + 3);
    }
    tokenize_checked(rest, source, line, &words);
    if (starts_sentence) words.insert(words.begin(), "<s>");
    const State state = predictor.context_state(words);
    const auto predictions = predictor.top(state, opt.all ? 0 : opt.k);
    // Text answers are set apart by a blank line: between them, or with
    // --line-buffered after each, so that a program reading the answers
    // knows when one is complete.
    if (!first && opt.format == Format::kText && !opt.line_buffered) output.buffer().push_back('\n');
    first = false;
    print_predictions(output.buffer(), opt.format, text, words, predictions, model.vocab(), many);
    if (opt.format == Format::kText && opt.line_buffered) output.buffer().push_back('\n');
    output.end_record();
  }, opt.line_buffered);
  output.flush();
}

}  // namespace

void add_next_command(CLI::App& app) {
  auto opt = std::make_shared<NextOptions>();
  CLI::App* cmd = app.add_subcommand("next", "Show the most probable next words after a context");
  cmd->footer(
      "Examples:\n"
      "  lm next \"ate the\"                 # top 10: word, probability, log10 probability\n"
      "  lm next -k 3 \"<s> the\"            # at the start of a sentence\n"
      "  lm next --all \"the\" | head        # the whole distribution, sorted\n"
      "  lm next --format json < contexts.txt\n"
      "Only the last order-1 words matter; unknown words count as <unk>.\n"
      "Probabilities are exact: the --all list sums to 1 (it includes </s>, never <s>).");
  cmd->add_option("contexts", opt->contexts, "Contexts (default: one per line of stdin)");
  cmd->add_option("-m,--model", opt->model, "Model: lm binary or ARPA (default: $LM_MODEL or model.lm)");
  cmd->add_option("-k,--top", opt->k, "How many words to show (at least 1)")
      ->check(CLI::Range(1, 1000000000))
      ->capture_default_str();
  cmd->add_flag("--all", opt->all, "Show the whole distribution");
  cmd->add_flag("--bos", opt->bos, "Treat each context as the start of a sentence (as if after <s>)");
  cmd->add_flag("--line-buffered", opt->line_buffered,
                "Read stdin line by line and print each answer at once (for a program that waits for it; plain text); "
                "in text format each answer then ends with a blank line");
  cmd->add_option("--format", opt->format, "Output format: text, tsv or json (JSON Lines)")
      ->transform(CLI::CheckedTransformer(format_names(), CLI::ignore_case));
  cmd->callback([opt]() { run_next(*opt); });
}

}  // namespace lm::cli
