// Counting as NLTK's nltk.lm counts (lm/ngram_counts.hpp, count_corpus_nltk):
// padded_everygram_pipeline pads each sentence with order-1 <s> and order-1
// </s> and counts every n-gram of orders 1..order of the padded sentence.
// Exact and in memory: one hash table per order, then a count trie like the
// main counter's (levels sorted by (parent, word), parent and suffix links).
#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <string>
#include <unordered_map>

#include "count/corpus_lines.hpp"
#include "lm/error.hpp"
#include "lm/line_reader.hpp"
#include "lm/model.hpp"
#include "lm/ngram_counts.hpp"

namespace lm {

namespace {

// An n-gram's word ids as the bytes of a string key.
std::string key_of(const WordId* words, std::size_t n) {
  return std::string(reinterpret_cast<const char*>(words), n * sizeof(WordId));
}

std::uint32_t checked_count(std::uint64_t c) {
  if (c > 0xFFFFFFFFu) throw Error("an n-gram was seen more than 2^32-1 times: too large a corpus for --nltk");
  return static_cast<std::uint32_t>(c);
}

}  // namespace

NGramCounts count_corpus_nltk(LineReader& reader, const CountConfig& config) {
  const int order = config.order;
  if (order < 1 || order > kMaxOrder) {
    throw ConfigError("order", fmt::format("{} is out of range; use 1 to {}", order, kMaxOrder));
  }
  if (!check_prune(config.prune, order).empty()) {
    throw ConfigError("prune", "not with {nltk_padding}: NLTK's counts are not pruned");
  }
  const auto pad = static_cast<std::size_t>(order - 1);
  NGramCounts result;
  result.order = order;
  result.nltk_padding = true;
  CorpusStats& stats = result.stats;
  Vocabulary& vocab = result.vocab;
  // table[n-1]: order n, keyed by its words (order 1 is counted by word id).
  std::vector<std::uint64_t> unigrams(3, 0);
  std::vector<std::unordered_map<std::string, std::uint64_t>> table(static_cast<std::size_t>(order));

  std::vector<std::string_view> tokens;
  std::vector<WordId> padded;
  Tokenizer tokenizer(config.text);
  while (detail::next_sentence(reader, tokenizer, config.skip_bad_lines, &stats, &tokens)) {
    padded.assign(pad, kBosId);
    for (std::string_view token : tokens) {
      const WordId id = vocab.find_or_insert(token);
      padded.push_back(id);
      if (id == kUnkId) ++stats.unk_words;
    }
    padded.insert(padded.end(), pad, kEosId);
    ++stats.sentences;
    stats.words += tokens.size();
    if (unigrams.size() < vocab.size()) unigrams.resize(vocab.size(), 0);
    // Every n-gram of the padded sentence (NLTK's everygrams).
    for (std::size_t i = 0; i < padded.size(); ++i) {
      ++unigrams[padded[i]];
      for (std::size_t n = 2; n <= static_cast<std::size_t>(order) && i + n <= padded.size(); ++n) {
        ++table[n - 1][key_of(&padded[i], n)];
      }
    }
  }
  detail::check_has_words(reader, stats);
  unigrams.resize(vocab.size(), 0);

  result.levels.resize(static_cast<std::size_t>(order));
  result.counts_of_counts.assign(static_cast<std::size_t>(order), {});
  result.raw_counts_of_counts.assign(static_cast<std::size_t>(order), {});
  auto tally = [&](int n, std::uint32_t c) {
    std::array<std::uint64_t, 5>& coc = result.counts_of_counts[static_cast<std::size_t>(n) - 1];
    std::array<std::uint64_t, kRawCountsOfCounts + 1>& raw = result.raw_counts_of_counts[static_cast<std::size_t>(n) - 1];
    ++coc[0];
    ++raw[0];
    if (c >= 1 && c <= 4) ++coc[c];
    if (c >= 1 && c <= kRawCountsOfCounts) ++raw[c];
  };
  CountLevel& first = result.levels[0];
  first.n = 1;
  for (std::uint64_t c : unigrams) {
    first.counts.push_back(checked_count(c));
    tally(1, first.counts.back());
  }
  first.raw_counts = first.counts;

  // Index of each n-gram of the order below in its level (order 1: the word id).
  std::unordered_map<std::string, std::uint32_t> lower_index;
  auto index_below = [&](const WordId* words, std::size_t n) -> std::uint32_t {
    if (n == 1) return words[0];
    const auto it = lower_index.find(key_of(words, n));
    if (it == lower_index.end()) throw Error("internal error: an everygram's prefix or suffix was not counted");
    return it->second;
  };
  struct Entry {
    std::uint32_t parent, suffix;
    WordId word;
    std::uint32_t count;
    const std::string* key;
  };
  std::vector<Entry> entries;
  std::vector<WordId> words;
  for (int n = 2; n <= order; ++n) {
    const auto size = static_cast<std::size_t>(n);
    entries.clear();
    for (const auto& [key, count] : table[size - 1]) {
      words.resize(size);
      std::memcpy(words.data(), key.data(), key.size());
      entries.push_back({index_below(words.data(), size - 1), index_below(words.data() + 1, size - 1),
                         words[size - 1], checked_count(count), &key});
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      return a.parent != b.parent ? a.parent < b.parent : a.word < b.word;
    });
    CountLevel& level = result.levels[size - 1];
    level.n = n;
    std::unordered_map<std::string, std::uint32_t> index;
    index.reserve(entries.size());
    for (const Entry& e : entries) {
      index.emplace(*e.key, static_cast<std::uint32_t>(level.words.size()));
      level.words.push_back(e.word);
      level.parent.push_back(e.parent);
      level.suffix.push_back(e.suffix);
      level.counts.push_back(e.count);
      tally(n, e.count);
    }
    level.raw_counts = level.counts;
    table[size - 1].clear();
    lower_index.swap(index);
  }
  return result;
}

}  // namespace lm
