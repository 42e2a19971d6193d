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
  bool line_buffered = false;  // read stdin line by line, print each record at once
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
  std::exception_ptr error;           // the first line that failed ends the slice

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

// Tokenizes, scores and prints the lines of s into s.out. A line that fails
// to tokenize ends the slice: the lines before it are printed.
void score_slice(const Model& model, const ScoreOptions& opt, Slice& s, Scratch& scratch) {
  try {
    for (std::size_t i = 0; i < s.size(); ++i) {
      tokenize_checked(s.at(i), s.source, s.line[i], &scratch.words);
      scratch.sentences.add(scratch.words);
    }
  } catch (...) {
    s.error = std::current_exception();
  }
  SentenceBatch& sentences = scratch.sentences;
  sentences.score(model);
  const auto context_words = static_cast<std::size_t>(model.order() - 1);
  for (std::size_t i = 0; i < sentences.size(); ++i) {
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
              CorpusScore& corpus)
      : model_(model), opt_(opt), output_(output), corpus_(corpus), interactive_(interactive),
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
    if (open_ == nullptr) open_ = &slices_[pool_.next_slot()];
    open_->add(text, source, line);
    if (interactive_) {
      open_ = nullptr;
      pool_.drain();
      return;
    }
    if (open_->text.size() < kSliceBytes) return;
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

  // Scores and prints every line added; rethrows the error of the first line
  // that failed, after printing the lines before it.
  void finish() {
    open_ = nullptr;
    pool_.drain();
  }

 private:
  void deliver(Slice& s) {
    output_.buffer().append(s.out.data(), s.out.data() + s.out.size());
    for (const SentenceScore& sc : s.scores) corpus_.add(sc);
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
  const bool interactive_;
  const std::size_t large_input_;
  std::vector<Slice> slices_;     // the pool's slots
  std::vector<Scratch> scratch_;  // one per thread
  Slice* open_ = nullptr;         // the slice being read into
  std::size_t held_ = 0;          // bytes in the slices held (not yet known to be large)
  bool large_ = false;            // the input is large: the model is mapped whole
  OrderedPool pool_;  // last: stopped first, before what its tasks use
};

void run_score(ScoreOptions opt) {
  use_huge_page_heap();
  if (opt.summary_only) opt.summary = true;
  const Model model = load_model(opt.model);
  Output output(opt.line_buffered);
  CorpusScore corpus;
  const unsigned threads = opt.threads == 0 ? available_cpus() : opt.threads;
  // When typing at a terminal (or asked to), each line is scored as soon as
  // it is read.
  const bool interactive = opt.sentences.empty() && (opt.line_buffered || isatty(STDIN_FILENO));
  SliceScorer scorer(model, opt, threads, interactive, output, corpus);
  if (scorer.threads() < threads) {
    spdlog::warn("the system gave only {} of the {} threads asked for (a process limit?); scoring on {}",
                 scorer.threads(), threads, scorer.threads());
  }
  for_each_input(opt.sentences, [&](std::string_view text, const std::string& source, std::uint64_t line) {
    scorer.add(text, source, line);
  }, interactive);
  scorer.finish();
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
  cmd->add_flag("--line-buffered", opt->line_buffered,
                "Read stdin line by line and print each record at once (for a program that waits for it; plain text)");
  cmd->add_option("-t,--threads", opt->threads, "Threads to score with (default 0: every CPU available)")
      ->check(CLI::Range(0, 1024));
  cmd->callback([opt]() { run_score(*opt); });
}

}  // namespace lm::cli
