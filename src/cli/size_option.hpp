// Parsing sizes given on the command line.
#pragma once

#include <cstdint>
#include <string>

namespace lm::cli {

// "4G", "512M", "1.5g", "100000" (bytes), "30%" (of physical memory).
// Suffixes K, M, G, T are powers of 1024. Throws ConfigError naming option.
[[nodiscard]] std::uint64_t parse_memory_size(const std::string& text, const std::string& option);

}  // namespace lm::cli
