// LineReader: lines of plain or gzip-compressed files and of standard input.
#include "lm/line_reader.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "lm/error.hpp"

namespace lm {

struct LineReader::Impl {
  gzFile file = nullptr;
  // A terminal (or standard input read line by line) is read with read(2),
  // which returns each line as it is typed or written; gzread waits until
  // its buffer is full or the input ends.
  bool direct = false;
  std::uint64_t direct_bytes = 0;
  // Not zero-filled: a short input touches (and the kernel maps) only the
  // pages it is read into.
  static constexpr std::size_t kBufferBytes = std::size_t{1} << 18;
  std::unique_ptr<char[]> buffer{new char[kBufferBytes]};
  std::size_t begin = 0;  // unread data is buffer[begin, end)
  std::size_t end = 0;
  bool eof = false;
  std::string long_line;  // used when a line spans buffer refills
};

LineReader::LineReader(const std::string& path, bool line_by_line)
    : impl_(std::make_unique<Impl>()), name_(path == "-" ? "<stdin>" : path) {
  if (path.empty()) throw Error("empty file name; give a path, or - for standard input");
  if (path == "-" && (line_by_line || isatty(STDIN_FILENO))) {
    impl_->direct = true;
    return;
  }
  if (path == "-") {
    impl_->file = gzdopen(dup(STDIN_FILENO), "rb");
  } else {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) {
      throw Error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
    }
    if (S_ISDIR(st.st_mode)) {
      throw Error(fmt::format("{}: is a directory, not a file; give the path of a text file", path));
    }
    errno = 0;
    impl_->file = gzopen(path.c_str(), "rb");
    if (impl_->file == nullptr) {
      throw Error(fmt::format("{}: cannot open: {}", path,
                              errno ? std::strerror(errno) : "out of memory"));
    }
  }
  if (impl_->file == nullptr) throw Error("<stdin>: cannot read standard input");
  gzbuffer(impl_->file, 1 << 17);
}

LineReader::~LineReader() {
  if (impl_->file != nullptr) gzclose(impl_->file);
}

std::uint64_t LineReader::bytes_read() const {
  if (impl_->direct) return impl_->direct_bytes;
  return static_cast<std::uint64_t>(gzoffset(impl_->file));
}

namespace {

// Reads what standard input has (a line, as typed or written), up to bytes;
// 0 at its end (Ctrl-D at a terminal), -1 with errno set on an error.
// Retried when a signal interrupts.
long read_available(char* buffer, std::size_t bytes) {
  for (;;) {
    const ssize_t got = read(STDIN_FILENO, buffer, bytes);
    if (got >= 0 || errno != EINTR) return static_cast<long>(got);
  }
}

}  // namespace

bool LineReader::next(std::string_view* line) {
  Impl& s = *impl_;
  s.long_line.clear();
  bool spanning = false;
  for (;;) {
    const char* data = s.buffer.get();
    const void* nl = std::memchr(data + s.begin, '\n', s.end - s.begin);
    if (nl != nullptr) {
      std::size_t stop = static_cast<const char*>(nl) - data;
      std::string_view piece(data + s.begin, stop - s.begin);
      s.begin = stop + 1;
      if (spanning) {
        s.long_line.append(piece);
        piece = s.long_line;
      }
      *line = piece;
      break;
    }
    // No newline in the buffer: keep the partial line and refill.
    if (s.begin < s.end) {
      s.long_line.append(data + s.begin, s.end - s.begin);
      spanning = true;
    }
    s.begin = s.end = 0;
    if (s.eof) {
      if (!spanning) return false;
      *line = s.long_line;  // last line without a final newline
      break;
    }
    if (s.direct) {
      const long got = read_available(s.buffer.get(), Impl::kBufferBytes);
      if (got < 0) throw Error(fmt::format("{}: read error: {}", name_, std::strerror(errno)));
      if (s.direct_bytes == 0 && got >= 2 && s.buffer[0] == '\x1f' && s.buffer[1] == '\x8b') {
        throw Error(fmt::format("{}: gzip data, read line by line: give plain text (zcat FILE | lm ...)", name_));
      }
      s.eof = got == 0;
      s.end = static_cast<std::size_t>(got);
      s.direct_bytes += static_cast<std::uint64_t>(got);
      continue;
    }
    int got = gzread(s.file, s.buffer.get(), static_cast<unsigned>(Impl::kBufferBytes));
    if (got < 0) {
      int code = 0;
      const char* msg = gzerror(s.file, &code);
      std::string_view what = code == Z_ERRNO ? std::strerror(errno) : msg;
      if (what.substr(0, name_.size() + 2) == name_ + ": ") what.remove_prefix(name_.size() + 2);
      throw Error(fmt::format("{}: read error: {}", name_, what));
    }
    if (got == 0) {
      int code = Z_OK;
      gzerror(s.file, &code);
      if (code == Z_BUF_ERROR) {
        throw Error(fmt::format("{}: the gzip data ends early (truncated file?); check it with gzip -t",
                                name_));
      }
      s.eof = true;
    }
    s.end = static_cast<std::size_t>(got);
  }
  ++line_number_;
  if (line_number_ == 1 && line->substr(0, 3) == "\xEF\xBB\xBF") line->remove_prefix(3);
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  return true;
}

}  // namespace lm
