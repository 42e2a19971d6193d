// The on-disk (and in-memory) layout of a model. See docs/FORMAT.md.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <cstring>
#include <vector>

#include "lm/model.hpp"

namespace lm::detail {

inline constexpr char kMagic[8] = {'\x89', 'L', 'M', 'N', 'G', '\r', '\n', '\x1a'};
inline constexpr std::uint32_t kFormatVersion = 1;

struct FileHeader {
  char magic[8];
  std::uint32_t version;
  std::uint32_t order;
  std::uint64_t vocab_size;
  std::uint64_t vocab_chars;
  std::uint64_t vocab_slots;
  std::uint64_t counts[kMaxOrder];
  double discounts[kMaxOrder][3];
  std::uint32_t smoothing;
  std::uint32_t flags;  // bit 0: ModelInfo::unk_is_word
  std::uint64_t training_tokens;
  std::uint64_t file_size;
  std::uint64_t checksum;  // file_checksum(): the header (this field as 0) and every byte after it
};
static_assert(sizeof(FileHeader) % 8 == 0);

// Byte offset and length of one array in the buffer.
struct Section {
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
};

// Where each array lives. Sections are 8-byte aligned, in this order.
struct Layout {
  Section vocab_chars, vocab_offsets, vocab_slots, by_prob;
  struct LevelSections {
    Section words, prob, backoff, child_begin;
  };
  std::vector<LevelSections> levels;
  std::uint64_t total = 0;
};

// Index of word in the sorted range words[first, last), or kNoEntry.
[[nodiscard]] inline std::uint32_t find_in_range(std::span<const WordId> words, std::uint32_t first,
                                                 std::uint32_t last, WordId word) {
  auto begin = words.begin() + first;
  auto end = words.begin() + last;
  auto it = std::lower_bound(begin, end, word);
  return (it != end && *it == word) ? static_cast<std::uint32_t>(it - words.begin()) : kNoEntry;
}

// REQUIRES: header.order in 1..kMaxOrder (checked by the caller).
[[nodiscard]] Layout compute_layout(const FileHeader& header);

// 64-bit checksum of bytes (stable; part of the format).
[[nodiscard]] std::uint64_t checksum(const std::byte* data, std::size_t bytes);
// The value stored in FileHeader::checksum: covers the header (with its
// checksum field as 0) and every byte after it. REQUIRES: bytes >= sizeof(FileHeader).
[[nodiscard]] std::uint64_t file_checksum(const FileHeader& header, const std::byte* file, std::size_t bytes);

}  // namespace lm::detail
