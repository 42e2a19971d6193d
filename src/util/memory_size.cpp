#include "lm/memory_size.hpp"

#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <unistd.h>

#include "lm/error.hpp"

namespace lm {

std::uint64_t parse_memory_size(const std::string& text) {
  const auto bad = [&]() {
    return ConfigError("", fmt::format("{{memory}} {}: give a size such as 4G, 500M or 50%", ConfigError::literal(text)));
  };
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    throw bad();
  }
  if (!std::isfinite(value) || value <= 0) throw bad();
  std::string suffix = text.substr(used);
  for (char& c : suffix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (suffix.size() == 2 && suffix[1] == 'B') suffix.pop_back();  // "4GB"
  double bytes = 0;
  if (suffix == "%") {
    if (value > 100) throw bad();
    const double ram = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
    bytes = ram * value / 100.0;
  } else if (suffix.empty() || suffix == "B") {
    bytes = value;
  } else if (suffix == "K") {
    bytes = value * 1024.0;
  } else if (suffix == "M") {
    bytes = value * 1024.0 * 1024.0;
  } else if (suffix == "G") {
    bytes = value * 1024.0 * 1024.0 * 1024.0;
  } else if (suffix == "T") {
    bytes = value * 1024.0 * 1024.0 * 1024.0 * 1024.0;
  } else {
    throw bad();
  }
  if (bytes < 1024.0 * 1024.0) {
    throw ConfigError("", fmt::format("{{memory}} {} is too small; give at least 1M", ConfigError::literal(text)));
  }
  if (bytes > 1e18) throw bad();
  return static_cast<std::uint64_t>(bytes);
}

}  // namespace lm
