#include <catch2/catch.hpp>

#include <unistd.h>

#include "lm/error.hpp"
#include "lm/memory_size.hpp"

using namespace lm;

TEST_CASE("parse_memory_size: suffixes are powers of 1024, % is of physical memory", "[memory]") {
  CHECK(parse_memory_size("4G") == 4ULL << 30);
  CHECK(parse_memory_size("4gb") == 4ULL << 30);
  CHECK(parse_memory_size("512M") == 512ULL << 20);
  CHECK(parse_memory_size("1.5g") == 3ULL << 29);
  CHECK(parse_memory_size("2000000") == 2000000);
  CHECK(parse_memory_size("1T") == 1ULL << 40);
  const double ram = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
  CHECK(parse_memory_size("50%") == static_cast<std::uint64_t>(ram * 50 / 100.0));
}

TEST_CASE("parse_memory_size: anything else, or less than 1M, is a ConfigError about memory", "[memory]") {
  for (const char* bad : {"", "abc", "4X", "-1G", "0", "101%", "nan", "1e30"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_memory_size(bad), ConfigError);
  }
  try {
    (void)parse_memory_size("4K");
    FAIL("4K accepted");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) == "memory 4K is too small; give at least 1M");
  }
}
