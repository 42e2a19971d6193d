// The on-disk (and in-memory) layout of a model. See docs/FORMAT.md.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

#include "lm/model.hpp"
#include "lm/model_io.hpp"
#include "lm/ngram_table.hpp"

namespace lm::detail {

inline constexpr char kMagic[8] = {'\x89', 'L', 'M', 'N', 'G', '\r', '\n', '\x1a'};
inline constexpr std::uint32_t kFormatVersion = kModelFormatVersion;
inline constexpr std::uint32_t kFlagUnkIsWord = 1u;
inline constexpr std::uint32_t kFlagProbSignDropped = 2u;  // every log10 p <= 0: 31-bit probabilities
// Since version 5: every n-gram's suffix (its last n-1 words) is an n-gram of
// the model too. Then an n-gram missing at one order ends no longer n-gram.
inline constexpr std::uint32_t kFlagSuffixClosed = 4u;
// Since version 8: a closed vocabulary (ModelInfo::closed_vocab). Older
// readers refuse such a model rather than score it differently.
inline constexpr std::uint32_t kFlagClosedVocab = 8u;
// NLTK's padding (ModelInfo::nltk_padding): sentences are scored from order-1
// <s> and end with order-1 </s>. Older readers refuse such a model rather
// than score it differently.
inline constexpr std::uint32_t kFlagNltkPadding = 16u;

struct FileHeader {
  char magic[8];
  std::uint32_t version;
  std::uint32_t order;
  std::uint64_t vocab_size;
  std::uint64_t vocab_chars;
  std::uint64_t vocab_slots;
  std::uint64_t counts[kMaxOrder];
  // The smoothing method's parameters, as its entry in smoothing_codec.cpp
  // lays them out (modified Kneser-Ney: D1, D2, D3+ of each order in turn).
  // Descriptive only: scoring never reads them.
  double method_params[kMaxOrder * 3];
  std::uint32_t smoothing;  // the method's id (smoothing_codec.cpp)
  std::uint32_t flags;  // kFlag* bits
  std::uint64_t training_tokens;
  std::uint64_t file_size;
  std::uint64_t checksum;  // file_checksum(): the header (this field as 0) and every byte after it
  // Since version 2: the packed trie.
  std::uint32_t quantize_bits;  // 0: exact floats; else bits per quantized value (orders >= 2)
  std::uint32_t word_bits;      // bits per word id: packed_bits(vocab_size - 1)
  std::uint8_t pointer_bits[kMaxOrder];        // bits of a child-pointer delta, per order < N
  std::uint64_t exception_lines[kMaxOrder];    // key lines whose child pointers are stored in full, per order < N
  std::uint64_t bigram_slots;  // size of the bigram hash table (0 for order 1)
  std::uint64_t top_lists[kMaxOrder];  // contexts of order n+1 with a top-successor list
  std::uint32_t top_list_size;         // entries per list
  std::uint32_t top_list_min;          // lists are stored for contexts with more successors than this
  // Since version 6: per order < N whose backoffs would be 32-bit floats
  // (every order of an exact model, order 1 of a quantized one), 0 for
  // those floats, or the bits (1..kMaxBackoffTableBits) of an index into a
  // table of 2^bits floats that holds the level's distinct backoffs: exact,
  // and 14-16 bits instead of 32 on a Kneser-Ney model.
  std::uint8_t backoff_table_bits[kMaxOrder];
  // Since version 6: size of the trigram hash table (exact models of order
  // >= 3; else 0).
  std::uint64_t trigram_slots;
  // Since version 9: how the model reads text (ModelInfo::text). A version 8
  // header ends before them: its model reads the default (all zero here).
  std::uint8_t text_units;        // TextUnits: 0 words, 1 chars, 2 bytes
  std::uint8_t text_normalize;    // Normalization: 0 none, 1 nfc, 2 nfkc
  std::uint8_t text_lowercase;    // 0 or 1
  std::uint8_t text_split_punct;  // 0 or 1
  std::uint32_t space_token_bytes;  // 0..kMaxSpaceTokenBytes
  char space_token[TextOptions::kMaxSpaceTokenBytes];  // UTF-8, zero-padded
};
static_assert(sizeof(FileHeader) == 960);  // docs/FORMAT.md
// The header of version 8 files: the fields before the text options.
inline constexpr std::size_t kHeaderBytesV8 = 904;
static_assert(offsetof(FileHeader, text_units) == kHeaderBytesV8);
// The oldest version this lm reads (docs/FORMAT.md, Version history).
inline constexpr std::uint32_t kOldestFormatVersion = 8;

// Whether this lm reads files of `version`.
[[nodiscard]] constexpr bool readable_version(std::uint32_t version) {
  return version >= kOldestFormatVersion && version <= kFormatVersion;
}
// Bytes of the header in a file of `version` (a readable one): where its
// vocabulary starts, and what its checksum covers of the header.
[[nodiscard]] constexpr std::size_t header_bytes(std::uint32_t version) {
  return version <= 8 ? kHeaderBytesV8 : sizeof(FileHeader);
}
// The header at the start of a file: its version's header_bytes, and zero
// for the fields that version lacks. REQUIRES: the file holds that many
// bytes (and its version, at offset 8).
[[nodiscard]] inline FileHeader load_header(const std::byte* file) {
  FileHeader h{};
  std::uint32_t version = 0;
  std::memcpy(&version, file + offsetof(FileHeader, version), sizeof(version));
  std::memcpy(&h, file, header_bytes(version));
  return h;
}

// The text options a header records (version 9; the default in version 8).
// Fields out of range are the model loader's to refuse (a FormatError); here
// the token's length is only clamped to the array.
[[nodiscard]] inline TextOptions text_options(const FileHeader& h) {
  TextOptions text;
  text.units = static_cast<TextUnits>(h.text_units);
  text.normalize = static_cast<Normalization>(h.text_normalize);
  text.lowercase = h.text_lowercase != 0;
  text.split_punct = h.text_split_punct != 0;
  text.space_token.assign(h.space_token, std::min<std::size_t>(h.space_token_bytes, sizeof(h.space_token)));
  return text;
}
// Records text in the header. REQUIRES: check_text_options(text) passes (so
// the space token fits).
inline void set_text_options(const TextOptions& text, FileHeader* h) {
  h->text_units = static_cast<std::uint8_t>(text.units);
  h->text_normalize = static_cast<std::uint8_t>(text.normalize);
  h->text_lowercase = text.lowercase ? 1 : 0;
  h->text_split_punct = text.split_punct ? 1 : 0;
  const std::size_t bytes = std::min(text.space_token.size(), sizeof(h->space_token));
  h->space_token_bytes = static_cast<std::uint32_t>(bytes);
  std::memset(h->space_token, 0, sizeof(h->space_token));
  std::memcpy(h->space_token, text.space_token.data(), bytes);
}
inline constexpr unsigned kMaxBackoffTableBits = 16;

inline constexpr unsigned kKeyLineBits = ModelLevel::kKeyLineBytes * 8;  // a key line is one cache line
inline constexpr std::uint32_t kTopListSize = 32;    // most probable successors listed per large context
inline constexpr std::uint32_t kTopListMin = 64;     // contexts with more successors get a list

// Byte offset and length of one array in the buffer.
struct Section {
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
};

// Bit widths of one level's fields. The word id, the child-pointer delta and
// the backoff of an entry form its key, packed in 64-byte key lines
// (keys_per_line() keys after a 32-bit base when the level has children); the
// probability forms its record, packed in an array of their own, unless
// prob_in_key puts it in the key too.
struct RecordFields {
  unsigned word = 0, prob = 0, backoff = 0, pointer = 0;
  bool children = false;  // the level has a next level (every level but the top one)
  // The top level (order >= 2) keeps each probability in its key, after the
  // word id, and has no records: the line a search finds the word in holds
  // its probability too.
  // Since version 7 the backoff (every level but the top) is in the key too,
  // after the child pointer: a context's key line is read by the searches
  // under it, so backing off from it reads no other line.
  // Since version 8 levels 1 and 2 keep their probabilities in their keys
  // too, after the backoff (prob_in_key()).
  bool prob_in_key = false;
  [[nodiscard]] unsigned total() const { return prob_in_key ? 0 : prob; }
  [[nodiscard]] unsigned key() const { return word + pointer + backoff + (prob_in_key ? prob : 0); }
  [[nodiscard]] unsigned base() const { return children ? ModelLevel::kKeyBaseBits : 0; }
  // Keys per 64-byte line (64 when keys are empty: only bases). At least 1
  // whatever the widths (a header is laid out before it is validated); keys
  // have at most 32 + 32 + 32 + 32 bits, so 3 or more.
  [[nodiscard]] unsigned keys_per_line() const {
    return key() == 0 ? 64 : std::clamp((kKeyLineBits - base()) / key(), 1u, 512u);
  }
  [[nodiscard]] bool has_keys() const { return word != 0 || children; }
};

// Where each array lives. Sections are 8-byte aligned, in this order.
struct Layout {
  Section vocab_chars, vocab_offsets, vocab_slots, by_prob;
  struct LevelSections {
    RecordFields fields;
    Section keys, records, exceptions, prob_centers, backoff_centers, top_nodes, top_entries;
  };
  std::vector<LevelSections> levels;
  Section bigram_hash, trigram_hash;
  std::uint64_t total = 0;
};

// The array of T that section s of buffer holds (s as compute_layout gives
// it: inside the buffer, aligned for T).
template <typename T>
[[nodiscard]] std::span<const T> view(const Buffer& buffer, const Section& s) {
  return {reinterpret_cast<const T*>(buffer.data() + s.offset), s.bytes / sizeof(T)};
}

// Index of word in the sorted range words[first, last), or kNoEntry.
[[nodiscard]] inline std::uint32_t find_in_range(std::span<const WordId> words, std::uint32_t first,
                                                 std::uint32_t last, WordId word) {
  auto begin = words.begin() + first;
  auto end = words.begin() + last;
  auto it = std::lower_bound(begin, end, word);
  return (it != end && *it == word) ? static_cast<std::uint32_t>(it - words.begin()) : kNoEntry;
}

// Bits needed to store values up to max_value (0 for 0).
[[nodiscard]] inline unsigned packed_bits(std::uint64_t max_value) {
  unsigned bits = 0;
  while (bits < 64 && (max_value >> bits) != 0) ++bits;
  return bits;
}

// Bits of each backoff of level n (1 <= n < order; in its key): q in a
// quantized model (n >= 2), else the width of the level's backoff-table index,
// else 32 (the float).
[[nodiscard]] inline unsigned backoff_field_bits(const FileHeader& h, std::uint32_t n) {
  const unsigned q = std::min(h.quantize_bits, 31u);
  if (q != 0 && n >= 2) return q;
  const unsigned table_bits = h.backoff_table_bits[n - 1];
  return table_bits != 0 ? table_bits : 32;
}

// Bits of each probability of level n (1 <= n <= order): 32 on level 1, q
// in a quantized model, else 31 when every log10 p <= 0 (the sign dropped)
// or 32.
[[nodiscard]] inline unsigned prob_field_bits(const FileHeader& h, std::uint32_t n) {
  const unsigned q = std::min(h.quantize_bits, 31u);
  if (n == 1) return 32;
  if (q != 0) return q;
  return (h.flags & kFlagProbSignDropped) != 0 ? 31 : 32;
}

// Whether level n (1 <= n <= order) keeps each probability in its key, after
// the backoff, and has no records: the top level (order >= 2, since version
// 5), and since version 8 levels 1 and 2 below it. Scoring then reads a
// unigram's or bigram's probability from the key line its lookup found (a
// bigram's through the bigram table), not from a record line of its own:
// 4% faster on gutenberg.test for 3.7 MB more on gutenberg-100M. Levels 3
// and up keep records: a trigram's probability in its key measured no faster
// for 8.7 MB more, and wider keys would take more lines per range search.
[[nodiscard]] inline bool prob_in_key(const FileHeader& h, std::uint32_t n) {
  return n == h.order ? n >= 2 : n <= 2;
}

// The field widths of level n (1 <= n <= order) that the header gives:
// compute_layout's, and the writer's before it has chosen the pointer width
// (h.pointer_bits still 0 then).
[[nodiscard]] inline RecordFields level_fields(const FileHeader& h, std::uint32_t n) {
  const bool top = n == h.order;
  RecordFields f;
  f.word = n >= 2 ? h.word_bits : 0;
  f.prob = prob_field_bits(h, n);
  f.backoff = top ? 0 : backoff_field_bits(h, n);
  f.pointer = top ? 0 : h.pointer_bits[n - 1];
  f.children = !top;
  f.prob_in_key = prob_in_key(h, n);
  return f;
}

// REQUIRES: header.order in 1..kMaxOrder, counts small enough not to
// overflow (checked by the caller).
[[nodiscard]] Layout compute_layout(const FileHeader& header);

// 64-bit checksum of bytes (stable; part of the format).
[[nodiscard]] std::uint64_t checksum(const std::byte* data, std::size_t bytes);
// The value stored in FileHeader::checksum: covers the header (with its
// checksum field as 0; header_bytes(header.version) of it) and every byte
// after it. REQUIRES: bytes >= header_bytes(header.version).
[[nodiscard]] std::uint64_t file_checksum(const FileHeader& header, const std::byte* file, std::size_t bytes);

// The arrays of one level, as build_model links them (child pointers in
// place of the table's parents).
struct LevelArrays {
  std::span<const WordId> words;             // empty for level 1
  std::span<const float> log10_prob;
  std::span<const float> log10_backoff;      // empty for the top level
  std::span<const std::uint32_t> child_begin;  // size()+1 entries, empty for the top level
};

// The vocabulary's arrays (VocabView's layout).
struct VocabArrays {
  std::span<const char> chars;
  std::span<const std::uint64_t> offsets;
  std::span<const std::uint32_t> slots;
};

// Lays out a whole model file in one buffer (header, vocabulary, packed
// levels). Throws ConfigError for quantize_bits outside 0 or 2..16.
// suffix_closed: whether every n-gram's suffix is an n-gram, when the caller
// knows it (a verified model laid out again); else it is checked here.
[[nodiscard]] Buffer lay_out_model(const VocabArrays& vocab, std::span<const LevelArrays> levels,
                                   const ModelInfo& info, const LayoutOptions& options,
                                   std::optional<bool> suffix_closed = std::nullopt);

// The checks build_model makes before the layout: the order and the text
// options (ConfigError), every array's size, and every level sorted, unique,
// with its contexts and words in the vocabulary (Error naming the n-gram
// when not).
void check_table(const NGramTable& table);

// lm::build_model, for a caller that knows whether the table is suffix-closed
// (the table of a verified model, laid out again): lay_out_model then skips
// the check.
[[nodiscard]] Model build_model(NGramTable table, const LayoutOptions& options, std::optional<bool> suffix_closed);

}  // namespace lm::detail
