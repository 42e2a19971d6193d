#include "lm/parallel.hpp"

#include <sched.h>

#include <system_error>
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
  unsigned started = 1;  // slices 1..started-1 have a thread
  try {
    for (; started < threads; ++started) {
      const unsigned t = started;
      workers.emplace_back([&fn, count, threads, t]() { fn(t, count * t / threads, count * (t + 1) / threads); });
    }
  } catch (const std::system_error&) {
    // The system gives no more threads (a process limit): the calling
    // thread runs the slices left, after its own.
  }
  fn(0, 0, count / threads);
  for (unsigned t = started; t < threads; ++t) fn(t, count * t / threads, count * (t + 1) / threads);
  for (std::thread& w : workers) w.join();
}

TaskPool::TaskPool(unsigned threads) {
  for (unsigned t = 1; t < threads; ++t) {
    try {
      workers_.emplace_back([this]() { work(); });
    } catch (const std::system_error&) {
      break;  // no more threads to be had: run on those started
    }
  }
}

TaskPool::~TaskPool() {
  finish();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& w : workers_) w.join();
}

void TaskPool::start(std::size_t count, std::function<void(std::size_t)> fn) {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    // A worker that woke late for the last job may still be leaving it.
    done_.wait(lock, [this]() { return busy_ == 0; });
    fn_ = std::move(fn);
    count_ = count;
    finished_ = 0;
    next_.store(0);
    ++job_;
  }
  wake_.notify_all();
}

void TaskPool::run_tasks() {
  for (;;) {
    const std::size_t i = next_.fetch_add(1);
    if (i >= count_) return;
    fn_(i);
    std::lock_guard<std::mutex> lock(mutex_);
    if (++finished_ == count_) done_.notify_all();
  }
}

void TaskPool::finish() {
  run_tasks();
  std::unique_lock<std::mutex> lock(mutex_);
  // Also wait until no worker is still inside the job (one may be about to
  // find that no task is left), so that start() may change it.
  done_.wait(lock, [this]() { return finished_ == count_ && busy_ == 0; });
}

void TaskPool::work() {
  std::uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&]() { return stop_ || job_ != seen; });
      if (stop_) return;
      seen = job_;
      ++busy_;
    }
    run_tasks();
    std::lock_guard<std::mutex> lock(mutex_);
    if (--busy_ == 0) done_.notify_all();
  }
}

}  // namespace lm
