#include "lm/ngram_counts.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <future>
#include <memory>
#include <system_error>
#include <utility>
#include <sys/stat.h>
#include <unistd.h>

#include "count/adjust_counts.hpp"
#include "count/corpus_lines.hpp"
#include "count/ngram_runs.hpp"
#include "lm/error.hpp"
#include "lm/model.hpp"
#include "lm/line_reader.hpp"

namespace lm {

std::vector<WordId> NGramCounts::ngram(int n, std::size_t i) const {
  std::vector<WordId> ids(static_cast<std::size_t>(n));
  for (int k = n; k >= 2; --k) {
    ids[k - 1] = levels[k - 1].words[i];
    i = levels[k - 1].parent[i];
  }
  ids[0] = static_cast<WordId>(i);
  return ids;
}

std::vector<std::uint64_t> check_prune(std::vector<std::uint64_t> thresholds, int order) {
  if (thresholds.empty()) return {};
  if (thresholds.size() > static_cast<std::size_t>(order)) {
    throw ConfigError("prune", fmt::format("{} thresholds for an order-{} model; give at most {}",
                                           thresholds.size(), order, order));
  }
  if (thresholds[0] != 0) {
    throw ConfigError("prune", "the unigram threshold must be 0 (to drop rare words, use {min_count})");
  }
  for (std::size_t i = 1; i < thresholds.size(); ++i) {
    if (thresholds[i] < thresholds[i - 1]) {
      throw ConfigError("prune", "thresholds must be non-decreasing (e.g. 0 1 1), so that every kept "
                        "n-gram keeps its context");
    }
  }
  thresholds.resize(static_cast<std::size_t>(order), thresholds.back());
  if (std::all_of(thresholds.begin(), thresholds.end(), [](std::uint64_t t) { return t == 0; })) return {};
  return thresholds;
}

namespace {

// Bytes per token of a chunk while it is sorted: the tokens and n-gram
// starts (8), sort items and scratch (32), the run it becomes (<= 4n + 4),
// and the next chunk filling meanwhile (8).
constexpr std::uint64_t kSortBytesPerToken = 48;
constexpr std::uint64_t kMinChunkTokens = 1 << 12;
constexpr std::uint64_t kMaxChunkTokens = 1 << 23;
// Spilled runs are merged into one when there are this many (open files).
constexpr std::size_t kMaxSpilledRuns = 64;

}  // namespace

// Chunks of padded sentences are sorted into runs (in the background when
// there are threads to spare) while the next chunk fills. Runs stay in
// memory while they fit in the budget, else they go to temp files.
class NGramCounter::Impl {
 public:
  explicit Impl(const CountConfig& config) : config_(config) {
    const auto n = static_cast<std::uint64_t>(config.order);
    const std::uint64_t per_token = kSortBytesPerToken + 4 * n + 4;
    // A quarter of the budget for the chunk being sorted and the one being
    // filled, half for the runs kept in memory; merging later reads spilled
    // runs through buffers of an eighth.
    chunk_tokens_ = std::clamp<std::uint64_t>(config.memory / 4 / per_token, kMinChunkTokens, kMaxChunkTokens);
    run_budget_ = config.memory / 2;
    tokens_.reserve(chunk_tokens_ + 1024);
    starts_.reserve(chunk_tokens_ + 1024);
  }

  ~Impl() {
    if (pending_.valid()) pending_.wait();
  }

  void add_sentence(std::span<const WordId> words) {
    const auto n = static_cast<std::size_t>(config_.order);
    if (tokens_.size() + words.size() + n > 0xFFFFFFF0u) {
      throw Error("a sentence of more than 4 billion words is too long for lm");
    }
    const auto base = static_cast<std::uint32_t>(tokens_.size());
    tokens_.insert(tokens_.end(), n - 1, kBosId);
    tokens_.insert(tokens_.end(), words.begin(), words.end());
    tokens_.push_back(kEosId);
    const std::size_t grams = words.size() + 1;
    for (std::size_t i = 0; i < grams; ++i) starts_.push_back(base + static_cast<std::uint32_t>(i));
    if (tokens_.size() >= chunk_tokens_) flush_chunk();
  }

  NGramCounts finish(std::size_t vocab_size, const PhaseProgressFn& progress) {
    flush_chunk();
    collect();
    // Merging adds the lower orders (12 bytes per n-gram) and read buffers:
    // keep at most a quarter of the budget in runs from here on.
    spill_until(config_.memory / 4);
    std::uint64_t total = 0;
    for (const detail::Run& r : runs_) total += r.size();
    NGramCounts out;
    detail::CountAdjuster adjuster(config_.order, check_prune(config_.prune, config_.order), config_.keep_raw_counts);
    {
      detail::RunMerger merger(runs_, config_.order, std::max<std::uint64_t>(config_.memory / 8, 1 << 20));
      const WordId* gram = nullptr;
      std::uint64_t count = 0;
      std::uint64_t done = 0;
      while (merger.next(&gram, &count)) {
        adjuster.add(gram, count);
        if (progress && (++done & 0xFFFFF) == 0) progress(CountPhase::kMerge, done, total);
      }
    }
    runs_.clear();
    ProgressFn adjust_progress;
    if (progress) {
      adjust_progress = [&progress](std::uint64_t done, std::uint64_t all) { progress(CountPhase::kAdjust, done, all); };
    }
    adjuster.finish(vocab_size, config_.threads, &out, adjust_progress);
    return out;
  }

  [[nodiscard]] const CountReport& report() const { return report_; }

 private:
  // Hands the filled chunk to a sorter and starts a new one.
  void flush_chunk() {
    if (starts_.empty()) {
      tokens_.clear();
      return;
    }
    collect();
    auto sort = [order = config_.order](std::vector<WordId> tokens, std::vector<std::uint32_t> starts) {
      return detail::sort_chunk(tokens, starts, order);
    };
    if (config_.threads > 1) {
      // Shared, so that the chunk survives when no thread can be started.
      using Chunk = std::pair<std::vector<WordId>, std::vector<std::uint32_t>>;
      auto chunk = std::make_shared<Chunk>(std::move(tokens_), std::move(starts_));
      tokens_ = std::vector<WordId>();
      starts_ = std::vector<std::uint32_t>();
      try {
        pending_ = std::async(std::launch::async,
                              [sort, chunk] { return sort(std::move(chunk->first), std::move(chunk->second)); });
      } catch (const std::system_error&) {
        add_run(sort(std::move(chunk->first), std::move(chunk->second)));  // no thread: sort it here
      }
      tokens_.reserve(chunk_tokens_ + 1024);
      starts_.reserve(chunk_tokens_ + 1024);
    } else {
      add_run(detail::sort_chunk(tokens_, starts_, config_.order));
      tokens_.clear();
      starts_.clear();
    }
  }

  // Waits for the sorter, if it is busy, and keeps its run.
  void collect() {
    if (pending_.valid()) add_run(pending_.get());
  }

  void add_run(detail::Run run) {
    ++report_.runs;
    in_memory_ += run.bytes();
    runs_.push_back(std::move(run));
    spill_until(run_budget_);
  }

  // Spills the largest runs in memory until the rest take at most limit bytes.
  void spill_until(std::uint64_t limit) {
    while (in_memory_ > limit) {
      detail::Run* largest = nullptr;
      for (detail::Run& r : runs_) {
        if (!r.spilled() && (largest == nullptr || r.bytes() > largest->bytes())) largest = &r;
      }
      if (largest == nullptr) break;
      check_temp_dir();
      in_memory_ -= largest->bytes();
      largest->spill(config_.temp_dir);
      ++report_.spilled_runs;
      temp_bytes_ += largest->bytes();
      report_.temp_bytes_peak = std::max(report_.temp_bytes_peak, temp_bytes_);
      ++spilled_;
    }
    if (spilled_ >= kMaxSpilledRuns) compact_spilled();
  }

  // Merges the spilled runs into one, so that open files stay few however
  // small the budget.
  void compact_spilled() {
    std::vector<detail::Run> spilled;
    std::vector<detail::Run> kept;
    for (detail::Run& r : runs_) (r.spilled() ? spilled : kept).push_back(std::move(r));
    std::uint64_t old_bytes = 0;
    for (const detail::Run& r : spilled) old_bytes += r.bytes();
    detail::Run merged = detail::Run::merge_to_file(spilled, config_.order, config_.temp_dir,
                                                    std::max<std::uint64_t>(config_.memory / 8, 1 << 20));
    report_.temp_bytes_peak = std::max(report_.temp_bytes_peak, temp_bytes_ + merged.bytes());
    temp_bytes_ = temp_bytes_ - old_bytes + merged.bytes();
    spilled.clear();  // closes (and so frees) the old files
    kept.push_back(std::move(merged));
    runs_.swap(kept);
    spilled_ = 1;
  }

  void check_temp_dir() {
    if (temp_checked_) return;
    struct stat st {};
    if (::stat(config_.temp_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      throw ConfigError("temp_dir", fmt::format("temp directory {} does not exist; give another one",
                                                ConfigError::literal(config_.temp_dir)));
    }
    if (::access(config_.temp_dir.c_str(), W_OK | X_OK) != 0) {
      throw ConfigError("temp_dir", fmt::format("temp directory {} is not writable; give another one",
                                                ConfigError::literal(config_.temp_dir)));
    }
    temp_checked_ = true;
  }

  CountConfig config_;
  std::uint64_t chunk_tokens_;
  std::uint64_t run_budget_;
  std::vector<WordId> tokens_;
  std::vector<std::uint32_t> starts_;
  std::future<detail::Run> pending_;
  std::vector<detail::Run> runs_;
  std::uint64_t in_memory_ = 0;
  std::uint64_t temp_bytes_ = 0;
  std::size_t spilled_ = 0;  // spilled runs now in runs_
  bool temp_checked_ = false;
  CountReport report_;
};

NGramCounter::NGramCounter(const CountConfig& config) {
  if (config.order < 1 || config.order > kMaxOrder) {
    throw ConfigError("order", fmt::format("{} is out of range; use 1 to {}", config.order, kMaxOrder));
  }
  if (config.threads < 1) throw ConfigError("threads", "must be at least 1");
  (void)check_prune(config.prune, config.order);  // fail before reading the corpus
  impl_ = std::make_unique<Impl>(config);
}

NGramCounter::~NGramCounter() = default;

void NGramCounter::add_sentence(std::span<const WordId> words) {
  impl_->add_sentence(words);
  ++stats_.sentences;
  stats_.words += words.size();
  stats_.unk_words += static_cast<std::uint64_t>(std::count(words.begin(), words.end(), kUnkId));
}

const CountReport& NGramCounter::report() const { return impl_->report(); }

NGramCounts NGramCounter::finish(const PhaseProgressFn& progress) {
  NGramCounts result = impl_->finish(vocab_.size(), progress);
  result.order = static_cast<int>(result.levels.size());
  result.stats = stats_;
  // <s> never ends an n-gram, and <unk> may be unseen: lmplz counts them as
  // unigram types with adjusted count 0.
  result.counts_of_counts[0][0] += (stats_.unk_words == 0) ? 2 : 1;
  result.vocab = std::move(vocab_);
  vocab_ = Vocabulary();
  stats_ = CorpusStats();
  return result;
}

namespace {

NGramCounts count_lines(LineReader& reader, const CountConfig& config, const Vocabulary* fixed_vocab,
                        const PhaseProgressFn& progress, CountReport* report) {
  NGramCounter counter(config);
  if (fixed_vocab != nullptr) counter.vocab() = *fixed_vocab;
  std::vector<std::string_view> tokens;
  std::vector<WordId> ids;
  Tokenizer tokenizer(config.text);
  while (detail::next_sentence(reader, tokenizer, config.skip_bad_lines, &counter.stats(), &tokens)) {
    ids.clear();
    for (std::string_view token : tokens) {
      ids.push_back(fixed_vocab != nullptr ? counter.vocab().find(token) : counter.vocab().find_or_insert(token));
    }
    counter.add_sentence(ids);
    if (progress && (reader.line_number() & 0x3FFF) == 0) progress(CountPhase::kRead, reader.bytes_read(), 0);
  }
  detail::check_has_words(reader, counter.stats());
  NGramCounts counts = counter.finish(progress);
  if (report != nullptr) *report = counter.report();
  return counts;
}

}  // namespace

NGramCounts count_corpus(LineReader& reader, const CountConfig& config, const PhaseProgressFn& progress,
                         CountReport* report) {
  return count_lines(reader, config, nullptr, progress, report);
}

NGramCounts count_corpus(LineReader& reader, const CountConfig& config, const Vocabulary& fixed_vocab,
                         const PhaseProgressFn& progress, CountReport* report) {
  return count_lines(reader, config, &fixed_vocab, progress, report);
}

NGramCounts count_corpus(LineReader& reader, int order) {
  CountConfig config;
  config.order = order;
  return count_corpus(reader, config);
}

}  // namespace lm
