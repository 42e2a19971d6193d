// Reading ARPA files into an n-gram table (see read_arpa_table in include/lm/model_io.hpp).
//
// The dialects of the toolkits that write ARPA files are read as they are
// written: KenLM and SRILM ("-99" for p(<s>), no <unk>), and IRSTLM, whose
// count lines are "ngram  1=     24032" (printf "%2d=%10d"; build-lm.sh writes
// "ngram 1=\t24032", quantize-lm "ngram 1= 24032") and whose build-lm.sh
// writes "iARPA" files, completed here as IRSTLM completes them. IRSTLM's
// binary (blmt) and quantized (qARPA) models are refused with what to do.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <numeric>

#include "lm/error.hpp"
#include "lm/model_io.hpp"
#include "lm/ngram_table.hpp"
#include "lm/line_reader.hpp"
#include "lm/tokenizer.hpp"
#include "model/smoothing_codec.hpp"

namespace lm {

namespace {

// One order's n-grams as the file lists them, n words per entry, until they
// are sorted and linked into the table, whose level holds their
// probabilities and backoffs meanwhile.
struct PendingLevel {
  std::vector<WordId> words;        // n per entry
  std::vector<std::uint64_t> line;  // source line, for messages (0: added context)
};

class ArpaParser {
 public:
  explicit ArpaParser(LineReader& reader) : reader_(reader) {}

  NGramTable parse();

 private:
  FormatError error(const std::string& what) const {
    return FormatError(reader_.name(), reader_.line_number(), what);
  }
  bool next_nonblank(std::string_view* line);
  float number(std::string_view text, const char* what) const;
  void check_irstlm_marker(std::string_view line);
  void read_text_comment(std::string_view line);
  void read_header();
  void read_level(int n);
  void read_unigram(float prob, float backoff);
  void sort_level(int n);
  void add_missing_contexts(int n);
  void complete_level(int n);
  void link_level(int n);
  [[nodiscard]] std::uint32_t find(const WordId* words, std::size_t n) const;
  [[nodiscard]] double backed_off(const WordId* g, std::size_t n) const;
  std::string text_of(const WordId* words, int n) const;

  LineReader& reader_;
  std::vector<std::uint64_t> counts_;
  NGramTable table_;
  std::vector<PendingLevel> pending_;  // pending_[n-1]: level n (empty for n = 1)
  // child_begin_[n-1]: the first successor of each entry of level n, for
  // the levels linked so far but the last.
  std::vector<std::vector<std::uint32_t>> child_begin_;
  std::vector<std::uint64_t> uni_line_;
  std::vector<std::string_view> tokens_;
  // IRSTLM's iARPA: the n-grams above 1 hold discounted frequencies.
  bool incomplete_ = false;
};

// "# lm text: --units chars ...": how the model reads text (its writer's
// text_flags). Not one lm wrote (or edited by hand into nonsense): an error,
// since scoring with other text options would give other numbers silently.
void ArpaParser::read_text_comment(std::string_view line) {
  const std::string_view flags = line.substr(detail::kArpaTextPrefix.size());
  if (!parse_text_flags(flags, &table_.info.text)) {
    throw error(fmt::format("bad '{}' comment '{}'; expected lm train's text flags, such as '{} --units chars "
                            "--space-token ▁': fix the line, or delete it to read text as words",
                            detail::kArpaTextPrefix, line, detail::kArpaTextPrefix));
  }
}

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
  if (ec == std::errc() && ptr == last && std::isinf(value)) {
    // IRSTLM's ShiftOne smoothing (tlm -lm=s1) writes backoffs of -inf.
    throw error(fmt::format("{} '{}' is infinite (a weight of 0, which makes some n-grams impossible); "
                            "rebuild the model with another smoothing method",
                            what, text));
  }
  if (ec != std::errc() || ptr != last || !std::isfinite(value)) {
    throw error(fmt::format("bad {} '{}'; expected a log10 number", what, text));
  }
  return value;
}

// The first token of the file names IRSTLM's other formats (IRSTLM reads it
// with `inp >> header`; lmtable::load).
void ArpaParser::check_irstlm_marker(std::string_view line) {
  while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
  if (line.starts_with("blmt") || line.starts_with("Qblmt")) {
    throw error(fmt::format("this is an IRSTLM binary model ({}), which lm cannot read; write it as ARPA text "
                            "with 'compile-lm --text=yes {} model.arpa' and give lm model.arpa",
                            line.substr(0, line.find_first_of(" \t")), reader_.name()));
  }
  if (line.starts_with("qARPA")) {
    throw error("this is an IRSTLM quantized model (qARPA: cluster codes, not log10 numbers), which lm cannot "
                "read; give lm the ARPA file that quantize-lm read ('lm convert --quantize 8' quantizes it "
                "for lm)");
  }
  incomplete_ = line.starts_with("iARPA");
}

// Parses "ngram N=count" with any spaces or tabs around N, '=' and count.
bool parse_count_line(std::string_view line, unsigned long long* n, unsigned long long* count) {
  const char* p = line.data() + 5;  // after "ngram"
  const char* end = line.data() + line.size();
  auto skip_space = [&p, end] {
    while (p < end && is_space(*p)) ++p;
  };
  skip_space();
  auto r1 = std::from_chars(p, end, *n);
  if (r1.ec != std::errc() || r1.ptr == line.data() + 5) return false;
  p = r1.ptr;
  skip_space();
  if (p == end || *p != '=') return false;
  ++p;
  skip_space();
  auto r2 = std::from_chars(p, end, *count);
  if (r2.ec != std::errc()) return false;
  p = r2.ptr;
  skip_space();
  return p == end;
}

bool is_count_line(std::string_view line) {
  return line.size() > 5 && line.starts_with("ngram") && is_space(line[5]);
}

void ArpaParser::read_header() {
  std::string_view line;
  bool first = true;
  while (next_nonblank(&line)) {
    if (line.substr(0, 6) == "\\data\\") break;
    if (reader_.line_number() == 1 && line.size() >= 2 && line[0] == '\x1f' && line[1] == '\x8b') {
      throw error("looks like a broken gzip file");
    }
    if (first) check_irstlm_marker(line);
    first = false;
    // lm's own comments: the smoothing method, NLTK's padding, the text
    // options (others are skipped).
    if (line.starts_with(detail::kArpaTextPrefix)) {
      read_text_comment(line);
    } else if (line.starts_with("# lm ")) {
      (void)detail::parse_arpa_smoothing_comment(line, &table_.info.smoothing);
    }
    if (line.starts_with(detail::kArpaNltkPaddingPrefix)) table_.info.nltk_padding = true;
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
    if (!is_count_line(line)) break;
    unsigned long long n = 0, count = 0;
    if (!parse_count_line(line, &n, &count) || n != counts_.size() + 1) {
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
    // No <unk> line: a closed vocabulary (SRILM's default), scored as KenLM
    // scores it (p(<unk>) = 10^-100) and written back without <unk>.
    if (n == 1) table_.info.closed_vocab = uni_line_[kUnkId] == 0;
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
  NGramTable::Level& level = table_.levels.emplace_back();
  PendingLevel& pending = pending_.emplace_back();
  if (n == 1) {
    level.log10_prob.assign(3, -100.0f);  // <unk> default as in KenLM; <s>, </s> overwritten if present
    level.log10_prob[kBosId] = -99.0f;
    level.log10_backoff.assign(3, 0.0f);
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
      read_unigram(prob, backoff);
      continue;
    }
    for (int k = 1; k <= n; ++k) {
      const WordId id = table_.vocab.find(tokens_[k]);
      if (id == kUnkId && tokens_[k] != kUnkWord) {
        throw error(fmt::format("word '{}' is not among the unigrams", tokens_[k]));
      }
      pending.words.push_back(id);
    }
    level.log10_prob.push_back(prob);
    if (!top) level.log10_backoff.push_back(backoff);
    pending.line.push_back(reader_.line_number());
  }
}

// The unigram on tokens_[1], indexed by its word id.
void ArpaParser::read_unigram(float prob, float backoff) {
  NGramTable::Level& level = table_.levels[0];
  const std::size_t before = table_.vocab.size();
  const WordId id = table_.vocab.find_or_insert(tokens_[1]);
  if (id < before && (id >= 3 || uni_line_[id] != 0)) {
    throw error(fmt::format("duplicate unigram '{}' (first on line {})", tokens_[1], uni_line_[id]));
  }
  if (id >= level.log10_prob.size()) {
    level.log10_prob.resize(id + 1);
    level.log10_backoff.resize(id + 1);
    uni_line_.resize(id + 1);
  }
  level.log10_prob[id] = prob;
  level.log10_backoff[id] = backoff;
  uni_line_[id] = reader_.line_number();
}

std::string ArpaParser::text_of(const WordId* words, int n) const {
  std::string text;
  for (int k = 0; k < n; ++k) text += fmt::format("{}{}", k ? " " : "", table_.vocab.word(words[k]));
  return text;
}

// Sorts level n (n >= 2) by its words, lexicographically: the trie order,
// once the contexts are linked. Throws FormatError for a duplicate.
void ArpaParser::sort_level(int n) {
  PendingLevel& pending = pending_[n - 1];
  NGramTable::Level& level = table_.levels[n - 1];
  const auto k = static_cast<std::size_t>(n);
  const std::size_t count = level.size();
  std::vector<std::uint32_t> order(count);
  std::iota(order.begin(), order.end(), 0u);
  auto gram = [&pending, k](std::uint32_t i) { return &pending.words[i * k]; };
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::lexicographical_compare(gram(a), gram(a) + k, gram(b), gram(b) + k);
  });
  for (std::size_t i = 1; i < count; ++i) {
    const WordId* g = gram(order[i]);
    if (std::equal(g, g + k, gram(order[i - 1]))) {
      const std::uint64_t a = pending.line[order[i]], b = pending.line[order[i - 1]];
      throw FormatError(reader_.name(), std::max(a, b),
                        fmt::format("duplicate {}-gram '{}' (also on line {})", n, text_of(g, n), std::min(a, b)));
    }
  }
  PendingLevel sorted;
  sorted.words.resize(pending.words.size());
  sorted.line.resize(count);
  std::vector<float> prob(count), backoff(level.log10_backoff.empty() ? 0 : count);
  for (std::size_t i = 0; i < count; ++i) {
    std::copy_n(gram(order[i]), k, &sorted.words[i * k]);
    sorted.line[i] = pending.line[order[i]];
    prob[i] = level.log10_prob[order[i]];
    if (!backoff.empty()) backoff[i] = level.log10_backoff[order[i]];
  }
  pending = std::move(sorted);
  level.log10_prob = std::move(prob);
  level.log10_backoff = std::move(backoff);
}

// Adds to level n-1 the prefixes of level-n entries that it lacks, marked
// with a NaN probability to be filled in by backing off.
void ArpaParser::add_missing_contexts(int n) {
  const PendingLevel& upper = pending_[n - 1];
  PendingLevel& lower = pending_[n - 2];
  NGramTable::Level& lower_level = table_.levels[n - 2];
  const auto k = static_cast<std::size_t>(n - 1);
  bool added = false;
  const std::size_t lower_size = lower_level.size();
  for (std::size_t i = 0; i < table_.levels[n - 1].size(); ++i) {
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
    lower.line.push_back(0);
    lower_level.log10_prob.push_back(std::nanf(""));
    lower_level.log10_backoff.push_back(0.0f);
    added = true;
  }
  if (added) sort_level(n - 1);
}

// Index in level n of the n-gram `words`, among the levels linked so far, or kNoEntry.
std::uint32_t ArpaParser::find(const WordId* words, std::size_t n) const {
  std::uint32_t node = words[0];  // every word is a unigram
  for (std::size_t k = 1; k < n; ++k) {
    const std::vector<WordId>& next = table_.levels[k].words;
    const std::vector<std::uint32_t>& begin = child_begin_[k - 1];
    const auto first = next.begin() + begin[node], last = next.begin() + begin[node + 1];
    const auto it = std::lower_bound(first, last, words[k]);
    if (it == last || *it != words[k]) return kNoEntry;
    node = static_cast<std::uint32_t>(it - next.begin());
  }
  return node;
}

// log10 p(w_n | w_1 ... w_n-1) by backing off, from the levels below n: the
// backoffs of the contexts not found, then the longest suffix found.
double ArpaParser::backed_off(const WordId* g, std::size_t n) const {
  double logp = 0;
  for (std::size_t start = 1; start < n; ++start) {
    const std::uint32_t context = find(g + start - 1, n - start);
    if (context != kNoEntry) logp += table_.levels[n - start - 1].log10_backoff[context];
    const std::uint32_t found = find(g + start, n - start);
    if (found != kNoEntry) return logp + table_.levels[n - start - 1].log10_prob[found];
  }
  return logp;  // not reached: w_n is a unigram
}

// Fills in the probabilities of level n that come from backing off, once the
// levels below n are linked: those of the contexts that add_missing_contexts
// added and, in an iARPA file, the part of every probability that the file
// leaves out.
void ArpaParser::complete_level(int n) {
  const PendingLevel& pending = pending_[n - 1];
  std::vector<float>& prob = table_.levels[n - 1].log10_prob;
  const auto k = static_cast<std::size_t>(n);
  for (std::size_t i = 0; i < prob.size(); ++i) {
    const bool added = std::isnan(prob[i]);
    if (!added && !incomplete_) continue;
    const WordId* g = &pending.words[i * k];
    double logp = backed_off(g, k);
    if (!added) {
      // iARPA (IRSTLM's build-lm.sh) holds the discounted frequency f*(w | h);
      // IRSTLM adds bow(h) p(w | h') on loading (lmtable::loadtxt_level).
      logp = std::log10(std::pow(10.0, static_cast<double>(prob[i])) + std::pow(10.0, logp));
      // The file's six digits can round a sum of 1 a little above it.
      if (logp > 1e-4) {
        throw FormatError(reader_.name(), pending.line[i],
                          fmt::format("the iARPA {}-gram '{}' adds up to log10 probability {} > 0; fix or "
                                      "regenerate the model",
                                      n, text_of(g, n), logp));
      }
      logp = std::min(logp, 0.0);
    }
    // Extreme inputs can sum past the float range: keep it finite.
    prob[i] = static_cast<float>(std::max(logp, static_cast<double>(-std::numeric_limits<float>::max())));
    // Positive backoffs can make an added context more probable than 1,
    // which no ARPA file may hold (and which would not read back once written).
    if (prob[i] > 0.0f) {
      throw FormatError(reader_.name(), 0,
                        fmt::format("the {}-gram '{}' is missing (it is the context of a longer n-gram) and "
                                    "backing off gives it log10 probability {} > 0: the file's backoffs are "
                                    "inconsistent; fix or regenerate the model",
                                    n, text_of(g, n), prob[i]));
    }
  }
}

// Turns level n (sorted, its contexts present) into trie form: each entry's
// last word and the index of its prefix in level n-1, whose successor
// ranges follow.
void ArpaParser::link_level(int n) {
  PendingLevel& pending = pending_[n - 1];
  NGramTable::Level& level = table_.levels[n - 1];
  const auto k = static_cast<std::size_t>(n);
  const std::size_t count = level.size();
  std::vector<std::uint32_t> begin(table_.levels[n - 2].size() + 1, 0);
  level.words.resize(count);
  level.parent.resize(count);
  std::uint32_t parent = kNoEntry;
  for (std::size_t i = 0; i < count; ++i) {
    const WordId* gram = &pending.words[i * k];
    if (i == 0 || !std::equal(gram, gram + k - 1, gram - k)) parent = find(gram, k - 1);
    if (parent == kNoEntry) {
      throw FormatError(reader_.name(), pending.line[i],
                        fmt::format("internal error: the context of {}-gram '{}' was not added", n, text_of(gram, n)));
    }
    level.words[i] = gram[k - 1];
    level.parent[i] = parent;
    ++begin[parent + 1];
  }
  for (std::size_t p = 1; p < begin.size(); ++p) begin[p] += begin[p - 1];
  child_begin_.push_back(std::move(begin));
  pending = PendingLevel();  // done with it: keep the peak memory down
}

NGramTable ArpaParser::parse() {
  read_header();
  const int order = static_cast<int>(counts_.size());
  for (int n = 2; n <= order; ++n) sort_level(n);
  for (int n = order; n >= 3; --n) add_missing_contexts(n);
  // Level 1 needs no added contexts: every word of an n-gram is a unigram.
  NGramTable::Level& unigrams = table_.levels[0];
  unigrams.log10_prob.resize(table_.vocab.size(), -100.0f);
  unigrams.log10_backoff.resize(order == 1 ? 0 : table_.vocab.size(), 0.0f);
  for (int n = 2; n <= order; ++n) {
    complete_level(n);
    link_level(n);
  }
  child_begin_.clear();
  return std::move(table_);
}

}  // namespace

NGramTable read_arpa_table(LineReader& reader) {
  ArpaParser parser(reader);
  return parser.parse();
}

Model read_arpa(LineReader& reader) { return build_model(read_arpa_table(reader)); }

}  // namespace lm
