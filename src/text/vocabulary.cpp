#include "lm/vocabulary.hpp"

#include <algorithm>
#include <cstring>

#include "lm/prefetch.hpp"
#include "lm/tokenizer.hpp"

namespace lm {

std::uint64_t hash_word(std::string_view word) {
  // 64-bit FNV-1a over 8-byte little-endian chunks, then a murmur3 finalizer.
  std::uint64_t h = 0xcbf29ce484222325ULL ^ word.size();
  std::size_t i = 0;
  for (; i + 8 <= word.size(); i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, word.data() + i, 8);
    h = (h ^ chunk) * 0x100000001b3ULL;
    h ^= h >> 29;
  }
  for (; i < word.size(); ++i) {
    h = (h ^ static_cast<unsigned char>(word[i])) * 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

WordId VocabView::find(std::string_view word) const {
  if (slots_.empty()) return kUnkId;
  return find_from(word, hash_word(word) & (slots_.size() - 1));
}

WordId VocabView::find_from(std::string_view word, std::size_t i) const {
  const std::size_t mask = slots_.size() - 1;
  // At most one lap: a valid table has an empty slot, a corrupt one may not.
  for (std::size_t probes = 0; probes < slots_.size(); ++probes, i = (i + 1) & mask) {
    const std::uint32_t id = slots_[i];
    if (id == kEmptySlot) return kUnkId;
    if (id < size() && this->word(id) == word) return id;
  }
  return kUnkId;
}

void VocabView::find_many(std::span<const std::string_view> words, WordId* ids) const {
  if (slots_.empty()) {
    std::fill(ids, ids + words.size(), kUnkId);
    return;
  }
  // Per group: fetch the slots, then the first candidates' offsets, then
  // their bytes, then compare; each pass finds the previous one's data loaded.
  constexpr std::size_t kGroup = 32;
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot[kGroup];
  for (std::size_t g = 0; g < words.size(); g += kGroup) {
    const std::size_t n = std::min(kGroup, words.size() - g);
    for (std::size_t k = 0; k < n; ++k) {
      slot[k] = hash_word(words[g + k]) & mask;
      prefetch_line(&slots_[slot[k]]);
    }
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint32_t id = slots_[slot[k]];
      if (id != kEmptySlot && id < size()) prefetch_line(&offsets_[id]);
    }
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint32_t id = slots_[slot[k]];
      if (id != kEmptySlot && id < size()) prefetch_line(chars_.data() + std::min<std::uint64_t>(offsets_[id], chars_.size()));
    }
    for (std::size_t k = 0; k < n; ++k) ids[g + k] = find_from(words[g + k], slot[k]);
  }
}

Vocabulary::Vocabulary() : offsets_{0}, slots_(1024, VocabView::kEmptySlot), tags_(1024, 0) {
  find_or_insert(kUnkWord);
  find_or_insert(kBosWord);
  find_or_insert(kEosWord);
}

WordId Vocabulary::find_or_insert(std::string_view word) {
  const std::size_t mask = slots_.size() - 1;
  const std::uint64_t hash = hash_word(word);
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  std::size_t i = hash & mask;
  for (;; i = (i + 1) & mask) {
    std::uint32_t id = slots_[i];
    if (id == VocabView::kEmptySlot) break;
    // The tag (high hash bits) skips most other words without reading them.
    if (tags_[i] == tag && this->word(id) == word) return id;
  }
  auto id = static_cast<WordId>(size());
  chars_.insert(chars_.end(), word.begin(), word.end());
  offsets_.push_back(chars_.size());
  slots_[i] = id;
  tags_[i] = tag;
  if (size() * 2 > slots_.size()) grow();  // keep the load factor at most 1/2
  return id;
}

void Vocabulary::grow() {
  std::vector<std::uint32_t> bigger(slots_.size() * 2, VocabView::kEmptySlot);
  std::vector<std::uint32_t> bigger_tags(bigger.size(), 0);
  const std::size_t mask = bigger.size() - 1;
  for (WordId id = 0; id < size(); ++id) {
    const std::uint64_t hash = hash_word(word(id));
    std::size_t i = hash & mask;
    while (bigger[i] != VocabView::kEmptySlot) i = (i + 1) & mask;
    bigger[i] = id;
    bigger_tags[i] = static_cast<std::uint32_t>(hash >> 32);
  }
  slots_.swap(bigger);
  tags_.swap(bigger_tags);
}

}  // namespace lm
