#include "lm/tokenizer.hpp"

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
  std::vector<char> buffer = std::vector<char>(1 << 18);
  std::size_t begin = 0;  // unread data is buffer[begin, end)
  std::size_t end = 0;
  bool eof = false;
  std::string long_line;  // used when a line spans buffer refills
};

LineReader::LineReader(const std::string& path)
    : impl_(std::make_unique<Impl>()), name_(path == "-" ? "<stdin>" : path) {
  if (path.empty()) throw Error("empty file name; give a path, or - for standard input");
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
  return static_cast<std::uint64_t>(gzoffset(impl_->file));
}

bool LineReader::next(std::string_view* line) {
  Impl& s = *impl_;
  s.long_line.clear();
  bool spanning = false;
  for (;;) {
    const char* data = s.buffer.data();
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
    int got = gzread(s.file, s.buffer.data(), static_cast<unsigned>(s.buffer.size()));
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

void split_tokens(std::string_view line, std::vector<std::string_view>* out) {
  out->clear();
  const char* p = line.data();
  const char* end = p + line.size();
  while (p < end) {
    while (p < end && is_space(*p)) ++p;
    const char* start = p;
    while (p < end && !is_space(*p)) ++p;
    if (p > start) out->emplace_back(start, static_cast<std::size_t>(p - start));
  }
}

std::size_t find_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // Eight ASCII bytes at a time: no high bit set and no NUL byte.
    while (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, s + i, 8);
      constexpr std::uint64_t kLow = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
      if (((w | ((w - kLow) & ~w)) & kHigh) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = s[i];
    if (c >= 0x01 && c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // no UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;  // NUL, stray continuation byte, overlong lead or > U+10FFFF
    }
    if (i + len > n || s[i + 1] < lo || s[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

void tokenize_checked(std::string_view line, const std::string& source, std::uint64_t line_number,
                      std::vector<std::string_view>* out) {
  std::size_t bad = find_invalid_utf8(line);
  if (bad != std::string_view::npos) {
    if (line[bad] == '\0') {
      throw FormatError(source, line_number,
                        fmt::format("NUL byte at byte {}; is this a binary file? Text must be UTF-8",
                                    bad + 1));
    }
    throw FormatError(source, line_number,
                      fmt::format("invalid UTF-8 at byte {} (0x{:02X}); convert the text to UTF-8, "
                                  "e.g. with iconv -f latin1 -t utf-8",
                                  bad + 1, static_cast<unsigned char>(line[bad])));
  }
  split_tokens(line, out);
  for (std::string_view token : *out) {
    if (token == kBosWord || token == kEosWord) {
      throw FormatError(source, line_number,
                        fmt::format("'{}' written inside a sentence; sentence boundaries are added "
                                    "automatically, so remove it from the text",
                                    token));
    }
  }
}

}  // namespace lm
