// Input lines that lm score and lm next cannot use (see lm::tokenize_line):
// by default each gets an error record in its place in the output and the
// rest go on; the first line of each kind is warned about on stderr, and the
// run ends with a count and exit status 3. With --strict the first such line
// stops the run (exit 1), as a corpus error stops training.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "lm/tokenizer.hpp"

namespace lm::cli {

// Exit status of a run that answered every line but some with an error record.
inline constexpr int kExitSomeLinesFailed = 3;

// Thrown at the end of such a run, after all output; main returns
// kExitSomeLinesFailed (the warnings are already on stderr).
struct SomeLinesFailed {};

class LineErrors {
 public:
  // Records a line that failed; message is "source:line: what is wrong".
  // Warns on stderr for the first line of each kind.
  void add(LineProblem problem, std::string_view message);
  [[nodiscard]] std::uint64_t total() const;
  // When lines failed: warns with their count by kind, out of `lines`
  // (what: "scored", "answered") and throws SomeLinesFailed.
  void finish(std::uint64_t lines, std::string_view what) const;

 private:
  std::array<std::uint64_t, kLineProblems> counts_{};
};

}  // namespace lm::cli
