// The process heap in huge pages, for train, score and next; and (heap.cpp
// replaces the global operator new) large C++ arrays in huge pages everywhere.
#pragma once

namespace lm::cli {

// Makes malloc serve buffers (scoring's batches, token and score arrays;
// training's smaller arrays) from one heap kept in 2 MiB transparent huge
// pages: the main arena only (worker threads included), grown 64 MiB at a
// time, buffers up to 32 MiB from it rather than from mappings of their own
// (larger ones still are), and freed memory kept for reuse. The part of the
// heap below its first 2 MiB boundary (up to 2 MiB of address space, two
// pages of memory) is taken by a block never freed, so that the buffers
// allocated next start in huge pages. Each first touch of a 4 KiB page is a
// page fault, and on virtual machines a fault costs microseconds: 13 us on
// the benchmark host, where `lm score` of gutenberg.test took 1,245 of them;
// with this it is 15-18% faster, and `lm train` of gutenberg 10M 24%
// (docs/BENCHMARKS.md, run 28), and 5-9% more with the filler (run 32). A
// huge page takes one fault per 2 MiB. One arena for every thread: scoring
// allocates little after its first batch. Call once, first thing, from the main thread.
// Harmless where the system or the allocator (a sanitizer's) does not play
// along: the heap then works as before.
void use_huge_page_heap();

}  // namespace lm::cli
