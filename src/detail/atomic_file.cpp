#include "detail/atomic_file.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lm/error.hpp"

namespace lm::detail {

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  struct stat st {};
  if (stat(path_.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw Error(fmt::format("{}: is a directory; give a file name for the output", path_));
  }
  temp_ = path_ + ".tmp.XXXXXX";
  fd_ = mkstemp(temp_.data());
  if (fd_ < 0) {
    int err = errno;
    throw Error(fmt::format("{}: cannot create output file: {}", path_, std::strerror(err)));
  }
  fchmod(fd_, 0644);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    close(fd_);
    unlink(temp_.c_str());
  }
}

void AtomicFile::fail(std::string_view what, int err) {
  close(fd_);
  fd_ = -1;
  unlink(temp_.c_str());
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
