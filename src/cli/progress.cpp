#include "progress.hpp"

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

namespace lm::cli {

namespace {

std::string amount(std::uint64_t v, const std::string& unit) {
  if (unit == "MB") return fmt::format("{:.1f} MB", static_cast<double>(v) / 1e6);
  if (v >= 10'000'000) return fmt::format("{:.1f}M", static_cast<double>(v) / 1e6);
  return fmt::format("{}", v);
}

std::string clock(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

namespace {

// A bar redraws its line with a carriage return and an erase-line escape:
// only on a terminal that understands them (not TERM=dumb, as in Emacs
// shells), and never into a file or a pipe.
bool can_draw() {
  if (isatty(STDERR_FILENO) == 0) return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::string_view(term) != "dumb";
}

}  // namespace

ProgressBar::ProgressBar() : enabled_(can_draw() && spdlog::get_level() <= spdlog::level::info) {}

ProgressBar::~ProgressBar() {
  if (active_ && enabled_) std::fprintf(stderr, "\r\033[K");
}

void ProgressBar::start(const std::string& phase, std::uint64_t total, const std::string& unit) {
  end();
  phase_ = phase;
  unit_ = unit;
  total_ = total;
  active_ = true;
  start_ = std::chrono::steady_clock::now();
  last_draw_ = {};
  if (enabled_) draw(0, total);
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total) {
  if (!enabled_ || !active_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  draw(done, total != 0 ? total : total_);
}

void ProgressBar::draw(std::uint64_t done, std::uint64_t total) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  // A rate only means something after a while, and for bytes or many items.
  std::string rate_text;
  if (elapsed >= 1.0 && (unit_ == "MB" || total >= 1000)) {
    rate_text = unit_ == "MB" ? fmt::format("  {:.1f} MB/s", rate / 1e6) : "  " + amount(static_cast<std::uint64_t>(rate), "") + "/s";
  }
  std::string line;
  if (total > 0) {
    const double f = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(f * kWidth);
    const std::string bar = std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(kWidth - filled), '.');
    const std::string eta = done > 0 ? clock(elapsed * (1.0 - f) / f) : "?";
    line = fmt::format("{:<10} [{}] {:3.0f}%  {} / {}{}  ETA {}", phase_, bar, 100 * f, amount(done, unit_),
                       amount(total, unit_), rate_text, eta);
  } else if (done > 0) {
    line = fmt::format("{:<10} {}{}  {}", phase_, amount(done, unit_), rate_text, clock(elapsed));
  } else {
    line = fmt::format("{:<10} {}", phase_, clock(elapsed));
  }
  std::fprintf(stderr, "\r%s\033[K", line.c_str());
  std::fflush(stderr);
}

void ProgressBar::end() {
  if (!active_) return;
  active_ = false;
  if (enabled_) std::fprintf(stderr, "\r\033[K");
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  spdlog::debug("{}: {:.2f} s (peak memory so far {:.0f} MB)", phase_, elapsed,
                static_cast<double>(usage.ru_maxrss) / 1024.0);
}

}  // namespace lm::cli
