// Scoring a stream of lines (a file, standard input, a user typing) on
// several threads, with the results handed back in input order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <fmt/format.h>

#include "lm/mixture.hpp"
#include "lm/model.hpp"
#include "lm/scorer.hpp"
#include "lm/tokenizer.hpp"

namespace lm {

struct ScoreStreamOptions {
  // Threads to score on, the caller's included; 0: every CPU this process
  // may use (available_cpus()).
  unsigned threads = 0;
  // Fill ScoredLine::score.factors (one per token) for the render callback.
  bool keep_factors = false;
  // The first line that cannot be scored ends the stream with a FormatError,
  // instead of being reported in its place (ScoredLine::problem).
  bool strict = false;
  // Score and deliver each line as soon as it is added (a user typing, a
  // program waiting for each answer), instead of in slices of many lines.
  bool interactive = false;
};

// One input line and what became of it.
struct ScoredLine {
  std::string_view text;  // the line as added
  std::uint64_t line_number = 0;
  // kNone: the line was scored. Otherwise it could not be tokenized
  // (lm/tokenizer.hpp) and stands in its place with an empty score.
  LineProblem problem = LineProblem::kNone;
  std::string_view message;  // when it failed: "source:line: what is wrong", as FormatError says it
  SentenceScore score;       // <s> words </s>; factors only with keep_factors, and only while rendering
  std::span<const std::string_view> words;  // the words scored; only while rendering
  [[nodiscard]] bool ok() const { return problem == LineProblem::kNone; }
};

// Consecutive lines of one source, in input order.
struct ScoredSlice {
  std::string_view source;
  std::span<const ScoredLine> lines;
  // With strict only: the line after the last of `lines` could not be
  // scored; its FormatError is thrown when deliver returns.
  bool stopped = false;
};

// Scores lines on a pool of threads and hands each one back in the order
// added. Lines are gathered into slices of about kSliceBytes; any free thread
// takes the next slice (no barrier), tokenizes it, scores it and renders it
// (formats its output, in parallel); the slices are then delivered one by one
// in input order on the caller's thread. Unless interactive, slices are held
// back while the input may still be small; once it is large
// (kLargeInputPerThread per thread) the model is read in whole first
// (Buffer::prefault) and they are released.
//
// Callbacks:
//  - render(slice, out): appends the slice's output bytes to out (empty at
//    each call). Called on any of the threads, several at a time for
//    different slices, so it must only touch the slice, out, and data that
//    is safe to read from several threads. May be empty (nothing rendered).
//  - deliver(slice, rendered): called on the caller's thread, from inside
//    add() or finish(), once per slice in input order, with the bytes render
//    wrote. Here the lines' words and score.factors are empty (they lived in
//    a thread's working space, reused since). It may throw: the exception
//    leaves add() or finish().
// The views in a slice are valid only during the call they are passed to.
//
// Errors: with strict, the first line that cannot be scored ends its slice;
// the lines before it are rendered and delivered (stopped set), then its
// FormatError is thrown from add() or finish(). An exception from render is
// thrown likewise when its slice's turn comes (none of the slice is
// delivered). After add() or finish() throws, the stream can only be
// destroyed; slices not yet delivered are dropped.
class ScoreStream {
 public:
  // Slices are small, so that a thread's tokens and scores (about 40 bytes
  // a token) stay in its cache and the process touches little fresh memory.
  static constexpr std::size_t kSliceBytes = std::size_t{32} << 10;
  // An input this large will read much of the model: it is mapped whole
  // first (see the class comment).
  static constexpr std::size_t kLargeInputPerThread = std::size_t{256} << 10;

  using Render = std::function<void(const ScoredSlice&, fmt::memory_buffer&)>;
  using Deliver = std::function<void(const ScoredSlice&, std::string_view)>;

  // The model must outlive the stream. Starts the threads (fewer than asked
  // when the system gives no more: see threads()).
  ScoreStream(const Model& model, const ScoreStreamOptions& options, Render render, Deliver deliver);
  // The same for a mixture of models (lm/mixture.hpp), which (and whose
  // models) must outlive the stream.
  ScoreStream(const Mixture& mixture, const ScoreStreamOptions& options, Render render, Deliver deliver);
  // Waits for the slices being scored; delivers nothing more (call finish()
  // first).
  ~ScoreStream();
  ScoreStream(const ScoreStream&) = delete;
  ScoreStream& operator=(const ScoreStream&) = delete;

  // The threads scoring runs on, the caller's included.
  [[nodiscard]] unsigned threads() const;

  // Adds a line (without its newline); source names where it comes from
  // (a file name, for messages), line_number its place there. May deliver
  // slices done meanwhile, or score one when every slice is in flight; when
  // interactive, scores and delivers this line before returning. Throws as
  // the class comment says.
  void add(std::string_view text, const std::string& source, std::uint64_t line_number);

  // Lines added so far.
  [[nodiscard]] std::uint64_t lines() const;

  // Scores and delivers every line added. Throws as the class comment says.
  void finish();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lm
