// lm score: log10 probability, perplexity and OOVs of sentences.
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <exception>
#include <unistd.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "lm/model_io.hpp"
#include "lm/parallel.hpp"
#include "lm/scorer.hpp"
#include "lm/tokenizer.hpp"
#include "output.hpp"
#include "score_format.hpp"

namespace lm::cli {

namespace {

struct ScoreOptions {
  std::vector<std::string> sentences;
  std::string model = default_model_path();
  Format format = Format::kText;
  bool tokens = false;
  bool summary = false;
  unsigned threads = 0;  // 0: every CPU this process may use
};

// Lines read but not yet scored; scored in parallel, printed in input order.
// The buffers are reused from batch to batch, so memory stays bounded by one
// batch whatever the input's length.
struct Batch {
  std::string text;                // the lines, concatenated
  std::vector<std::size_t> ends;   // line i is text[ends[i-1], ends[i])
  std::vector<std::uint64_t> line;
  std::string source;
  [[nodiscard]] std::size_t size() const { return ends.size(); }
  [[nodiscard]] std::string_view at(std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : ends[i - 1];
    return std::string_view(text).substr(begin, ends[i] - begin);
  }
  void add(std::string_view t, const std::string& src, std::uint64_t n) {
    text.append(t);
    ends.push_back(text.size());
    if (source != src) source = src;
    line.push_back(n);
  }
  void clear() {
    text.clear();
    ends.clear();
    line.clear();
  }
};

struct SliceResult {
  fmt::memory_buffer out;
  std::vector<SentenceScore> scores;  // for the corpus summary, summed in input order
  std::exception_ptr error;           // the first line that failed ends the slice
  std::vector<std::string_view> words;
  SentenceBatch sentences;
};

// Tokenizes, scores and prints lines [begin, end) of the batch into r. A line
// that fails to tokenize ends the slice: the lines before it are printed.
void score_slice(const Model& model, const ScoreOptions& opt, const Batch& batch, std::size_t begin,
                 std::size_t end, SliceResult& r) {
  try {
    for (std::size_t i = begin; i < end; ++i) {
      tokenize_checked(batch.at(i), batch.source, batch.line[i], &r.words);
      r.sentences.add(r.words);
    }
  } catch (...) {
    r.error = std::current_exception();
  }
  r.sentences.score(model);
  const auto context_words = static_cast<std::size_t>(model.order() - 1);
  for (std::size_t i = 0; i < r.sentences.size(); ++i) {
    SentenceScore sc = r.sentences.result(i, opt.tokens);
    print_sentence(r.out, opt.format, batch.at(begin + i), r.sentences.words(i), sc, opt.tokens, context_words);
    sc.factors = {};
    r.scores.push_back(std::move(sc));
  }
  r.sentences.clear();
}

void score_batch(const Model& model, const ScoreOptions& opt, Batch& batch, std::vector<SliceResult>& results,
                 Output& output, CorpusScore& corpus) {
  const auto parts = static_cast<unsigned>(std::min<std::size_t>(results.size(), batch.size()));
  parallel_for(batch.size(), parts, [&](unsigned slice, std::size_t begin, std::size_t end) {
    score_slice(model, opt, batch, begin, end, results[slice]);
  });
  for (unsigned slice = 0; slice < parts; ++slice) {
    SliceResult& r = results[slice];
    output.buffer().append(r.out.data(), r.out.data() + r.out.size());
    for (const SentenceScore& sc : r.scores) corpus.add(sc);
    output.end_record();
    if (r.error) {
      output.flush();
      std::rethrow_exception(r.error);
    }
    r.out.clear();
    r.scores.clear();
  }
  batch.clear();
}

void run_score(const ScoreOptions& opt) {
  const Model model = load_model(opt.model);
  Output output;
  CorpusScore corpus;
  const unsigned threads = opt.threads == 0 ? available_cpus() : opt.threads;
  std::vector<SliceResult> results(threads);
  Batch batch;
  // Lines are scored in batches (in parallel, and interleaved within a
  // thread); when typing at a terminal, each line as soon as it is read.
  const bool interactive = opt.sentences.empty() && isatty(STDIN_FILENO);
  const std::size_t batch_bytes = (std::size_t{1} << 18) * threads;
  for_each_input(opt.sentences, [&](std::string_view text, const std::string& source, std::uint64_t line) {
    batch.add(text, source, line);
    if (interactive || batch.text.size() > batch_bytes) score_batch(model, opt, batch, results, output, corpus);
  });
  score_batch(model, opt, batch, results, output, corpus);
  if (opt.summary) print_summary(output.buffer(), opt.format, corpus);
  output.flush();
  if (!opt.summary && corpus.sentences > 0 && spdlog::get_level() <= spdlog::level::info) {
    fmt::memory_buffer text;
    print_summary(text, Format::kText, corpus);
    std::fwrite(text.data(), 1, text.size(), stderr);
  }
}

}  // namespace

void add_score_command(CLI::App& app) {
  auto opt = std::make_shared<ScoreOptions>();
  CLI::App* cmd = app.add_subcommand("score", "Score sentences: log10 probability, perplexity, OOVs");
  cmd->footer(
      "Examples:\n"
      "  lm score \"the mouse ate the cheese\" \"mouse the the cheese ate\"\n"
      "  lm score --tokens \"the mouse ate the cheese\"   # every factor of the chain rule\n"
      "  lm score --format json < test.txt               # JSON Lines, one per input line\n"
      "  lm score -m kenlm.arpa --summary < test.txt       # corpus perplexity on stdout\n"
      "Text columns: log10 probability, perplexity, tokens (words + </s>), OOVs, sentence.\n"
      "TSV columns: log10_prob, tokens, oovs, perplexity, sentence [, token|order|log10_prob ...].");
  cmd->add_option("sentences", opt->sentences, "Sentences to score (default: one per line of stdin)");
  cmd->add_option("-m,--model", opt->model, "Model: lm binary or ARPA (default: $LM_MODEL or model.lm)");
  cmd->add_option("--format", opt->format, "Output format: text, tsv or json (JSON Lines)")
      ->transform(CLI::CheckedTransformer(format_names(), CLI::ignore_case));
  cmd->add_flag("--tokens", opt->tokens, "Show p(token | context) and the n-gram order used, per token");
  cmd->add_flag("--summary", opt->summary, "Print the corpus summary on stdout (default: stderr)");
  cmd->add_option("-t,--threads", opt->threads, "Threads to score with (default 0: every CPU available)")
      ->check(CLI::Range(0, 1024));
  cmd->callback([opt]() { run_score(*opt); });
}

}  // namespace lm::cli
