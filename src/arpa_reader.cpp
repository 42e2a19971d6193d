// Reading ARPA files into the trie (see read_arpa in include/lm/model_io.hpp).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <numeric>

#include "lm/error.hpp"
#include "lm/model_io.hpp"
#include "lm/tokenizer.hpp"

namespace lm {

namespace {

struct ArpaLevel {
  std::vector<WordId> words;  // n per entry
  std::vector<float> prob;
  std::vector<float> backoff;
  std::vector<std::uint64_t> line;  // source line, for messages (0: added context)
};

class ArpaParser {
 public:
  explicit ArpaParser(LineReader& reader) : reader_(reader) {}

  Model parse();

 private:
  FormatError error(const std::string& what) const {
    return FormatError(reader_.name(), reader_.line_number(), what);
  }
  bool next_nonblank(std::string_view* line);
  float number(std::string_view text, const char* what) const;
  void read_header();
  void read_level(int n);
  void sort_level(int n);
  void add_missing_contexts(int n);
  std::string text_of(const WordId* words, int n) const;

  LineReader& reader_;
  std::vector<std::uint64_t> counts_;
  std::vector<ArpaLevel> levels_;
  Vocabulary vocab_;
  std::vector<float> uni_prob_, uni_backoff_;
  std::vector<std::uint64_t> uni_line_;
  std::vector<std::string_view> tokens_;
};

bool ArpaParser::next_nonblank(std::string_view* line) {
  while (reader_.next(line)) {
    std::size_t i = 0;
    while (i < line->size() && is_space((*line)[i])) ++i;
    if (i < line->size()) return true;
  }
  return false;
}

float ArpaParser::number(std::string_view text, const char* what) const {
  float value = 0;
  const char* first = text.data();
  const char* last = first + text.size();
  if (!text.empty() && *first == '+') ++first;
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr != last || !std::isfinite(value)) {
    throw error(fmt::format("bad {} '{}'; expected a log10 number", what, text));
  }
  return value;
}

void ArpaParser::read_header() {
  std::string_view line;
  while (next_nonblank(&line)) {
    if (line.substr(0, 6) == "\\data\\") break;
    if (reader_.line_number() == 1 && line.size() >= 2 && line[0] == '\x1f' && line[1] == '\x8b') {
      throw error("looks like a broken gzip file");
    }
    if (find_invalid_utf8(line) != std::string_view::npos || reader_.line_number() > 1000) {
      throw FormatError(reader_.name(), 0,
                        "not an lm model or ARPA file (no \\data\\ section); train a model with "
                        "'lm train' or give an ARPA file");
    }
  }
  if (reader_.line_number() == 0 || line.substr(0, 6) != "\\data\\") {
    throw FormatError(reader_.name(), 0,
                      "not an lm model or ARPA file (no \\data\\ section); train a model with "
                      "'lm train' or give an ARPA file");
  }
  while (next_nonblank(&line)) {
    if (line.substr(0, 6) != "ngram ") break;
    std::size_t eq = line.find('=');
    unsigned long long n = 0, count = 0;
    auto r1 = std::from_chars(line.data() + 6, line.data() + (eq == std::string_view::npos ? 6 : eq), n);
    const char* end = line.data() + line.size();
    while (end > line.data() && is_space(end[-1])) --end;
    auto r2 = eq == std::string_view::npos ? std::from_chars_result{nullptr, std::errc::invalid_argument}
                                           : std::from_chars(line.data() + eq + 1, end, count);
    if (r1.ec != std::errc() || r2.ec != std::errc() || r2.ptr != end || n != counts_.size() + 1) {
      throw error(fmt::format("bad count line '{}'; expected 'ngram {}=<count>'", line, counts_.size() + 1));
    }
    if (n > static_cast<unsigned long long>(kMaxOrder)) {
      throw error(fmt::format("order {} is above the maximum of {}", n, kMaxOrder));
    }
    counts_.push_back(count);
  }
  if (counts_.empty()) throw error("the \\data\\ section lists no 'ngram N=count' lines");
  if (counts_[0] == 0) throw error("the model has no unigrams");
  // line now holds the first section header.
  for (int n = 1; n <= static_cast<int>(counts_.size()); ++n) {
    if (line != fmt::format("\\{}-grams:", n)) {
      throw error(fmt::format("expected '\\{}-grams:' but found '{}'", n, line));
    }
    read_level(n);
    if (!next_nonblank(&line)) throw error("the file ends before '\\end\\'");
  }
  if (line != "\\end\\") throw error(fmt::format("expected '\\end\\' but found '{}'", line));
  // Read to the end, so that a truncated gzip stream is noticed.
  while (reader_.next(&line)) {
  }
}

void ArpaParser::read_level(int n) {
  const std::uint64_t count = counts_[n - 1];
  const bool top = n == static_cast<int>(counts_.size());
  ArpaLevel level;
  if (n == 1) {
    uni_prob_.assign(3, -100.0f);  // <unk> default as in KenLM; <s>, </s> overwritten if present
    uni_prob_[kBosId] = -99.0f;
    uni_backoff_.assign(3, 0.0f);
    uni_line_.assign(3, 0);
  }
  std::string_view line;
  for (std::uint64_t i = 0; i < count; ++i) {
    if (!next_nonblank(&line)) throw error(fmt::format("the file ends inside the {}-grams", n));
    split_tokens(line, &tokens_);
    const std::size_t fields = tokens_.size();
    if (fields != static_cast<std::size_t>(n) + 1 && (top || fields != static_cast<std::size_t>(n) + 2)) {
      if (!tokens_.empty() && tokens_[0].substr(0, 1) == "\\") {
        throw error(fmt::format("the \\data\\ section says {} {}-grams but the section has {}", count, n, i));
      }
      throw error(fmt::format("expected a {}-gram line 'log10prob {}{}' but found {} fields", n,
                              n == 1 ? "word" : "w1 ... wN", top ? "" : " [backoff]", fields));
    }
    const std::size_t bad = find_invalid_utf8(line);
    if (bad != std::string_view::npos) {
      throw error(line[bad] == '\0' ? "NUL byte in the line; is this a binary file?" : "invalid UTF-8 in a word");
    }
    const float prob = number(tokens_[0], "probability");
    if (prob > 0.0f) throw error(fmt::format("log10 probability {} is above 0 (a probability above 1)", prob));
    const float backoff = fields == static_cast<std::size_t>(n) + 2 ? number(tokens_[n + 1], "backoff") : 0.0f;
    if (n == 1) {
      const std::size_t before = vocab_.size();
      const WordId id = vocab_.find_or_insert(tokens_[1]);
      if (id < before && (id >= 3 || uni_line_[id] != 0)) {
        throw error(fmt::format("duplicate unigram '{}' (first on line {})", tokens_[1], uni_line_[id]));
      }
      if (id >= uni_prob_.size()) {
        uni_prob_.resize(id + 1);
        uni_backoff_.resize(id + 1);
        uni_line_.resize(id + 1);
      }
      uni_prob_[id] = prob;
      uni_backoff_[id] = backoff;
      uni_line_[id] = reader_.line_number();
      continue;
    }
    for (int k = 1; k <= n; ++k) {
      const WordId id = vocab_.find(tokens_[k]);
      if (id == kUnkId && tokens_[k] != kUnkWord) {
        throw error(fmt::format("word '{}' is not among the unigrams", tokens_[k]));
      }
      level.words.push_back(id);
    }
    level.prob.push_back(prob);
    level.backoff.push_back(backoff);
    level.line.push_back(reader_.line_number());
  }
  levels_.push_back(std::move(level));
}

std::string ArpaParser::text_of(const WordId* words, int n) const {
  std::string text;
  for (int k = 0; k < n; ++k) text += fmt::format("{}{}", k ? " " : "", vocab_.word(words[k]));
  return text;
}

void ArpaParser::sort_level(int n) {
  ArpaLevel& level = levels_[n - 1];
  const auto k = static_cast<std::size_t>(n);
  std::vector<std::uint32_t> order(level.prob.size());
  std::iota(order.begin(), order.end(), 0u);
  auto gram = [&level, k](std::uint32_t i) { return &level.words[i * k]; };
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::lexicographical_compare(gram(a), gram(a) + k, gram(b), gram(b) + k);
  });
  ArpaLevel sorted;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const WordId* g = gram(order[i]);
    if (i > 0 && std::equal(g, g + k, gram(order[i - 1]))) {
      throw FormatError(reader_.name(), std::max(level.line[order[i]], level.line[order[i - 1]]),
                        fmt::format("duplicate {}-gram '{}' (also on line {})", n, text_of(g, n),
                                    std::min(level.line[order[i]], level.line[order[i - 1]])));
    }
    sorted.words.insert(sorted.words.end(), g, g + k);
    sorted.prob.push_back(level.prob[order[i]]);
    sorted.backoff.push_back(level.backoff[order[i]]);
    sorted.line.push_back(level.line[order[i]]);
  }
  level = std::move(sorted);
}

// Adds to level n-1 the prefixes of level-n entries that it lacks, marked
// with a NaN probability to be filled in by backing off.
void ArpaParser::add_missing_contexts(int n) {
  ArpaLevel& upper = levels_[n - 1];
  ArpaLevel& lower = levels_[n - 2];
  const auto k = static_cast<std::size_t>(n - 1);
  bool added = false;
  const std::size_t lower_size = lower.prob.size();
  for (std::size_t i = 0; i < upper.prob.size(); ++i) {
    const WordId* prefix = &upper.words[i * (k + 1)];
    if (i > 0 && std::equal(prefix, prefix + k, &upper.words[(i - 1) * (k + 1)])) continue;
    std::size_t lo = 0, hi = lower_size;
    while (lo < hi) {
      std::size_t mid = (lo + hi) / 2;
      if (std::lexicographical_compare(&lower.words[mid * k], &lower.words[mid * k] + k, prefix, prefix + k)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo < lower_size && std::equal(prefix, prefix + k, &lower.words[lo * k])) continue;
    lower.words.insert(lower.words.end(), prefix, prefix + k);
    lower.prob.push_back(std::nanf(""));
    lower.backoff.push_back(0.0f);
    lower.line.push_back(0);
    added = true;
  }
  if (added) sort_level(n - 1);
}

Model ArpaParser::parse() {
  read_header();
  const int order = static_cast<int>(counts_.size());
  for (int n = 2; n <= order; ++n) sort_level(n);
  for (int n = order; n >= 3; --n) add_missing_contexts(n);
  // Level 1 needs no added contexts: every word of an n-gram is a unigram.
  TrieBuilder builder(order, vocab_);
  uni_prob_.resize(vocab_.size(), -100.0f);
  uni_backoff_.resize(vocab_.size(), 0.0f);
  builder.set_unigrams(uni_prob_, uni_backoff_);
  for (int n = 2; n <= order; ++n) {
    ArpaLevel& level = levels_[n - 1];
    const auto k = static_cast<std::size_t>(n);
    for (std::size_t i = 0; i < level.prob.size(); ++i) {
      if (!std::isnan(level.prob[i])) continue;
      // An added context: its probability is what backing off gives.
      const WordId* g = &level.words[i * k];
      double logp = 0;
      for (std::size_t start = 0; start < k; ++start) {
        const std::uint32_t found = builder.find({g + start, k - start});
        if (found != kNoEntry) {
          logp += builder.log10_prob(static_cast<int>(k - start))[found];
          break;
        }
        const std::uint32_t context = builder.find({g + start, k - start - 1});
        if (context != kNoEntry) logp += builder.log10_backoff(static_cast<int>(k - start - 1))[context];
      }
      // Extreme inputs can sum past the float range: keep it finite.
      level.prob[i] = static_cast<float>(std::max(logp, static_cast<double>(-std::numeric_limits<float>::max())));
      // Positive backoffs can make it a probability above 1, which no ARPA
      // file may hold (and which would not read back once written).
      if (level.prob[i] > 0.0f) {
        throw FormatError(reader_.name(), 0,
                          fmt::format("the {}-gram '{}' is missing (it is the context of a longer n-gram) and "
                                      "backing off gives it log10 probability {} > 0: the file's backoffs are "
                                      "inconsistent; fix or regenerate the model",
                                      n, text_of(g, n), level.prob[i]));
      }
    }
    builder.add_level(level.words, std::move(level.prob), std::move(level.backoff));
    level = ArpaLevel();
  }
  ModelInfo info;
  info.smoothing = Smoothing::kArpa;
  return builder.finish(info);
}

}  // namespace

Model read_arpa(LineReader& reader) {
  ArpaParser parser(reader);
  return parser.parse();
}

}  // namespace lm
