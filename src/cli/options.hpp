// Options that several subcommands share, and lm's help layout.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

// An option with a value per order (--prune 0 1 1, or 0,1,1): 1 to kMaxOrder
// values, kept as given for parse_counts (or the caller's own parsing).
CLI::Option* add_per_order_option(CLI::App* cmd, const std::string& name, std::vector<std::string>* values,
                                  const std::string& help, const std::string& value_name);

// Per-order options take as many values as follow them, like lmplz's
// --prune, so in "--prune 0 1 1 corpus.txt" --prune also takes the corpus:
// the last value goes back to *corpus when that is empty and the value is
// not a number.
void give_back_corpus(std::vector<std::string>* values, std::string* corpus);

// give_back_corpus, then each value as a count; throws ConfigError naming
// flag and showing the examples for a value that is not one.
[[nodiscard]] std::vector<std::uint64_t> parse_counts(const char* flag, std::vector<std::string> values,
                                                      std::string* corpus, const char* example,
                                                      const char* example_commas);

// The flag that sets a library setting, for ConfigError::render: "prune" ->
// "--prune", "temp_dir" -> "--temp-dir"; a name without one stays as it is.
[[nodiscard]] std::string flag_of_setting(std::string_view setting);

}  // namespace lm::cli
