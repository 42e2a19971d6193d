#include "lm/vocab_limits.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <numeric>

#include "lm/error.hpp"
#include "lm/line_reader.hpp"
#include "lm/tokenizer.hpp"

namespace lm {

namespace {

bool is_special(std::string_view w) { return w == "<s>" || w == "</s>" || w == "<unk>"; }

}  // namespace

Vocabulary read_vocab_file(const std::string& path) {
  LineReader reader(path);
  Vocabulary vocab;
  std::string_view line;
  std::vector<std::string_view> words;
  while (reader.next(&line)) {
    if (find_invalid_utf8(line) != std::string_view::npos) {
      throw FormatError(reader.name(), reader.line_number(), "invalid UTF-8 or a NUL byte; the vocabulary file must be UTF-8 text");
    }
    split_tokens(line, &words);
    for (std::string_view w : words) {
      if (!is_special(w)) (void)vocab.find_or_insert(w);
    }
  }
  if (vocab.size() <= 3) throw FormatError(reader.name(), 0, "the vocabulary file has no words");
  return vocab;
}

Vocabulary scan_vocabulary(const std::string& corpus, const VocabLimits& limits, const ProgressFn& progress,
                           bool skip_bad_lines, const TextOptions& text) {
  if (corpus == "-") {
    throw ConfigError("", "{min_count} and {max_vocab} read the corpus twice; give a file, not standard input");
  }
  LineReader reader(corpus);
  Vocabulary seen;
  std::vector<std::uint64_t> counts(3, 0);
  std::string_view line;
  std::vector<std::string_view> tokens;
  Tokenizer tokenizer(text);
  while (reader.next(&line)) {
    if (skip_bad_lines) {
      if (!tokenizer.tokenize(line, &tokens).ok()) continue;
    } else {
      tokenizer.tokenize_checked(line, reader.name(), reader.line_number(), &tokens);
    }
    for (std::string_view t : tokens) {
      const WordId id = seen.find_or_insert(t);
      if (id >= counts.size()) counts.resize(id + 1, 0);
      ++counts[id];
    }
    if (progress && (reader.line_number() & 0x3FFF) == 0) progress(reader.bytes_read(), 0);
  }
  std::vector<WordId> kept;
  for (WordId id = 3; id < seen.size(); ++id) {
    if (counts[id] >= limits.min_count) kept.push_back(id);
  }
  if (limits.max_vocab > 0 && kept.size() > limits.max_vocab) {
    std::stable_sort(kept.begin(), kept.end(), [&counts](WordId a, WordId b) { return counts[a] > counts[b]; });
    kept.resize(limits.max_vocab);
    std::sort(kept.begin(), kept.end());  // back to first-occurrence order
  }
  Vocabulary vocab;
  for (WordId id : kept) (void)vocab.find_or_insert(seen.word(id));
  return vocab;
}

NGramCounts count_corpus_limited(const std::string& corpus, const CountConfig& config, const VocabLimits& limits,
                                 const PhaseProgressFn& progress, CountReport* report) {
  if (!limits.vocab_file.empty() && limits.scans_corpus()) {
    throw ConfigError("vocab_file", "fixes the vocabulary: do not combine it with {min_count} or {max_vocab}");
  }
  Vocabulary vocab;
  if (!limits.vocab_file.empty()) {
    vocab = read_vocab_file(limits.vocab_file);
  } else if (limits.scans_corpus()) {
    ProgressFn scan_progress;
    if (progress) scan_progress = [&progress](std::uint64_t done, std::uint64_t total) { progress(CountPhase::kVocab, done, total); };
    vocab = scan_vocabulary(corpus, limits, scan_progress, config.skip_bad_lines, config.text);
  }
  LineReader reader(corpus);
  if (!limits.any()) return count_corpus(reader, config, progress, report);
  return count_corpus(reader, config, vocab, progress, report);
}

}  // namespace lm
