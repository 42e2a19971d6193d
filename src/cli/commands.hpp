// The lm subcommands. Each add_*_command registers its options and callback.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace lm::cli {

void add_train_command(CLI::App& app);
void add_score_command(CLI::App& app);
void add_next_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_convert_command(CLI::App& app);
void add_generate_command(CLI::App& app);
void add_mix_command(CLI::App& app);
void add_prune_command(CLI::App& app);
void add_tokenize_command(CLI::App& app);
void add_completion_command(CLI::App& app);

// The model path used when -m is not given: $LM_MODEL, else "model.lm".
[[nodiscard]] std::string default_model_path();

}  // namespace lm::cli
