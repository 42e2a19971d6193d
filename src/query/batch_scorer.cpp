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
// before (hash probes too in an exact model), and so on; a last pass reads
// the probabilities and backoffs. Within
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

#include "query/backoff.hpp"
#include "lm/scorer.hpp"

namespace lm {

namespace {

constexpr std::size_t kChunk = 32;

// The state a sentence's first token is scored in, its nodes past its length
// set to kNoEntry.
State padded_start(const Model& model) {
  State s = begin_sentence_state(model);
  for (int i = s.length; i < kMaxOrder; ++i) s.node[i] = kNoEntry;
  return s;
}

class ChunkScorer {
 public:
  explicit ChunkScorer(const Model& model)
      : m_(model), order_(model.order()), closed_(model.suffix_closed()), sentence_start_(padded_start(model)) {
    for (auto& nodes : ctx_) nodes.fill(kNoEntry);
    for (auto& found : found_) found.fill(kNoEntry);  // found_[0] is read, never used (start_pass)
  }

  // Scores the n <= kChunk tokens at ids into scores; starting[t] tells that
  // token t begins a sentence. Else it continues the sentence of token t-1,
  // or for t = 0, the last token of the previous call.
  void score(const WordId* ids, const std::uint8_t* starting, std::size_t n, WordScore* scores) {
    n_ = n;
    std::copy(ids, ids + n, word_.begin());
    for (std::size_t t = 0; t < n; ++t) start_[t] = starting[t] != 0 ? ~0u : 0u;
    start_[n] = 0;
    // ctx_[.][0] holds the state after the previous call's last token.
    for (int i = 0; i < order_ - 1; ++i) ctx_[i][0] = restart(i, 0, ctx_[i][0]);
    length_[0] = start_[0] != 0 ? static_cast<std::uint32_t>(sentence_start_.length) : length_[0];
    if (order_ > 1) {
      for (std::size_t t = 0; t < n_; ++t) {
        ctx_[0][t + 1] = restart(0, t + 1, word_[t]);
        length_[t + 1] = ctx_[0][t + 1] != kNoEntry;
      }
      for (int i = 1; i < order_; ++i) {
        if (m_.has_child_hash(i)) {
          hash_pass(i);
        } else {
          search_pass(i);
        }
      }
    }
    final_pass(scores);
    for (int i = 0; i < order_ - 1; ++i) ctx_[i][0] = ctx_[i][n_];
    length_[0] = length_[n_];
  }

 private:
  // Node i of token t's state, given node i of the state after token t-1:
  // the sentence start's instead when t starts a sentence. t == n_ is the
  // next call's first token, which that call restarts. (A select by mask,
  // so that the loops over tokens vectorize.)
  [[nodiscard]] std::uint32_t restart(int i, std::size_t t, std::uint32_t after) const {
    return (after & ~start_[t]) | (sentence_start_.node[i] & start_[t]);
  }

  // Sets found_[i] to kNoEntry and lists in searching_ the tokens to look up
  // at order i+1; returns how many. A token is looked up when its i-word
  // context exists and, in a suffix-closed model, its i-gram was found.
  // (Each index is written, and kept by advancing the count: no branch.)
  std::size_t start_pass(int i) {
    const std::array<std::uint32_t, kChunk + 1>& context = ctx_[i - 1];
    std::size_t searching = 0;
    for (std::size_t t = 0; t < n_; ++t) {
      found_[i][t] = kNoEntry;
      searching_[searching] = static_cast<std::uint8_t>(t);
      const unsigned has_context = context[t] != kNoEntry;
      const unsigned shorter_found = (i == 1) | !closed_ | (found_[i - 1][t] != kNoEntry);
      searching += has_context & shorter_found;
    }
    return searching;
  }

  // found_[i] for the orders with a successor hash table (bigrams, and in
  // exact models trigrams): each token under its i-word context, through the
  // table. Every step runs over the tokens: fetch the table slots (and the
  // contexts' key lines, which the check of a candidate reads); then probe,
  // which fetches the candidate's key line; then check.
  void hash_pass(int i) {
    const ModelLevel& parents = m_.level(i);
    std::array<std::uint32_t, kChunk>& found = found_[i];
    const std::array<std::uint32_t, kChunk + 1>& context = ctx_[i - 1];
    const std::size_t searching = start_pass(i);
    for (std::size_t k = 0; k < searching; ++k) {
      const std::size_t t = searching_[k];
      hash_[t] = child_hash(context[t], word_[t]);
      m_.prefetch_child_slot(i, hash_[t]);
      parents.prefetch_children(context[t]);
    }
    if (i >= 2) {
      for (std::size_t k = 0; k < searching; ++k) parents.prefetch_child_exception(context[searching_[k]]);
    }
    for (std::size_t k = 0; k < searching; ++k) slot_[searching_[k]] = m_.probe_child(i, hash_[searching_[k]]);
    for (std::size_t k = 0; k < searching; ++k) {
      const std::size_t t = searching_[k];
      found[t] = m_.find_child_from(i, context[t], word_[t], hash_[t], slot_[t]);
    }
    if (i < order_ - 1) link(i);
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
    const std::array<std::uint32_t, kChunk + 1>& context = ctx_[i - 1];
    std::size_t searching = start_pass(i);
    for (std::size_t k = 0; k < searching; ++k) parents.prefetch_children(context[searching_[k]]);
    for (std::size_t k = 0; k < searching; ++k) parents.prefetch_child_exception(context[searching_[k]]);
    for (std::size_t k = 0; k < searching; ++k) {
      const std::size_t t = searching_[k];
      const ModelLevel::Range r = parents.children(context[t]);
      begin_[t] = r.begin;
      end_[t] = r.end;
      level.prefetch_find(r.begin, r.end);
    }
    while (searching > 0) {
      std::size_t kept = 0;
      for (std::size_t k = 0; k < searching; ++k) {
        const std::size_t t = searching_[k];
        found[t] = level.find_round(&begin_[t], &end_[t], word_[t]);
        searching_[kept] = static_cast<std::uint8_t>(t);
        kept += found[t] == ModelLevel::kSearching;
      }
      searching = kept;
    }
    if (i < order_ - 1) link(i);
  }

  // Node i of the state after each token: its order-(i+1) n-gram, if the
  // shorter ones are nodes too.
  void link(int i) {
    for (std::size_t t = 0; t < n_; ++t) {
      const std::uint32_t mask = ctx_[i - 1][t + 1] == kNoEntry ? kNoEntry : 0;  // all ones or none
      ctx_[i][t + 1] = restart(i, t + 1, found_[i][t] | mask);
      length_[t + 1] += ctx_[i][t + 1] != kNoEntry;
    }
  }

  // The scores, from the searches' results (detail::backoff_score, as
  // score_word gives them); first fetches what they read.
  void final_pass(WordScore* scores) {
    for (std::size_t t = 0; t < n_; ++t) {
      int j = length_[t];
      for (; j >= 1 && found_[j][t] == kNoEntry; --j) m_.level(j).prefetch_backoff(ctx_[j - 1][t]);
      if (j == 0) {
        m_.level(1).prefetch(word_[t]);
      } else {
        m_.level(j + 1).prefetch(found_[j][t]);
      }
    }
    for (std::size_t t = 0; t < n_; ++t) {
      const int length = static_cast<int>(length_[t]);
      std::array<std::uint32_t, kMaxOrder> found, node;  // token t's column of found_ and ctx_
      for (int j = 1; j <= length; ++j) {
        found[j] = found_[j][t];
        node[j - 1] = ctx_[j - 1][t];
      }
      scores[t] = detail::backoff_score(m_, word_[t], length, found.data(), node.data());
    }
  }

  const Model& m_;
  const int order_;
  const bool closed_;  // the model is suffix-closed
  const State sentence_start_;  // the state a sentence's first token is scored in (padded_start)
  std::size_t n_ = 0;
  std::array<WordId, kChunk> word_;
  std::array<std::uint32_t, kChunk + 1> start_;  // all ones where token t starts a sentence; start_[n_] = 0
  // ctx_[i][t]: node i of the state token t is scored in (its order-(i+1)
  // context, an index in level i+1), or kNoEntry past the state's length;
  // ctx_[i][n_]: of the state after the last token.
  std::array<std::array<std::uint32_t, kChunk + 1>, kMaxOrder> ctx_;
  // length_[t]: the length of that state (its nodes below it are valid).
  std::array<std::uint32_t, kChunk + 1> length_{};
  // found_[i][t]: index in level i+1 of token t under its i-word context, or kNoEntry.
  std::array<std::array<std::uint32_t, kChunk>, kMaxOrder> found_;
  // The range each search is narrowed to, and which searches go on.
  std::array<std::uint64_t, kChunk> begin_, end_;
  std::array<std::uint64_t, kChunk> hash_;  // of each token's n-gram, in hash_pass
  std::array<std::uint64_t, kChunk> slot_;  // where its probe stopped (Model::probe_child)
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
