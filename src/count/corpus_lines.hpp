// Reading a corpus for counting, line by line: what the main counter
// (ngram_counts.cpp) and NLTK's (nltk_counts.cpp) share.
#pragma once

#include <string_view>
#include <vector>

#include "lm/line_reader.hpp"
#include "lm/ngram_counts.hpp"
#include "lm/tokenizer.hpp"

namespace lm::detail {

// The tokens of the next line that can be a sentence (tokenizer.tokenize),
// into *tokens (valid until the next call); false at the end of the input. A line that cannot be one throws
// FormatError naming its file and line, or with skip_bad_lines is counted
// in stats (the first kept as first_skipped) and passed over.
bool next_sentence(LineReader& reader, Tokenizer& tokenizer, bool skip_bad_lines, CorpusStats* stats,
                   std::vector<std::string_view>* tokens);

// Throws FormatError when the corpus read gave no words.
void check_has_words(const LineReader& reader, const CorpusStats& stats);

}  // namespace lm::detail
