// Output helpers shared by the subcommands: formats and a buffered stdout.
#pragma once

#include <cstdio>
#include <map>
#include <fmt/format.h>
#include <string>
#include <string_view>

#include "lm/model.hpp"

namespace lm::cli {

enum class Format { kText, kTsv, kJson };

// Maps --format names to Format (add_format_option, src/cli/options.cpp).
[[nodiscard]] const std::map<std::string, Format>& format_names();

// Appends s to out as a JSON string literal (with quotes). Bytes that are
// not UTF-8 become U+FFFD (a NUL byte \u0000), so the output is valid JSON.
void append_json_string(fmt::memory_buffer& out, std::string_view s);

// The record of a line that could not be used (message: "source:line:
// what"): text and TSV "ERROR<TAB>message"; JSON {text_field: text, "error":
// message}.
void print_error_record(fmt::memory_buffer& out, Format format, std::string_view text, std::string_view message,
                        std::string_view text_field);

// A smoothing method's parameters of order n (0: those of the whole model),
// as lm info and lm train print them: "D1=0.5 D2=1 D3+=1.5" (named), or
// "0.5/1/1.5"; "" when it has none.
[[nodiscard]] std::string smoothing_params(const SmoothingInfo& info, int n, bool named);

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

// Where score and next read their lines: sentences given as arguments, or
// files (-i, repeatable; "-" is standard input), else standard input.
struct InputOptions {
  std::vector<std::string> args;   // positional: texts; a lone "-" means standard input
  std::vector<std::string> files;  // -i/--input
  bool line_buffered = false;      // read standard input line by line (see LineReader)

  // True when the lines come from standard input.
  [[nodiscard]] bool reads_stdin() const;
};

// Calls fn(text, source, line) for each argument ("<argument>", 1-based
// index), or each line of each file ("<stdin>" for standard input): as soon
// as it arrives when reading standard input line by line (or at a terminal),
// else read in blocks. Throws ConfigError when arguments and files are both
// given. Warns once when an argument names an existing file (it is scored as
// text: -i FILE reads the file).
void for_each_input(const InputOptions& input,
                    const std::function<void(std::string_view, const std::string&, std::uint64_t)>& fn);

}  // namespace lm::cli
