#include "count/corpus_lines.hpp"

#include "lm/error.hpp"
#include "lm/tokenizer.hpp"

namespace lm::detail {

bool next_sentence(LineReader& reader, Tokenizer& tokenizer, bool skip_bad_lines, CorpusStats* stats,
                   std::vector<std::string_view>* tokens) {
  std::string_view line;
  while (reader.next(&line)) {
    const LineCheck check = tokenizer.tokenize(line, tokens);
    if (check.ok()) return true;
    const FormatError error(reader.name(), reader.line_number(), describe_line_problem(line, check));
    if (!skip_bad_lines) throw error;
    if (stats->skipped_lines++ == 0) stats->first_skipped = error.what();
  }
  return false;
}

void check_has_words(const LineReader& reader, const CorpusStats& stats) {
  if (stats.words > 0) return;
  throw FormatError(reader.name(), 0,
                    stats.sentences == 0 ? "the corpus is empty; give a text file with one sentence per line"
                                         : "the corpus has no words, only blank lines; give a text file with one "
                                           "sentence per line");
}

}  // namespace lm::detail
