// Usage errors that teach: which help to read, and what a mistyped command or
// option was probably meant to be.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace lm::cli {

// The subcommand argv names (its first argument that is not an option), or
// nullptr when there is none or it is unknown.
[[nodiscard]] CLI::App* named_subcommand(CLI::App& app, int argc, char** argv);

// "lm train --help" for a subcommand, "lm --help" for none.
[[nodiscard]] std::string help_command(const CLI::App* sub);

// Looks at argv before CLI11 parses it, for an unknown command or an unknown
// long option of the subcommand; returns the message ("unknown option
// '--ordr' for lm train; did you mean --order?"), or "" when there is none.
[[nodiscard]] std::string misspelling(CLI::App& app, int argc, char** argv);

// The candidate closest to word (a typo: at most two edits, or a unique
// prefix), or "" when none is close.
[[nodiscard]] std::string closest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace lm::cli
