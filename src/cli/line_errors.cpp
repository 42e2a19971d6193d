#include "line_errors.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace lm::cli {

void LineErrors::add(LineProblem problem, std::string_view message) {
  if (counts_[static_cast<std::size_t>(problem)]++ == 0) {
    spdlog::warn("{} [such lines get an error record, and further ones with {} are counted, not shown]", message,
                 line_problem_name(problem));
  }
}

std::uint64_t LineErrors::total() const {
  std::uint64_t n = 0;
  for (std::uint64_t c : counts_) n += c;
  return n;
}

void LineErrors::finish(std::uint64_t lines, std::string_view what) const {
  const std::uint64_t failed = total();
  if (failed == 0) return;
  std::string kinds;
  for (std::size_t k = 0; k < counts_.size(); ++k) {
    if (counts_[k] == 0) continue;
    kinds += fmt::format("{}{}: {}", kinds.empty() ? "" : ", ", line_problem_name(static_cast<LineProblem>(k)),
                         counts_[k]);
  }
  spdlog::warn("{} of {} input lines could not be {} ({}); their records say why (exit status {})", failed, lines,
               what, kinds, kExitSomeLinesFailed);
  throw SomeLinesFailed{};
}

}  // namespace lm::cli
