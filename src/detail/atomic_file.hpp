// A file written to a temporary name beside its destination and renamed into
// place by commit(); destroyed without commit(), it removes the temporary.
// A destination that exists and is not a regular file (a FIFO, /dev/null) is
// written in place instead.
#pragma once

#include <csignal>

#include <cstdio>
#include <string>
#include <string_view>

namespace lm::detail {

class AtomicFile {
 public:
  // Throws lm::Error when the temporary file cannot be created.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Appends bytes. Throws lm::Error (for example when the disk is full).
  void write(const void* data, std::size_t bytes);
  // Flushes, syncs and renames over the destination. Throws lm::Error.
  void commit();
  [[nodiscard]] const std::string& temp_path() const { return temp_; }

 private:
  [[noreturn]] void fail(std::string_view what, int err);
  std::string path_;
  std::string temp_;
  int fd_ = -1;
};

// While alive, this thread holds back SIGINT, SIGTERM, SIGHUP and SIGQUIT:
// for creating a temporary file and making sure it cannot be left behind
// (registering or unlinking it) as one step.
class TerminationSignalsBlocked {
 public:
  TerminationSignalsBlocked();
  ~TerminationSignalsBlocked();
  TerminationSignalsBlocked(const TerminationSignalsBlocked&) = delete;
  TerminationSignalsBlocked& operator=(const TerminationSignalsBlocked&) = delete;

 private:
  sigset_t old_;
};

// Deletes the temporary files of every AtomicFile not yet committed.
// Async-signal-safe.
void remove_partial_outputs_now() noexcept;

}  // namespace lm::detail
