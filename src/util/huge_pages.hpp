// Transparent huge pages for large arrays.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lm::detail {

// A transparent huge page: 2 MiB on the platforms lm supports (x86-64, and
// arm64 with 4 KiB base pages).
inline constexpr std::uintptr_t kHugePageBytes = std::uintptr_t{2} << 20;

// The first huge-page boundary at or above address.
[[nodiscard]] constexpr std::uintptr_t huge_page_ceil(std::uintptr_t address) {
  return (address + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
}

// Asks the kernel to back the 2 MiB-aligned part of [p, p + bytes) with
// transparent huge pages when it is first written. Worth it for arrays of
// many megabytes that are written at random (a radix sort's scatter): one
// page fault per 2 MiB instead of per 4 KiB, and far fewer TLB misses. Call
// before the memory is written. Does nothing for small ranges, and fails
// harmlessly where the kernel cannot (THP off, an old kernel).
void advise_huge_pages(void* p, std::size_t bytes);

}  // namespace lm::detail
