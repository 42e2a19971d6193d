// The n-gram table: a model's contents in editable form (per order: words,
// log10 p, log10 backoff), before they are packed into a Model's buffer or
// after they are unpacked from one. Estimation fills it, the ARPA reader
// reads into it and the ARPA writer writes from it; build_model lays it out,
// unpack_model takes a Model apart into one (to lay it out again, quantized,
// or, later, to prune or mix models).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lm/model.hpp"
#include "lm/vocabulary.hpp"

namespace lm {

struct NGramTable {
  // One order's entries in trie order: level n (n >= 2) is sorted by
  // (parent, word), so the successors of a context are one contiguous,
  // word-sorted range, and entries are unique. Level 1 is indexed by word id
  // and has one entry per word of the vocabulary.
  struct Level {
    std::vector<WordId> words;           // last word of each entry; empty on level 1
    std::vector<std::uint32_t> parent;   // index in level n-1 of the first n-1 words; empty on level 1
    std::vector<float> log10_prob;       // one per entry: size() of the level
    std::vector<float> log10_backoff;    // one per entry; empty on the top level
    [[nodiscard]] std::size_t size() const { return log10_prob.size(); }
    bool operator==(const Level&) const = default;
  };

  Vocabulary vocab;           // <unk>, <s>, </s> at ids 0, 1, 2
  std::vector<Level> levels;  // levels[n-1] holds order n
  ModelInfo info;             // what the model file records beside the n-grams

  [[nodiscard]] int order() const { return static_cast<int>(levels.size()); }
  // The word ids of entry i of level n, found through the parents.
  // REQUIRES: 1 <= n <= order(), i < levels[n-1].size(), parents in range.
  [[nodiscard]] std::vector<WordId> ngram(int n, std::size_t i) const;
};

// Lays the table out as a model (LayoutOptions: exact or quantized). Checks
// first that the order is 1..kMaxOrder (else ConfigError), that every array
// has its size, and that every level is sorted, unique, has its contexts
// (parents in range) and word ids in the vocabulary: else throws Error
// naming the n-gram. ConfigError for bad options, and for text options
// (info.text) that check_text_options refuses. Takes the table by value
// and releases each level's parents once linked, so that the peak memory is
// the table and the model (pass a copy, or std::move, as fits the caller).
[[nodiscard]] Model build_model(NGramTable table, const LayoutOptions& options = {});

// The n-grams of a model, as exact as the model holds them (a quantized
// model gives its quantized values), with its vocabulary and ModelInfo, so
// that build_model(unpack_model(m), options) lays m out again (byte for byte
// with m's own options). Verifies the model first (throws FormatError if it
// is corrupt).
[[nodiscard]] NGramTable unpack_model(const Model& model);

}  // namespace lm
