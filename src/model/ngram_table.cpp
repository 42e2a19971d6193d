// The n-gram table (include/lm/ngram_table.hpp): checking and linking its
// levels for the layout, and taking a model apart into one.
#include "lm/ngram_table.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <string>

#include "lm/error.hpp"
#include "model/model_format.hpp"
#include "model/unpack.hpp"

namespace lm {

std::vector<WordId> NGramTable::ngram(int n, std::size_t i) const {
  std::vector<WordId> words(static_cast<std::size_t>(n));
  for (int k = n; k >= 2; --k) {
    const Level& level = levels[static_cast<std::size_t>(k - 1)];
    words[static_cast<std::size_t>(k - 1)] = level.words[i];
    i = level.parent[i];
  }
  words[0] = static_cast<WordId>(i);
  return words;
}

namespace {

std::string ngram_text(const NGramTable& table, int n, std::size_t i) {
  std::string text;
  for (const WordId w : table.ngram(n, i)) text += fmt::format("{}{}", text.empty() ? "" : " ", table.vocab.word(w));
  return text;
}

// Every array of every level has its size. Throws Error (ConfigError for the order).
void check_sizes(const NGramTable& table) {
  const int order = table.order();
  if (order < 1 || order > kMaxOrder) {
    throw ConfigError(fmt::format("order {} is out of range; use 1 to {}", order, kMaxOrder));
  }
  for (int n = 1; n <= order; ++n) {
    const NGramTable::Level& level = table.levels[static_cast<std::size_t>(n - 1)];
    const std::size_t count = level.size();
    const std::size_t words = n == 1 ? 0 : count;
    const std::size_t backoffs = n == order ? 0 : count;
    if (n == 1 && count != table.vocab.size()) {
      throw Error(fmt::format("the table has {} unigrams for {} words; give every word one", count, table.vocab.size()));
    }
    if (level.words.size() != words || level.parent.size() != words || level.log10_backoff.size() != backoffs) {
      throw Error(fmt::format("{}-grams: {} probabilities but {} words, {} parents and {} backoffs (expected {}, {}, {})",
                              n, count, level.words.size(), level.parent.size(), level.log10_backoff.size(), words,
                              words, backoffs));
    }
  }
}

// Level n (n >= 2) is sorted by (parent, word) and unique, its parents are
// entries of level n-1 and its words are in the vocabulary. Else throws
// Error naming the first n-gram that is not. REQUIRES: levels below n checked.
void check_level(const NGramTable& table, int n) {
  const NGramTable::Level& level = table.levels[static_cast<std::size_t>(n - 1)];
  const std::size_t parents = table.levels[static_cast<std::size_t>(n - 2)].size();
  const std::size_t vocab_size = table.vocab.size();
  for (std::size_t i = 0; i < level.size(); ++i) {
    const std::uint32_t p = level.parent[i];
    const WordId w = level.words[i];
    if (w >= vocab_size) {
      throw Error(fmt::format("{}-gram {} has word id {}, outside the vocabulary of {} words", n, i, w, vocab_size));
    }
    if (p >= parents) {
      throw Error(fmt::format("{}-gram {} (last word '{}') has no entry for its context: its parent {} is not "
                              "one of the {} {}-grams",
                              n, i, table.vocab.word(w), p, parents, n - 1));
    }
    if (i == 0 || p > level.parent[i - 1] || (p == level.parent[i - 1] && w > level.words[i - 1])) continue;
    if (p == level.parent[i - 1] && w == level.words[i - 1]) {
      throw Error(fmt::format("duplicate {}-gram '{}' (entries {} and {})", n, ngram_text(table, n, i), i - 1, i));
    }
    throw Error(fmt::format("{}-grams are not sorted: '{}' (entry {}) comes after '{}'", n, ngram_text(table, n, i), i,
                            ngram_text(table, n, i - 1)));
  }
}

// The first child of each entry of a level, from the next level's parents
// (checked): parents.size() + 1 values, the last one the next level's size.
std::vector<std::uint32_t> child_begin_of(std::size_t count, std::span<const std::uint32_t> parents) {
  std::vector<std::uint32_t> begin(count + 1, 0);
  for (const std::uint32_t p : parents) ++begin[p + 1];
  for (std::size_t i = 0; i < count; ++i) begin[i + 1] += begin[i];
  return begin;
}

}  // namespace

namespace detail {

void check_table(const NGramTable& table) {
  check_text_options(table.info.text);  // the header and the ARPA comment hold only valid ones
  check_sizes(table);
  for (int n = 2; n <= table.order(); ++n) check_level(table, n);
}

Model build_model(NGramTable table, const LayoutOptions& options, std::optional<bool> suffix_closed) {
  check_table(table);
  const auto order = static_cast<std::size_t>(table.order());
  // Each level's parents give the level below its child pointers (what the
  // layout reads) and are not needed after that.
  std::vector<std::vector<std::uint32_t>> child_begin(order);
  for (std::size_t n = 1; n < order; ++n) {
    std::vector<std::uint32_t>& parents = table.levels[n].parent;
    child_begin[n - 1] = child_begin_of(table.levels[n - 1].size(), parents);
    std::vector<std::uint32_t>().swap(parents);
  }
  std::vector<LevelArrays> arrays;
  for (std::size_t n = 0; n < order; ++n) {
    const NGramTable::Level& level = table.levels[n];
    arrays.push_back({level.words, level.log10_prob, level.log10_backoff, child_begin[n]});
  }
  const VocabArrays vocab{table.vocab.chars(), table.vocab.offsets(), table.vocab.slots()};
  return Model(lay_out_model(vocab, arrays, table.info, options, suffix_closed), "<memory>");
}

}  // namespace detail

Model build_model(NGramTable table, const LayoutOptions& options) {
  return detail::build_model(std::move(table), options, std::nullopt);
}

namespace detail {

Vocabulary unpack_vocabulary(const VocabView& words) {
  Vocabulary vocab;
  for (WordId id = 0; id < words.size(); ++id) {
    if (vocab.find_or_insert(words.word(id)) != id) {
      throw Error(fmt::format("internal error: word {} of a verified model is not where it belongs", id));
    }
  }
  return vocab;
}

std::vector<NGramTable::Level> unpack_levels(const Model& model) {
  std::vector<NGramTable::Level> levels(static_cast<std::size_t>(model.order()));
  for (int n = 1; n <= model.order(); ++n) {
    const ModelLevel& level = model.level(n);
    const std::size_t count = level.size();
    NGramTable::Level& out = levels[n - 1];
    out.log10_prob.resize(count);
    for (std::size_t i = 0; i < count; ++i) out.log10_prob[i] = level.log10_prob(i);
    if (n < model.order()) {
      out.log10_backoff.resize(count);
      for (std::size_t i = 0; i < count; ++i) out.log10_backoff[i] = level.log10_backoff(i);
    }
    if (n == 1) {
      if (count != model.vocab().size()) throw FormatError("model", 0, "corrupt model: unigrams are not the vocabulary");
      continue;
    }
    out.words.resize(count);
    for (std::size_t i = 0; i < count; ++i) out.words[i] = level.word(i);
    // The parents from the level below's child pointers: its entry p's
    // successors are [child_begin(p), child_begin(p + 1)).
    const ModelLevel& below = model.level(n - 1);
    if (count > 0 && below.size() == 0) throw FormatError("model", 0, "corrupt model: n-grams without contexts");
    out.parent.assign(count, 0);
    std::uint64_t begin = std::min<std::uint64_t>(below.child_begin(0), count);
    for (std::uint64_t p = 0; p < below.size(); ++p) {
      const std::uint64_t end = std::clamp<std::uint64_t>(below.child_begin(p + 1), begin, count);
      for (std::uint64_t c = begin; c < end; ++c) out.parent[c] = static_cast<std::uint32_t>(p);
      begin = end;
    }
  }
  return levels;
}

}  // namespace detail

NGramTable unpack_model(const Model& model) {
  model.verify();  // a corrupt trie could give parents out of range
  NGramTable table;
  table.vocab = detail::unpack_vocabulary(model.vocab());
  table.levels = detail::unpack_levels(model);
  table.info = model.info();
  return table;
}

}  // namespace lm
