// score_sentences: many sentences scored order by order, so that the cache
// misses of many words overlap.
//
// Scoring one sentence word by word is a chain of dependent memory accesses:
// each word's searches start from the trie nodes the previous word's searches
// found, and on a model of hundreds of megabytes nearly every one misses the
// cache. But the chain runs along the orders, not along the words: the
// search for the order-(i+1) n-gram ending at word t needs only the order-i
// n-gram ending at word t-1. So the scorer takes a chunk of tokens and runs
// one pass per order over all of them: the bigrams of every token (hash
// probes), then the trigrams, each under the bigram that ends the token
// before, and so on; a last pass reads the probabilities and backoffs. Within
// a pass the tokens are independent, so each step of the pass runs over the
// whole chunk, starting the loads that the next step reads: while one
// token's data arrive, the others are being worked on.
//
// The chunk is small (kChunk tokens), so that what one step fetches (up to 8
// key lines per token) stays in the first-level cache until the next step
// reads it. Chunks of 16 to 128 tokens measured alike (docs/BENCHMARKS.md).
#include <algorithm>
#include <array>
#include <vector>

#include "detail/word_lookup.hpp"
#include "lm/scorer.hpp"

namespace lm {

namespace {

constexpr std::size_t kChunk = 32;

class ChunkScorer {
 public:
  explicit ChunkScorer(const Model& model) : m_(model), order_(model.order()), closed_(model.suffix_closed()), sentence_start_(begin_sentence_state(model)) {}

  // Scores the n <= kChunk tokens at ids into scores; starting[t] tells that
  // token t begins a sentence. Else it continues the sentence of token t-1,
  // or for t = 0, the last token of the previous call.
  void score(const WordId* ids, const std::uint8_t* starting, std::size_t n, WordScore* scores) {
    n_ = n;
    std::copy(ids, ids + n, word_.begin());
    std::copy(starting, starting + n, start_.begin());
    if (order_ > 1) {
      for (std::size_t t = 0; t < n; ++t) after_[0][t + 1] = word_[t];
      bigram_pass();
      for (int i = 2; i < order_; ++i) search_pass(i);
    }
    final_pass(scores);
    for (int i = 0; i < order_ - 1; ++i) after_[i][0] = after_[i][n];
    after_length_[0] = after_length_[n];
  }

 private:
  // Node i of the state token t is scored in (an index in level i+1), or
  // kNoEntry when the state is shorter.
  [[nodiscard]] std::uint32_t context(int i, std::size_t t) const {
    if (start_[t]) return i < sentence_start_.length ? sentence_start_.node[i] : kNoEntry;
    return after_[i][t];
  }
  [[nodiscard]] int context_length(std::size_t t) const { return start_[t] ? sentence_start_.length : after_length_[t]; }
  [[nodiscard]] State context_state(std::size_t t) const {
    if (start_[t]) return sentence_start_;
    State s;
    s.length = after_length_[t];
    for (int i = 0; i < s.length; ++i) s.node[i] = after_[i][t];
    return s;
  }

  // found_[1]: each token's bigram, through the hash table.
  void bigram_pass() {
    const ModelLevel& unigrams = m_.level(1);
    for (std::size_t t = 0; t < n_; ++t) {
      const WordId c = context(0, t);
      hash_[t] = bigram_hash(c, word_[t]);
      m_.prefetch_bigram_slot(hash_[t]);
      unigrams.prefetch_children(c);  // find_bigram checks c's range
    }
    for (std::size_t t = 0; t < n_; ++t) m_.prefetch_bigram_entry(hash_[t]);
    for (std::size_t t = 0; t < n_; ++t) found_[1][t] = m_.find_bigram(context(0, t), word_[t], hash_[t]);
    if (order_ > 2) link(1);
  }

  // found_[i] for i >= 2: each token among the successors of its i-word
  // context. Every step runs over the chunk: fetch the contexts' key lines;
  // then their exception entries (contexts with very many successors); then
  // locate the successor ranges and fetch their first key lines; then
  // search, a round at a time, until every search is done.
  void search_pass(int i) {
    const ModelLevel& parents = m_.level(i);
    const ModelLevel& level = m_.level(i + 1);
    std::array<std::uint32_t, kChunk>& found = found_[i];
    std::size_t searching = 0;
    for (std::size_t t = 0; t < n_; ++t) {
      const std::uint32_t c = context(i - 1, t);
      found[t] = kNoEntry;
      // In a suffix-closed model, an n-gram whose suffix is missing is missing too.
      if (c == kNoEntry || (closed_ && found_[i - 1][t] == kNoEntry)) continue;
      parents.prefetch_children(c);
      searching_[searching++] = static_cast<std::uint8_t>(t);
    }
    for (std::size_t k = 0; k < searching; ++k) parents.prefetch_child_exception(context(i - 1, searching_[k]));
    for (std::size_t k = 0; k < searching; ++k) {
      const std::size_t t = searching_[k];
      const ModelLevel::Range r = parents.children(context(i - 1, t));
      begin_[t] = r.begin;
      end_[t] = r.end;
      level.prefetch_find(r.begin, r.end);
    }
    while (searching > 0) {
      std::size_t kept = 0;
      for (std::size_t k = 0; k < searching; ++k) {
        const std::size_t t = searching_[k];
        found[t] = level.find_round(&begin_[t], &end_[t], word_[t]);
        if (found[t] == ModelLevel::kSearching) searching_[kept++] = static_cast<std::uint8_t>(t);
      }
      searching = kept;
    }
    if (i < order_ - 1) link(i);
  }

  // Node i of the state after each token: its order-(i+1) n-gram, if the
  // shorter ones are nodes too.
  void link(int i) {
    for (std::size_t t = 0; t < n_; ++t) {
      after_[i][t + 1] = after_[i - 1][t + 1] != kNoEntry ? found_[i][t] : kNoEntry;
    }
  }

  // The scores, from the searches' results; first fetches what they read.
  void final_pass(WordScore* scores) {
    for (std::size_t t = 0; t < n_; ++t) {
      int j = context_length(t);
      for (; j >= 1 && found_[j][t] == kNoEntry; --j) m_.level(j).prefetch(context(j - 1, t));
      if (j == 0) {
        m_.level(1).prefetch(word_[t]);
      } else {
        m_.level(j + 1).prefetch(found_[j][t]);
      }
    }
    for (std::size_t t = 0; t < n_; ++t) {
      const State in = context_state(t);
      std::uint32_t found[kMaxOrder];
      for (int i = 1; i <= in.length; ++i) found[i] = found_[i][t];
      State out;
      scores[t] = detail::score_found(m_, in, word_[t], found, &out);
      after_length_[t + 1] = static_cast<std::uint8_t>(out.length);
    }
  }

  const Model& m_;
  const int order_;
  const bool closed_;  // the model is suffix-closed
  const State sentence_start_;  // the state a sentence's first token is scored in
  std::size_t n_ = 0;
  std::array<WordId, kChunk> word_;
  std::array<std::uint8_t, kChunk> start_;
  // after_[i][t + 1]: node i of the state after token t, or kNoEntry;
  // after_[i][0]: of the state after the last token of the previous chunk.
  std::array<std::array<std::uint32_t, kChunk + 1>, kMaxOrder> after_;
  std::array<std::uint8_t, kChunk + 1> after_length_{};
  // found_[i][t]: index in level i+1 of token t under its i-word context, or kNoEntry.
  std::array<std::array<std::uint32_t, kChunk>, kMaxOrder> found_;
  // The range each search is narrowed to, and which searches go on.
  std::array<std::uint64_t, kChunk> begin_, end_;
  std::array<std::uint64_t, kChunk> hash_;  // of each token's bigram
  std::array<std::uint8_t, kChunk> searching_;
};

}  // namespace

void score_sentences(const Model& model, std::span<const WordId> ids, std::span<const std::size_t> ends,
                     std::span<WordScore> scores) {
  ChunkScorer scorer(model);
  std::array<std::uint8_t, kChunk> starting;
  std::size_t s = 0;  // the sentence of token pos + t
  for (std::size_t pos = 0; pos < ids.size(); pos += kChunk) {
    const std::size_t n = std::min(kChunk, ids.size() - pos);
    for (std::size_t t = 0; t < n; ++t) {
      while (ends[s] <= pos + t) ++s;
      starting[t] = pos + t == (s == 0 ? 0 : ends[s - 1]);
    }
    scorer.score(ids.data() + pos, starting.data(), n, scores.data() + pos);
  }
}

}  // namespace lm
