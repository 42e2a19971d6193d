// Running independent pieces of work on several threads.
#pragma once

#include <atomic>
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

// Runs jobs of numbered tasks on threads - 1 worker threads and the caller:
// start() hands out a job and returns at once, so the caller can prepare the
// next one while the workers run it; finish() makes the caller run the tasks
// still left and waits for the rest. Tasks are taken in order by whichever
// thread is free, so uneven tasks balance. One job at a time.
class TaskPool {
 public:
  // Starts threads - 1 workers, or as many as the system gives (a process
  // limit); threads() tells how many the pool runs on.
  explicit TaskPool(unsigned threads);
  ~TaskPool();  // finishes the running job, then stops the workers
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  // Starts fn(0), ..., fn(count - 1). fn must not throw (catch inside and
  // record the failure) and must stay valid until finish() returns.
  // REQUIRES: the previous job is finished.
  void start(std::size_t count, std::function<void(std::size_t)> fn);
  // Returns when every task of the job is done (at once without a job).
  void finish();
  // The threads tasks run on: the workers started, and the caller.
  [[nodiscard]] unsigned threads() const { return static_cast<unsigned>(workers_.size()) + 1; }

 private:
  void run_tasks();
  void work();

  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::function<void(std::size_t)> fn_;
  std::size_t count_ = 0;
  std::atomic<std::size_t> next_{0};
  std::size_t finished_ = 0;  // tasks of the job done
  std::size_t busy_ = 0;      // workers inside the job
  std::uint64_t job_ = 0;     // jobs started so far
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace lm
