#include "detail/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <csignal>
#include <fcntl.h>
#include <pthread.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lm/error.hpp"

namespace lm::detail {

namespace {

// Temporary files being written, for remove_partial_outputs() to delete from
// a signal handler: a fixed array of atomic pointers needs no locks.
constexpr int kMaxPending = 16;
std::atomic<char*> g_pending[kMaxPending];

void add_pending(const std::string& path) {
  char* copy = strdup(path.c_str());
  for (auto& slot : g_pending) {
    char* expected = nullptr;
    if (slot.compare_exchange_strong(expected, copy)) return;
  }
  std::free(copy);  // more than kMaxPending outputs at once: not tracked
}

void remove_pending(const std::string& path) {
  for (auto& slot : g_pending) {
    char* p = slot.load();
    if (p != nullptr && path == p && slot.compare_exchange_strong(p, nullptr)) {
      std::free(p);
      return;
    }
  }
}

}  // namespace

TerminationSignalsBlocked::TerminationSignalsBlocked() {
  sigset_t block;
  sigemptyset(&block);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&block, sig);
  pthread_sigmask(SIG_BLOCK, &block, &old_);
}

TerminationSignalsBlocked::~TerminationSignalsBlocked() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

void remove_partial_outputs_now() noexcept {
  for (auto& slot : g_pending) {
    char* p = slot.load();
    if (p != nullptr) unlink(p);
  }
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  if (path_.empty()) throw Error("empty output file name; give a path");
  struct stat st {};
  if (stat(path_.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw Error(fmt::format("{}: is a directory; give a file name for the output", path_));
  }
  if (stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    // A FIFO, /dev/null, /dev/stdout...: write to it directly, never rename over it.
    fd_ = open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) {
      int err = errno;
      throw Error(fmt::format("{}: cannot open for writing: {}", path_, std::strerror(err)));
    }
    return;
  }
  temp_ = path_ + ".tmp.XXXXXX";
  int err = 0;
  {
    // Termination signals wait until the file is registered for removal, so
    // no signal can leave it behind.
    TerminationSignalsBlocked blocked;
    fd_ = mkstemp(temp_.data());
    err = errno;
    if (fd_ >= 0) add_pending(temp_);
  }
  if (fd_ < 0) throw Error(fmt::format("{}: cannot create output file: {}", path_, std::strerror(err)));
  fchmod(fd_, 0644);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    close(fd_);
    if (!temp_.empty()) unlink(temp_.c_str());
  }
  if (!temp_.empty()) remove_pending(temp_);
}

void AtomicFile::fail(std::string_view what, int err) {
  close(fd_);
  fd_ = -1;
  if (!temp_.empty()) unlink(temp_.c_str());
  throw Error(fmt::format("{}: {}: {}{}", path_, what, std::strerror(err),
                          err == ENOSPC || err == EFBIG ? " (free some space or write elsewhere)" : ""));
}

void AtomicFile::write(const void* data, std::size_t bytes) {
  const char* p = static_cast<const char*>(data);
  while (bytes > 0) {
    ssize_t n = ::write(fd_, p, bytes);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", errno);
    }
    p += n;
    bytes -= static_cast<std::size_t>(n);
  }
}

void AtomicFile::commit() {
  if (temp_.empty()) {  // not a regular file: written in place
    const int rc = close(fd_);
    fd_ = -1;
    if (rc != 0) throw Error(fmt::format("{}: cannot close: {}", path_, std::strerror(errno)));
    return;
  }
  if (fsync(fd_) != 0) fail("cannot sync", errno);
  if (close(fd_) != 0) {
    fd_ = -1;
    int err = errno;
    unlink(temp_.c_str());
    throw Error(fmt::format("{}: cannot close: {}", path_, std::strerror(err)));
  }
  fd_ = -1;
  if (rename(temp_.c_str(), path_.c_str()) != 0) {
    int err = errno;
    unlink(temp_.c_str());
    throw Error(fmt::format("{}: cannot rename the finished file into place: {}", path_, std::strerror(err)));
  }
}

}  // namespace lm::detail
