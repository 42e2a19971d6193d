// --units, --lowercase, --normalize, --split-punct and --space-token: how
// text becomes tokens (lm/text_options.hpp), for lm train and lm tokenize.
#pragma once

#include <CLI/CLI.hpp>

#include "lm/text_options.hpp"

namespace lm::cli {

// Adds the flags to cmd, setting *options; returns the flags, so that a
// command can exclude them (lm tokenize -m reads them from the model).
std::vector<CLI::Option*> add_text_flags(CLI::App* cmd, TextOptions* options);

}  // namespace lm::cli
