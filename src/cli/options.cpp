#include "options.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

#include "lm/error.hpp"
#include "lm/model.hpp"

namespace lm::cli {

std::string HelpFormatter::make_option_opts(const CLI::Option* opt) const {
  if (!opt->get_option_text().empty()) return " " + opt->get_option_text();
  std::string out;
  if (opt->get_type_size() != 0) {
    std::string type = opt->get_type_name();
    type = type.substr(0, type.find(':'));  // the validators' descriptions follow a colon
    if (!type.empty()) out += " " + type;
    if (!opt->get_default_str().empty()) out += " (default " + opt->get_default_str() + ")";
    if (opt->get_expected_max() == CLI::detail::expected_max_vector_size) out += " ...";
    if (opt->get_required()) out += " (required)";
  }
  return out;
}

void add_format_option(CLI::App* cmd, Format* format) {
  cmd->add_option_function<std::string>(
         "--format",
         [format](const std::string& value) {
           std::string name = value;
           std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
           const auto it = format_names().find(name);
           if (it == format_names().end()) {
             throw CLI::ValidationError("--format", fmt::format("'{}': give text, tsv or json", value));
           }
           *format = it->second;
         },
         "Output format: text (default), tsv, or json (JSON Lines: one object per line)")
      ->type_name("FORMAT");
}

void add_model_option(CLI::App* cmd, std::string* model) {
  cmd->add_option("-m,--model", *model, "Model: lm binary or ARPA, plain or .gz (default: $LM_MODEL, else model.lm)")
      ->type_name("FILE");
}

void add_input_options(CLI::App* cmd, InputOptions* input, const std::string& name, const std::string& what) {
  cmd->add_option(name, input->args, what + " (default: one per line of -i files or of stdin; - reads stdin)")
      ->type_name("TEXT");
  cmd->add_option("-i,--input", input->files, "Read the lines of this file (repeatable; .gz; - is stdin)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  cmd->add_flag("--line-buffered", input->line_buffered,
                "Read stdin line by line and answer each line at once (for a program that waits for the answer; "
                "plain text only)");
}

void add_threads_option(CLI::App* cmd, int* threads, int min) {
  cmd->add_option("-t,--threads", *threads,
                  min == 0 ? "Threads (default 0: every CPU this process may use)" : "Threads (default: every CPU)")
      ->type_name("N")
      ->check(CLI::Range(min, 1024));
}

std::string flag_of_setting(std::string_view setting) {
  static constexpr std::pair<std::string_view, std::string_view> kFlags[] = {
      {"order", "--order"},         {"threads", "--threads"},     {"memory", "--memory"},
      {"temp_dir", "--temp-dir"},   {"prune", "--prune"},         {"min_count", "--min-count"},
      {"max_vocab", "--max-vocab"}, {"vocab_file", "--vocab"},    {"quantize_bits", "--quantize"},
      {"discount", "--discount"},   {"gt_max", "--gt-max"},       {"add", "--add"},
      {"alpha", "--alpha"},         {"min_counts", "--min-counts"},  {"nltk_padding", "--nltk"},
      {"closed_vocab", "--closed-vocab"},
      {"threshold", "--threshold"}, {"min_order", "--min-order"},
      {"weights", "--weights"},     {"model", "-m"},              {"tune", "--tune"},
      {"temperature", "--temperature"}, {"top_k", "--top-k"},   {"top_p", "--top-p"},
      {"max_length", "--max-len"},
      {"units", "--units"},         {"normalize", "--normalize"}, {"lowercase", "--lowercase"},
      {"split_punct", "--split-punct"}, {"space_token", "--space-token"},
      {"smoothing", "--smoothing"}, {"backoff", "--backoff"},     {"nltk", "--nltk"},
      {"strict_discounts", "--strict-discounts"},
  };
  for (const auto& [name, flag] : kFlags) {
    if (name == setting) return std::string(flag);
  }
  return std::string(setting);
}

CLI::Option* add_per_order_option(CLI::App* cmd, const std::string& name, std::vector<std::string>* values,
                                  const std::string& help, const std::string& value_name) {
  return cmd->add_option(name, *values, help)->type_name(value_name)->expected(1, kMaxOrder)->delimiter(',');
}

void give_back_corpus(std::vector<std::string>* values, std::string* corpus) {
  if (corpus->empty() && !values->empty() &&
      values->back().find_first_not_of("0123456789.") != std::string::npos) {
    *corpus = values->back();
    values->pop_back();
  }
}

std::vector<std::uint64_t> parse_counts(const char* flag, std::vector<std::string> values, std::string* corpus,
                                        const char* example, const char* example_commas) {
  give_back_corpus(&values, corpus);
  std::vector<std::uint64_t> out;
  for (const std::string& v : values) {
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
      throw ConfigError(fmt::format("{} {}: give counts such as {} (or {})", flag, v, example, example_commas));
    }
    out.push_back(std::stoull(v));
  }
  return out;
}

}  // namespace lm::cli
