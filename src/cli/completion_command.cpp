// lm completion bash: a bash completion script, made from lm's own commands
// and options so that it never falls out of step with them.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "lm/error.hpp"

namespace lm::cli {

namespace {

// Every option name of cmd ("-m", "--model", ...), and those of the options
// that take a file or a directory, for the case arms of the script.
struct OptionWords {
  std::vector<std::string> all;
  std::vector<std::string> files;
  std::vector<std::string> dirs;
};

OptionWords option_words(const CLI::App* cmd) {
  OptionWords w;
  for (const CLI::Option* opt : cmd->get_options()) {
    if (opt->get_positional()) continue;
    std::vector<std::string> names;
    for (const std::string& s : opt->get_snames()) names.push_back("-" + s);
    for (const std::string& l : opt->get_lnames()) names.push_back("--" + l);
    const std::string type = opt->get_type_name();
    for (const std::string& name : names) {
      w.all.push_back(name);
      if (type.rfind("FILE", 0) == 0) w.files.push_back(name);
      if (type.rfind("DIR", 0) == 0) w.dirs.push_back(name);
    }
  }
  return w;
}

// A case pattern "a|b|c"; with no words, one that never matches.
std::string pattern(const std::vector<std::string>& words) {
  return words.empty() ? "--no-such-option--" : fmt::format("{}", fmt::join(words, "|"));
}

std::string bash_script(const CLI::App& app) {
  std::vector<std::string> commands;
  std::string arms;
  for (const CLI::App* sub : app.get_subcommands({})) {
    commands.push_back(sub->get_name());
    const OptionWords w = option_words(sub);
    arms += fmt::format(
        "    {})\n"
        "      case $prev in\n"
        "        {}) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
        "        {}) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n"
        "        --format) COMPREPLY=($(compgen -W \"text tsv json\" -- \"$cur\")); return ;;\n"
        "      esac\n"
        "      opts=\"{} \" ;;\n",
        sub->get_name(), pattern(w.files), pattern(w.dirs), fmt::join(w.all, " "));
  }
  const OptionWords top = option_words(&app);
  return fmt::format(
      "# bash completion for lm, made by `lm completion bash`. Load it with\n"
      "#   source <(lm completion bash)\n"
      "# or install it: lm completion bash > ~/.local/share/bash-completion/completions/lm\n"
      "_lm() {{\n"
      "  local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}} sub=\"\" opts=\"\" i\n"
      "  COMPREPLY=()\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    case ${{COMP_WORDS[i]}} in {}) sub=${{COMP_WORDS[i]}}; break ;; esac\n"
      "  done\n"
      "  if [[ -z $sub ]]; then\n"
      "    COMPREPLY=($(compgen -W \"{} {}\" -- \"$cur\"))\n"
      "    return\n"
      "  fi\n"
      "  case $sub in\n"
      "{}"
      "  esac\n"
      "  if [[ $cur == -* ]]; then\n"
      "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
      "  elif [[ $sub == completion ]]; then\n"
      "    COMPREPLY=($(compgen -W \"bash\" -- \"$cur\"))\n"
      "  else\n"
      "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
      "  fi\n"
      "}}\n"
      "complete -o filenames -o bashdefault -F _lm lm\n",
      pattern(commands), fmt::join(commands, " "), fmt::join(top.all, " "), arms);
}

}  // namespace

void add_completion_command(CLI::App& app) {
  auto shell = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("completion", "Print a shell completion script (bash)");
  cmd->footer(
      "Examples:\n"
      "  source <(lm completion bash)                          # in this shell\n"
      "  lm completion bash > ~/.local/share/bash-completion/completions/lm   # for every new shell");
  cmd->add_option("shell", *shell, "The shell: bash")->required()->type_name("SHELL");
  cmd->callback([&app, shell]() {
    if (*shell != "bash") throw ConfigError(fmt::format("no completion for '{}'; lm completes in bash", *shell));
    std::cout << bash_script(app);
    std::cout.flush();
    if (!std::cout) throw Error("cannot write the completion script to standard output");
  });
}

}  // namespace lm::cli
