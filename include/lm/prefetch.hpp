// A software prefetch that the optimizer cannot delete.
#pragma once

namespace lm {

// Hints the processor to start loading the cache line holding *p into all
// cache levels. Never faults, whatever p points to.
//
// Not __builtin_prefetch: GCC 12 at -O2 and -O3 deletes calls to small
// functions whose only effect is __builtin_prefetch (its mod-ref analysis
// finds them free of side effects, so their calls are dead code;
// -fno-ipa-modref keeps them). That silently removed most of the scorer's
// prefetches. An asm volatile statement is a side effect and stays.
inline void prefetch_line(const void* p) {
#if defined(__x86_64__) || defined(__i386__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#elif defined(__aarch64__)
  asm volatile("prfm pldl1keep, %0" : : "Q"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p);
#endif
}

}  // namespace lm
