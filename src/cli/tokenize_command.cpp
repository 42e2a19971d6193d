// lm tokenize: the tokens of each line as a model reads them (lm/tokenizer.hpp).
#include <sys/stat.h>

#include "commands.hpp"
#include "line_errors.hpp"
#include "lm/error.hpp"
#include "lm/model_io.hpp"
#include "lm/tokenizer.hpp"
#include "options.hpp"
#include "output.hpp"
#include "text_flags.hpp"

namespace lm::cli {

namespace {

struct TokenizeOptions {
  InputOptions input;
  std::string model;
  TextOptions text;
  bool text_flags_given = false;
};

bool file_exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

// The text options: the flags', -m's model's, the default model's if there
// is one, else plain words.
TextOptions choose_text_options(const TokenizeOptions& opt) {
  if (opt.text_flags_given) {
    check_text_options(opt.text);
    return opt.text;
  }
  const std::string path = opt.model.empty() ? default_model_path() : opt.model;
  if (opt.model.empty() && !file_exists(path)) return TextOptions{};
  return load_model(path).info().text;
}

void run_tokenize(const TokenizeOptions& opt) {
  Tokenizer tokenizer(choose_text_options(opt));
  Output output(opt.input.line_buffered);
  LineErrors errors;
  std::uint64_t lines = 0;
  std::vector<std::string_view> tokens;
  for_each_input(opt.input, [&](std::string_view text, const std::string& source, std::uint64_t line) {
    ++lines;
    fmt::memory_buffer& out = output.buffer();
    const LineCheck check = tokenizer.tokenize(text, &tokens);
    if (!check.ok()) {
      const FormatError error(source, line, describe_line_problem(text, check));
      errors.add(check.problem, error.what());
      print_error_record(out, Format::kText, text, error.what(), "text");
    } else {
      for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (i > 0) out.push_back(' ');
        out.append(tokens[i]);
      }
      out.push_back('\n');
    }
    output.end_record();
  });
  output.flush();
  errors.finish(lines, "tokenized");
}

}  // namespace

void add_tokenize_command(CLI::App& app) {
  auto opt = std::make_shared<TokenizeOptions>();
  CLI::App* cmd = app.add_subcommand("tokenize", "Print the tokens of each line as a model reads them");
  cmd->footer(
      "Examples:\n"
      "  lm tokenize \"The Mouse ate the cheese.\"               # as the default model reads text\n"
      "  lm tokenize -m zh.lm -i test.txt                      # as zh.lm reads text\n"
      "  lm tokenize --lowercase --split-punct < raw.txt > tokens.txt\n"
      "  lm tokenize --units bytes \"naïve\"                     # <0x6E> <0x61> <0xC3> <0xAF> ...\n"
      "One line of tokens, separated by spaces, per input line (<s> and </s> are not shown).\n"
      "The settings: the text flags if any is given, else -m's model's, else the default\n"
      "model's ($LM_MODEL or model.lm) if it exists, else words split at white space.");
  add_input_options(cmd, &opt->input, "text", "Lines to tokenize");
  CLI::Option* model =
      cmd->add_option("-m,--model", opt->model,
                      "Tokenize as this model reads text (default: $LM_MODEL, else model.lm, when it exists)")
          ->type_name("FILE");
  const std::vector<CLI::Option*> flags = add_text_flags(cmd, &opt->text);
  for (CLI::Option* flag : flags) flag->excludes(model);
  cmd->callback([opt, flags]() {
    for (const CLI::Option* flag : flags) opt->text_flags_given |= flag->count() > 0;
    run_tokenize(*opt);
  });
}

}  // namespace lm::cli
