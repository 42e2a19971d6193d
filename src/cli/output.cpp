#include "output.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "lm/error.hpp"
#include "lm/line_reader.hpp"
#include "lm/tokenizer.hpp"

namespace lm::cli {

const std::map<std::string, Format>& format_names() {
  static const std::map<std::string, Format> names{
      {"text", Format::kText}, {"tsv", Format::kTsv}, {"json", Format::kJson}};
  return names;
}

namespace {

void append_escaped(fmt::memory_buffer& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '"': out.append(std::string_view("\\\"")); break;
      case '\\': out.append(std::string_view("\\\\")); break;
      case '\n': out.append(std::string_view("\\n")); break;
      case '\t': out.append(std::string_view("\\t")); break;
      case '\r': out.append(std::string_view("\\r")); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out.push_back(c);
        }
    }
  }
}

}  // namespace

void append_json_string(fmt::memory_buffer& out, std::string_view s) {
  out.push_back('"');
  // Bytes that are not UTF-8 (in the text of a line that failed) become
  // U+FFFD one by one, so that the record is still valid JSON.
  for (;;) {
    const std::size_t bad = find_invalid_utf8(s);
    append_escaped(out, s.substr(0, bad));
    if (bad == std::string_view::npos) break;
    out.append(std::string_view(s[bad] == '\0' ? "\\u0000" : "\\ufffd"));
    s.remove_prefix(bad + 1);
  }
  out.push_back('"');
}

void print_error_record(fmt::memory_buffer& out, Format format, std::string_view text, std::string_view message,
                        std::string_view text_field) {
  if (format == Format::kJson) {
    fmt::format_to(std::back_inserter(out), "{{\"{}\":", text_field);
    append_json_string(out, text);
    out.append(std::string_view(",\"error\":"));
    append_json_string(out, message);
    out.append(std::string_view("}\n"));
    return;
  }
  out.append(std::string_view("ERROR\t"));
  out.append(message);
  out.push_back('\n');
}

std::string smoothing_params(const SmoothingInfo& info, int n, bool named) {
  std::string out;
  for (const SmoothingParam& p : info.params) {
    if (p.order != n) continue;
    if (named) {
      out += fmt::format("{}{}={:.6g}", out.empty() ? "" : " ", p.name, p.value);
    } else {
      out += fmt::format("{}{:.3g}", out.empty() ? "" : "/", p.value);
    }
  }
  return out;
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

bool InputOptions::reads_stdin() const {
  if (!files.empty()) return std::find(files.begin(), files.end(), "-") != files.end();
  return args.empty() || (args.size() == 1 && args[0] == "-");
}

namespace {

// An argument that looks like a path and names a regular file.
bool names_a_file(const std::string& arg) {
  if (arg.empty() || arg == "-" || arg.find_first_of(" \t") != std::string::npos) return false;
  struct stat st {};
  return stat(arg.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

void for_each_input(const InputOptions& input,
                    const std::function<void(std::string_view, const std::string&, std::uint64_t)>& fn) {
  const bool lone_dash = input.args.size() == 1 && input.args[0] == "-";
  if (!input.args.empty() && !input.files.empty()) {
    throw ConfigError("give the text as arguments or as files with -i, not both");
  }
  if (!input.args.empty() && !lone_dash) {
    for (const std::string& arg : input.args) {
      if (names_a_file(arg)) {
        spdlog::warn("'{}' is read as text, but a file of that name exists: to read its lines, give -i {} (or < {})",
                     arg, arg, arg);
        break;
      }
    }
    const std::string source = "<argument>";
    for (std::size_t i = 0; i < input.args.size(); ++i) fn(input.args[i], source, i + 1);
    return;
  }
  std::vector<std::string> files = input.files;
  if (files.empty()) files.push_back("-");
  for (const std::string& file : files) {
    LineReader reader(file, file == "-" && input.line_buffered);
    std::string_view line;
    while (reader.next(&line)) fn(line, reader.name(), reader.line_number());
  }
}

}  // namespace lm::cli
