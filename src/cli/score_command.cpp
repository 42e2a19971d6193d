// lm score: log10 probability, perplexity and OOVs of sentences.
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "heap.hpp"
#include "line_errors.hpp"
#include "lm/error.hpp"
#include "lm/model_io.hpp"
#include "lm/parallel.hpp"
#include "lm/scorer.hpp"
#include "lm/tokenizer.hpp"
#include "options.hpp"
#include "output.hpp"
#include "score_format.hpp"

namespace lm::cli {

namespace {

struct ScoreOptions {
  InputOptions input;
  std::string model = default_model_path();
  Format format = Format::kText;
  bool tokens = false;
  bool summary = false;
  bool summary_only = false;  // no per-sentence records (implies summary)
  int threads = 0;       // 0: every CPU this process may use
  bool strict = false;   // stop at the first line that cannot be scored
};

// A line that could not be scored: its index in the slice, and why.
struct LineFailure {
  std::size_t index;
  LineProblem problem;
  std::string message;  // "source:line: what"
};

// Lines read, to be scored by one task and printed in input order; their
// buffers are reused from task to task.
struct Slice {
  std::string text;                // the lines, concatenated
  std::vector<std::size_t> ends;   // line i is text[ends[i-1], ends[i])
  std::vector<std::uint64_t> line;
  std::string source;
  fmt::memory_buffer out;             // the lines' records
  std::vector<SentenceScore> scores;  // for the corpus summary, summed in input order
  std::vector<LineFailure> failures;  // lines answered with an error record, in order
  std::exception_ptr error;           // --strict: the first line that failed ends the slice

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
};

// A thread's working space, reused from slice to slice: a slice's tokens are
// in it only while the slice is scored.
struct Scratch {
  std::vector<std::string_view> words;
  SentenceBatch sentences;
};

// Tokenizes, scores and prints the lines of s into s.out. A line that cannot
// be scored gets an error record; with --strict it ends the slice instead
// (the lines before it are printed).
void score_slice(const Model& model, const ScoreOptions& opt, Slice& s, Scratch& scratch) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const LineCheck check = tokenize_line(s.at(i), &scratch.words);
    if (!check.ok()) {
      const FormatError error(s.source, s.line[i], describe_line_problem(s.at(i), check));
      if (opt.strict) {
        s.error = std::make_exception_ptr(error);
        break;
      }
      s.failures.push_back({i, check.problem, error.what()});
      scratch.words.clear();  // an empty sentence holds the line's place in the batch
    }
    scratch.sentences.add(scratch.words);
  }
  SentenceBatch& sentences = scratch.sentences;
  sentences.score(model);
  const auto context_words = static_cast<std::size_t>(model.order() - 1);
  auto failure = s.failures.begin();
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    if (failure != s.failures.end() && failure->index == i) {
      if (!opt.summary_only) print_error_record(s.out, opt.format, s.at(i), failure->message, "sentence");
      ++failure;
      continue;
    }
    SentenceScore sc = sentences.result(i, opt.tokens && !opt.summary_only);
    if (!opt.summary_only) print_sentence(s.out, opt.format, s.at(i), sentences.words(i), sc, opt.tokens, context_words);
    sc.factors = {};
    s.scores.push_back(std::move(sc));
  }
  sentences.clear();
}

// Scores the input in slices of about kSliceBytes on an OrderedPool: the
// threads score the slices read while the caller reads on (and scores too,
// when every slice is in flight); the slices are printed in input order.
// No barrier: a thread that is done takes the next slice.
class SliceScorer {
 public:
  // Slices are small, so that a thread's tokens and scores (about 40 bytes a
  // token) stay in its cache and the process touches little fresh memory.
  static constexpr std::size_t kSliceBytes = std::size_t{32} << 10;
  // An input this large will read much of the model: it is mapped whole
  // first (see add()).
  static constexpr std::size_t kLargeInputPerThread = std::size_t{256} << 10;

  // interactive: each line is scored and printed as soon as it is added.
  SliceScorer(const Model& model, const ScoreOptions& opt, unsigned threads, bool interactive, Output& output,
              CorpusScore& corpus, LineErrors& errors)
      : model_(model), opt_(opt), output_(output), corpus_(corpus), errors_(errors), interactive_(interactive),
        large_input_(kLargeInputPerThread * threads),
        // Slots enough to hold a large input's first bytes (8 per thread,
        // which keeps every thread busy while the caller reads).
        slices_(large_input_ / kSliceBytes), scratch_(threads),
        pool_(
            threads, slices_.size(),
            [this](std::size_t slot, unsigned thread) { score_slice(model_, opt_, slices_[slot], scratch_[thread]); },
            [this](std::size_t slot) { deliver(slices_[slot]); }) {}

  // The threads scoring runs on (fewer than asked when the system gives no more).
  [[nodiscard]] unsigned threads() const { return pool_.threads(); }

  // Adds a line; when interactive, scores and prints it at once.
  void add(std::string_view text, const std::string& source, std::uint64_t line) {
    // A slice holds the lines of one source (-i a.txt -i b.txt), for messages.
    if (open_ != nullptr && open_->size() > 0 && open_->source != source) close_slice();
    if (open_ == nullptr) open_ = &slices_[pool_.next_slot()];
    open_->add(text, source, line);
    ++lines_;
    if (interactive_) {
      open_ = nullptr;
      pool_.drain();
      return;
    }
    if (open_->text.size() >= kSliceBytes) close_slice();
  }

  // Lines added so far.
  [[nodiscard]] std::uint64_t lines() const { return lines_; }

  // Scores and prints every line added; rethrows the error of the first line
  // that failed, after printing the lines before it.
  void finish() {
    open_ = nullptr;
    pool_.drain();
  }

 private:
  // Ends the slice being read into: submits it, or holds it back while the
  // input may still be small.
  void close_slice() {
    if (!large_) {
      // The slices are held until the input is known to be large: then the
      // model is mapped whole before they are scored (0.5 ms for a cached
      // 428 MB model in huge pages), and a model not in the page cache is
      // read in one sequential pass, in huge pages, instead of fault by fault.
      held_ += open_->text.size();
      if (held_ < large_input_) {
        open_ = nullptr;
        return;
      }
      model_.buffer().prefault();
      large_ = true;
    }
    open_ = nullptr;
    pool_.submit();
  }

  void deliver(Slice& s) {
    output_.buffer().append(s.out.data(), s.out.data() + s.out.size());
    for (const SentenceScore& sc : s.scores) corpus_.add(sc);
    for (const LineFailure& f : s.failures) errors_.add(f.problem, f.message);
    corpus_.skipped += s.failures.size();
    s.failures.clear();
    output_.end_record();
    s.out.clear();
    s.scores.clear();
    s.text.clear();
    s.ends.clear();
    s.line.clear();
    if (s.error) {
      output_.flush();
      std::exception_ptr error = s.error;
      s.error = nullptr;
      std::rethrow_exception(error);
    }
  }

  const Model& model_;
  const ScoreOptions& opt_;
  Output& output_;
  CorpusScore& corpus_;
  LineErrors& errors_;
  const bool interactive_;
  const std::size_t large_input_;
  std::vector<Slice> slices_;     // the pool's slots
  std::vector<Scratch> scratch_;  // one per thread
  Slice* open_ = nullptr;         // the slice being read into
  std::size_t held_ = 0;          // bytes in the slices held (not yet known to be large)
  bool large_ = false;            // the input is large: the model is mapped whole
  std::uint64_t lines_ = 0;
  OrderedPool pool_;  // last: stopped first, before what its tasks use
};

void run_score(ScoreOptions opt) {
  use_huge_page_heap();
  if (opt.summary_only) opt.summary = true;
  const Model model = load_model(opt.model);
  Output output(opt.input.line_buffered);
  CorpusScore corpus;
  LineErrors errors;
  const unsigned threads = opt.threads == 0 ? available_cpus() : static_cast<unsigned>(opt.threads);
  // When typing at a terminal (or asked to), each line is scored as soon as
  // it is read.
  const bool interactive = opt.input.reads_stdin() && (opt.input.line_buffered || isatty(STDIN_FILENO));
  SliceScorer scorer(model, opt, threads, interactive, output, corpus, errors);
  if (scorer.threads() < threads) {
    spdlog::warn("the system gave only {} of the {} threads asked for (a process limit?); scoring on {}",
                 scorer.threads(), threads, scorer.threads());
  }
  for_each_input(opt.input, [&](std::string_view text, const std::string& source, std::uint64_t line) {
    scorer.add(text, source, line);
  });
  scorer.finish();
  if (opt.summary) print_summary(output.buffer(), opt.format, corpus);
  output.flush();
  if (!opt.summary && corpus.sentences > 0 && spdlog::get_level() <= spdlog::level::info) {
    fmt::memory_buffer text;
    print_summary(text, Format::kText, corpus);
    std::fwrite(text.data(), 1, text.size(), stderr);
  }
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
      "Text columns: log10 probability, ppl=perplexity, tokens= (words + </s>), oovs=, sentence.\n"
      "TSV columns: log10_prob, perplexity, tokens, oovs, sentence [, token|order|log10_prob ...].\n"
      "A line that cannot be scored (invalid UTF-8, a NUL byte, <s> or </s> inside it) gets the record\n"
      "'ERROR<TAB>file:line: why' (JSON: an \"error\" field), the rest are scored, and lm exits 3;\n"
      "--strict stops at the first instead (exit 1). A <s> that starts a line and a </s> that ends it are ignored.");
  add_input_options(cmd, &opt->input, "sentences", "Sentences to score");
  add_model_option(cmd, &opt->model);
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
