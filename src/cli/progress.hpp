// Progress bars on stderr, drawn only when stderr is a terminal (not
// TERM=dumb) and the log level is info or more detailed. They use no colour.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace lm::cli {

class ProgressBar {
 public:
  // unit: "MB" shows done/total as megabytes (bytes given), "" as counts.
  ProgressBar();
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  [[nodiscard]] bool enabled() const { return enabled_; }
  // Starts a phase (ends the previous one). total 0: unknown.
  void start(const std::string& phase, std::uint64_t total, const std::string& unit);
  // Redraws at most five times a second.
  void update(std::uint64_t done, std::uint64_t total);
  // Clears the bar line; logs "phase: seconds" at debug level.
  void end();

 private:
  void draw(std::uint64_t done, std::uint64_t total);

  bool enabled_;
  bool active_ = false;
  std::string phase_;
  std::string unit_;
  std::uint64_t total_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace lm::cli
