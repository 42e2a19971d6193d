// Building the trie level by level and laying it out in one buffer.
#include <algorithm>
#include <cstring>
#include <fmt/format.h>

#include "model/model_format.hpp"
#include "lm/error.hpp"
#include "lm/model.hpp"

namespace lm {

TrieBuilder::TrieBuilder(int order, const Vocabulary& vocab) : order_(order), vocab_(vocab) {
  if (order < 1 || order > kMaxOrder) {
    throw ConfigError(fmt::format("order {} is out of range; use 1 to {}", order, kMaxOrder));
  }
}

void TrieBuilder::set_unigrams(std::vector<float> log10_prob, std::vector<float> log10_backoff) {
  levels_.clear();
  LevelData level;
  level.log10_prob = std::move(log10_prob);
  level.log10_backoff = std::move(log10_backoff);
  if (order_ == 1) level.log10_backoff.clear();
  levels_.push_back(std::move(level));
}

std::uint32_t TrieBuilder::find_child(int n, std::uint32_t parent, WordId word) const {
  const LevelData& level = levels_[n - 1];
  return detail::find_in_range(levels_[n].words, level.child_begin[parent], level.child_begin[parent + 1], word);
}

std::uint32_t TrieBuilder::find(std::span<const WordId> ngram) const {
  if (ngram.empty() || ngram.size() > levels_.size() || ngram[0] >= levels_[0].log10_prob.size()) {
    return kNoEntry;
  }
  std::uint32_t node = ngram[0];
  for (std::size_t i = 1; i < ngram.size() && node != kNoEntry; ++i) {
    node = find_child(static_cast<int>(i), node, ngram[i]);
  }
  return node;
}

void TrieBuilder::add_level(const std::vector<WordId>& words, std::vector<float> log10_prob,
                            std::vector<float> log10_backoff) {
  const std::size_t n = levels_.size() + 1;
  const std::size_t count = log10_prob.size();
  LevelData& parent_level = levels_.back();
  const std::size_t parent_count = parent_level.log10_prob.size();
  std::vector<std::uint32_t> child_count(parent_count + 1, 0);
  LevelData level;
  level.words.reserve(count);
  std::uint32_t previous_parent = kNoEntry;
  for (std::size_t i = 0; i < count; ++i) {
    const WordId* gram = &words[i * n];
    const bool same_prefix = i > 0 && std::equal(gram, gram + n - 1, gram - n);
    if (!same_prefix) {
      std::uint32_t parent = find({gram, n - 1});
      if (parent == kNoEntry) {
        std::string text;
        for (std::size_t k = 0; k < n; ++k) text += fmt::format("{}{}", k ? " " : "", vocab_.word(gram[k]));
        throw Error(fmt::format("{}-gram '{}' has no entry for its context", n, text));
      }
      if (previous_parent != kNoEntry && parent < previous_parent) {
        throw Error(fmt::format("{}-grams are not sorted", n));
      }
      previous_parent = parent;
    } else if (gram[n - 1] <= *(gram - 1)) {  // *(gram - 1): the previous entry's last word
      throw Error(fmt::format("{}-grams are not sorted and unique", n));
    }
    ++child_count[previous_parent];
    level.words.push_back(gram[n - 1]);
  }
  parent_level.child_begin.assign(parent_count + 1, 0);
  std::uint32_t total = 0;
  for (std::size_t p = 0; p < parent_count; ++p) {
    parent_level.child_begin[p] = total;
    total += child_count[p];
  }
  parent_level.child_begin[parent_count] = total;
  level.log10_prob = std::move(log10_prob);
  level.log10_backoff = std::move(log10_backoff);
  if (static_cast<int>(n) == order_) level.log10_backoff.clear();
  levels_.push_back(std::move(level));
}

void TrieBuilder::add_level(std::vector<WordId> words, const std::vector<std::uint32_t>& parents,
                            std::vector<float> log10_prob, std::vector<float> log10_backoff) {
  const std::size_t n = levels_.size() + 1;
  const std::size_t count = log10_prob.size();
  LevelData& parent_level = levels_.back();
  const std::size_t parent_count = parent_level.log10_prob.size();
  if (words.size() != count || parents.size() != count) throw Error("internal error: level sizes differ");
  parent_level.child_begin.assign(parent_count + 1, 0);
  for (std::size_t i = 0; i < count; ++i) {
    const bool ordered = i == 0 || parents[i] > parents[i - 1] || (parents[i] == parents[i - 1] && words[i] > words[i - 1]);
    if (parents[i] >= parent_count || !ordered) {
      throw Error(fmt::format("{}-grams are not sorted and unique, or lack their context", n));
    }
    ++parent_level.child_begin[parents[i] + 1];
  }
  for (std::size_t p = 0; p < parent_count; ++p) parent_level.child_begin[p + 1] += parent_level.child_begin[p];
  LevelData level;
  level.words = std::move(words);
  level.log10_prob = std::move(log10_prob);
  level.log10_backoff = std::move(log10_backoff);
  if (static_cast<int>(n) == order_) level.log10_backoff.clear();
  levels_.push_back(std::move(level));
}

Model TrieBuilder::finish(const ModelInfo& info, const LayoutOptions& options) {
  std::vector<detail::LevelArrays> arrays;
  for (const LevelData& level : levels_) {
    arrays.push_back({level.words, level.log10_prob, level.log10_backoff, level.child_begin});
  }
  const detail::VocabArrays vocab{vocab_.chars(), vocab_.offsets(), vocab_.slots()};
  Buffer buffer = detail::lay_out_model(vocab, arrays, info, options);
  levels_.clear();
  return Model(std::move(buffer), "<memory>");
}

}  // namespace lm
