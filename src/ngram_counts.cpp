#include "lm/ngram_counts.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <numeric>

#include "lm/error.hpp"
#include "lm/model.hpp"
#include "lm/tokenizer.hpp"

namespace lm {

// Open-addressing hash table from padded top-order n-grams to raw counts. Keys
// live in one flat array (order ids per entry): no per-n-gram allocation.
struct NGramCounter::Table {
  explicit Table(int order) : n(static_cast<std::size_t>(order)), slots(1 << 16, kEmpty) {}

  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;

  [[nodiscard]] std::uint64_t hash(const WordId* key) const {
    std::uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (std::size_t i = 0; i < n; ++i) {
      h = (h ^ key[i]) * 0xff51afd7ed558ccdULL;
      h ^= h >> 31;
    }
    return h;
  }

  void add(const WordId* key) {
    std::size_t mask = slots.size() - 1;
    for (std::size_t i = hash(key) & mask;; i = (i + 1) & mask) {
      std::uint32_t e = slots[i];
      if (e == kEmpty) {
        if (counts.size() >= 0xFFFFFFF0u) throw Error("too many distinct n-grams for one training run");
        slots[i] = static_cast<std::uint32_t>(counts.size());
        keys.insert(keys.end(), key, key + n);
        counts.push_back(1);
        if (counts.size() * 2 > slots.size()) grow();
        return;
      }
      if (std::memcmp(&keys[e * n], key, n * sizeof(WordId)) == 0) {
        ++counts[e];
        return;
      }
    }
  }

  void grow() {
    std::vector<std::uint32_t> bigger(slots.size() * 2, kEmpty);
    std::size_t mask = bigger.size() - 1;
    for (std::uint32_t e = 0; e < counts.size(); ++e) {
      std::size_t i = hash(&keys[e * n]) & mask;
      while (bigger[i] != kEmpty) i = (i + 1) & mask;
      bigger[i] = e;
    }
    slots.swap(bigger);
  }

  std::size_t n;
  std::vector<WordId> keys;
  std::vector<std::uint64_t> counts;
  std::vector<std::uint32_t> slots;
};

NGramCounter::NGramCounter(int order) : order_(order) {
  if (order < 1 || order > kMaxOrder) {
    throw ConfigError(fmt::format("order {} is out of range; use 1 to {}", order, kMaxOrder));
  }
  table_ = std::make_unique<Table>(order);
}

NGramCounter::~NGramCounter() = default;

void NGramCounter::add_sentence(std::span<const WordId> words) {
  const auto n = static_cast<std::size_t>(order_);
  padded_.assign(n - 1, kBosId);
  padded_.insert(padded_.end(), words.begin(), words.end());
  padded_.push_back(kEosId);
  for (std::size_t end = n; end <= padded_.size(); ++end) table_->add(&padded_[end - n]);
  ++stats_.sentences;
  stats_.words += words.size();
  stats_.unk_words += static_cast<std::uint64_t>(std::count(words.begin(), words.end(), kUnkId));
}

namespace {

// One order's n-grams in suffix order (compare the last word first), as
// lmplz's adjust_counts walks them, with raw and adjusted counts. Entries
// whose second word is <s> are padding: they only feed lower orders.
struct SuffixLevel {
  std::size_t n = 0;
  std::vector<WordId> words;
  std::vector<std::uint64_t> raw;
  std::vector<std::uint64_t> adjusted;
  // suffix_group[i]: index in the level below of entry i's last n-1 words.
  std::vector<std::uint32_t> suffix_group;
  [[nodiscard]] std::size_t size() const { return raw.size(); }
  [[nodiscard]] const WordId* gram(std::size_t i) const { return &words[i * n]; }
  [[nodiscard]] bool is_padding(std::size_t i) const { return n >= 2 && gram(i)[1] == kBosId; }
};

// Derives order n-1 from order n: in suffix order, the n-grams that share
// their last n-1 words are adjacent, so each run is one lower-order entry.
SuffixLevel lower_level(SuffixLevel& upper) {
  SuffixLevel out;
  out.n = upper.n - 1;
  upper.suffix_group.resize(upper.size());
  for (std::size_t i = 0; i < upper.size();) {
    const WordId* suffix = upper.gram(i) + 1;
    std::uint64_t raw = 0;
    std::uint64_t extensions = 0;
    const auto group = static_cast<std::uint32_t>(out.raw.size());
    std::size_t j = i;
    for (; j < upper.size() && std::equal(suffix, suffix + out.n, upper.gram(j) + 1); ++j) {
      raw += upper.raw[j];
      ++extensions;
      upper.suffix_group[j] = group;
    }
    out.words.insert(out.words.end(), suffix, suffix + out.n);
    out.raw.push_back(raw);
    out.adjusted.push_back(suffix[0] == kBosId ? raw : extensions);
    i = j;
  }
  return out;
}

// Tallies counts of counts like lmplz's StatCollector (see the class comment).
std::array<std::uint64_t, 5> tally(const SuffixLevel& level, bool top) {
  std::array<std::uint64_t, 5> t{};
  std::size_t last_real = level.size();
  for (std::size_t i = level.size(); i-- > 0;) {
    if (!level.is_padding(i)) {
      last_real = i;
      break;
    }
  }
  for (std::size_t i = 0; i < level.size(); ++i) {
    if (level.is_padding(i)) continue;
    std::uint64_t c = (top || i == last_real) ? level.raw[i] : level.adjusted[i];
    ++t[0];
    if (c >= 1 && c <= 4) ++t[c];
  }
  return t;
}

struct KeyedIndex {
  std::uint64_t key;
  std::uint32_t index;
};

// The real entries of a level in lexicographic order. Lexicographic order is
// (first word, rank of the last n-1 words in the level below), so one 64-bit
// key per entry sorts it. *rank receives each suffix-order entry's position.
CountLevel forward_level(const SuffixLevel& level, const std::vector<std::uint32_t>& lower_rank,
                         std::vector<std::uint32_t>* rank) {
  CountLevel out;
  out.n = static_cast<int>(level.n);
  std::vector<KeyedIndex> keys;
  keys.reserve(level.size());
  for (std::size_t i = 0; i < level.size(); ++i) {
    if (level.is_padding(i)) continue;
    const std::uint64_t key = (std::uint64_t{level.gram(i)[0]} << 32) | lower_rank[level.suffix_group[i]];
    keys.push_back(KeyedIndex{key, static_cast<std::uint32_t>(i)});
  }
  std::sort(keys.begin(), keys.end(), [](const KeyedIndex& a, const KeyedIndex& b) { return a.key < b.key; });
  rank->assign(level.size(), kNoEntry);
  out.words.reserve(keys.size() * level.n);
  out.counts.reserve(keys.size());
  out.suffix.reserve(keys.size());
  for (std::size_t r = 0; r < keys.size(); ++r) {
    const std::uint32_t i = keys[r].index;
    (*rank)[i] = static_cast<std::uint32_t>(r);
    out.words.insert(out.words.end(), level.gram(i), level.gram(i) + level.n);
    out.counts.push_back(level.adjusted[i]);
    out.suffix.push_back(static_cast<std::uint32_t>(keys[r].key));
  }
  return out;
}

// The top order from the hash table, in suffix order. The last two words
// make a 64-bit key that decides most comparisons without touching the table.
SuffixLevel top_level(const std::vector<WordId>& keys, const std::vector<std::uint64_t>& counts, std::size_t n) {
  std::vector<KeyedIndex> order(counts.size());
  for (std::size_t e = 0; e < counts.size(); ++e) {
    const WordId* g = &keys[e * n];
    const std::uint64_t key = (std::uint64_t{g[n - 1]} << 32) | (n >= 2 ? g[n - 2] : 0u);
    order[e] = KeyedIndex{key, static_cast<std::uint32_t>(e)};
  }
  std::sort(order.begin(), order.end(), [&keys, n](const KeyedIndex& a, const KeyedIndex& b) {
    if (a.key != b.key) return a.key < b.key;
    const WordId* x = &keys[a.index * n];
    const WordId* y = &keys[b.index * n];
    for (std::size_t i = n >= 2 ? n - 2 : 0; i-- > 0;) {
      if (x[i] != y[i]) return x[i] < y[i];
    }
    return false;
  });
  SuffixLevel level;
  level.n = n;
  level.words.reserve(keys.size());
  level.raw.reserve(counts.size());
  for (const KeyedIndex& k : order) {
    level.words.insert(level.words.end(), &keys[k.index * n], &keys[k.index * n] + n);
    level.raw.push_back(counts[k.index]);
  }
  level.adjusted = level.raw;
  return level;
}

}  // namespace

NGramCounts NGramCounter::finish() {
  const auto n = static_cast<std::size_t>(order_);
  std::vector<SuffixLevel> levels(n);
  levels[n - 1] = top_level(table_->keys, table_->counts, n);
  table_ = std::make_unique<Table>(order_);
  for (std::size_t k = n - 1; k >= 1; --k) levels[k - 1] = lower_level(levels[k]);

  NGramCounts result;
  result.order = order_;
  result.stats = stats_;
  result.levels.resize(n);
  result.counts_of_counts.resize(n);
  for (std::size_t k = 1; k <= n; ++k) result.counts_of_counts[k - 1] = tally(levels[k - 1], k == n);
  // <s> never ends an n-gram, and <unk> may be unseen: lmplz counts them as
  // unigram types with adjusted count 0.
  result.counts_of_counts[0][0] += (stats_.unk_words == 0) ? 2 : 1;

  // Unigrams are indexed by word id; higher orders are sorted level by level.
  const std::size_t vocab_size = vocab_.size();
  CountLevel& unigrams = result.levels[0];
  unigrams.n = 1;
  unigrams.counts.assign(vocab_size, 0);
  std::vector<std::uint32_t> rank(levels[0].size());
  for (std::size_t i = 0; i < levels[0].size(); ++i) {
    unigrams.counts[levels[0].words[i]] = levels[0].adjusted[i];
    rank[i] = levels[0].words[i];
  }
  for (std::size_t k = 2; k <= n; ++k) {
    std::vector<std::uint32_t> next_rank;
    result.levels[k - 1] = forward_level(levels[k - 1], rank, &next_rank);
    rank.swap(next_rank);
    levels[k - 2] = SuffixLevel();
  }
  result.vocab = std::move(vocab_);
  vocab_ = Vocabulary();
  stats_ = CorpusStats();
  return result;
}

NGramCounts count_corpus(LineReader& reader, int order, const ProgressFn& progress) {
  NGramCounter counter(order);
  std::string_view line;
  std::vector<std::string_view> tokens;
  std::vector<WordId> ids;
  while (reader.next(&line)) {
    tokenize_checked(line, reader.name(), reader.line_number(), &tokens);
    ids.clear();
    for (std::string_view token : tokens) ids.push_back(counter.vocab().find_or_insert(token));
    counter.add_sentence(ids);
    if (progress && (reader.line_number() & 0x3FFF) == 0) progress(reader.bytes_read(), 0);
  }
  if (counter.stats().words == 0) {
    throw FormatError(reader.name(), 0,
                      counter.stats().sentences == 0
                          ? "the corpus is empty; give a text file with one sentence per line"
                          : "the corpus has no words, only blank lines; give a text file with one "
                            "sentence per line");
  }
  return counter.finish();
}

}  // namespace lm
