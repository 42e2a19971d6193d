#include "heap.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace lm::cli {

void use_huge_page_heap() {
  constexpr std::size_t kMiB = std::size_t{1} << 20;
  constexpr std::uintptr_t kHugePage = 2 * kMiB;
  // One arena: a worker thread's own arena would be a mapping of its own,
  // outside the huge pages (allocations are per batch, so the lock is cold).
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_MMAP_THRESHOLD, 32 * kMiB);   // the most glibc allows
  mallopt(M_TRIM_THRESHOLD, 256 * kMiB);  // keep freed memory: no fault twice
  mallopt(M_TOP_PAD, 64 * kMiB);
  // Grow the heap now (by the pad), then mark the grown part for huge pages;
  // the pad keeps later growth rare.
  void* block = std::malloc(8 * kMiB);
  if (block == nullptr) return;
  const auto begin = (reinterpret_cast<std::uintptr_t>(block) + kHugePage - 1) & ~(kHugePage - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(sbrk(0));
  std::free(block);
  // A sanitizer's allocator serves malloc outside the brk heap: nothing to mark.
  if (end == static_cast<std::uintptr_t>(-1) || begin >= end) return;
  madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // a failure leaves 4 KiB pages
}

}  // namespace lm::cli
