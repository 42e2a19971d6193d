// Checks use_huge_page_heap (src/cli/heap.cpp): the blocks a command
// allocates after it (lm score's reading buffer and slices) lie in 2 MiB
// ranges that the kernel may back with huge pages, not in the part of the
// heap below its first 2 MiB boundary, where each 4 KiB page is a fault of
// its own. A test program of its own, since it changes how this process's
// malloc works. Exit 0: passed; 1: failed; 77: skipped (with the reason),
// where the system gives no transparent huge pages or malloc does not use
// the brk heap (a sanitizer's allocator).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "util/huge_pages.hpp"
#include "heap.hpp"

namespace {

using lm::detail::kHugePageBytes;

struct Mapping {
  std::uintptr_t begin = 0, end = 0;
  int thp_eligible = -1;  // -1: the kernel does not say
};

std::vector<Mapping> read_mappings() {
  std::vector<Mapping> out;
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  while (std::getline(smaps, line)) {
    unsigned long long begin = 0, end = 0;
    char dash = 0;
    std::istringstream head(line);
    if (line.find(':') == std::string::npos || line.find('-') < line.find(':')) {
      if (head >> std::hex >> begin >> dash >> end && dash == '-') {
        out.push_back({static_cast<std::uintptr_t>(begin), static_cast<std::uintptr_t>(end), -1});
        continue;
      }
    }
    if (!out.empty() && line.rfind("THPeligible:", 0) == 0) out.back().thp_eligible = std::atoi(line.c_str() + 12);
  }
  return out;
}

std::string thp_mode() {
  std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string s;
  std::getline(f, s);
  return s;
}

// 0 when every block's 2 MiB range lies in a mapping that may take huge pages.
int check(const std::vector<void*>& blocks) {
  const auto brk_end = reinterpret_cast<std::uintptr_t>(sbrk(0));
  const std::vector<Mapping> maps = read_mappings();
  int failed = 0;
  for (void* block : blocks) {
    const auto p = reinterpret_cast<std::uintptr_t>(block);
    if (p >= brk_end) {
      std::printf("SKIPPED: malloc does not serve blocks from the brk heap here (a sanitizer?)\n");
      return 77;
    }
    const std::uintptr_t range = p & ~(kHugePageBytes - 1);  // the 2 MiB range that holds the block's start
    const Mapping* in = nullptr;
    for (const Mapping& m : maps) {
      if (m.begin <= p && p < m.end) in = &m;
    }
    if (in == nullptr || in->thp_eligible < 0) {
      std::printf("SKIPPED: /proc/self/smaps does not say which mappings may take huge pages\n");
      return 77;
    }
    if (in->thp_eligible != 1 || range < in->begin || range + kHugePageBytes > in->end) {
      std::printf("FAILED: block at %#llx: its 2 MiB range [%#llx, %#llx) is not wholly in a mapping that may take "
                  "huge pages (mapping [%#llx, %#llx), THPeligible %d)\n",
                  static_cast<unsigned long long>(p), static_cast<unsigned long long>(range),
                  static_cast<unsigned long long>(range + kHugePageBytes), static_cast<unsigned long long>(in->begin),
                  static_cast<unsigned long long>(in->end), in->thp_eligible);
      ++failed;
    }
  }
  if (failed > 0) return 1;
  std::printf("%zu blocks, all in huge-page ranges\n", blocks.size());
  return 0;
}

}  // namespace

int main() {
  const std::string mode = thp_mode();
  if (mode.empty() || mode.find("[never]") != std::string::npos) {
    std::printf("SKIPPED: transparent huge pages are off here (%s)\n", mode.empty() ? "no THP support" : mode.c_str());
    return 77;
  }
  lm::cli::use_huge_page_heap();
  // What lm score allocates first: a 256 KiB reading buffer, then slices.
  std::vector<void*> blocks{std::malloc(std::size_t{256} << 10)};
  for (int i = 0; i < 16; ++i) blocks.push_back(std::malloc(std::size_t{40} << 10));
  const int result = check(blocks);
  for (void* block : blocks) std::free(block);
  return result;
}
