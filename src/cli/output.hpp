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

// Thrown when stdout is a closed pipe (with SIGPIPE ignored): main exits
// quietly, as a reader that stopped reading (lm next | head -1) expects.
struct BrokenPipe {};

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
