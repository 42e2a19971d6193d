// Sizes of memory as people write them: --memory 4G, lm.train(memory="50%").
#pragma once

#include <cstdint>
#include <string>

namespace lm {

// "4G", "512M", "1.5g", "100000" (bytes), "30%" (of physical memory).
// Suffixes K, M, G, T are powers of 1024. Throws ConfigError about the
// setting "memory" for anything else, or for less than 1M.
[[nodiscard]] std::uint64_t parse_memory_size(const std::string& text);

}  // namespace lm
