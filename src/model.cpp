#include "lm/model.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <limits>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <numeric>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detail/model_format.hpp"
#include "lm/error.hpp"

namespace lm {

using detail::FileHeader;
using detail::Layout;
using detail::Section;

namespace detail {

Layout compute_layout(const FileHeader& h) {
  Layout layout;
  std::uint64_t at = sizeof(FileHeader);
  auto take = [&at](std::uint64_t bytes) {
    Section s{at, bytes};
    at += (bytes + 7) / 8 * 8;
    return s;
  };
  layout.vocab_chars = take(h.vocab_chars);
  layout.vocab_offsets = take((h.vocab_size + 1) * 8);
  layout.vocab_slots = take(h.vocab_slots * 4);
  layout.by_prob = take(h.vocab_size == 0 ? 0 : (h.vocab_size - 1) * 4);
  for (std::uint32_t n = 1; n <= h.order; ++n) {
    const std::uint64_t count = h.counts[n - 1];
    Layout::LevelSections level;
    if (n >= 2) level.words = take(count * 4);
    level.prob = take(count * 4);
    if (n < h.order) {
      level.backoff = take(count * 4);
      level.child_begin = take((count + 1) * 4);
    }
    layout.levels.push_back(level);
  }
  layout.total = at;
  return layout;
}

std::uint64_t checksum(const std::byte* data, std::size_t bytes) {
  // Four independent multiply-xor lanes over 32-byte blocks, so that the
  // multiplications overlap: it runs at memory speed.
  constexpr std::uint64_t kMul = 0xff51afd7ed558ccdULL;
  std::uint64_t lane[4] = {0x9E3779B97F4A7C15ULL ^ bytes, 0xC2B2AE3D27D4EB4FULL, 0x165667B19E3779F9ULL,
                           0x27D4EB2F165667C5ULL};
  std::size_t i = 0;
  for (; i + 32 <= bytes; i += 32) {
    for (int k = 0; k < 4; ++k) {
      std::uint64_t w;
      std::memcpy(&w, data + i + 8 * k, 8);
      lane[k] = (lane[k] ^ w) * kMul;
      lane[k] ^= lane[k] >> 29;
    }
  }
  std::uint64_t h = lane[0] ^ (lane[1] * 3) ^ (lane[2] * 5) ^ (lane[3] * 7);
  for (; i < bytes; ++i) h = (h ^ static_cast<std::uint8_t>(data[i])) * 0x100000001b3ULL;
  h = (h ^ (h >> 33)) * kMul;
  return h ^ (h >> 33);
}

std::uint64_t file_checksum(const FileHeader& header, const std::byte* file, std::size_t bytes) {
  FileHeader h = header;
  h.checksum = 0;
  const std::uint64_t head = checksum(reinterpret_cast<const std::byte*>(&h), sizeof(h));
  const std::uint64_t body = checksum(file + sizeof(FileHeader), bytes - sizeof(FileHeader));
  return head ^ (body * 0x9E3779B97F4A7C15ULL);
}

}  // namespace detail

// ---------------------------------------------------------------- Buffer

Buffer::Buffer(std::size_t bytes) : size_(bytes) {
  // calloc: large blocks come zeroed from the kernel, so pages cost memory
  // only once they are written (the model builder writes them one by one).
  owned_.reset(static_cast<std::uint64_t*>(std::calloc((bytes + 7) / 8 + 1, 8)));
  if (!owned_) throw std::bad_alloc();
  data_ = reinterpret_cast<std::byte*>(owned_.get());
}

Buffer Buffer::map_file(const std::string& path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw Error(fmt::format("{}: cannot open model: {}", path, std::strerror(errno)));
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const bool dir = S_ISDIR(st.st_mode);
    close(fd);
    throw Error(fmt::format("{}: {}; give the path of a model file (lm binary or ARPA)", path,
                            dir ? "is a directory" : "is not a regular file"));
  }
  Buffer buffer;
  buffer.size_ = static_cast<std::size_t>(st.st_size);
  if (buffer.size_ > 0) {
    void* p = mmap(nullptr, buffer.size_, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
      int err = errno;
      close(fd);
      throw Error(fmt::format("{}: cannot map model: {}", path, std::strerror(err)));
    }
    buffer.data_ = static_cast<std::byte*>(p);
    buffer.mapped_ = true;
  }
  close(fd);
  return buffer;
}

Buffer::~Buffer() {
  if (mapped_) munmap(data_, size_);
}

Buffer::Buffer(Buffer&& other) noexcept
    : owned_(std::move(other.owned_)), data_(other.data_), size_(other.size_), mapped_(other.mapped_) {
  other.data_ = nullptr;
  other.size_ = 0;
  other.mapped_ = false;
}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    if (mapped_) munmap(data_, size_);
    owned_ = std::move(other.owned_);
    data_ = other.data_;
    size_ = other.size_;
    mapped_ = other.mapped_;
    other.data_ = nullptr;
    other.size_ = 0;
    other.mapped_ = false;
  }
  return *this;
}

// ---------------------------------------------------------------- Model

namespace {

template <typename T>
std::span<const T> view(const Buffer& buffer, const Section& s) {
  return {reinterpret_cast<const T*>(buffer.data() + s.offset), s.bytes / sizeof(T)};
}

template <typename T>
T max_of(std::span<const T> values) {
  T m = 0;
  for (T v : values) m = v > m ? v : m;
  return m;
}

template <typename T>
bool is_nondecreasing(std::span<const T> values) {
  unsigned drops = 0;
  for (std::size_t i = 1; i < values.size(); ++i) drops += values[i] < values[i - 1];
  return drops == 0;
}

// NaN or +inf (-inf is a probability of 0, which is allowed).
bool has_nan_or_inf(std::span<const float> values) {
  unsigned bad = 0;
  for (float x : values) bad += !(x < std::numeric_limits<float>::infinity());
  return bad != 0;
}

}  // namespace

Model::Model(Buffer buffer, const std::string& source) : buffer_(std::move(buffer)) {
  auto bad = [&source](const std::string& what) {
    return FormatError(source, 0, what);
  };
  FileHeader h{};
  if (buffer_.size() < sizeof(FileHeader) ||
      std::memcmp(buffer_.data(), detail::kMagic, sizeof(detail::kMagic)) != 0) {
    throw bad("not an lm model file (train one with 'lm train', or give an ARPA file)");
  }
  std::memcpy(&h, buffer_.data(), sizeof(h));
  if (h.version != detail::kFormatVersion) {
    throw bad(fmt::format("model format version {} is not supported by this lm (it reads version "
                          "{}); retrain the model or use a matching lm",
                          h.version, detail::kFormatVersion));
  }
  if (h.order < 1 || h.order > static_cast<std::uint32_t>(kMaxOrder) || h.vocab_size < 3 ||
      h.vocab_size > 0xFFFFFFF0u || h.vocab_slots == 0 || (h.vocab_slots & (h.vocab_slots - 1)) != 0 ||
      h.vocab_slots < h.vocab_size || h.counts[0] != h.vocab_size) {
    throw bad("corrupt model header; retrain the model");
  }
  // Every array must fit in the file: this also keeps the layout arithmetic
  // below far from 64-bit overflow, whatever the header says.
  const std::uint64_t size = buffer_.size();
  bool fits = h.vocab_chars <= size && h.vocab_slots <= size / 4 && h.vocab_size <= size / 8;
  for (std::uint32_t n = 1; n <= h.order; ++n) {
    fits = fits && h.counts[n - 1] < kNoEntry && h.counts[n - 1] <= size / 4;
  }
  if (!fits) {
    throw bad(fmt::format("model header describes more data than the file's {} bytes: the file is "
                          "truncated or corrupt; retrain or copy it again",
                          size));
  }
  const Layout layout = detail::compute_layout(h);
  if (h.file_size != buffer_.size() || layout.total != buffer_.size()) {
    throw bad(fmt::format("model file is {} bytes but its header says {}: the file is truncated or "
                          "corrupt; retrain or copy it again",
                          buffer_.size(), layout.total));
  }
  if (h.smoothing < 1 || h.smoothing > 2 || (h.flags & ~1u) != 0) throw bad("corrupt model header; retrain the model");
  if (detail::file_checksum(h, buffer_.data(), buffer_.size()) != h.checksum) {
    throw bad("checksum mismatch: the model file is corrupt (damaged on disk or in transfer); retrain "
              "or copy it again");
  }
  order_ = static_cast<int>(h.order);
  auto offsets = view<std::uint64_t>(buffer_, layout.vocab_offsets);
  auto chars = view<char>(buffer_, layout.vocab_chars);
  auto slots = view<std::uint32_t>(buffer_, layout.vocab_slots);
  // The checks below run over every array of the file: they are written as
  // branch-free reductions so that the compiler vectorizes them.
  std::uint32_t empty_slots = 0;
  std::uint32_t bad_slots = 0;
  for (std::uint32_t id : slots) {
    empty_slots += id == VocabView::kEmptySlot;
    bad_slots += id != VocabView::kEmptySlot && id >= h.vocab_size;
  }
  if (offsets[0] != 0 || offsets[h.vocab_size] != h.vocab_chars || !is_nondecreasing(offsets) ||
      bad_slots != 0 || empty_slots == 0) {
    throw bad("corrupt vocabulary in model; retrain the model");
  }
  vocab_ = VocabView(chars, offsets, slots);
  by_prob_ = view<WordId>(buffer_, layout.by_prob);
  info_.smoothing = static_cast<Smoothing>(h.smoothing);
  info_.training_tokens = h.training_tokens;
  info_.unk_is_word = (h.flags & 1u) != 0;
  if (info_.smoothing == Smoothing::kModifiedKneserNey) {
    for (int n = 0; n < order_; ++n) {
      info_.discounts.push_back(Discount{{0.0, h.discounts[n][0], h.discounts[n][1], h.discounts[n][2]}});
    }
  }
  for (int n = 1; n <= order_; ++n) {
    const auto& s = layout.levels[n - 1];
    Level level;
    level.words = view<WordId>(buffer_, s.words);
    level.log10_prob = view<float>(buffer_, s.prob);
    level.log10_backoff = view<float>(buffer_, s.backoff);
    level.child_begin = view<std::uint32_t>(buffer_, s.child_begin);
    levels_.push_back(level);
  }
  // Check everything an index is read from, so that a corrupt file cannot
  // make lookups read out of bounds.
  for (int n = 1; n <= order_; ++n) {
    const Level& level = levels_[n - 1];
    if (max_of(level.words) >= h.vocab_size) {
      throw bad(fmt::format("corrupt {}-gram words in model; retrain the model", n));
    }
    // NaN or +inf would break sorting and sums; -inf (probability 0) is allowed.
    if (has_nan_or_inf(level.log10_prob) || has_nan_or_inf(level.log10_backoff)) {
      throw bad(fmt::format("corrupt {}-gram probabilities in model; retrain the model", n));
    }
    if (n < order_) {
      const auto& cb = level.child_begin;
      if (cb.front() != 0 || cb.back() != levels_[n].size() || !is_nondecreasing(cb)) {
        throw bad(fmt::format("corrupt {}-gram links in model; retrain the model", n));
      }
    }
  }
  if (!by_prob_.empty() && max_of(by_prob_) >= h.vocab_size) {
    throw bad("corrupt unigram index in model; retrain the model");
  }
}

std::uint32_t Model::find_child(int n, std::uint32_t parent, WordId word) const {
  if (n == 0) return word < levels_[0].size() ? word : kNoEntry;
  const Level& level = levels_[n - 1];
  return detail::find_in_range(levels_[n].words, level.child_begin[parent], level.child_begin[parent + 1], word);
}

std::uint32_t Model::find(std::span<const WordId> ngram) const {
  if (ngram.empty() || static_cast<int>(ngram.size()) > order_) return kNoEntry;
  std::uint32_t node = find_child(0, 0, ngram[0]);
  for (std::size_t i = 1; i < ngram.size() && node != kNoEntry; ++i) {
    node = find_child(static_cast<int>(i), node, ngram[i]);
  }
  return node;
}

}  // namespace lm
