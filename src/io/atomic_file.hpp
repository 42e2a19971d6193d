// Output files that never destroy anything: a file is written to a temporary
// name beside its destination and renamed into place by commit(), so the
// destination holds either the old contents or the new. Symbolic links are
// followed (the temporary goes beside the link's final target, which is
// replaced; the link stays). Standard output ("-", /dev/stdout, /dev/fd/N,
// /proc/self/fd/N) and files that are not regular files (character devices,
// FIFOs) are written in place.
#pragma once

#include <csignal>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace lm::detail {

// True when path names a gzip file (ends with ".gz"): ARPA outputs are then compressed.
[[nodiscard]] inline bool gz_name(const std::string& path) {
  return path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
}

// Where writing a path goes, found without writing anything.
struct OutputTarget {
  enum class Kind {
    kReplace,     // a regular file (or none yet): temporary + rename over `path`
    kInPlace,     // a character device or FIFO: opened and written as it is
    kDescriptor,  // an open descriptor of this process (`fd`): written through a duplicate
  };
  Kind kind = Kind::kReplace;
  std::string path;     // the final target, symbolic links resolved (kReplace, kInPlace)
  int fd = -1;          // kDescriptor
  bool exists = false;  // kReplace: the target exists (its mode and owner are kept)
  mode_t mode = 0;      // kReplace and exists: the target's permission bits
  uid_t uid = 0;
  gid_t gid = 0;
};

// Resolves path as an output. Throws lm::Error naming `path` when it cannot
// be written: a directory, a missing or unwritable parent directory, a loop of
// symbolic links, a closed descriptor.
[[nodiscard]] OutputTarget resolve_output(const std::string& path);

class AtomicFile {
 public:
  // Opens the output (see resolve_output); gzip compresses what is written.
  // Throws lm::Error when it cannot be created.
  explicit AtomicFile(std::string path, bool gzip = false);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Appends bytes. Throws lm::Error (for example when the disk is full), or
  // lm::BrokenPipeError when the output is a pipe whose reader went away.
  void write(const void* data, std::size_t bytes);
  // Finishes the compressed stream, flushes, syncs and renames over the
  // destination. Throws like write().
  void commit();
  [[nodiscard]] const std::string& temp_path() const { return temp_; }

 private:
  void write_raw(const void* data, std::size_t bytes);
  void deflate_some(int flush);
  [[noreturn]] void fail(std::string_view what, int err);
  std::string path_;    // as given, for messages
  std::string target_;  // where the data goes (kReplace: renamed over)
  std::string temp_;    // empty unless kReplace
  int fd_ = -1;
  struct Gzip;
  std::unique_ptr<Gzip> gzip_;
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
