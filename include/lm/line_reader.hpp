// Reading text line by line: plain files, gzip-compressed files, standard input.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace lm {

// Reads a file line by line. "-" means standard input. Gzip input (.gz or any
// gzip stream) is decompressed transparently. A UTF-8 byte order mark at the
// start is skipped and a trailing CR is removed, so CRLF files read as LF files.
// Throws lm::Error when the file cannot be opened (naming it and why) or on a
// read/decompression error.
// Standard input is read in large blocks, except from a terminal or when
// line_by_line is set: then each line is returned as soon as it arrives, for
// a program that waits for an answer before it writes the next line. That
// input must be plain text (gzip is refused with an error).
class LineReader {
 public:
  explicit LineReader(const std::string& path, bool line_by_line = false);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Reads the next line into *line (without the newline). The view is valid
  // until the next call. Returns false at end of input.
  [[nodiscard]] bool next(std::string_view* line);

  // 1-based number of the line last returned by next().
  [[nodiscard]] std::uint64_t line_number() const { return line_number_; }
  // The path as given, or "<stdin>" for "-". For messages.
  [[nodiscard]] const std::string& name() const { return name_; }
  // Compressed bytes consumed so far (for progress reports).
  [[nodiscard]] std::uint64_t bytes_read() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string name_;
  std::uint64_t line_number_ = 0;
};

}  // namespace lm
