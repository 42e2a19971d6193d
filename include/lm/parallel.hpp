// Running independent pieces of work on several threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lm {

// The number of CPUs this process may run on (its affinity mask), at least 1.
[[nodiscard]] unsigned available_cpus();

// Splits [0, count) into `threads` contiguous slices of nearly equal size and
// calls fn(slice, begin, end) for each (slice = 0, 1, ... in order), in parallel (threads 0 or 1, or count < 2:
// on the calling thread; slices the system gives no thread for, also on the
// calling thread). Returns when all are done. fn must not throw: catch
// inside and record the failure.
void parallel_for(std::size_t count, unsigned threads, const std::function<void(unsigned, std::size_t, std::size_t)>& fn);

// Runs tasks on threads - 1 worker threads and the caller, and hands them
// back to the caller in the order they were submitted: a pipeline without a
// barrier. The caller owns `slots` slots (its buffers for a task's input and
// output); the n-th task submitted uses slot n % slots. The caller fills the
// slot next_slot() returns, submits it, and goes on reading its input while
// the workers run the tasks; when every slot is in flight, next_slot() makes
// the caller run queued tasks too, until the oldest is done and delivered.
// Tasks are taken in submission order by whichever thread is free. All calls
// but the constructor and destructor are the caller's (one thread).
class OrderedPool {
 public:
  // task(slot, thread): runs the task in slot; thread is 0 for the caller,
  // 1..threads()-1 for the workers (an index for per-thread scratch). It
  // must not throw: catch inside and record the failure in the slot.
  // deliver(slot): the caller's, called in submission order once a task is
  // done; it may throw (the tasks in flight are then abandoned).
  // Starts threads - 1 workers, or as many as the system gives (a process
  // limit); threads() tells how many the pool runs on.
  OrderedPool(unsigned threads, std::size_t slots, std::function<void(std::size_t, unsigned)> task,
              std::function<void(std::size_t)> deliver);
  // Waits for the tasks running, runs no more, and stops the workers
  // (without delivering: call drain() first to finish the work).
  ~OrderedPool();
  OrderedPool(const OrderedPool&) = delete;
  OrderedPool& operator=(const OrderedPool&) = delete;

  // The slot to fill for the next task (a new one at each call): first
  // delivers the tasks done, in order, and when every slot is handed out,
  // completes the oldest (submitting the slots held back, if none is).
  [[nodiscard]] std::size_t next_slot();
  // Queues the tasks of every slot handed out and not yet submitted (the
  // caller may hold slots back, for example until it knows how large its
  // input is).
  void submit();
  // Submits, completes and delivers every task.
  void drain();
  // The threads tasks run on: the workers started, and the caller.
  [[nodiscard]] unsigned threads() const { return static_cast<unsigned>(workers_.size()) + 1; }

 private:
  // Delivers the oldest task undelivered, running queued tasks (or waiting
  // for the workers) until it is done. REQUIRES: one is submitted.
  void deliver_oldest();
  void work(unsigned thread);

  const std::size_t slots_;
  const std::function<void(std::size_t, unsigned)> task_;
  const std::function<void(std::size_t)> deliver_;
  std::mutex mutex_;
  std::condition_variable queued_, done_;
  std::vector<char> finished_;      // finished_[slot]: its task is done, not yet delivered
  std::uint64_t handed_ = 0;        // slots handed out by next_slot()
  std::uint64_t submitted_ = 0;     // tasks submitted
  std::uint64_t taken_ = 0;         // tasks taken by a thread (in order)
  std::uint64_t delivered_ = 0;     // tasks delivered (in order)
  bool waiting_ = false;            // the caller waits on done_
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace lm
