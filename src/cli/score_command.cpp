// lm score: log10 probability, perplexity and OOVs of sentences.
#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstdint>
#include <exception>
#include <unistd.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "heap.hpp"
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
  bool summary_only = false;  // no per-sentence records (implies summary)
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
    SentenceScore sc = r.sentences.result(i, opt.tokens && !opt.summary_only);
    if (!opt.summary_only) {
      print_sentence(r.out, opt.format, batch.at(begin + i), r.sentences.words(i), sc, opt.tokens, context_words);
    }
    sc.factors = {};
    r.scores.push_back(std::move(sc));
  }
  r.sentences.clear();
}

// Scores batches on a TaskPool while the next batch is read: launch() hands
// a full batch to the workers, finish() (before the next launch, and at the
// end) joins in, then prints the batch's lines in input order.
class BatchScorer {
 public:
  BatchScorer(const Model& model, const ScoreOptions& opt, unsigned threads, Output& output, CorpusScore& corpus)
      : model_(model), opt_(opt), output_(output), corpus_(corpus),
        results_(threads > 1 ? 4 * threads : 1), pool_(threads) {}

  // The threads scoring runs on (fewer than asked when the system gives no more).
  [[nodiscard]] unsigned threads() const { return pool_.threads(); }

  // REQUIRES: no batch is running (finish() was called).
  void launch(const Batch& batch) {
    // Slices of about equal bytes, more than threads, so that they balance.
    const std::size_t slices = std::min(results_.size(), batch.size());
    bounds_.assign(1, 0);
    for (std::size_t k = 1; k < slices; ++k) {
      const std::size_t target = batch.text.size() * k / slices;
      const auto it = std::lower_bound(batch.ends.begin() + static_cast<std::ptrdiff_t>(bounds_.back()), batch.ends.end(), target);
      bounds_.push_back(std::min(static_cast<std::size_t>(it - batch.ends.begin()) + 1, batch.size()));
    }
    bounds_.push_back(batch.size());
    running_ = &batch;
    pool_.start(slices, [this](std::size_t k) {
      score_slice(model_, opt_, *running_, bounds_[k], bounds_[k + 1], results_[k]);
    });
  }

  // Waits for the running batch (if any) and prints it; rethrows the error
  // of its first failed line after printing the lines before it.
  void finish() {
    pool_.finish();
    if (running_ == nullptr) return;
    const std::size_t slices = bounds_.size() - 1;
    running_ = nullptr;
    for (std::size_t k = 0; k < slices; ++k) {
      SliceResult& r = results_[k];
      output_.buffer().append(r.out.data(), r.out.data() + r.out.size());
      for (const SentenceScore& sc : r.scores) corpus_.add(sc);
      output_.end_record();
      r.out.clear();
      r.scores.clear();
      if (r.error) {
        output_.flush();
        std::exception_ptr error = r.error;
        for (SliceResult& rest : results_) rest.error = nullptr;
        std::rethrow_exception(error);
      }
    }
  }

 private:
  const Model& model_;
  const ScoreOptions& opt_;
  Output& output_;
  CorpusScore& corpus_;
  std::vector<SliceResult> results_;
  std::vector<std::size_t> bounds_;
  const Batch* running_ = nullptr;
  TaskPool pool_;  // last: stopped first, before what its tasks use
};

void run_score(ScoreOptions opt) {
  use_huge_page_heap();
  if (opt.summary_only) opt.summary = true;
  const Model model = load_model(opt.model);
  Output output;
  CorpusScore corpus;
  const unsigned threads = opt.threads == 0 ? available_cpus() : opt.threads;
  // Lines are scored in batches: one is read while the one before it is
  // scored (in parallel, and interleaved within a thread); when typing at a
  // terminal, each line as soon as it is read.
  const bool interactive = opt.sentences.empty() && isatty(STDIN_FILENO);
  const std::size_t batch_bytes = (std::size_t{1} << 18) * threads;
  std::array<Batch, 2> batches;
  std::size_t reading = 0;
  bool prefaulted = false;
  BatchScorer scorer(model, opt, threads, output, corpus);
  if (scorer.threads() < threads) {
    spdlog::warn("the system gave only {} of the {} threads asked for (a process limit?); scoring on {}",
                 scorer.threads(), threads, scorer.threads());
  }
  for_each_input(opt.sentences, [&](std::string_view text, const std::string& source, std::uint64_t line) {
    Batch& batch = batches[reading];
    batch.add(text, source, line);
    if (interactive || batch.text.size() > batch_bytes) {
      // A full batch: the input is large, and will read much of the model.
      // Map it whole now (0.5 ms for a cached 428 MB model in huge pages);
      // a model not in the page cache is then read in one sequential pass,
      // in huge pages, instead of fault by fault.
      if (!interactive && !prefaulted) {
        model.buffer().prefault();
        prefaulted = true;
      }
      scorer.finish();  // the batch before, while this one was read
      batches[1 - reading].clear();
      scorer.launch(batch);
      if (interactive) scorer.finish();
      reading = 1 - reading;
    }
  });
  scorer.finish();
  if (batches[reading].size() > 0) {
    scorer.launch(batches[reading]);
    scorer.finish();
  }
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
      "  lm score --summary-only < test.txt              # only the corpus summary\n"
      "Text columns: log10 probability, perplexity, tokens (words + </s>), OOVs, sentence.\n"
      "TSV columns: log10_prob, tokens, oovs, perplexity, sentence [, token|order|log10_prob ...].");
  cmd->add_option("sentences", opt->sentences, "Sentences to score (default: one per line of stdin)");
  cmd->add_option("-m,--model", opt->model, "Model: lm binary or ARPA (default: $LM_MODEL or model.lm)");
  cmd->add_option("--format", opt->format, "Output format: text, tsv or json (JSON Lines)")
      ->transform(CLI::CheckedTransformer(format_names(), CLI::ignore_case));
  cmd->add_flag("--tokens", opt->tokens, "Show p(token | context) and the n-gram order used, per token");
  cmd->add_flag("--summary", opt->summary, "Print the corpus summary on stdout (default: stderr)");
  cmd->add_flag("--summary-only", opt->summary_only, "Print only the corpus summary, on stdout: no line per sentence")
      ->excludes("--tokens");
  cmd->add_option("-t,--threads", opt->threads, "Threads to score with (default 0: every CPU available)")
      ->check(CLI::Range(0, 1024));
  cmd->callback([opt]() { run_score(*opt); });
}

}  // namespace lm::cli
