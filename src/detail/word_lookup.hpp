// score_word in stages, so that a caller scoring many sentences can keep
// the memory accesses of many words in flight (score_sentences): each stage
// starts loading what the next one reads, and only the last one waits for
// data. One word's stages run in order on the same state; between them the
// caller may run other words' stages.
#pragma once

#include <algorithm>

#include "lm/model.hpp"
#include "lm/scorer.hpp"

namespace lm::detail {

struct WordLookup {
  WordId word = kUnkId;
  // found[i] (1 <= i <= state length): index in level i+1 of word's
  // successor entry under the state's i-word context, kNoEntry, or
  // ModelLevel::kSearching while [begin[i], end[i]) is being searched.
  std::uint32_t found[kMaxOrder];
  std::uint64_t begin[kMaxOrder];
  std::uint64_t end[kMaxOrder];
};

// Stage 1: starts loading word's unigram, the bigram hash slot and the child
// pointers of every context node of `in`: their key lines (usually still in
// the cache from the searches that found them) and, for a node on an
// exception line, its entry in the exceptions array.
inline void lookup_begin(const Model& model, const State& in, WordId word, WordLookup* l) {
  l->word = word;
  const ModelLevel& unigrams = model.level(1);
  if (word < unigrams.size()) unigrams.prefetch(word);
  if (in.length >= 1) {
    model.prefetch_bigram_slot(in.node[0], word);
    unigrams.prefetch_children(in.node[0]);  // find_bigram checks the parent's range
  }
  // Reading a cached key line to find an exception costs little here, and
  // lets stage 2 locate every range at once instead of waiting for it.
  for (int i = 2; i <= in.length; ++i) {
    const ModelLevel& level = model.level(i);
    level.prefetch_children(in.node[i - 1]);
    level.prefetch_child_exception(in.node[i - 1]);
  }
}

// Starts the search of order i+1.
inline void locate(const Model& model, const State& in, int i, WordLookup* l) {
  const ModelLevel::Range r = model.level(i).children(in.node[i - 1]);
  l->begin[i] = r.begin;
  l->end[i] = r.end;
  l->found[i] = ModelLevel::kSearching;
  model.level(i + 1).prefetch_find(r.begin, r.end);
}

// Stage 2: locates the successor ranges and starts loading their first probes.
inline void lookup_locate(const Model& model, const State& in, WordLookup* l) {
  if (in.length >= 1) {
    model.prefetch_bigram_entry(in.node[0], l->word);
    l->found[1] = ModelLevel::kSearching;
  }
  for (int i = 2; i <= in.length; ++i) locate(model, in, i, l);
}

// Stage 3, as often as it takes: one round of every search still going.
// True when all are done; then what lookup_end reads is being fetched: the
// longest match's record, and the records (backoffs) of the longer
// contexts that did not match.
inline bool lookup_step(const Model& model, const State& in, WordLookup* l) {
  bool done = true;
  if (in.length >= 1 && l->found[1] == ModelLevel::kSearching) l->found[1] = model.find_bigram(in.node[0], l->word);
  for (int i = 2; i <= in.length; ++i) {
    if (l->found[i] == ModelLevel::kSearching) {
      l->found[i] = model.level(i + 1).find_round(&l->begin[i], &l->end[i], l->word);
      done = done && l->found[i] != ModelLevel::kSearching;
    }
  }
  if (done) {
    int j = in.length;
    for (; j >= 1 && l->found[j] == kNoEntry; --j) model.level(j).prefetch(in.node[j - 1]);
    if (j >= 1) model.level(j + 1).prefetch(l->found[j]);
  }
  return done;
}

// Stage 4 (best not right after stage 3): score_word(model, in, l.word, out) from the searches' results.
// out may alias &in.
inline WordScore lookup_end(const Model& model, const State& in, const WordLookup& l, State* out) {
  const WordId word = l.word;
  // Try the longest context first; each miss multiplies by that context's
  // backoff. The successors found on the way down form the next state.
  const int max_state = model.order() - 1;
  double backoff = 0;
  int j = in.length;
  for (; j >= 1 && l.found[j] == kNoEntry; --j) backoff += model.level(j).log10_backoff(in.node[j - 1]);
  WordScore score;
  if (j == 0) {
    score.ngram_order = 1;
    score.log10_prob = backoff + model.level(1).log10_prob(word);
  } else {
    score.ngram_order = j + 1;
    score.log10_prob = backoff + model.level(j + 1).log10_prob(l.found[j]);
  }
  // The new context is word preceded by the longest matched context (capped).
  State next;
  next.length = std::min(score.ngram_order, max_state);
  if (next.length > 0) {
    next.node[0] = word;
    for (int i = 1; i < next.length; ++i) {
      next.node[i] = l.found[i];
      // Only models without suffix closure (some ARPA files) miss here.
      if (next.node[i] == kNoEntry) {
        next.length = i;
        break;
      }
    }
  }
  *out = next;
  return score;
}

}  // namespace lm::detail
