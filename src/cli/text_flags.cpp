#include "text_flags.hpp"

#include <map>

namespace lm::cli {

std::vector<CLI::Option*> add_text_flags(CLI::App* cmd, TextOptions* options) {
  const std::string group = "Text units and normalization (stored in the model; every reader applies them)";
  std::vector<CLI::Option*> flags;
  const std::map<std::string, TextUnits> units = {
      {"words", TextUnits::kWords}, {"chars", TextUnits::kChars}, {"bytes", TextUnits::kBytes}};
  flags.push_back(cmd->add_option("--units", options->units,
                                  "Tokens: words (separated by white space; default), chars (every character "
                                  "but white space) or bytes (every byte, as <0xHH>: any encoding)")
                      ->type_name("UNITS")
                      ->transform(CLI::CheckedTransformer(units, CLI::ignore_case))
                      ->group(group));
  const std::map<std::string, Normalization> forms = {
      {"none", Normalization::kNone}, {"nfc", Normalization::kNfc}, {"nfkc", Normalization::kNfkc}};
  flags.push_back(cmd->add_option("--normalize", options->normalize,
                                  "Unicode normalization of the text: none (default), nfc or nfkc (also folds "
                                  "compatibility forms: ﬁ -> fi, full-width -> ASCII)")
                      ->type_name("FORM")
                      ->transform(CLI::CheckedTransformer(forms, CLI::ignore_case))
                      ->group(group));
  flags.push_back(cmd->add_flag("--lowercase", options->lowercase,
                                "Unicode full case folding (The -> the, Straße -> strasse)")
                      ->group(group));
  flags.push_back(cmd->add_flag("--split-punct", options->split_punct,
                                "Words: punctuation and symbols become tokens of their own (cheese. -> cheese .); "
                                "an apostrophe or hyphen between letters, and 3.14 or 1,000, stay whole")
                      ->group(group));
  flags.push_back(cmd->add_option("--space-token", options->space_token,
                                  "Chars: a token for the white space between words (e.g. ▁ or <space>); "
                                  "default: none, spaces are dropped")
                      ->type_name("TOKEN")
                      ->group(group));
  return flags;
}

}  // namespace lm::cli
