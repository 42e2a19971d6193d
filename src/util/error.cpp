#include "lm/error.hpp"

#include <fmt/format.h>

namespace lm {

namespace {
std::string where(const std::string& path, std::uint64_t line) {
  return line == 0 ? fmt::format("{}: ", path) : fmt::format("{}:{}: ", path, line);
}
}  // namespace

FormatError::FormatError(const std::string& path, std::uint64_t line, const std::string& message)
    : Error(where(path, line) + message), path_(path), line_(line) {}

}  // namespace lm
