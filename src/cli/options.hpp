// Options that several subcommands share, and lm's help layout.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

#include "output.hpp"

namespace lm::cli {

// Help that shows each option's value name and default, never CLI11's
// validator internals ("INT in [1 - 16]", "{json->2,text->0,tsv->1}").
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* opt) const override;
};

// --format text|tsv|json (any case).
void add_format_option(CLI::App* cmd, Format* format);

// -m/--model FILE (default: $LM_MODEL, else model.lm).
void add_model_option(CLI::App* cmd, std::string* model);

// The texts to read: positional arguments (named `name`, described as
// `what`, e.g. "Sentences to score"), -i/--input FILE (repeatable),
// --line-buffered.
void add_input_options(CLI::App* cmd, InputOptions* input, const std::string& name, const std::string& what);

// -t/--threads N, 0 (when allowed) meaning every CPU this process may use.
void add_threads_option(CLI::App* cmd, int* threads, int min);

// The flag that sets a library setting, for ConfigError::render: "prune" ->
// "--prune", "temp_dir" -> "--temp-dir"; a name without one stays as it is.
[[nodiscard]] std::string flag_of_setting(std::string_view setting);

}  // namespace lm::cli
