// Fast fixed-point formatting for the hot output paths (lm next, lm score).
#pragma once

#include <cmath>
#include <cstdint>
#include <fmt/format.h>

namespace lm::cli {

// Appends v with `decimals` (0..9) digits after the point: exactly what
// fmt's "{:.<decimals>f}" gives (tests/test_output.cpp checks it), about
// ten times faster. The value is scaled, and rounded by its fractional
// part; when that part is within 1e-6 of a half (where the scaling's
// rounding error could matter: a decimal tie of the binary value, or close
// to one), or the value is large, NaN or infinite, fmt formats it.
inline void append_fixed(fmt::memory_buffer& out, double v, int decimals) {
  static constexpr double kScale[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  static constexpr std::uint64_t kPow[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
                                           1000000000};
  const double a = std::fabs(v) * kScale[decimals];
  const double whole = std::floor(a);
  const double frac = a - whole;
  // a < 1e9: the scaling's error is below 1e9 * 2^-53 < 1.2e-7.
  if (!(a < 1e9) || std::fabs(frac - 0.5) < 1e-6) {
    fmt::format_to(std::back_inserter(out), "{:.{}f}", v, decimals);
    return;
  }
  const std::uint64_t r = static_cast<std::uint64_t>(whole) + (frac > 0.5 ? 1 : 0);
  char buf[40];
  char* end = buf + sizeof(buf);
  char* p = end;
  std::uint64_t fraction = r % kPow[decimals], integer = r / kPow[decimals];
  for (int i = 0; i < decimals; ++i) {
    *--p = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  if (decimals > 0) *--p = '.';
  do {
    *--p = static_cast<char>('0' + integer % 10);
    integer /= 10;
  } while (integer != 0);
  if (std::signbit(v)) *--p = '-';
  out.append(p, end);
}

}  // namespace lm::cli
