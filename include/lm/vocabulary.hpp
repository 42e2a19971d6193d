// Words <-> integer ids. Ids are dense, assigned in order of first appearance,
// with three fixed ids: <unk> = 0, <s> = 1, </s> = 2 (as in KenLM's lmplz).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lm {

using WordId = std::uint32_t;
inline constexpr WordId kUnkId = 0;
inline constexpr WordId kBosId = 1;
inline constexpr WordId kEosId = 2;

// Read-only vocabulary over arrays that may live in a memory-mapped model:
// the words' bytes concatenated, size()+1 offsets into them, and an
// open-addressing hash table of ids (power-of-two size, empty slots hold
// kEmptySlot). The layout is part of the model file format. The arrays are
// not checked when a model is opened: on corrupt ones (decreasing offsets,
// ids out of range, no empty slot) lookups give wrong words or kUnkId, but
// never read outside them. Model::verify checks them in full.
class VocabView {
 public:
  static constexpr std::uint32_t kEmptySlot = 0xFFFFFFFFu;

  VocabView() = default;
  VocabView(std::span<const char> chars, std::span<const std::uint64_t> offsets,
            std::span<const std::uint32_t> slots)
      : chars_(chars), offsets_(offsets), slots_(slots) {}

  // Number of words including <unk>, <s> and </s>.
  [[nodiscard]] std::size_t size() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  // The id of word, or kUnkId when the word is not in the vocabulary.
  [[nodiscard]] WordId find(std::string_view word) const;
  // ids[k] = find(words[k]) for every k, faster for many words: the lookups
  // of a group of words are interleaved so that their cache misses overlap.
  void find_many(std::span<const std::string_view> words, WordId* ids) const;
  // The text of id. REQUIRES: id < size().
  [[nodiscard]] std::string_view word(WordId id) const {
    const std::uint64_t end = std::min<std::uint64_t>(offsets_[id + 1], chars_.size());
    const std::uint64_t begin = std::min(offsets_[id], end);
    return {chars_.data() + begin, static_cast<std::size_t>(end - begin)};
  }

 private:
  // find(word) from slot i on, where i = hash_word(word) & (slots_.size() - 1).
  [[nodiscard]] WordId find_from(std::string_view word, std::size_t i) const;
  std::span<const char> chars_;
  std::span<const std::uint64_t> offsets_;
  std::span<const std::uint32_t> slots_;
};

// A growing vocabulary, used while reading a training corpus.
class Vocabulary {
 public:
  // Starts with <unk>, <s> and </s>.
  Vocabulary();

  // Returns the id of word, adding it if new.
  WordId find_or_insert(std::string_view word);
  [[nodiscard]] WordId find(std::string_view word) const { return view().find(word); }
  [[nodiscard]] std::string_view word(WordId id) const { return view().word(id); }
  [[nodiscard]] std::size_t size() const { return offsets_.size() - 1; }
  [[nodiscard]] VocabView view() const { return {chars_, offsets_, slots_}; }

  [[nodiscard]] const std::vector<char>& chars() const { return chars_; }
  [[nodiscard]] const std::vector<std::uint64_t>& offsets() const { return offsets_; }
  [[nodiscard]] const std::vector<std::uint32_t>& slots() const { return slots_; }

 private:
  void grow();

  std::vector<char> chars_;
  std::vector<std::uint64_t> offsets_;
  std::vector<std::uint32_t> slots_;
  std::vector<std::uint32_t> tags_;  // high 32 bits of each slot's hash (not stored in model files)
};

// The hash used by the vocabulary table (stable: it is part of the file format).
[[nodiscard]] std::uint64_t hash_word(std::string_view word);

}  // namespace lm
