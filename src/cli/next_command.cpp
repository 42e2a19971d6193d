// lm next: the most probable next words after a context, exactly.
#include <cmath>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "heap.hpp"
#include "line_errors.hpp"
#include "lm/error.hpp"
#include "lm/model_io.hpp"
#include "lm/next_words.hpp"
#include "lm/scorer.hpp"
#include "lm/smoothing.hpp"
#include "lm/tokenizer.hpp"
#include "model_choice.hpp"
#include "fixed_format.hpp"
#include "options.hpp"
#include "output.hpp"

namespace lm::cli {

namespace {

struct NextOptions {
  InputOptions input;
  ModelChoice models;
  Format format = Format::kText;
  std::size_t k = 10;
  bool all = false;
  bool bos = false;
  bool strict = false;  // stop at the first context that cannot be used
};

// Splits a context into tokens as the model reads text (a leading <s>
// word, whatever the units: the start of a sentence). Returns what is wrong
// with it, and its message ("" when it is fine). A context cannot end with
// </s>: nothing follows the end of a sentence.
std::string context_words(Tokenizer& tokenizer, std::string_view text, bool bos, std::vector<std::string_view>* words,
                          LineProblem* problem) {
  bool starts_sentence = false;
  std::string why = tokenizer.read_prefix(text, words, &starts_sentence, "the context", problem);
  if (why.empty() && (bos || starts_sentence)) words->insert(words->begin(), "<s>");
  return why;
}

void print_predictions(fmt::memory_buffer& out, Format format, std::string_view context,
                       const std::vector<std::string_view>& words, const std::vector<Prediction>& predictions,
                       VocabView vocab, bool header, bool scores) {
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
        // Stupid backoff's numbers are scores, not probabilities.
        fmt::format_to(o, ",\"{}\":{},\"{}\":{}}}", scores ? "score" : "prob", prob,
                       scores ? "log10_score" : "log10_prob", p.log10_prob);
        break;
    }
  }
  if (format == Format::kJson) fmt::format_to(o, "]}}\n");
}

void run_next(const NextOptions& opt) {
  use_huge_page_heap();
  const LoadedModels models(opt.models);
  const Model& model = models.model();
  NextWordPredictor predictor(model);
  std::unique_ptr<MixturePredictor> mixed;
  if (models.mixed()) mixed = std::make_unique<MixturePredictor>(models.mixture());
  const VocabView vocab = models.mixed() ? models.mixture().vocab() : model.vocab();
  const bool scores = !smoothing_normalized(model.info().smoothing.method);
  const bool line_buffered = opt.input.line_buffered;
  Output output(line_buffered);
  LineErrors errors;
  std::vector<std::string_view> words;
  Tokenizer tokenizer(model.info().text);
  std::uint64_t lines = 0;
  const bool many = opt.input.args.size() != 1;
  for_each_input(opt.input, [&](std::string_view text, const std::string& source, std::uint64_t line) {
    // Text answers are set apart by a blank line: between them, or with
    // --line-buffered after each, so that a program reading the answers
    // knows when one is complete.
    if (lines++ > 0 && opt.format == Format::kText && !line_buffered) output.buffer().push_back('\n');
    LineProblem problem = LineProblem::kNone;
    const std::string why = context_words(tokenizer, text, opt.bos, &words, &problem);
    if (problem != LineProblem::kNone) {
      const FormatError error(source, line, why);
      if (opt.strict) {
        output.flush();
        throw error;
      }
      errors.add(problem, error.what());
      print_error_record(output.buffer(), opt.format, text, error.what(), "context");
    } else {
      const std::size_t k = opt.all ? 0 : opt.k;
      const auto predictions = mixed ? mixed->top(mixed->context_state(words), k)
                                     : predictor.top(predictor.context_state(words), k);
      print_predictions(output.buffer(), opt.format, text, words, predictions, vocab, many, scores);
    }
    if (opt.format == Format::kText && line_buffered) output.buffer().push_back('\n');
    output.end_record();
  });
  output.flush();
  errors.finish(lines, "answered");
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
      "  lm next --format json -i contexts.txt\n"
      "  lm next -m a.lm -m b.lm --weights 0.7,0.3 \"the\"   # a mixture of two models\n"
      "Only the last order-1 words matter; unknown words count as <unk>. A mixture's distribution\n"
      "covers the union of the models' words; a word a model lacks gets that model's <unk> probability.\n"
      "Probabilities are exact: the --all list sums to 1 (it includes </s>, never <s>); a stupid\n"
      "backoff model gives scores instead (JSON keys score, log10_score), ranked the same way.\n"
      "TSV columns: context, rank, token, prob, log10_prob. A context that cannot be used gets the\n"
      "answer 'ERROR<TAB>file:line: why' (JSON: an \"error\" field) and lm exits 3; --strict stops instead.");
  add_input_options(cmd, &opt->input, "contexts", "Contexts");
  add_models_option(cmd, &opt->models);
  cmd->add_option("-k,--top", opt->k, "How many words to show (at least 1)")
      ->type_name("K")
      ->check(CLI::Range(1, 1000000000))
      ->capture_default_str();
  cmd->add_flag("--all", opt->all, "Show the whole distribution");
  cmd->add_flag("--bos", opt->bos, "Treat each context as the start of a sentence (as if after <s>)");
  add_format_option(cmd, &opt->format);
  cmd->add_flag("--strict", opt->strict,
                "Stop at the first context that cannot be used (exit 1) instead of answering it with an error");
  cmd->callback([opt]() { run_next(*opt); });
}

}  // namespace lm::cli
