// Error types thrown by the lm library. The CLI catches them once, in main.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <functional>
#include <string>
#include <string_view>

namespace lm {

// Base class of every error the library throws. what() is one line that says
// what went wrong, where, and what to do about it.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Malformed input: a corpus, ARPA or model file. The message starts with
// "path:line: " when a line is known (line 0 means "the whole file").
class FormatError : public Error {
 public:
  FormatError(const std::string& path, std::uint64_t line, const std::string& message);
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::uint64_t line() const { return line_; }

 private:
  std::string path_;
  std::uint64_t line_;
};

// A configuration that cannot work (order 0, k = 0, ...). The library names
// settings by their names in its structs ("prune", "temp_dir"), never by
// the command-line flags that set them: a message about a setting is a
// template in which {name} stands for a setting, and setting() is the one
// it is about. what() shows the names as they are ("prune: ..."); a caller
// with its own names for them (the CLI: flags) renders it with those.
class ConfigError : public Error {
 public:
  explicit ConfigError(const std::string& message) : Error(message) {}
  ConfigError(std::string setting, std::string text);
  [[nodiscard]] const std::string& setting() const { return setting_; }
  // The message with every {name} (and the setting it is about) shown as rename(name).
  [[nodiscard]] std::string render(const std::function<std::string(std::string_view)>& rename) const;
  // value (a path, say) for a template: its braces doubled, so that they are not read as names.
  [[nodiscard]] static std::string literal(std::string_view value);

 private:
  std::string setting_;  // "" when the message is about no one setting
  std::string text_;     // the template; "" for a plain message
};

// Output to a pipe whose reader has gone away (lm next --all | head -1). Not
// a failure of lm: the CLI stops writing and exits quietly with status 0.
class BrokenPipeError : public Error {
 public:
  BrokenPipeError() : Error("the reader of the output went away (broken pipe)") {}
};

}  // namespace lm
