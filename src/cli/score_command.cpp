// lm score: log10 probability, perplexity and OOVs of sentences.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <unistd.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "heap.hpp"
#include "line_errors.hpp"
#include "lm/model_io.hpp"
#include "lm/parallel.hpp"
#include "lm/score_stream.hpp"
#include "lm/smoothing.hpp"
#include "model_choice.hpp"
#include "options.hpp"
#include "output.hpp"
#include "score_format.hpp"

namespace lm::cli {

namespace {

struct ScoreOptions {
  InputOptions input;
  ModelChoice models;
  Format format = Format::kText;
  bool tokens = false;
  bool summary = false;
  bool summary_only = false;  // no per-sentence records (implies summary)
  int threads = 0;       // 0: every CPU this process may use
  bool strict = false;   // stop at the first line that cannot be scored
};

// The records of a slice's lines, on the thread that scored them.
void render_slice(const ScoreOptions& opt, const ScoreStyle& style, const ScoredSlice& slice,
                  fmt::memory_buffer& out) {
  for (const ScoredLine& line : slice.lines) {
    if (line.ok()) {
      print_sentence(out, style, line.text, line.words, line.score);
    } else {
      print_error_record(out, opt.format, line.text, line.message, "sentence");
    }
  }
}

ScoreStyle score_style(const ScoreOptions& opt, const LoadedModels& models) {
  const Model& model = models.model();
  ScoreStyle style;
  style.format = opt.format;
  style.tokens = opt.tokens;
  style.context_words = static_cast<std::size_t>((models.mixed() ? models.mixture().order() : model.order()) - 1);
  style.scores = !smoothing_normalized(model.info().smoothing.method);
  style.nltk_padding = model.info().nltk_padding;
  return style;
}

// Tokens and OOVs per input file, for a warning when a file's text does not
// look like the model's: over a fifth of OOVs is a tokenization (or units)
// that differs from training far more often than a change of topic. (Raw
// KJV text on a model of the tokenized KJV has 23.7%: a quarter would miss it.)
class OovWatch {
 public:
  void add(std::string_view source, const ScoredLine& line) {
    if (source == "<argument>") return;  // a sentence or two typed in: too few tokens to judge
    if (files_.empty() || files_.back().source != source) files_.push_back({std::string(source), 0, 0});
    files_.back().tokens += line.score.tokens;
    files_.back().oovs += line.score.oovs;
  }

  void warn(const TextOptions& text) const {
    for (const File& f : files_) {
      if (f.tokens < kMinTokens || f.oovs * 5 <= f.tokens) continue;
      const std::string flags = text_flags(text);
      spdlog::warn("{} of the {} tokens of {} ({:.1f}%) are not in the model's vocabulary: the text is probably "
                   "tokenized differently from the training text (this model reads {}); compare 'lm tokenize -m "
                   "MODEL' with the training text",
                   f.oovs, f.tokens, f.source == "<stdin>" ? "standard input" : f.source,
                   100.0 * static_cast<double>(f.oovs) / static_cast<double>(f.tokens),
                   flags.empty() ? "words split at white space, as given" : "text as 'lm train " + flags + "'");
      return;  // once
    }
  }

 private:
  static constexpr std::uint64_t kMinTokens = 20;
  struct File {
    std::string source;
    std::uint64_t tokens = 0, oovs = 0;
  };
  std::vector<File> files_;
};

// render_slice, or nothing to render with --summary-only.
ScoreStream::Render make_render(const ScoreOptions& opt, const ScoreStyle& style) {
  if (opt.summary_only) return nullptr;
  return [&opt, style](const ScoredSlice& slice, fmt::memory_buffer& out) { render_slice(opt, style, slice, out); };
}

ScoreStreamOptions stream_options(const ScoreOptions& opt) {
  ScoreStreamOptions stream;
  stream.threads = opt.threads == 0 ? available_cpus() : static_cast<unsigned>(opt.threads);
  stream.keep_factors = opt.tokens && !opt.summary_only;
  stream.strict = opt.strict;
  // When typing at a terminal (or asked to), each line is scored as soon as
  // it is read.
  stream.interactive = opt.input.reads_stdin() && (opt.input.line_buffered || isatty(STDIN_FILENO));
  return stream;
}

void run_score(ScoreOptions opt) {
  use_huge_page_heap();
  if (opt.summary_only) opt.summary = true;
  const LoadedModels models(opt.models);
  Output output(opt.input.line_buffered);
  CorpusScore corpus;
  LineErrors errors;
  OovWatch oovs;
  const ScoreStreamOptions stream = stream_options(opt);
  auto deliver = [&](const ScoredSlice& slice, std::string_view rendered) {
    output.buffer().append(rendered.data(), rendered.data() + rendered.size());
    for (const ScoredLine& line : slice.lines) {
      if (line.ok()) {
        corpus.add(line.score);
        oovs.add(slice.source, line);
      } else {
        errors.add(line.problem, line.message);
        ++corpus.skipped;
      }
    }
    output.end_record();
    if (slice.stopped) output.flush();  // the lines before the one that stops the run
  };
  const ScoreStyle style = score_style(opt, models);
  ScoreStream scorer = models.mixed() ? ScoreStream(models.mixture(), stream, make_render(opt, style), deliver)
                                      : ScoreStream(models.model(), stream, make_render(opt, style), deliver);
  if (scorer.threads() < stream.threads) {
    spdlog::warn("the system gave only {} of the {} threads asked for (a process limit?); scoring on {}",
                 scorer.threads(), stream.threads, scorer.threads());
  }
  for_each_input(opt.input, [&](std::string_view text, const std::string& source, std::uint64_t line) {
    scorer.add(text, source, line);
  });
  scorer.finish();
  if (opt.summary) print_summary(output.buffer(), style, corpus);
  output.flush();
  if (!opt.summary && corpus.sentences > 0 && spdlog::get_level() <= spdlog::level::info) {
    fmt::memory_buffer text;
    ScoreStyle text_style = style;
    text_style.format = Format::kText;
    print_summary(text, text_style, corpus);
    std::fwrite(text.data(), 1, text.size(), stderr);
  }
  oovs.warn(models.model().info().text);
  errors.finish(scorer.lines(), "scored");
}

}  // namespace

void add_score_command(CLI::App& app) {
  auto opt = std::make_shared<ScoreOptions>();
  CLI::App* cmd = app.add_subcommand("score", "Score sentences: log10 probability, perplexity, OOVs");
  cmd->footer(
      "Examples:\n"
      "  lm score \"the mouse ate the cheese\" \"mouse the the cheese ate\"\n"
      "  lm score --tokens \"the mouse ate the cheese\"   # every factor of the chain rule\n"
      "  lm score -i test.txt --format json              # JSON Lines, one per input line\n"
      "  lm score -m kenlm.arpa --summary < test.txt       # corpus perplexity on stdout\n"
      "  lm score --summary-only -i test.txt.gz          # only the corpus summary\n"
      "  lm score -m a.lm -m b.lm --weights 0.7,0.3 -i test.txt   # a mixture: 0.7 p_a + 0.3 p_b\n"
      "Text columns: log10 probability, ppl=perplexity, tokens= (words + </s>), oovs=, sentence.\n"
      "TSV columns: log10_prob, perplexity, tokens, oovs, sentence [, token|order|log10_prob ...].\n"
      "A line that cannot be scored (invalid UTF-8, a NUL byte, <s> or </s> inside it) gets the record\n"
      "'ERROR<TAB>file:line: why' (JSON: an \"error\" field), the rest are scored, and lm exits 3;\n"
      "--strict stops at the first instead (exit 1). A <s> that starts a line and a </s> that ends it are ignored.");
  add_input_options(cmd, &opt->input, "sentences", "Sentences to score");
  add_models_option(cmd, &opt->models);
  add_format_option(cmd, &opt->format);
  cmd->add_flag("--tokens", opt->tokens, "Show p(token | context) and the n-gram order used, per token");
  cmd->add_flag("--summary", opt->summary, "Print the corpus summary on stdout (default: stderr)");
  cmd->add_flag("--summary-only", opt->summary_only, "Print only the corpus summary, on stdout: no line per sentence")
      ->excludes("--tokens");
  cmd->add_flag("--strict", opt->strict,
                "Stop at the first line that cannot be scored (exit 1) instead of answering it with an error record");
  add_threads_option(cmd, &opt->threads, 0);
  cmd->callback([opt]() { run_score(*opt); });
}

}  // namespace lm::cli
