#include "util/huge_pages.hpp"

#include <sys/mman.h>

#include <cstdint>

namespace lm::detail {

void advise_huge_pages(void* p, std::size_t bytes) {
  const auto start = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t begin = huge_page_ceil(start);
  const std::uintptr_t end = (start + bytes) & ~(kHugePageBytes - 1);
  if (begin >= end) return;
  madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // a failure leaves 4 KiB pages
}

}  // namespace lm::detail
