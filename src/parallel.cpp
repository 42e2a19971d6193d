#include "lm/parallel.hpp"

#include <sched.h>
#include <thread>
#include <vector>

namespace lm {

unsigned available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<unsigned>(n);
  }
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? n : 1;
}

void parallel_for(std::size_t count, unsigned threads, const std::function<void(unsigned, std::size_t, std::size_t)>& fn) {
  if (threads > count) threads = static_cast<unsigned>(count);
  if (threads <= 1) {
    if (count > 0) fn(0, 0, count);
    return;
  }
  std::vector<std::thread> workers;
  for (unsigned t = 1; t < threads; ++t) {
    workers.emplace_back([&fn, count, threads, t]() { fn(t, count * t / threads, count * (t + 1) / threads); });
  }
  fn(0, 0, count / threads);
  for (std::thread& w : workers) w.join();
}

}  // namespace lm
