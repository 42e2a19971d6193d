// Running independent pieces of work on several threads.
#pragma once

#include <cstddef>
#include <functional>

namespace lm {

// The number of CPUs this process may run on (its affinity mask), at least 1.
[[nodiscard]] unsigned available_cpus();

// Splits [0, count) into `threads` contiguous slices of nearly equal size and
// calls fn(slice, begin, end) for each (slice = 0, 1, ... in order), in parallel (threads 0 or 1, or count < 2:
// on the calling thread). Returns when all are done. fn must not throw: catch
// inside and record the failure.
void parallel_for(std::size_t count, unsigned threads, const std::function<void(unsigned, std::size_t, std::size_t)>& fn);

}  // namespace lm
