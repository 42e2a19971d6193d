// ScoreStream: slices of lines scored on an OrderedPool, delivered in input order.
#include "lm/score_stream.hpp"

#include <exception>
#include <utility>
#include <vector>

#include "lm/error.hpp"
#include "lm/parallel.hpp"
#include "lm/tokenizer.hpp"

namespace lm {

namespace {

// A line that could not be scored: its index in the slice, and why.
struct LineFailure {
  std::size_t index;
  LineProblem problem;
  std::string message;  // "source:line: what"
};

// Lines read, to be scored by one task and delivered in input order; their
// buffers are reused from task to task.
struct Slice {
  std::string text;                // the lines, concatenated
  std::vector<std::size_t> ends;   // line i is text[ends[i-1], ends[i])
  std::vector<std::uint64_t> line;
  std::string source;
  std::vector<ScoredLine> results;    // one per line scored (strict: up to the first that failed)
  std::vector<LineFailure> failures;  // lines that could not be scored, in order (their messages)
  fmt::memory_buffer out;             // what render wrote
  bool stopped = false;               // strict: the first line that failed ended the slice
  bool completed = false;             // scored and rendered (nothing threw): to deliver
  std::exception_ptr error;           // thrown once the slice's turn comes

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
  [[nodiscard]] ScoredSlice view() const { return {source, results, stopped}; }
  void clear() {
    out.clear();
    results.clear();
    failures.clear();
    text.clear();
    ends.clear();
    line.clear();
    stopped = false;
    completed = false;
  }
};

// A thread's working space, reused from slice to slice: a slice's tokens are
// in it only while the slice is scored.
struct Scratch {
  Tokenizer tokenizer;  // as the model reads text
  TokenStore kept;      // the slice's tokens, when the tokenizer's views do not outlive its call
  std::vector<std::string_view> words;
  SentenceBatch sentences;
  MixtureBatch mixed;  // instead of sentences, for a mixture of models
};

// Tokenizes and scores the lines of s into s.results (their words in
// scratch). A line that cannot be scored keeps its place with an empty
// sentence; with strict it ends the slice instead (the lines before it are
// scored).
void score_slice(const Model* model, const Mixture* mixture, const ScoreStreamOptions& opt, Slice& s,
                 Scratch& scratch) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const LineCheck check = scratch.tokenizer.tokenize(s.at(i), &scratch.words);
    if (!check.ok()) {
      const FormatError error(s.source, s.line[i], describe_line_problem(s.at(i), check));
      if (opt.strict) {
        s.error = std::make_exception_ptr(error);
        s.stopped = true;
        break;
      }
      s.failures.push_back({i, check.problem, error.what()});
      scratch.words.clear();  // an empty sentence holds the line's place in the batch
    }
    if (!scratch.tokenizer.views_outlive_call()) scratch.kept.keep(&scratch.words);
    if (mixture != nullptr) {
      scratch.mixed.add(scratch.words);
    } else {
      scratch.sentences.add(scratch.words);
    }
  }
  SentenceBatch& sentences = scratch.sentences;
  MixtureBatch& mixed = scratch.mixed;
  if (mixture != nullptr) {
    mixed.score(*mixture);
  } else {
    sentences.score(*model);
  }
  const std::size_t n = mixture != nullptr ? mixed.size() : sentences.size();
  auto failure = s.failures.begin();
  for (std::size_t i = 0; i < n; ++i) {
    ScoredLine& r = s.results.emplace_back();
    r.text = s.at(i);
    r.line_number = s.line[i];
    if (failure != s.failures.end() && failure->index == i) {
      r.problem = failure->problem;
      r.message = failure->message;
      ++failure;
      continue;
    }
    if (mixture != nullptr) {
      r.score = mixed.result(i, opt.keep_factors);
      r.words = mixed.words(i);
    } else {
      r.score = sentences.result(i, opt.keep_factors);
      r.words = sentences.words(i);
    }
  }
}

}  // namespace

// Scores the input in slices of about kSliceBytes on an OrderedPool: the
// threads score the slices read while the caller reads on (and scores too,
// when every slice is in flight); the slices are delivered in input order.
// No barrier: a thread that is done takes the next slice.
class ScoreStream::Impl {
 public:
  Impl(const Model* model, const Mixture* mixture, const ScoreStreamOptions& opt, unsigned threads, Render render,
       Deliver deliver)
      : model_(model), mixture_(mixture), opt_(opt), render_(std::move(render)), deliver_(std::move(deliver)),
        large_input_(kLargeInputPerThread * threads),
        // Slots enough to hold a large input's first bytes (8 per thread,
        // which keeps every thread busy while the caller reads).
        slices_(large_input_ / kSliceBytes), scratch_(threads),
        pool_(
            threads, slices_.size(),
            [this](std::size_t slot, unsigned thread) { run(slices_[slot], scratch_[thread]); },
            [this](std::size_t slot) { deliver_slice(slices_[slot]); }) {
    const TextOptions& text = model != nullptr ? model->info().text : mixture->model(0).info().text;
    for (Scratch& s : scratch_) s.tokenizer = Tokenizer(text);
  }

  [[nodiscard]] unsigned threads() const { return pool_.threads(); }

  void add(std::string_view text, const std::string& source, std::uint64_t line) {
    // A slice holds the lines of one source (-i a.txt -i b.txt), for messages.
    if (open_ != nullptr && open_->size() > 0 && open_->source != source) close_slice();
    if (open_ == nullptr) open_ = &slices_[pool_.next_slot()];
    open_->add(text, source, line);
    ++lines_;
    if (opt_.interactive) {
      open_ = nullptr;
      pool_.drain();
      return;
    }
    if (open_->text.size() >= kSliceBytes) close_slice();
  }

  [[nodiscard]] std::uint64_t lines() const { return lines_; }

  void finish() {
    open_ = nullptr;
    pool_.drain();
  }

 private:
  // The pool's task: it must not throw.
  void run(Slice& s, Scratch& scratch) {
    try {
      score_slice(model_, mixture_, opt_, s, scratch);
      if (render_) render_(s.view(), s.out);
      s.completed = true;
    } catch (...) {
      s.error = std::current_exception();
    }
    // The words (and the factors' tokens) point into scratch, which the next
    // slice reuses; the factors are dropped to keep the slices small.
    for (ScoredLine& r : s.results) {
      r.words = {};
      if (opt_.keep_factors) r.score.factors = {};
    }
    scratch.sentences.clear();
    scratch.mixed.clear();
    scratch.kept.clear();
  }

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
      if (mixture_ != nullptr) {
        for (std::size_t i = 0; i < mixture_->size(); ++i) mixture_->model(i).buffer().prefault();
      } else {
        model_->buffer().prefault();
      }
      large_ = true;
    }
    open_ = nullptr;
    pool_.submit();
  }

  void deliver_slice(Slice& s) {
    if (s.completed && deliver_) deliver_(s.view(), std::string_view(s.out.data(), s.out.size()));
    s.clear();
    if (s.error) std::rethrow_exception(std::exchange(s.error, nullptr));
  }

  const Model* model_;      // one model, or
  const Mixture* mixture_;  // a mixture of models (then model_ is null)
  const ScoreStreamOptions opt_;
  const Render render_;
  const Deliver deliver_;
  const std::size_t large_input_;
  std::vector<Slice> slices_;     // the pool's slots
  std::vector<Scratch> scratch_;  // one per thread
  Slice* open_ = nullptr;         // the slice being read into
  std::size_t held_ = 0;          // bytes in the slices held (not yet known to be large)
  bool large_ = false;            // the input is large: the model is mapped whole
  std::uint64_t lines_ = 0;
  OrderedPool pool_;  // last: stopped first, before what its tasks use
};

ScoreStream::ScoreStream(const Model& model, const ScoreStreamOptions& options, Render render, Deliver deliver)
    : impl_(std::make_unique<Impl>(&model, nullptr, options,
                                   options.threads == 0 ? available_cpus() : options.threads, std::move(render),
                                   std::move(deliver))) {}

ScoreStream::ScoreStream(const Mixture& mixture, const ScoreStreamOptions& options, Render render, Deliver deliver)
    : impl_(std::make_unique<Impl>(nullptr, &mixture, options,
                                   options.threads == 0 ? available_cpus() : options.threads, std::move(render),
                                   std::move(deliver))) {}

ScoreStream::~ScoreStream() = default;

unsigned ScoreStream::threads() const { return impl_->threads(); }

void ScoreStream::add(std::string_view text, const std::string& source, std::uint64_t line_number) {
  impl_->add(text, source, line_number);
}

std::uint64_t ScoreStream::lines() const { return impl_->lines(); }

void ScoreStream::finish() { impl_->finish(); }

}  // namespace lm
