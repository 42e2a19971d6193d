// Scoring many sentences at once: score_sentences interleaves the lookups of
// several sentences ("lanes") so that their cache misses overlap.
//
// Scoring one sentence is a chain of dependent memory accesses: each word's
// searches start from the trie nodes the previous word's searches found, and
// on a model of hundreds of megabytes nearly every one misses the cache. A
// lane is one sentence in progress; the lanes are visited in turn, and each
// visit moves a lane's word one stage on (detail/word_lookup.hpp) and starts
// loading what its next stage reads, so its data arrive while the other lanes
// work (the technique is known as asynchronous memory access chaining).
#include <array>

#include "detail/word_lookup.hpp"
#include "lm/scorer.hpp"

namespace lm {

namespace {

// Enough lanes that a round takes longer than a memory access; more only
// costs cache for the lanes' states.
constexpr int kLanes = 16;

struct Lane {
  std::size_t pos = 0;  // next word in ids
  std::size_t end = 0;  // end of the sentence in ids
  enum Stage { kBegun, kSearching, kFound } stage = kBegun;  // of the word at pos
  State state;
  detail::WordLookup lookup;
};

}  // namespace

void score_sentences(const Model& model, std::span<const WordId> ids, std::span<const std::size_t> ends,
                     std::span<WordScore> scores) {
  std::array<Lane, kLanes> lanes;
  std::size_t next_sentence = 0;
  // Gives lane the next nonempty sentence; false when there is none.
  auto start = [&](Lane& lane) {
    while (next_sentence < ends.size()) {
      const std::size_t begin = next_sentence == 0 ? 0 : ends[next_sentence - 1];
      const std::size_t end = ends[next_sentence++];
      if (begin < end) {
        lane.pos = begin;
        lane.end = end;
        lane.state = begin_sentence_state(model);
        return true;
      }
    }
    return false;
  };
  int active = 0;
  while (active < kLanes && start(lanes[active])) {
    detail::lookup_begin(model, lanes[active].state, ids[lanes[active].pos], &lanes[active].lookup);
    ++active;
  }
  // Each visit to a lane moves its word one stage on and starts loading what
  // the next stage reads; the other lanes' visits give the loads time.
  while (active > 0) {
    for (int i = 0; i < active;) {
      Lane& lane = lanes[i];
      if (lane.stage == Lane::kBegun) {
        detail::lookup_locate(model, lane.state, &lane.lookup);
        lane.stage = Lane::kSearching;
        ++i;
        continue;
      }
      if (lane.stage == Lane::kSearching) {
        if (detail::lookup_step(model, lane.state, &lane.lookup)) lane.stage = Lane::kFound;
        ++i;
        continue;
      }
      scores[lane.pos] = detail::lookup_end(model, lane.state, lane.lookup, &lane.state);
      lane.stage = Lane::kBegun;
      if (++lane.pos < lane.end || start(lane)) {
        detail::lookup_begin(model, lane.state, ids[lane.pos], &lane.lookup);
        ++i;
      } else {
        // Finished and nothing left to start: the last lane takes its place
        // (and is visited next, at the same i).
        lane = lanes[--active];
      }
    }
  }
}

void SentenceBatch::add(std::span<const std::string_view> words) {
  tokens_.insert(tokens_.end(), words.begin(), words.end());
  tokens_.emplace_back("</s>");
  ends_.push_back(tokens_.size());
}

std::span<const std::string_view> SentenceBatch::words(std::size_t i) const {
  return std::span<const std::string_view>(tokens_).subspan(begin(i), ends_[i] - 1 - begin(i));
}

void SentenceBatch::score(const Model& model) {
  ids_.resize(tokens_.size());
  model.vocab().find_many(tokens_, ids_.data());
  // "<unk>" written in the text is the unknown word, not a new one.
  const bool unk_trained = model.info().unk_is_word;
  oov_.assign(tokens_.size(), 0);
  for (std::size_t k = 0; k < tokens_.size(); ++k) {
    if (ids_[k] == kUnkId) oov_[k] = !(unk_trained && tokens_[k] == "<unk>");
  }
  // Each sentence ends with </s>, whatever its text (the view "</s>" is not
  // looked up as a word: a word "</s>" in the text is refused by the tokenizer).
  for (const std::size_t end : ends_) {
    ids_[end - 1] = kEosId;
    oov_[end - 1] = 0;
  }
  scores_.resize(tokens_.size());
  score_sentences(model, ids_, ends_, scores_);
}

SentenceScore SentenceBatch::result(std::size_t i, bool keep_factors) const {
  SentenceScore result;
  for (std::size_t k = begin(i); k < ends_[i]; ++k) {
    const WordScore& score = scores_[k];
    result.log10_prob += score.log10_prob;
    ++result.tokens;
    if (oov_[k] != 0) {
      ++result.oovs;
      result.oov_log10_prob += score.log10_prob;
    }
    if (keep_factors) result.factors.push_back(TokenScore{tokens_[k], ids_[k], oov_[k] != 0, score});
  }
  return result;
}

void SentenceBatch::clear() {
  tokens_.clear();
  ends_.clear();
  ids_.clear();
  oov_.clear();
  scores_.clear();
}

}  // namespace lm
