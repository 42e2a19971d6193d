// Laying a model out in its file format (docs/FORMAT.md): bit-packed records,
// compressed child pointers, optional quantization.
#include <algorithm>
#include <cmath>
#include <future>
#include <optional>
#include <span>
#include <system_error>
#include <fmt/format.h>

#include "model/model_format.hpp"
#include "model/smoothing_codec.hpp"
#include "model/quantizer.hpp"
#include "lm/error.hpp"

namespace lm::detail {

namespace {

std::uint32_t float_bits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// REQUIRES: value < 2^bits, bits <= 32, 8 writable zeroed bytes from bit / 8.
void write_bits(std::byte* base, std::uint64_t bit, std::uint32_t value) {
  std::uint64_t w;
  std::memcpy(&w, base + (bit >> 3), 8);
  w |= static_cast<std::uint64_t>(value) << (bit & 7);
  std::memcpy(base + (bit >> 3), &w, 8);
}

// A level's distinct backoffs, as the table its keys index instead of
// holding 32-bit floats (FileHeader::backoff_table_bits). Exact: the table
// holds the values themselves. Kneser-Ney backoffs depend only on a
// context's count statistics, so a level of millions of contexts has some
// ten thousand distinct values: 14-16 bits each instead of 32.
class BackoffTable {
 public:
  // No table (bits() == 0) when there are more than 2^kMaxBackoffTableBits
  // values, or when the table would take more room than it saves.
  explicit BackoffTable(std::span<const float> backoffs) {
    for (const float b : backoffs) {
      if (!insert(float_bits(b))) return;
    }
    if (values_.empty()) return;
    const unsigned bits = std::max(1u, packed_bits(values_.size() - 1));
    const std::uint64_t saved = (32 - bits) * std::uint64_t{backoffs.size()};
    if (saved <= (std::uint64_t{32} << bits)) return;
    // Ascending (as integers: any fixed order would do), padded to 2^bits
    // entries so that every index a record can hold is in the table.
    std::sort(values_.begin(), values_.end());
    for (std::size_t i = 0; i < values_.size(); ++i) index_[find(values_[i])] = static_cast<std::uint32_t>(i);
    values_.resize(std::size_t{1} << bits, values_.back());
    bits_ = bits;
  }
  [[nodiscard]] unsigned bits() const { return bits_; }
  [[nodiscard]] std::span<const std::uint32_t> values() const { return values_; }
  // REQUIRES: bits() != 0, b one of the backoffs given.
  [[nodiscard]] std::uint32_t encode(float b) const { return index_[find(float_bits(b))]; }

 private:
  // Open addressing over twice the most values a table may hold; a slot
  // holds value + 2^32 (0 is empty).
  static constexpr unsigned kSlotBits = kMaxBackoffTableBits + 1;
  [[nodiscard]] std::size_t find(std::uint32_t value) const {
    const std::uint64_t key = value + (std::uint64_t{1} << 32);
    std::size_t s = (value * 0x9E3779B97F4A7C15ULL) >> (64 - kSlotBits);
    while (slots_[s] != 0 && slots_[s] != key) s = (s + 1) & ((std::size_t{1} << kSlotBits) - 1);
    return s;
  }
  // False when there are too many values for a table.
  bool insert(std::uint32_t value) {
    const std::size_t s = find(value);
    if (slots_[s] != 0) return true;
    if (values_.size() == (std::size_t{1} << kMaxBackoffTableBits)) return false;
    slots_[s] = value + (std::uint64_t{1} << 32);
    values_.push_back(value);
    return true;
  }

  std::vector<std::uint64_t> slots_ = std::vector<std::uint64_t>(std::size_t{1} << kSlotBits, 0);
  std::vector<std::uint32_t> index_ = std::vector<std::uint32_t>(std::size_t{1} << kSlotBits, 0);
  std::vector<std::uint32_t> values_;
  unsigned bits_ = 0;
};

// Child pointers are stored per 64-byte key line: the line's 32-bit base is
// the first child of its first entry, and each key holds the delta from it
// in `bits` bits, beside the word id. A line whose deltas need more bits (a
// context with very many successors) stores its pointers in full in the
// exception array instead; its base is then ModelLevel::kExceptionBit | the exception
// line. `bits` minimizes the total size; it also decides how many keys fit
// in a line, so every width is tried.
struct PointerPlan {
  RecordFields fields;  // the key's fields (word, pointer, backoff, maybe prob), children = true
  std::vector<std::uint32_t> bases;  // one per line
  std::vector<std::uint32_t> exceptions;
};

// `key`: the level's other fields (level_fields); its pointer width is the one chosen here.
PointerPlan plan_pointers(std::span<const std::uint32_t> child_begin, const RecordFields& key) {
  const std::uint64_t count = child_begin.size() - 1;
  if (child_begin.back() >= ModelLevel::kExceptionBit) {
    throw Error(fmt::format("{} n-grams of one order: more than lm's format holds (2^31)", child_begin.back()));
  }
  PointerPlan plan;
  std::uint64_t best = ~std::uint64_t{0};
  for (unsigned w = 0; w <= 32; ++w) {
    RecordFields f = key;
    f.pointer = w;
    const std::uint64_t per_line = f.keys_per_line();
    const std::uint64_t lines = (count + per_line - 1) / per_line;
    std::uint64_t exception_lines = 0;
    for (std::uint64_t l = 0; l < lines; ++l) {
      const std::uint64_t last = std::min(count, (l + 1) * per_line) - 1;
      exception_lines += packed_bits(child_begin[last] - child_begin[l * per_line]) > w;
    }
    const std::uint64_t cost = lines * kKeyLineBits + exception_lines * per_line * 32;
    if (cost < best) {
      best = cost;
      plan.fields = f;
    }
  }
  const std::uint64_t per_line = plan.fields.keys_per_line();
  for (std::uint64_t l = 0; l * per_line < count; ++l) {
    const std::uint64_t first = l * per_line, last = std::min(count, first + per_line) - 1;
    std::uint32_t base = child_begin[first];
    if (packed_bits(child_begin[last] - base) > plan.fields.pointer) {
      base = ModelLevel::kExceptionBit | static_cast<std::uint32_t>(plan.exceptions.size() / per_line);
      for (std::uint64_t i = first; i < first + per_line; ++i) plan.exceptions.push_back(i < count ? child_begin[i] : 0);
    }
    plan.bases.push_back(base);
  }
  return plan;
}

// For each context with more than kTopListMin successors, its kTopListSize
// most probable successors (indices in the next level), most probable first,
// ties by word: `lm next` then needs only a few entries of a large context.
struct TopLists {
  std::vector<std::uint32_t> nodes;
  std::vector<std::uint32_t> entries;
};

TopLists plan_top_lists(std::span<const std::uint32_t> child_begin, std::span<const float> prob,
                        std::span<const WordId> words) {
  TopLists lists;
  std::vector<std::uint32_t> range;
  for (std::uint32_t node = 0; node + 1 < child_begin.size(); ++node) {
    const std::uint32_t begin = child_begin[node];
    const std::uint32_t end = child_begin[node + 1];
    if (end - begin <= kTopListMin) continue;
    range.resize(end - begin);
    for (std::uint32_t i = begin; i < end; ++i) range[i - begin] = i;
    auto better = [&](std::uint32_t a, std::uint32_t b) {
      return prob[a] != prob[b] ? prob[a] > prob[b] : words[a] < words[b];
    };
    std::partial_sort(range.begin(), range.begin() + kTopListSize, range.end(), better);
    lists.nodes.push_back(node);
    lists.entries.insert(lists.entries.end(), range.begin(), range.begin() + kTopListSize);
  }
  return lists;
}

bool all_nonpositive(std::span<const LevelArrays> levels) {
  for (std::size_t n = 1; n < levels.size(); ++n) {
    for (float p : levels[n].log10_prob) {
      if (!(p <= 0.0f) || (float_bits(p) != 0 && !std::signbit(p))) return false;
    }
  }
  return true;
}

// True when every n-gram's suffix (its last n-1 words) is an n-gram too.
// Level by level: suffix[e] is the index of entry e's suffix in the level
// below. The children of one entry share their parent's suffix, and their
// words are sorted, so they are found by one forward walk over that suffix's
// successors.
bool is_suffix_closed(std::span<const LevelArrays> levels) {
  if (levels.size() < 3) return true;  // a bigram's suffix is a word
  std::vector<std::uint32_t> suffix(levels[1].words.begin(), levels[1].words.end());  // of bigrams: unigram = word id
  std::vector<std::uint32_t> next;
  for (std::size_t n = 2; n < levels.size(); ++n) {
    const auto& parents = levels[n - 1].child_begin;  // level n's entries under level n-1's
    const auto& below = levels[n - 2].child_begin;    // level n-1's entries under level n-2's
    const auto& words = levels[n].words;
    const auto& candidates = levels[n - 1].words;
    next.assign(words.size(), 0);
    const std::size_t count = parents.size() - 1;
    for (std::size_t p = 0; p < count; ++p) {
      // The suffixes are far apart: fetch ahead (2x faster on 40M n-grams).
      if (p + 16 < count) __builtin_prefetch(&below[suffix[p + 16]]);
      if (p + 8 < count) __builtin_prefetch(&candidates[below[suffix[p + 8]]]);
      const std::uint32_t s = suffix[p];
      std::uint32_t at = below[s];
      const std::uint32_t end = below[s + 1];
      for (std::uint32_t e = parents[p]; e < parents[p + 1]; ++e) {
        at = static_cast<std::uint32_t>(std::lower_bound(candidates.begin() + at, candidates.begin() + end, words[e]) -
                                        candidates.begin());
        if (at == end || candidates[at] != words[e]) return false;
        next[e] = at;
      }
    }
    suffix.swap(next);
  }
  return true;
}

}  // namespace

Layout compute_layout(const FileHeader& h) {
  Layout layout;
  std::uint64_t at = header_bytes(h.version);
  auto take = [&at](std::uint64_t bytes) {
    Section s{at, bytes};
    at += (bytes + 7) / 8 * 8;
    return s;
  };
  layout.vocab_chars = take(h.vocab_chars);
  layout.vocab_offsets = take((h.vocab_size + 1) * 8);
  layout.vocab_slots = take(h.vocab_slots * 4);
  layout.by_prob = take(h.vocab_size == 0 ? 0 : (h.vocab_size - 1) * 4);
  const unsigned q = std::min(h.quantize_bits, 31u);
  // Key lines start on 64-byte boundaries of the file (which is mapped
  // page-aligned), so each is one cache line.
  auto take_lines = [&at](std::uint64_t lines) {
    constexpr std::uint64_t kLine = ModelLevel::kKeyLineBytes;
    at = (at + kLine - 1) / kLine * kLine;
    Section s{at, lines * kLine + 8};  // + 8: a 64-bit read of the last key stays inside
    at += (s.bytes + 7) / 8 * 8;
    return s;
  };
  for (std::uint32_t n = 1; n <= h.order; ++n) {
    const std::uint64_t count = h.counts[n - 1];
    const bool top = n == h.order;
    Layout::LevelSections level;
    level.fields = level_fields(h, n);
    // Unless quantized (the first branch below), the key's backoff indexes this level's table.
    const unsigned table_bits = top ? 0 : h.backoff_table_bits[n - 1];
    const std::uint64_t per_line = level.fields.keys_per_line();
    if (level.fields.has_keys()) level.keys = take_lines((count + per_line - 1) / per_line);
    level.records = take((count * level.fields.total() + 7) / 8 + 8);
    if (!top) level.exceptions = take(h.exception_lines[n - 1] * per_line * 4);
    if (q != 0 && n >= 2) {
      level.prob_centers = take((std::uint64_t{1} << q) * 4);
      if (!top) level.backoff_centers = take((std::uint64_t{1} << q) * 4);
    } else if (table_bits != 0) {
      level.backoff_centers = take((std::uint64_t{1} << std::min(table_bits, 31u)) * 4);
    }
    layout.levels.push_back(level);
  }
  layout.bigram_hash = take(h.bigram_slots * 4);
  layout.trigram_hash = take(h.trigram_slots * 4);
  for (std::uint32_t n = 1; n < h.order; ++n) {
    layout.levels[n - 1].top_nodes = take(h.top_lists[n - 1] * 4);
    layout.levels[n - 1].top_entries = take(h.top_lists[n - 1] * h.top_list_size * 4);
  }
  layout.total = at;
  return layout;
}

namespace {

void check_quantize_bits(int q) {
  if (q != 0 && (q < 2 || q > 16)) {
    throw ConfigError("", fmt::format("{{quantize_bits}} {} is out of range; use 2 to 16 bits (or 0 for none)", q));
  }
}

// The header fields that the arrays' sizes and the options give.
FileHeader start_header(const VocabArrays& vocab, std::span<const LevelArrays> levels, const ModelInfo& info, int q) {
  const auto order = static_cast<std::uint32_t>(levels.size());
  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof(h.magic));
  h.version = kFormatVersion;
  h.order = order;
  h.vocab_size = vocab.offsets.size() - 1;
  h.vocab_chars = vocab.chars.size();
  h.vocab_slots = vocab.slots.size();
  for (std::uint32_t n = 0; n < order; ++n) h.counts[n] = levels[n].log10_prob.size();
  h.flags = (info.unk_is_word ? kFlagUnkIsWord : 0u) | (all_nonpositive(levels) ? kFlagProbSignDropped : 0u) |
            (info.closed_vocab ? kFlagClosedVocab : 0u) | (info.nltk_padding ? kFlagNltkPadding : 0u);
  h.quantize_bits = static_cast<std::uint32_t>(q);
  h.word_bits = packed_bits(h.vocab_size - 1);
  return h;
}

// What the model records about how it was made (ModelInfo).
void write_model_info(const ModelInfo& info, FileHeader* header) {
  FileHeader& h = *header;
  h.training_tokens = info.training_tokens;
  encode_smoothing(info.smoothing, static_cast<int>(h.order), &h.smoothing, h.method_params);
  set_text_options(info.text, &h);
}

// Whether every n-gram's suffix is an n-gram: seconds on a large model, so
// it runs beside the rest of the layout (the flag does not change the
// layout), or here when no thread is to be had.
std::future<bool> check_suffix_closed(std::span<const LevelArrays> levels) {
  try {
    return std::async(std::launch::async, [levels] { return is_suffix_closed(levels); });
  } catch (const std::system_error&) {
    std::promise<bool> result;
    result.set_value(is_suffix_closed(levels));
    return result.get_future();
  }
}

// The choices that the header records and the writing follows, level by level.
struct LevelPlans {
  std::vector<std::optional<BackoffTable>> backoff_tables;
  std::vector<PointerPlan> pointers;
  std::vector<TopLists> tops;
};

// Fills in the header's per-level widths and counts. The backoffs (and on
// some levels the probabilities, prob_in_key) share the keys with the
// pointers, so their widths come first.
LevelPlans plan_levels(std::span<const LevelArrays> levels, FileHeader* header) {
  FileHeader& h = *header;
  const std::uint32_t order = h.order;
  const unsigned q = h.quantize_bits;
  LevelPlans plans;
  // Backoffs that would be 32-bit floats: order 1, and every order of an
  // exact model.
  plans.backoff_tables.resize(order);
  for (std::uint32_t n = 0; n + 1 < order; ++n) {
    if (q != 0 && n >= 1) continue;
    plans.backoff_tables[n].emplace(levels[n].log10_backoff);
    h.backoff_table_bits[n] = static_cast<std::uint8_t>(plans.backoff_tables[n]->bits());
  }
  plans.pointers.resize(order);
  for (std::uint32_t n = 0; n + 1 < order; ++n) {
    PointerPlan& plan = plans.pointers[n];
    plan = plan_pointers(levels[n].child_begin, level_fields(h, n + 1));
    h.pointer_bits[n] = static_cast<std::uint8_t>(plan.fields.pointer);
    h.exception_lines[n] = plan.exceptions.size() / plan.fields.keys_per_line();
  }
  plans.tops.resize(order);
  h.top_list_size = kTopListSize;
  h.top_list_min = kTopListMin;
  for (std::uint32_t n = 0; n + 1 < order; ++n) {
    plans.tops[n] = plan_top_lists(levels[n].child_begin, levels[n + 1].log10_prob, levels[n + 1].words);
    h.top_lists[n] = plans.tops[n].nodes.size();
  }
  return plans;
}

void size_hash_tables(FileHeader* h) {
  // Load factor 0.8: linear probing then needs about 3 probes for a hit.
  h->bigram_slots = h->order >= 2 ? h->counts[1] + h->counts[1] / 4 + 1 : 0;
  // The trigrams too, in exact models, 60% full: many of a text's trigrams
  // are not in the model, and a probe for a missing one takes about 4 slots
  // at 60% and 13 at 80% (63 MB on gutenberg-100M; docs/BENCHMARKS.md). A
  // quantized model does without, to stay small (docs/FORMAT.md).
  h->trigram_slots = h->order >= 3 && h->quantize_bits == 0 ? h->counts[2] * 5 / 3 + 1 : 0;
}

// Copies bytes into section s of the buffer at base (its size must match).
void put(std::byte* base, const Section& s, const void* src, std::size_t bytes) {
  if (bytes != s.bytes) throw Error("internal error: model section size mismatch");
  if (bytes) std::memcpy(base + s.offset, src, bytes);
}

// The vocabulary's arrays, and the words by unigram probability.
void write_vocabulary(std::byte* base, const Layout& layout, const VocabArrays& vocab, std::span<const float> uni) {
  put(base, layout.vocab_chars, vocab.chars.data(), vocab.chars.size());
  put(base, layout.vocab_offsets, vocab.offsets.data(), vocab.offsets.size() * 8);
  put(base, layout.vocab_slots, vocab.slots.data(), vocab.slots.size() * 4);
  std::vector<WordId> by_prob;
  for (WordId w = 0; w < uni.size(); ++w) {
    if (w != kBosId) by_prob.push_back(w);
  }
  std::stable_sort(by_prob.begin(), by_prob.end(), [&uni](WordId a, WordId b) { return uni[a] > uni[b]; });
  put(base, layout.by_prob, by_prob.data(), by_prob.size() * 4);
}

// How one level's values are stored: quantization indices (orders >= 2 of
// a quantized model), backoff-table indices, or float bits.
class ValueCodec {
 public:
  // Writes the level's value tables (centers, backoff table) as it goes.
  ValueCodec(std::byte* base, const Layout::LevelSections& s, const LevelArrays& level, int q, bool quantized,
             const BackoffTable* table)
      : quantized_(quantized), table_(table), prob_mask_(s.fields.prob == 31 ? 0x7FFFFFFFu : ~0u) {
    if (quantized) {
      prob_q_ = Quantizer(level.log10_prob, static_cast<unsigned>(q));
      put(base, s.prob_centers, prob_q_.centers().data(), prob_q_.centers().size() * 4);
      if (!level.log10_backoff.empty()) {
        backoff_q_ = Quantizer(level.log10_backoff, static_cast<unsigned>(q));
        put(base, s.backoff_centers, backoff_q_.centers().data(), backoff_q_.centers().size() * 4);
      }
    }
    if (table != nullptr) put(base, s.backoff_centers, table->values().data(), table->values().size() * 4);
  }
  // A probability as stored: its quantization index, or its float bits
  // (without the sign bit when every probability is <= 0).
  [[nodiscard]] std::uint32_t prob(float p) const { return quantized_ ? prob_q_.encode(p) : float_bits(p) & prob_mask_; }
  [[nodiscard]] std::uint32_t backoff(float b) const {
    return quantized_ ? backoff_q_.encode(b) : table_ != nullptr ? table_->encode(b) : float_bits(b);
  }

 private:
  bool quantized_;
  const BackoffTable* table_;
  std::uint32_t prob_mask_;
  Quantizer prob_q_, backoff_q_;
};

// The level's key lines: word, child-pointer delta (against the line's
// base), backoff and, on some levels, probability. pointers: null on the top level.
void write_keys(std::byte* keys, const RecordFields& f, const LevelArrays& level, const PointerPlan* pointers,
                const ValueCodec& codec) {
  const std::uint64_t per_line = f.keys_per_line();
  const std::uint64_t count = level.log10_prob.size();
  for (std::uint64_t i = 0; i < count; ++i) {
    std::byte* line = keys + i / per_line * ModelLevel::kKeyLineBytes;
    const std::uint64_t bit = f.base() + i % per_line * f.key();
    if (f.word != 0) write_bits(line, bit, level.words[i]);
    if (f.prob_in_key) write_bits(line, bit + f.word + f.pointer + f.backoff, codec.prob(level.log10_prob[i]));
    if (!f.children) continue;
    const std::uint32_t line_base = pointers->bases[i / per_line];
    if (i % per_line == 0) std::memcpy(line, &line_base, 4);
    if (f.pointer != 0 && (line_base & ModelLevel::kExceptionBit) == 0) {
      write_bits(line, bit + f.word, level.child_begin[i] - line_base);
    }
    write_bits(line, bit + f.word + f.pointer, codec.backoff(level.log10_backoff[i]));
  }
}

// Level n (0-based here) of the model: value tables, exceptions, keys and records.
void write_level(std::byte* base, const FileHeader& h, const Layout::LevelSections& s, const LevelArrays& level,
                 std::uint32_t n, const LevelPlans& plans) {
  const int q = static_cast<int>(h.quantize_bits);
  const bool quantized = q != 0 && n >= 1;
  const std::optional<BackoffTable>& table = plans.backoff_tables[n];
  const ValueCodec codec(base, s, level, q, quantized, table && table->bits() != 0 ? &*table : nullptr);
  const bool top = n + 1 == h.order;
  if (!top) put(base, s.exceptions, plans.pointers[n].exceptions.data(), plans.pointers[n].exceptions.size() * 4);
  const RecordFields f = s.fields;
  if (f.has_keys()) write_keys(base + s.keys.offset, f, level, top ? nullptr : &plans.pointers[n], codec);
  std::byte* records = base + s.records.offset;
  const std::uint64_t count = level.log10_prob.size();
  for (std::uint64_t i = 0; i < count && f.total() != 0; ++i) {
    write_bits(records, i * f.total(), codec.prob(level.log10_prob[i]));
  }
}

// A successor hash table: every entry of level n+1 under its parent's index
// in level n (a word id for n = 1).
void fill_hash(std::byte* base, const Section& section, std::uint64_t slot_count, std::span<const LevelArrays> levels,
               std::uint32_t n, std::uint64_t entries) {
  auto* slots = reinterpret_cast<std::uint32_t*>(base + section.offset);
  const unsigned index_bits = child_index_bits(entries);
  const auto& child_begin = levels[n - 1].child_begin;
  for (std::uint32_t parent = 0; parent + 1 < child_begin.size(); ++parent) {
    for (std::uint32_t i = child_begin[parent]; i < child_begin[parent + 1]; ++i) {
      const std::uint64_t hash = child_hash(parent, levels[n].words[i]);
      std::uint64_t s = child_slot(hash, slot_count);
      while (slots[s] != 0) s = next_child_slot(s, slot_count);
      slots[s] = (i + 1) | child_tag(hash, index_bits);
    }
  }
}

void write_top_lists(std::byte* base, const Layout& layout, std::span<const TopLists> tops) {
  for (std::size_t n = 0; n + 1 < layout.levels.size(); ++n) {
    put(base, layout.levels[n].top_nodes, tops[n].nodes.data(), tops[n].nodes.size() * 4);
    put(base, layout.levels[n].top_entries, tops[n].entries.data(), tops[n].entries.size() * 4);
  }
}

}  // namespace

Buffer lay_out_model(const VocabArrays& vocab, std::span<const LevelArrays> levels, const ModelInfo& info,
                     const LayoutOptions& options, std::optional<bool> suffix_closed) {
  check_quantize_bits(options.quantize_bits);
  check_text_options(info.text);
  std::future<bool> closed;
  if (!suffix_closed) closed = check_suffix_closed(levels);
  FileHeader h = start_header(vocab, levels, info, options.quantize_bits);
  write_model_info(info, &h);
  const LevelPlans plans = plan_levels(levels, &h);
  size_hash_tables(&h);
  const Layout layout = compute_layout(h);
  h.file_size = layout.total;
  Buffer buffer(layout.total);
  std::byte* base = buffer.mutable_data();
  write_vocabulary(base, layout, vocab, levels[0].log10_prob);
  for (std::uint32_t n = 0; n < h.order; ++n) write_level(base, h, layout.levels[n], levels[n], n, plans);
  if (h.bigram_slots != 0) fill_hash(base, layout.bigram_hash, h.bigram_slots, levels, 1, h.counts[1]);
  if (h.trigram_slots != 0) fill_hash(base, layout.trigram_hash, h.trigram_slots, levels, 2, h.counts[2]);
  write_top_lists(base, layout, plans.tops);
  if (suffix_closed ? *suffix_closed : closed.get()) h.flags |= kFlagSuffixClosed;
  h.checksum = file_checksum(h, base, layout.total);
  std::memcpy(base, &h, header_bytes(h.version));
  return buffer;
}

}  // namespace lm::detail

namespace lm {

Model rebuild_model(const Model& model, const LayoutOptions& options) {
  // unpack_model verifies the model, which checks its suffix-closure flag,
  // and a new layout keeps the n-grams: no second check.
  return detail::build_model(unpack_model(model), options, model.suffix_closed());
}

}  // namespace lm
