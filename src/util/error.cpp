#include "lm/error.hpp"

#include <fmt/format.h>

namespace lm {

namespace {
std::string where(const std::string& path, std::uint64_t line) {
  return line == 0 ? fmt::format("{}: ", path) : fmt::format("{}:{}: ", path, line);
}
}  // namespace

FormatError::FormatError(const std::string& path, std::uint64_t line, const std::string& message)
    : Error(where(path, line) + message), path_(path), line_(line) {}

namespace {

std::string same_name(std::string_view name) { return std::string(name); }

std::string render_message(const std::string& setting, const std::string& text,
                           const std::function<std::string(std::string_view)>& rename) {
  std::string out = setting.empty() ? "" : rename(setting) + ": ";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool doubled = i + 1 < text.size() && text[i + 1] == text[i];
    if ((text[i] == '{' || text[i] == '}') && doubled) {  // a literal brace, as ConfigError::literal writes it
      out += text[i++];
      continue;
    }
    const std::size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
    if (close == std::string::npos) {
      out += text[i];
      continue;
    }
    out += rename(std::string_view(text).substr(i + 1, close - i - 1));
    i = close;
  }
  return out;
}

}  // namespace

ConfigError::ConfigError(std::string setting, std::string text)
    : Error(render_message(setting, text, same_name)), setting_(std::move(setting)), text_(std::move(text)) {}

std::string ConfigError::literal(std::string_view value) {
  std::string out;
  for (char c : value) {
    out += c;
    if (c == '{' || c == '}') out += c;
  }
  return out;
}

std::string ConfigError::render(const std::function<std::string(std::string_view)>& rename) const {
  return text_.empty() ? std::string(what()) : render_message(setting_, text_, rename);
}

}  // namespace lm
