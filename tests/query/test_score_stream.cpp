#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <stdexcept>
#include <string>
#include <vector>

#include "lm/error.hpp"
#include "lm/score_stream.hpp"
#include "test_util.hpp"

using namespace lm;

namespace {

Model toy_model() { return estimate(test::count_file(test::test_data("toy.txt"), 3)).model; }

// n sentences of toy.txt's words and some it lacks (OOVs), of varied length.
std::vector<std::string> make_lines(std::size_t n) {
  static const char* const kWords[] = {"the", "mouse", "ate", "cheese", "cat",
                                       "dog", "chased", "ran", "zebra", "<unk>"};
  std::vector<std::string> lines;
  std::uint64_t x = 12345;
  for (std::size_t i = 0; i < n; ++i) {
    std::string line;
    const std::size_t length = i % 13;  // some empty lines too
    for (std::size_t k = 0; k < length; ++k) {
      x = x * 6364136223846793005u + 1442695040888963407u;
      if (k > 0) line += ' ';
      line += kWords[(x >> 33) % std::size(kWords)];
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

// What the test's render writes for a line: enough to show that it saw the
// line's words, score and factors.
void render_line(fmt::memory_buffer& out, std::string_view source, std::uint64_t line_number, std::string_view text,
                 const std::vector<std::string_view>& words, const SentenceScore& score) {
  fmt::format_to(std::back_inserter(out), "{}:{} [{}] {} {} {} {} |", source, line_number, text,
                 fmt::join(words, " "), score.log10_prob, score.tokens, score.oovs);
  for (const TokenScore& f : score.factors) {
    fmt::format_to(std::back_inserter(out), " {}:{}:{}", f.token, f.score.log10_prob, f.score.ngram_order);
  }
  out.push_back('\n');
}

void render_slice(const ScoredSlice& slice, fmt::memory_buffer& out) {
  for (const ScoredLine& line : slice.lines) {
    if (line.ok()) {
      render_line(out, slice.source, line.line_number, line.text, {line.words.begin(), line.words.end()},
                  line.score);
    } else {
      fmt::format_to(std::back_inserter(out), "ERROR {}\n", line.message);
    }
  }
}

// A line as delivered (the views copied).
struct Delivered {
  std::string source;
  std::uint64_t line_number;
  std::string text;
  LineProblem problem;
  std::string message;
  SentenceScore score;
};

// Everything a stream delivered.
struct Sink {
  std::string rendered;
  std::vector<Delivered> lines;
  std::size_t slices = 0;
  bool stopped = false;     // a slice came with stopped set
  bool mixed_source = false;  // a slice's lines came from two sources (never: they share slice.source)

  ScoreStream::Deliver deliver() {
    return [this](const ScoredSlice& slice, std::string_view bytes) {
      rendered.append(bytes);
      ++slices;
      stopped = stopped || slice.stopped;
      for (const ScoredLine& line : slice.lines) {
        if (!line.words.empty() || !line.score.factors.empty()) throw std::logic_error("words kept for deliver");
        lines.push_back({std::string(slice.source), line.line_number, std::string(line.text), line.problem,
                         std::string(line.message), line.score});
      }
    };
  }
};

struct Input {
  std::string source;
  std::uint64_t line_number;
  std::string text;
};

// The lines, the first half from "a.txt" and the rest from "b.txt", numbered from 1 in each.
std::vector<Input> as_input(const std::vector<std::string>& lines) {
  std::vector<Input> input;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const bool first = i < lines.size() / 2;
    input.push_back({first ? "a.txt" : "b.txt", first ? i + 1 : i + 1 - lines.size() / 2, lines[i]});
  }
  return input;
}

void feed(ScoreStream& stream, const std::vector<Input>& input) {
  for (const Input& in : input) stream.add(in.text, in.source, in.line_number);
  stream.finish();
}

// What render_slice and the sink should get: each line tokenized and scored
// alone with score_sentence (the chain rule of score_word).
std::string expected_rendering(const Model& model, const std::vector<Input>& input, bool keep_factors) {
  fmt::memory_buffer out;
  std::vector<std::string_view> words;
  for (const Input& in : input) {
    const LineCheck check = tokenize_line(in.text, &words);
    if (!check.ok()) {
      fmt::format_to(std::back_inserter(out), "ERROR {}\n",
                     FormatError(in.source, in.line_number, describe_line_problem(in.text, check)).what());
      continue;
    }
    render_line(out, in.source, in.line_number, in.text, words, score_sentence(model, words, keep_factors));
  }
  return fmt::to_string(out);
}

// The first of the first count lines of sink that differs from input[i]
// tokenized and scored alone (count when none does).
std::size_t first_difference(const Model& model, const std::vector<Input>& input, const Sink& sink,
                             std::size_t count) {
  std::vector<std::string_view> words;
  for (std::size_t i = 0; i < count; ++i) {
    const Delivered& d = sink.lines[i];
    if (d.source != input[i].source || d.line_number != input[i].line_number || d.text != input[i].text) return i;
    const LineCheck check = tokenize_line(input[i].text, &words);
    if (d.problem != check.problem) return i;
    const SentenceScore alone = check.ok() ? score_sentence(model, words) : SentenceScore{};
    // Exactly: the same sums in the same order.
    if (d.score.log10_prob != alone.log10_prob || d.score.oov_log10_prob != alone.oov_log10_prob ||
        d.score.tokens != alone.tokens || d.score.oovs != alone.oovs) {
      return i;
    }
  }
  return count;
}

void check_delivered(const Model& model, const std::vector<Input>& input, const Sink& sink, std::size_t count) {
  REQUIRE(sink.lines.size() == count);
  CHECK(first_difference(model, input, sink, count) == count);
}

// Enough lines for many slices: more than the 8 a thread that ScoreStream
// keeps in flight, so that slices are reused.
constexpr std::size_t kManyLines = 60000;

}  // namespace

TEST_CASE("ScoreStream delivers every line in input order, scored as alone", "[score_stream]") {
  const Model model = toy_model();
  const std::vector<Input> input = as_input(make_lines(kManyLines));
  for (unsigned threads : {1u, 4u}) {
    for (bool keep_factors : {false, true}) {
      INFO("threads " << threads << ", keep_factors " << keep_factors);
      Sink sink;
      ScoreStream stream(model, {.threads = threads, .keep_factors = keep_factors}, render_slice, sink.deliver());
      CHECK(stream.threads() >= 1);
      feed(stream, input);
      CHECK(stream.lines() == input.size());
      check_delivered(model, input, sink, input.size());
      CHECK(sink.rendered == expected_rendering(model, input, keep_factors));
      // Several slots' worth of slices, each about kSliceBytes or less.
      std::size_t bytes = 0;
      for (const Input& in : input) bytes += in.text.size();
      CHECK(bytes > 8 * threads * ScoreStream::kSliceBytes);
      CHECK(sink.slices >= bytes / (ScoreStream::kSliceBytes + 64));
      CHECK(!sink.stopped);
    }
  }
}

TEST_CASE("ScoreStream without a render callback still delivers the scores", "[score_stream]") {
  const Model model = toy_model();
  const std::vector<Input> input = as_input(make_lines(5000));
  Sink sink;
  ScoreStream stream(model, {.threads = 2}, nullptr, sink.deliver());
  feed(stream, input);
  CHECK(sink.rendered.empty());
  check_delivered(model, input, sink, input.size());
}

namespace {

// kManyLines lines with a NUL byte in line 3001 and invalid UTF-8 in lines
// 3002 and 50000 (counting from 1, in a.txt, then b.txt).
std::vector<Input> input_with_bad_lines() {
  std::vector<std::string> lines = make_lines(kManyLines);
  lines[3000] = std::string("the cat\0 ate", 12);
  lines[3001] = "the caf\xe9 ate";
  lines[49999] = "\xff";
  return as_input(lines);
}

}  // namespace

TEST_CASE("ScoreStream reports a line it cannot tokenize in its place", "[score_stream]") {
  const Model model = toy_model();
  const std::vector<Input> input = input_with_bad_lines();
  for (unsigned threads : {1u, 4u}) {
    INFO("threads " << threads);
    Sink sink;
    ScoreStream stream(model, {.threads = threads, .keep_factors = true}, render_slice, sink.deliver());
    feed(stream, input);
    check_delivered(model, input, sink, input.size());
    CHECK(sink.rendered == expected_rendering(model, input, true));
    CHECK(sink.lines[3000].problem == LineProblem::kNulByte);
    CHECK(sink.lines[3000].message.starts_with("a.txt:3001: NUL byte at byte 8"));
    CHECK(sink.lines[3001].problem == LineProblem::kInvalidUtf8);
    CHECK(sink.lines[3001].message.starts_with("a.txt:3002: "));
    CHECK(sink.lines[49999].problem == LineProblem::kInvalidUtf8);
    CHECK(sink.lines[49999].message.starts_with(fmt::format("b.txt:{}: ", 50000 - kManyLines / 2)));
    std::size_t failed = 0;
    for (const Delivered& d : sink.lines) failed += d.problem != LineProblem::kNone;
    CHECK(failed == 3);
  }
}

TEST_CASE("ScoreStream with strict delivers the lines before the first bad one, then throws", "[score_stream]") {
  const Model model = toy_model();
  const std::vector<Input> input = input_with_bad_lines();
  for (unsigned threads : {1u, 4u}) {
    INFO("threads " << threads);
    Sink sink;
    ScoreStream stream(model, {.threads = threads, .strict = true}, render_slice, sink.deliver());
    try {
      feed(stream, input);
      FAIL("no FormatError");
    } catch (const FormatError& e) {
      CHECK(e.path() == "a.txt");
      CHECK(e.line() == 3001);
      CHECK(std::string(e.what()).starts_with("a.txt:3001: NUL byte"));
    }
    check_delivered(model, input, sink, 3000);
    const std::vector<Input> before(input.begin(), input.begin() + 3000);
    CHECK(sink.rendered == expected_rendering(model, before, false));
    CHECK(sink.slices > 1);  // the slices before the one that stopped, and that one
    CHECK(sink.stopped);
  }
}

TEST_CASE("ScoreStream rethrows an exception from render when its slice's turn comes", "[score_stream]") {
  const Model model = toy_model();
  const std::vector<Input> input = as_input(make_lines(kManyLines));
  auto render = [](const ScoredSlice& slice, fmt::memory_buffer& out) {
    for (const ScoredLine& line : slice.lines) {
      if (slice.source == "b.txt" && line.line_number == 10) throw std::runtime_error("render failed");
    }
    render_slice(slice, out);
  };
  Sink sink;
  ScoreStream stream(model, {.threads = 4}, render, sink.deliver());
  CHECK_THROWS_WITH(feed(stream, input), "render failed");
  // Every slice of a.txt was delivered (a slice holds lines of one source), none after.
  REQUIRE(sink.lines.size() == kManyLines / 2);
  CHECK(sink.lines.back().source == "a.txt");
}

TEST_CASE("ScoreStream when interactive delivers each line before add returns", "[score_stream]") {
  const Model model = toy_model();
  const std::vector<Input> input = input_with_bad_lines();
  Sink sink;
  ScoreStream stream(model, {.threads = 2, .interactive = true}, render_slice, sink.deliver());
  for (std::size_t i = 2995; i < 3005; ++i) {
    stream.add(input[i].text, input[i].source, input[i].line_number);
    REQUIRE(sink.lines.size() == i - 2994);
    CHECK(sink.lines.back().text == input[i].text);
    CHECK(sink.slices == i - 2994);
  }
  stream.finish();
  CHECK(sink.lines.size() == 10);
  CHECK(sink.lines[5].problem == LineProblem::kNulByte);
}
