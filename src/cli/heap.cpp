#include "heap.hpp"

#include <malloc.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <new>

#include "util/huge_pages.hpp"

namespace lm::cli {

namespace {
// The block that fills the heap up to its first huge page (never freed; kept
// in a volatile: a compiler drops an allocation whose result is unused).
void* volatile filler = nullptr;
}  // namespace

void use_huge_page_heap() {
  constexpr std::size_t kMiB = std::size_t{1} << 20;
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
  const auto begin = reinterpret_cast<std::uintptr_t>(block);
  const auto end = reinterpret_cast<std::uintptr_t>(sbrk(0));
  // A sanitizer's allocator serves malloc outside the brk heap: nothing to mark.
  if (end == static_cast<std::uintptr_t>(-1) || begin >= end) {
    std::free(block);
    return;
  }
  lm::detail::advise_huge_pages(block, end - begin);
  std::free(block);
  // Only whole 2 MiB pages can be huge, and the heap's free part starts
  // where static initialization left it, up to 2 MiB below the first one.
  // Blocks put there (the first ones a command allocates: reading buffers,
  // scoring's slices) took a 4 KiB page fault each, 175-538 when scoring
  // gutenberg.test (docs/BENCHMARKS.md, run 32). A block that is never freed
  // fills the gap, so that the next ones start in huge pages; only its first
  // and last pages are touched (glibc's chunk headers). Its size is the gap
  // less the header of the block after it, so that block starts on the
  // boundary.
  const std::uintptr_t gap = lm::detail::huge_page_ceil(begin) - begin;
  constexpr std::uintptr_t kChunkHeader = 2 * sizeof(std::size_t);  // glibc's, before the next block
  if (gap > kChunkHeader) filler = std::malloc(gap - kChunkHeader);
}

}  // namespace lm::cli

// The global operator new, replaced: every block of 4 MiB or more that C++
// containers allocate (the counting and estimation arrays of lm train, a
// model read from ARPA text) is advised for huge pages before it is first
// written (lm::detail::advise_huge_pages). Blocks of 32 MiB and more are
// mappings of their own, outside the heap that use_huge_page_heap marks, and
// smaller ones may lie where the heap grew later. lm train of gutenberg 100M:
// 1.07 million page faults -> 33,000, 25.7 s -> 11.3 s (docs/BENCHMARKS.md).
// Every replaceable form without alignment goes to malloc and free, so that
// they pair whichever the library calls; the aligned forms are the library's
// own, and pair among themselves. No new_handler is installed anywhere in lm,
// so none is called. Under AddressSanitizer and ThreadSanitizer the
// sanitizer's own forms stay (ASan's for its new/delete mismatch checks; the
// runtimes define them all, and a second definition does not link).
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LM_KEEP_OPERATOR_NEW 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LM_KEEP_OPERATOR_NEW 1
#endif

#ifndef LM_KEEP_OPERATOR_NEW
namespace {

void* allocate(std::size_t bytes) noexcept {
  void* p = std::malloc(bytes == 0 ? 1 : bytes);
  if (p != nullptr && bytes >= (std::size_t{4} << 20)) lm::detail::advise_huge_pages(p, bytes);
  return p;
}

void* allocate_or_throw(std::size_t bytes) {
  void* p = allocate(bytes);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(std::size_t bytes) { return allocate_or_throw(bytes); }
void* operator new[](std::size_t bytes) { return allocate_or_throw(bytes); }
void* operator new(std::size_t bytes, const std::nothrow_t&) noexcept { return allocate(bytes); }
void* operator new[](std::size_t bytes, const std::nothrow_t&) noexcept { return allocate(bytes); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
#endif
