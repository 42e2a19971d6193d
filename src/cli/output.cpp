#include "output.hpp"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

#include "lm/error.hpp"

namespace lm::cli {

const std::map<std::string, Format>& format_names() {
  static const std::map<std::string, Format> names{
      {"text", Format::kText}, {"tsv", Format::kTsv}, {"json", Format::kJson}};
  return names;
}

void append_json_string(fmt::memory_buffer& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': fmt::format_to(std::back_inserter(out), "\\\""); break;
      case '\\': fmt::format_to(std::back_inserter(out), "\\\\"); break;
      case '\n': fmt::format_to(std::back_inserter(out), "\\n"); break;
      case '\t': fmt::format_to(std::back_inserter(out), "\\t"); break;
      case '\r': fmt::format_to(std::back_inserter(out), "\\r"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

bool same_file(const std::string& a, const std::string& b) {
  const auto name = [](const std::string& p) { return p == "-" ? std::string("/dev/stdout") : p; };
  struct stat sa {}, sb {};
  if (stat(name(a).c_str(), &sa) == 0 && stat(name(b).c_str(), &sb) == 0) {
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  }
  return name(a) == name(b);
}

std::string display_path(const std::string& path) { return path == "-" ? "standard output" : path; }

Output::Output(bool each_record) : interactive_(each_record || isatty(STDOUT_FILENO) != 0) {}

Output::~Output() {
  // Best effort: errors here were already reported by an explicit flush().
  if (buffer_.size() > 0) (void)!::write(STDOUT_FILENO, buffer_.data(), buffer_.size());
}

void Output::end_record() {
  if (interactive_ || buffer_.size() > (1 << 16)) flush();
}

void Output::flush() {
  const char* p = buffer_.data();
  std::size_t left = buffer_.size();
  while (left > 0) {
    ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      buffer_.clear();
      if (errno == EPIPE) throw BrokenPipeError();  // main exits quietly
      throw Error(fmt::format("cannot write output: {}", std::strerror(errno)));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

}  // namespace lm::cli

#include "lm/tokenizer.hpp"

namespace lm::cli {

void for_each_input(const std::vector<std::string>& args,
                    const std::function<void(std::string_view, const std::string&, std::uint64_t)>& fn,
                    bool line_by_line) {
  if (!args.empty()) {
    const std::string source = "<argument>";
    for (std::size_t i = 0; i < args.size(); ++i) fn(args[i], source, i + 1);
    return;
  }
  LineReader reader("-", line_by_line);
  std::string_view line;
  while (reader.next(&line)) fn(line, reader.name(), reader.line_number());
}

}  // namespace lm::cli
