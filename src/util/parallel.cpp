#include "lm/parallel.hpp"

#include <sched.h>

#include <system_error>
#include <utility>
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

OrderedPool::OrderedPool(unsigned threads, std::size_t slots, std::function<void(std::size_t, unsigned)> task,
                         std::function<void(std::size_t)> deliver)
    : slots_(slots > 0 ? slots : 1), task_(std::move(task)), deliver_(std::move(deliver)), finished_(slots_, 0) {
  for (unsigned t = 1; t < threads; ++t) {
    try {
      workers_.emplace_back([this, t]() { work(t); });
    } catch (const std::system_error&) {
      break;  // no more threads to be had: run on those started
    }
  }
}

OrderedPool::~OrderedPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  queued_.notify_all();
  for (std::thread& w : workers_) w.join();  // each finishes the task it runs
}

std::size_t OrderedPool::next_slot() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (delivered_ == submitted_ || finished_[delivered_ % slots_] == 0) break;
    }
    deliver_oldest();  // done already: no wait
  }
  if (handed_ - delivered_ == slots_) {
    if (submitted_ == delivered_) submit();
    deliver_oldest();
  }
  return static_cast<std::size_t>(handed_++ % slots_);
}

void OrderedPool::submit() {
  if (submitted_ == handed_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    submitted_ = handed_;
  }
  queued_.notify_all();
}

void OrderedPool::drain() {
  submit();
  while (delivered_ < submitted_) deliver_oldest();
}

void OrderedPool::deliver_oldest() {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto oldest = static_cast<std::size_t>(delivered_ % slots_);
  while (finished_[oldest] == 0) {
    if (taken_ < submitted_) {
      // Run a queued task meanwhile (the oldest, if no worker took it).
      const auto slot = static_cast<std::size_t>(taken_++ % slots_);
      lock.unlock();
      task_(slot, 0);
      lock.lock();
      finished_[slot] = 1;
    } else {
      waiting_ = true;
      done_.wait(lock);
      waiting_ = false;
    }
  }
  finished_[oldest] = 0;
  ++delivered_;
  lock.unlock();
  deliver_(oldest);
}

void OrderedPool::work(unsigned thread) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    queued_.wait(lock, [this]() { return stop_ || taken_ < submitted_; });
    if (stop_) return;
    const auto slot = static_cast<std::size_t>(taken_++ % slots_);
    lock.unlock();
    task_(slot, thread);
    lock.lock();
    finished_[slot] = 1;
    if (waiting_) done_.notify_one();
  }
}

}  // namespace lm
