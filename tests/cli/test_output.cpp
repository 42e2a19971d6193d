// The command-line output helpers: fast fixed-point formatting.
#include <catch2/catch.hpp>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <random>
#include <string>

#include "cli/fixed_format.hpp"

namespace {

std::string fixed(double v, int decimals) {
  fmt::memory_buffer out;
  lm::cli::append_fixed(out, v, decimals);
  return fmt::to_string(out);
}

}  // namespace

TEST_CASE("append_fixed writes exactly what fmt's {:.Nf} writes", "[output]") {
  std::vector<double> values = {0.0, -0.0, 1.0, -1.0, 0.5, 0.25, 0.125, 0.0078125, 2.5e-7, -2.5e-5, 0.0000005,
                                1e-12, -1e-12, 123456.789, 999999.9999995, 1e9, 1e20, -3.0e15, 0.999999949999,
                                std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                                std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::denorm_min()};
  // Exact binary ties at every precision: k / 2^m.
  for (int m = 1; m <= 30; ++m) {
    for (int k = 1; k < 64; k += 2) values.push_back(k / std::ldexp(1.0, m));
  }
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0), log10(-12.0, 0.0), wide(-1e6, 1e6);
  for (int i = 0; i < 200000; ++i) {
    values.push_back(unit(rng));
    values.push_back(std::pow(10.0, log10(rng)));
    values.push_back(log10(rng));
    values.push_back(wide(rng));
  }
  std::size_t wrong = 0;
  std::string first;
  for (double v : values) {
    for (int d : {0, 1, 2, 4, 6, 9}) {
      const std::string want = fmt::format("{:.{}f}", v, d);
      if (fixed(v, d) != want) {
        if (wrong++ == 0) first = fmt::format("{} with {} decimals: {} instead of {}", v, d, fixed(v, d), want);
      }
    }
  }
  INFO(first);
  CHECK(wrong == 0);
}
