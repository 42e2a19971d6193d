// Transparent huge pages for large arrays.
#pragma once

#include <cstddef>

namespace lm::detail {

// Asks the kernel to back the 2 MiB-aligned part of [p, p + bytes) with
// transparent huge pages when it is first written. Worth it for arrays of
// many megabytes that are written at random (a radix sort's scatter): one
// page fault per 2 MiB instead of per 4 KiB, and far fewer TLB misses. Call
// before the memory is written. Does nothing for small ranges, and fails
// harmlessly where the kernel cannot (THP off, an old kernel).
void advise_huge_pages(void* p, std::size_t bytes);

}  // namespace lm::detail
