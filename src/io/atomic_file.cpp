#include "io/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <csignal>
#include <fcntl.h>
#include <pthread.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

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

// The descriptor a path names when it is one of this process's: "-" and
// /dev/stdout (1), /dev/stderr (2), /dev/fd/N and /proc/self/fd/N; else -1.
int descriptor_path(std::string_view path) {
  if (path == "-" || path == "/dev/stdout") return STDOUT_FILENO;
  if (path == "/dev/stderr") return STDERR_FILENO;
  for (std::string_view prefix : {std::string_view("/dev/fd/"), std::string_view("/proc/self/fd/")}) {
    if (path.substr(0, prefix.size()) != prefix) continue;
    const std::string_view digits = path.substr(prefix.size());
    int fd = -1;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), fd);
    if (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty()) return fd;
  }
  return -1;
}

std::string parent_directory(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

mode_t current_umask() {
  // umask can only be read by setting it; lm creates no files on other
  // threads while it opens an output.
  const mode_t mask = umask(022);
  umask(mask);
  return mask;
}

}  // namespace

OutputTarget resolve_output(const std::string& path) {
  if (path.empty()) throw Error("empty output file name; give a path, or - for standard output");
  OutputTarget t;
  std::string p = path;
  for (int hops = 0;; ++hops) {
    if (const int fd = descriptor_path(p); fd >= 0) {
      if (fcntl(fd, F_GETFD) < 0) {
        throw Error(fmt::format("{}: cannot write: descriptor {} is not open{}", path, fd,
                                fd == STDOUT_FILENO ? " (standard output is closed)" : ""));
      }
      t.kind = OutputTarget::Kind::kDescriptor;
      t.fd = fd;
      return t;
    }
    struct stat st {};
    if (lstat(p.c_str(), &st) != 0) {
      const int err = errno;
      if (err != ENOENT) throw Error(fmt::format("{}: cannot write: {}", path, std::strerror(err)));
      break;  // a new file (or the missing target of a link)
    }
    if (S_ISLNK(st.st_mode)) {
      if (hops >= 40) throw Error(fmt::format("{}: cannot write: too many levels of symbolic links", path));
      std::string link(4096, '\0');
      const ssize_t n = readlink(p.c_str(), link.data(), link.size());
      if (n < 0 || static_cast<std::size_t>(n) >= link.size()) {
        throw Error(fmt::format("{}: cannot read the symbolic link: {}", path, std::strerror(errno)));
      }
      link.resize(static_cast<std::size_t>(n));
      p = link.front() == '/' ? link : parent_directory(p) + "/" + link;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      throw Error(fmt::format("{}: is a directory; give a file name for the output", path));
    }
    t.path = p;
    if (!S_ISREG(st.st_mode)) {  // a FIFO, /dev/null, a terminal: write to it, never rename over it
      t.kind = OutputTarget::Kind::kInPlace;
      if (access(p.c_str(), W_OK) != 0) {
        throw Error(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
      }
      return t;
    }
    t.exists = true;
    t.mode = st.st_mode & 07777;
    t.uid = st.st_uid;
    t.gid = st.st_gid;
    break;
  }
  t.kind = OutputTarget::Kind::kReplace;
  t.path = p;
  const std::string dir = parent_directory(p);
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw Error(fmt::format("{}: cannot write: the directory {} does not exist; create it first", path, dir));
  }
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    throw Error(fmt::format("{}: cannot write in the directory {}: {}", path, dir, std::strerror(errno)));
  }
  return t;
}

struct AtomicFile::Gzip {
  z_stream z{};
  std::unique_ptr<unsigned char[]> out{new unsigned char[kOutBytes]};
  static constexpr std::size_t kOutBytes = std::size_t{1} << 17;
  ~Gzip() { deflateEnd(&z); }
};

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

AtomicFile::AtomicFile(std::string path, bool gzip) : path_(std::move(path)) {
  const OutputTarget t = resolve_output(path_);
  target_ = t.path;
  if (gzip) {
    gzip_ = std::make_unique<Gzip>();
    // 15 + 16: a gzip header and trailer around the deflate stream.
    if (deflateInit2(&gzip_->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw Error(fmt::format("{}: cannot start gzip compression (out of memory?)", path_));
    }
  }
  if (t.kind == OutputTarget::Kind::kDescriptor) {
    fd_ = fcntl(t.fd, F_DUPFD_CLOEXEC, 0);
    if (fd_ < 0) throw Error(fmt::format("{}: cannot write: {}", path_, std::strerror(errno)));
    return;
  }
  if (t.kind == OutputTarget::Kind::kInPlace) {
    fd_ = open(target_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) {
      int err = errno;
      throw Error(fmt::format("{}: cannot open for writing: {}", path_, std::strerror(err)));
    }
    return;
  }
  temp_ = target_ + ".tmp.XXXXXX";
  int err = 0;
  {
    // Termination signals wait until the file is registered for removal, so
    // no signal can leave it behind.
    TerminationSignalsBlocked blocked;
    fd_ = mkostemp(temp_.data(), O_CLOEXEC);
    err = errno;
    if (fd_ >= 0) add_pending(temp_);
  }
  if (fd_ < 0) throw Error(fmt::format("{}: cannot create output file: {}", path_, std::strerror(err)));
  // The new file keeps the permissions (and, when lm may set it, the owner)
  // of the file it replaces; a new file gets them as the umask says.
  if (t.exists) {
    if (fchown(fd_, t.uid, t.gid) != 0) {
      // Not permitted unless lm runs as root: the file is then the user's own.
    }
    fchmod(fd_, t.mode);
  } else {
    fchmod(fd_, 0666 & ~current_umask());
  }
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
  if (err == EPIPE) throw BrokenPipeError();
  throw Error(fmt::format("{}: {}: {}{}", path_, what, std::strerror(err),
                          err == ENOSPC || err == EFBIG ? " (free some space or write elsewhere)" : ""));
}

void AtomicFile::write_raw(const void* data, std::size_t bytes) {
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

void AtomicFile::deflate_some(int flush) {
  z_stream& z = gzip_->z;
  int rc = Z_OK;
  do {
    z.next_out = gzip_->out.get();
    z.avail_out = static_cast<uInt>(Gzip::kOutBytes);
    rc = deflate(&z, flush);
    if (rc == Z_STREAM_ERROR) fail("cannot compress", EINVAL);
    write_raw(gzip_->out.get(), Gzip::kOutBytes - z.avail_out);
  } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
}

void AtomicFile::write(const void* data, std::size_t bytes) {
  if (!gzip_) {
    write_raw(data, bytes);
    return;
  }
  const auto* p = static_cast<const unsigned char*>(data);
  while (bytes > 0) {
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(bytes, std::size_t{1} << 30));
    gzip_->z.next_in = const_cast<unsigned char*>(p);
    gzip_->z.avail_in = chunk;
    deflate_some(Z_NO_FLUSH);
    p += chunk;
    bytes -= chunk;
  }
}

void AtomicFile::commit() {
  if (gzip_) {
    gzip_->z.next_in = nullptr;
    gzip_->z.avail_in = 0;
    deflate_some(Z_FINISH);
  }
  if (temp_.empty()) {  // written in place
    const int rc = close(fd_);
    const int err = errno;
    fd_ = -1;
    if (rc != 0 && err != EINTR) throw Error(fmt::format("{}: cannot close: {}", path_, std::strerror(err)));
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
  if (rename(temp_.c_str(), target_.c_str()) != 0) {
    int err = errno;
    unlink(temp_.c_str());
    throw Error(fmt::format("{}: cannot rename the finished file into place: {}", path_, std::strerror(err)));
  }
}

}  // namespace lm::detail
