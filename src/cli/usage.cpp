#include "usage.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace lm::cli {

namespace {

// Edits (insertions, deletions, substitutions, swaps of neighbours) that
// turn a into b: the optimal string alignment distance.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// The long option names ("--order") of cmd.
std::vector<std::string> long_names(const CLI::App* cmd) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : cmd->get_options()) {
    for (const std::string& name : opt->get_lnames()) names.push_back("--" + name);
  }
  return names;
}

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

}  // namespace

std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 3;  // at most two edits
  std::vector<std::string> prefixed;
  for (const std::string& c : candidates) {
    if (c.size() > word.size() && c.compare(0, word.size(), word) == 0) prefixed.push_back(c);
    const std::size_t d = edit_distance(word, c);
    // Short words need a closer match: "--ab" is not "--xy".
    if (d < best_distance && d * 3 <= std::max<std::size_t>(c.size(), 3)) {
      best = c;
      best_distance = d;
    }
  }
  if (best.empty() && prefixed.size() == 1 && word.size() >= 4) best = prefixed.front();
  return best;
}

CLI::App* named_subcommand(CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.empty() || arg[0] == '-') continue;  // the top-level options take no values
    for (CLI::App* sub : app.get_subcommands({})) {
      if (sub->get_name() == arg) return sub;
    }
    return nullptr;
  }
  return nullptr;
}

std::string help_command(const CLI::App* sub) {
  return sub == nullptr ? "lm --help" : fmt::format("lm {} --help", sub->get_name());
}

std::string misspelling(CLI::App& app, int argc, char** argv) {
  int first = 1;
  while (first < argc && argv[first][0] == '-') ++first;
  if (first >= argc) return "";
  CLI::App* sub = named_subcommand(app, argc, argv);
  if (sub == nullptr) {
    const std::string word = argv[first];
    const std::string guess = closest(word, subcommand_names(app));
    std::string names;
    for (const std::string& n : subcommand_names(app)) names += (names.empty() ? "" : ", ") + n;
    return guess.empty() ? fmt::format("unknown command '{}'; the commands are {}", word, names)
                         : fmt::format("unknown command '{}'; did you mean {}?", word, guess);
  }
  std::vector<std::string> known = long_names(sub);
  for (const std::string& name : long_names(&app)) known.push_back(name);
  for (int i = first + 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;  // what follows is text, whatever it looks like
    if (arg.size() < 3 || arg.substr(0, 2) != "--") continue;
    const std::string name(arg.substr(0, arg.find('=')));
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::string message = fmt::format("unknown option '{}' for lm {}", name, sub->get_name());
    if (const std::string guess = closest(name, known); !guess.empty()) {
      return message + fmt::format("; did you mean {}?", guess);
    }
    for (const CLI::App* other : app.get_subcommands({})) {
      const std::vector<std::string> theirs = long_names(other);
      if (std::find(theirs.begin(), theirs.end(), name) != theirs.end()) {
        return message + fmt::format(" (it is an option of lm {})", other->get_name());
      }
    }
    return message;
  }
  return "";
}

}  // namespace lm::cli
