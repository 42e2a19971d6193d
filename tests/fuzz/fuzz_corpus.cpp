// libFuzzer target: the input is a training corpus.
//
// Byte 0 chooses the order: '1'..'5' mean that order, any other byte b means
// b % 5 + 1. The remaining bytes are the corpus (plain or gzip), read through
// an in-memory file with lm::LineReader, counted, estimated, and the model
// scored. Each line is also passed to lm::tokenize_checked directly, and to
// Tokenizers of other text options (normalized, folded and split words;
// chars with a space token; bytes), whose tokens must be non-empty and free
// of ASCII white space, and bytes must join back into the line. The
// model is written as ARPA (what 'lm train --arpa' does), which must read back
// with lm::read_arpa and write back byte-identically.
// lm::Error is a normal outcome; anything else (crash, sanitizer report,
// hang, other exception) is a bug.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.hpp"
#include "lm/error.hpp"
#include "lm/estimator.hpp"
#include "lm/model.hpp"
#include "lm/model_io.hpp"
#include "lm/ngram_counts.hpp"
#include "lm/next_words.hpp"
#include "lm/scorer.hpp"
#include "lm/line_reader.hpp"
#include "lm/tokenizer.hpp"

namespace {

int order_from(std::uint8_t b) {
  if (b >= '1' && b <= '5') return b - '0';
  return b % 5 + 1;
}

std::vector<lm::Tokenizer> other_tokenizers() {
  lm::TextOptions words;
  words.lowercase = true;
  words.normalize = lm::Normalization::kNfkc;
  words.split_punct = true;
  lm::TextOptions chars;
  chars.units = lm::TextUnits::kChars;
  chars.normalize = lm::Normalization::kNfc;
  chars.space_token = "<sp>";
  lm::TextOptions bytes;
  bytes.units = lm::TextUnits::kBytes;
  return {lm::Tokenizer(words), lm::Tokenizer(chars), lm::Tokenizer(bytes)};
}

// The line through each of the other tokenizers: no crash, and sane tokens.
void check_other_tokenizers(std::vector<lm::Tokenizer>& tokenizers, std::string_view line) {
  std::vector<std::string_view> tokens;
  for (lm::Tokenizer& tokenizer : tokenizers) {
    const lm::LineCheck check = tokenizer.tokenize(line, &tokens);
    const bool bytes = tokenizer.options().units == lm::TextUnits::kBytes;
    if (!check.ok()) {
      if (bytes) lm_fuzz::fail("Tokenizer: bytes refused a line");
      if (check.byte >= line.size()) lm_fuzz::fail("Tokenizer: a problem past the end of the line");
      continue;
    }
    for (std::string_view t : tokens) {
      if (t.empty()) lm_fuzz::fail("Tokenizer: an empty token");
      for (char c : t) {
        if (lm::is_space(c)) lm_fuzz::fail("Tokenizer: white space in a token");
      }
    }
    if (bytes && tokenizer.join(tokens) != line) lm_fuzz::fail("Tokenizer: bytes do not join back into the line");
  }
}

// Tokenizes every line on its own; returns the first few tokens seen, copied.
std::vector<std::string> tokenize_lines(const std::string& path) {
  std::vector<std::string> first_tokens;
  std::vector<lm::Tokenizer> others = other_tokenizers();
  try {
    lm::LineReader reader(path);
    std::string_view line;
    std::vector<std::string_view> tokens;
    while (reader.next(&line)) {
      check_other_tokenizers(others, line);
      try {
        lm::tokenize_checked(line, reader.name(), reader.line_number(), &tokens);
      } catch (const lm::FormatError&) {
        continue;  // bad line: count_corpus rejects the corpus the same way
      }
      for (std::string_view t : tokens) {
        if (first_tokens.size() < 8) first_tokens.emplace_back(t);
      }
    }
  } catch (const lm::Error&) {
  }
  return first_tokens;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > lm_fuzz::kMaxInput) return 0;
  const int order = order_from(data[0]);
  lm_fuzz::MemFile file(data + 1, size - 1);

  const std::vector<std::string> first_tokens = tokenize_lines(file.path());

  std::string arpa;
  try {
    lm::LineReader reader(file.path());
    lm::NGramCounts counts = lm::count_corpus(reader, order);
    if (counts.order != order) lm_fuzz::fail("count_corpus: wrong order");
    lm::EstimateResult result = lm::estimate(counts);
    const lm::Model& model = result.model;
    if (model.order() != order) lm_fuzz::fail("estimate: wrong order");

    // A sentence from the corpus's own first tokens, plus the generic one.
    std::vector<std::string_view> sentence(first_tokens.begin(), first_tokens.end());
    const lm::SentenceScore score = lm::score_sentence(model, sentence, /*keep_factors=*/true);
    if (score.tokens != sentence.size() + 1) lm_fuzz::fail("score_sentence: wrong token count");
    lm::NextWordPredictor predictor(model);
    const lm::State state = predictor.context_state(sentence);
    if (predictor.top(state, 5).size() > 5) lm_fuzz::fail("top(state, 5) returned more than 5 words");
    lm_fuzz::exercise_model(model, /*built=*/true);
    std::ostringstream out;
    lm::write_arpa(model, out);
    arpa = std::move(out).str();
  } catch (const lm::Error&) {
    return 0;  // malformed corpus (bad UTF-8, <s> in a line, empty, bad gzip...): fine
  }
  lm_fuzz::check_arpa_round_trip(arpa);
  return 0;
}
