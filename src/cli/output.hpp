// Output helpers shared by the subcommands: formats and a buffered stdout.
#pragma once

#include <cstdio>
#include <map>
#include <fmt/format.h>
#include <string>
#include <string_view>

namespace lm::cli {

enum class Format { kText, kTsv, kJson };

// Maps --format names to Format, for CLI11's transform.
[[nodiscard]] const std::map<std::string, Format>& format_names();

// Appends s to out as a JSON string literal (with quotes).
void append_json_string(fmt::memory_buffer& out, std::string_view s);

// True when a and b name the same file ("-" is standard output): the same
// inode, or the same name when neither exists yet.
[[nodiscard]] bool same_file(const std::string& a, const std::string& b);

// How a path is named in messages: "standard output" for "-".
[[nodiscard]] std::string display_path(const std::string& path);

// Buffers output and writes it to stdout in large blocks, or record by record
// when stdout is a terminal or each_record is set.
class Output {
 public:
  explicit Output(bool each_record = false);
  ~Output();
  fmt::memory_buffer& buffer() { return buffer_; }
  // Call after each record: writes out when the buffer is large, or at once
  // record by record.
  void end_record();
  void flush();

 private:
  fmt::memory_buffer buffer_;
  bool interactive_;
};

}  // namespace lm::cli

#include <functional>
#include <vector>

namespace lm::cli {

// Calls fn(text, source, line) for each argument ("<argument>", 1-based
// index), or, when there are none, for each line of standard input: as soon
// as it arrives when line_by_line (or at a terminal), else read in blocks.
void for_each_input(const std::vector<std::string>& args,
                    const std::function<void(std::string_view, const std::string&, std::uint64_t)>& fn,
                    bool line_by_line = false);

}  // namespace lm::cli
