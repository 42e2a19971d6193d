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
  [[nodiscard]] const WordId* gram(std::size_t i) const { return &words[i * n]; }
  [[nodiscard]] bool is_padding(std::size_t i) const { return n >= 2 && gram(i)[1] == kBosId; }
};

SuffixLevel lower_level(const SuffixLevel& upper) {
  SuffixLevel out;
  out.n = upper.n - 1;
  for (std::size_t i = 0; i < upper.raw.size();) {
    const WordId* suffix = upper.gram(i) + 1;
    std::uint64_t raw = 0;
    std::uint64_t extensions = 0;
    std::size_t j = i;
    for (; j < upper.raw.size() && std::equal(suffix, suffix + out.n, upper.gram(j) + 1); ++j) {
      raw += upper.raw[j];
      ++extensions;
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
  std::size_t last_real = level.raw.size();
  for (std::size_t i = level.raw.size(); i-- > 0;) {
    if (!level.is_padding(i)) {
      last_real = i;
      break;
    }
  }
  for (std::size_t i = 0; i < level.raw.size(); ++i) {
    if (level.is_padding(i)) continue;
    std::uint64_t c = (top || i == last_real) ? level.raw[i] : level.adjusted[i];
    ++t[0];
    if (c >= 1 && c <= 4) ++t[c];
  }
  return t;
}

// The real (non-padding) entries of a level, sorted lexicographically.
CountLevel forward_level(const SuffixLevel& level, std::size_t vocab_size) {
  CountLevel out;
  out.n = static_cast<int>(level.n);
  if (level.n == 1) {
    out.counts.assign(vocab_size, 0);
    for (std::size_t i = 0; i < level.raw.size(); ++i) out.counts[level.words[i]] = level.adjusted[i];
    return out;
  }
  std::vector<std::uint32_t> order;
  for (std::size_t i = 0; i < level.raw.size(); ++i) {
    if (!level.is_padding(i)) order.push_back(static_cast<std::uint32_t>(i));
  }
  const std::size_t n = level.n;
  std::sort(order.begin(), order.end(), [&level, n](std::uint32_t a, std::uint32_t b) {
    return std::lexicographical_compare(level.gram(a), level.gram(a) + n, level.gram(b), level.gram(b) + n);
  });
  out.words.reserve(order.size() * n);
  out.counts.reserve(order.size());
  for (std::uint32_t i : order) {
    out.words.insert(out.words.end(), level.gram(i), level.gram(i) + n);
    out.counts.push_back(level.adjusted[i]);
  }
  return out;
}

}  // namespace

NGramCounts NGramCounter::finish() {
  const auto n = static_cast<std::size_t>(order_);
  Table& table = *table_;
  std::vector<std::uint32_t> order(table.counts.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&table, n](std::uint32_t a, std::uint32_t b) {
    const WordId* x = &table.keys[a * n];
    const WordId* y = &table.keys[b * n];
    for (std::size_t i = n; i-- > 0;) {
      if (x[i] != y[i]) return x[i] < y[i];
    }
    return false;
  });
  SuffixLevel level;
  level.n = n;
  level.words.reserve(table.keys.size());
  for (std::uint32_t e : order) {
    level.words.insert(level.words.end(), &table.keys[e * n], &table.keys[e * n] + n);
    level.raw.push_back(table.counts[e]);
  }
  level.adjusted = level.raw;
  table_ = std::make_unique<Table>(order_);
  std::vector<std::uint32_t>().swap(order);

  NGramCounts result;
  result.order = order_;
  result.stats = stats_;
  result.levels.resize(n);
  result.counts_of_counts.resize(n);
  const std::size_t vocab_size = vocab_.size();
  for (std::size_t k = n; k >= 1; --k) {
    result.counts_of_counts[k - 1] = tally(level, k == n);
    result.levels[k - 1] = forward_level(level, vocab_size);
    if (k > 1) level = lower_level(level);
  }
  // <s> never ends an n-gram, and <unk> may be unseen: lmplz counts them as
  // unigram types with adjusted count 0.
  result.counts_of_counts[0][0] += (stats_.unk_words == 0) ? 2 : 1;
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
