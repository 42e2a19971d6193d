// Scoring with a Model: the chain rule over a sentence, one word at a time
// with an explicit context State (like KenLM's FullScore), and the exact
// distribution of the next word.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include "lm/model.hpp"

namespace lm {

// The context a word is scored in: the longest suffix of the words so far that
// is an n-gram of the model (at most order-1 words). node[i] is the index in
// level i+1 of the last i+1 words. A value type: copy it to branch.
struct State {
  int length = 0;
  std::uint32_t node[kMaxOrder] = {};
};

// The state before the first word of a sentence: the context "<s>", or with
// NLTK's padding (ModelInfo::nltk_padding) that of order-1 "<s>".
[[nodiscard]] State begin_sentence_state(const Model& model);
// The </s> tokens each sentence ends with: 1, or with NLTK's padding order-1
// (as NLTK's perplexity counts them), at least 1.
[[nodiscard]] std::size_t sentence_end_tokens(const Model& model);
// The empty context: words are scored with unigram (backed-off) probabilities.
[[nodiscard]] State null_context_state();

struct WordScore {
  double log10_prob = 0;  // log10 p(word | context)
  int ngram_order = 0;    // order of the longest n-gram found (1 = unigram)
};

// Scores p(word | in) and writes the context after the word to *out (out may
// alias &in). Unknown words should be passed as kUnkId.
[[nodiscard]] WordScore score_word(const Model& model, const State& in, WordId word, State* out);

struct TokenScore {
  std::string_view token;  // the word as written, or "</s>"
  WordId id = kUnkId;
  bool oov = false;
  WordScore score;
};

struct SentenceScore {
  double log10_prob = 0;     // sum over the words and </s>
  std::uint64_t tokens = 0;  // words + 1 for </s>
  std::uint64_t oovs = 0;    // words not in the vocabulary (scored as <unk>)
  double oov_log10_prob = 0; // the part of log10_prob that comes from OOVs
  // Tokens in the vocabulary whose probability is 0 (log10 p <= kLog10Zero:
  // a maximum likelihood model's unseen events): their log10 p is -inf, and
  // so are log10_prob and the perplexities (+inf).
  std::uint64_t zero_probs = 0;
  std::vector<TokenScore> factors;  // filled when asked for: one per token, </s> last
  // 10^(-log10_prob / tokens).
  [[nodiscard]] double perplexity() const;
  // Counts one more token scored `score`: an OOV's log10 p goes into
  // oov_log10_prob too; a word of the vocabulary with log10 p <= kLog10Zero
  // is a zero probability (-inf). Appends the token to factors when keep.
  void add(std::string_view token, WordId id, bool oov, WordScore score, bool keep);
};

// log10 p as a token's score reports it: a word of the vocabulary stored with
// log10 p <= kLog10Zero (a maximum likelihood model's unseen event) has
// probability 0, so -inf; an OOV's <unk> score stays as it is.
[[nodiscard]] inline double reported_log10_prob(double log10_prob, bool oov) {
  return log10_prob <= kLog10Zero && !oov ? -std::numeric_limits<double>::infinity() : log10_prob;
}

// True when token (looked up as id) is scored as <unk> and counts as an OOV:
// id is kUnkId, unless the token is "<unk>" itself in a model trained with it.
[[nodiscard]] inline bool is_oov(const Model& model, WordId id, std::string_view token) {
  return id == kUnkId && !(model.info().unk_is_word && token == "<unk>");
}

// Scores <s> words... </s> by the chain rule (a model of NLTK's padding:
// from order-1 <s>, then </s> order-1 times, each a token, as NLTK's
// perplexity counts them). Words not in the vocabulary
// count as OOVs and are scored as <unk>; "<unk>" itself is scored as <unk>
// but is not an OOV when the model was trained with it. Views in factors point
// into words.
[[nodiscard]] SentenceScore score_sentence(const Model& model, std::span<const std::string_view> words,
                                           bool keep_factors = false);

// Where score_words starts and ends, as KenLM's Model.score(sentence, bos, eos).
struct SentenceEnds {
  bool bos = true;  // from begin_sentence_state (else from the null context)
  bool eos = true;  // then the sentence_end_tokens </s> tokens (else none)
};
// score_sentence with a choice of ends, one word at a time (score_word): with
// both ends, the same result.
[[nodiscard]] SentenceScore score_words(const Model& model, std::span<const std::string_view> words, SentenceEnds ends,
                                        bool keep_factors = false);

// Scores many sentences, each from begin_sentence_state, exactly as
// score_word word by word would, but faster: the lookups of many tokens are
// done order by order (all bigrams, then all trigrams, ...), so that their
// memory accesses overlap. ids holds
// the sentences' word ids one after another, each sentence ending with
// kEosId; sentence i ends at ends[i] (ascending, the last == ids.size()).
// Writes the score of ids[k] to scores[k]. REQUIRES: scores.size() == ids.size().
void score_sentences(const Model& model, std::span<const WordId> ids, std::span<const std::size_t> ends,
                     std::span<WordScore> scores);

// Sentences scored together (score_sentences), e.g. the lines of a file:
// add them, score(), then read each one's result. Reuse one batch to keep
// its buffers.
class SentenceBatch {
 public:
  // Adds a sentence. The views must stay valid until clear().
  void add(std::span<const std::string_view> words);
  [[nodiscard]] std::size_t size() const { return ends_.size(); }
  // Looks up and scores every sentence added.
  void score(const Model& model);
  // Sentence i's score, the same as score_sentence(model, its words,
  // keep_factors). REQUIRES: score() after the last add(), i < size().
  [[nodiscard]] SentenceScore result(std::size_t i, bool keep_factors) const;
  // The words of sentence i, as added.
  [[nodiscard]] std::span<const std::string_view> words(std::size_t i) const;
  // Sentence i's tokens (its words, then </s>), their scores as
  // score_sentences gives them (a zero probability stays kLog10Zero), and
  // whether each is an OOV: what result() sums, without building a
  // SentenceScore. REQUIRES: as result().
  [[nodiscard]] std::span<const std::string_view> tokens(std::size_t i) const {
    return std::span<const std::string_view>(tokens_).subspan(begin(i), ends_[i] - begin(i));
  }
  [[nodiscard]] std::span<const WordScore> token_scores(std::size_t i) const {
    return std::span<const WordScore>(scores_).subspan(begin(i), ends_[i] - begin(i));
  }
  [[nodiscard]] std::span<const std::uint8_t> token_oovs(std::size_t i) const {
    return std::span<const std::uint8_t>(oov_).subspan(begin(i), ends_[i] - begin(i));
  }
  void clear();

 private:
  [[nodiscard]] std::size_t begin(std::size_t i) const { return i == 0 ? 0 : ends_[i - 1]; }
  // Each sentence's words, then "</s>" (eos_ times: once, or order-1 times
  // after score() with a model of NLTK's padding).
  std::vector<std::string_view> tokens_;
  std::vector<std::size_t> ends_;         // sentence i is tokens_[begin(i), ends_[i])
  std::size_t eos_ = 1;
  std::vector<WordId> ids_;
  std::vector<std::uint8_t> oov_;
  std::vector<WordScore> scores_;
};

// Totals over many sentences, reported as KenLM's query does.
struct CorpusScore {
  double log10_prob = 0;
  double oov_log10_prob = 0;
  std::uint64_t sentences = 0;
  std::uint64_t tokens = 0;
  std::uint64_t oovs = 0;
  std::uint64_t zero_probs = 0;  // SentenceScore::zero_probs
  std::uint64_t skipped = 0;  // input lines that could not be scored (in none of the figures above)
  void add(const SentenceScore& s);
  // 10^(-log10_prob / tokens); NaN when there are no tokens.
  [[nodiscard]] double perplexity() const;
  // The same with OOV tokens left out of both the sum and the count (NaN
  // when every token is an OOV).
  [[nodiscard]] double perplexity_excluding_oovs() const;
};

}  // namespace lm
