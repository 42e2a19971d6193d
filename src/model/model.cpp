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

#include "util/huge_pages.hpp"
#include "model/model_format.hpp"
#include "model/smoothing_codec.hpp"
#include "lm/error.hpp"

namespace lm {

using detail::FileHeader;
using detail::Layout;
using detail::Section;

namespace detail {

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
  const std::size_t head_bytes = header_bytes(h.version);
  const std::uint64_t head = checksum(reinterpret_cast<const std::byte*>(&h), head_bytes);
  const std::uint64_t body = checksum(file + head_bytes, bytes - head_bytes);
  return head ^ (body * 0x9E3779B97F4A7C15ULL);
}

}  // namespace detail

// ---------------------------------------------------------------- Buffer

Buffer::Buffer(std::size_t bytes) : size_(bytes) {
  // calloc: large blocks come zeroed from the kernel, so pages cost memory
  // only once they are written (the model builder writes them one by one),
  // in huge pages where the kernel gives them.
  owned_.reset(static_cast<std::uint64_t*>(std::calloc((bytes + 7) / 8 + 1, 8)));
  if (!owned_) throw std::bad_alloc();
  data_ = reinterpret_cast<std::byte*>(owned_.get());
  detail::advise_huge_pages(data_, bytes);
}

namespace {
char last_mapped[4096];  // Buffer::last_mapped_path (truncated to fit, always NUL-terminated)
}  // namespace

const char* Buffer::last_mapped_path() noexcept { return last_mapped; }

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
    const std::size_t n = std::min(path.size(), sizeof(last_mapped) - 1);
    std::memcpy(last_mapped, path.data(), n);
    last_mapped[n] = '\0';
    // Scoring reads the model at random: with 4 KiB pages nearly every access
    // also misses the TLB (and under virtualization a page walk is several
    // more memory accesses). Asking for huge pages makes the kernel read the
    // file into the page cache in 2 MiB folios when it faults pages in, which
    // it can then map whole; pages already cached stay as they are. Where the
    // kernel cannot do this the call fails harmlessly. 1.3-1.6x faster
    // scoring on a 428 MB model (docs/BENCHMARKS.md).
    if (buffer.size_ >= detail::kHugePageBytes) madvise(p, buffer.size_, MADV_HUGEPAGE);
  }
  close(fd);
  return buffer;
}

void Buffer::prefault() const {
#ifndef MADV_POPULATE_READ
  constexpr int MADV_POPULATE_READ = 22;  // Linux 5.14; older headers lack it
#endif
  if (!mapped_) return;
  // A file larger than half the machine's memory would not stay cached:
  // reading it whole could take longer than the input needs.
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page_size > 0 && size_ / static_cast<std::size_t>(page_size) > static_cast<std::size_t>(pages) / 2) return;
  // A failure (an old kernel, a file truncated under us) only means the
  // pages fault in as they are read, as without the call.
  madvise(data_, size_, MADV_POPULATE_READ);
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

using detail::view;

namespace {

FormatError bad_model(const std::string& source, const std::string& what) { return FormatError(source, 0, what); }

// The header of a buffer that starts with lm's magic and version and is long
// enough to hold it. Else throws FormatError saying what the file is.
FileHeader read_header(const Buffer& buffer, const std::string& source) {
  if (buffer.size() < 12 || std::memcmp(buffer.data(), detail::kMagic, sizeof(detail::kMagic)) != 0) {
    throw bad_model(source, "not an lm model file (train one with 'lm train', or give an ARPA file)");
  }
  std::uint32_t version = 0;
  std::memcpy(&version, buffer.data() + 8, 4);
  if (!detail::readable_version(version)) {
    throw bad_model(source, fmt::format("model format version {} is not supported by this lm (it reads versions "
                                        "{} to {}); retrain the model, or convert its ARPA file with 'lm convert'",
                                        version, detail::kOldestFormatVersion, detail::kFormatVersion));
  }
  if (buffer.size() < detail::header_bytes(version)) {
    throw bad_model(source, fmt::format("model file is {} bytes, shorter than its header: the file is truncated; "
                                        "retrain or copy it again",
                                        buffer.size()));
  }
  return detail::load_header(buffer.data());
}

// Whether the text options (version 9) are in their ranges: a known units
// and normalization, flags 0 or 1, a space token of valid UTF-8 that
// check_text_options accepts, zero-padded. Zero in a version 8 header.
bool text_options_ok(const FileHeader& h) {
  if (h.text_units > 2 || h.text_normalize > 2 || h.text_lowercase > 1 || h.text_split_punct > 1 ||
      h.space_token_bytes > sizeof(h.space_token)) {
    return false;
  }
  // Zero-padded, and no NUL inside the token.
  for (std::size_t i = 0; i < sizeof(h.space_token); ++i) {
    if ((h.space_token[i] == '\0') != (i >= h.space_token_bytes)) return false;
  }
  try {
    check_text_options(detail::text_options(h));
  } catch (const ConfigError&) {
    return false;
  }
  return true;
}

// Whether the header's fields are in their ranges and agree with each other.
bool header_fields_ok(const FileHeader& h) {
  bool header_ok = h.order >= 1 && h.order <= static_cast<std::uint32_t>(kMaxOrder) && h.vocab_size >= 3 &&
                   h.vocab_size <= 0xFFFFFFF0u && h.vocab_slots != 0 &&
                   (h.vocab_slots & (h.vocab_slots - 1)) == 0 && h.vocab_slots >= h.vocab_size &&
                   h.counts[0] == h.vocab_size && detail::find_method(h.smoothing) != nullptr &&
                   (h.flags & ~(detail::kFlagUnkIsWord | detail::kFlagProbSignDropped | detail::kFlagSuffixClosed |
                               detail::kFlagClosedVocab | detail::kFlagNltkPadding)) == 0 &&
                   (h.quantize_bits == 0 || (h.quantize_bits >= 2 && h.quantize_bits <= 16)) &&
                   h.word_bits == detail::packed_bits(h.vocab_size - 1);
  for (std::uint32_t n = 1; header_ok && n < h.order; ++n) header_ok = h.pointer_bits[n - 1] <= 32;
  // Backoff tables: only where backoffs are not quantized, at most 2^16 entries.
  for (std::uint32_t n = 1; header_ok && n <= static_cast<std::uint32_t>(kMaxOrder); ++n) {
    const unsigned bits = h.backoff_table_bits[n - 1];
    const bool allowed = n < h.order && (h.quantize_bits == 0 || n == 1);
    header_ok = bits == 0 || (allowed && bits <= detail::kMaxBackoffTableBits);
  }
  return header_ok && text_options_ok(h);
}

// Whether every array the header describes fits in a file of `size` bytes:
// this also keeps the layout arithmetic far from 64-bit overflow, whatever
// the header says. REQUIRES: header_fields_ok(h).
bool arrays_fit(const FileHeader& h, std::uint64_t size) {
  bool fits = h.vocab_chars <= size && h.vocab_slots <= size / 4 && h.vocab_size <= size / 8;
  for (std::uint32_t n = 1; n <= h.order; ++n) {
    fits = fits && h.counts[n - 1] < kNoEntry && h.counts[n - 1] <= size && h.exception_lines[n - 1] <= size / 4;
  }
  fits = fits && h.bigram_slots <= size / 4 && (h.order == 1) == (h.bigram_slots == 0) && h.top_list_size <= 1024;
  fits = fits && h.trigram_slots <= size / 4 && (h.trigram_slots == 0 || h.order >= 3);
  for (std::uint32_t n = 1; n <= h.order; ++n) fits = fits && h.top_lists[n - 1] <= size / 4 / (h.top_list_size + 1);
  return fits;
}

// The layout of a checked header, which must be the file's size. Else throws FormatError.
Layout checked_layout(const FileHeader& h, std::uint64_t size, const std::string& source) {
  if (!header_fields_ok(h)) throw bad_model(source, "corrupt model header; retrain the model");
  if (!arrays_fit(h, size)) {
    throw bad_model(source, fmt::format("model header describes more data than the file's {} bytes: the file is "
                                        "truncated or corrupt; retrain or copy it again",
                                        size));
  }
  const Layout layout = detail::compute_layout(h);
  if (h.file_size != size || layout.total != size) {
    throw bad_model(source, fmt::format("model file is {} bytes but its header says {}: the file is truncated or "
                                        "corrupt; retrain or copy it again",
                                        size, layout.total));
  }
  return layout;
}

// Opening takes the same few microseconds for any vocabulary: reads of the
// vocabulary's offsets, slots and unigram order are clamped where they are
// used (VocabView, NextWordPredictor::top), so a corrupt table gives wrong
// words, never an out-of-bounds read. Model::verify checks them in full.
VocabView open_vocabulary(const Buffer& buffer, const Layout& layout, const FileHeader& h, const std::string& source) {
  auto offsets = view<std::uint64_t>(buffer, layout.vocab_offsets);
  auto chars = view<char>(buffer, layout.vocab_chars);
  auto slots = view<std::uint32_t>(buffer, layout.vocab_slots);
  if (offsets[0] != 0 || offsets[h.vocab_size] != h.vocab_chars) {
    throw bad_model(source, "corrupt vocabulary in model; retrain the model");
  }
  return VocabView(chars, offsets, slots);
}

// What the header records about how the model was made.
ModelInfo read_model_info(const FileHeader& h) {
  ModelInfo info;
  info.training_tokens = h.training_tokens;
  info.unk_is_word = (h.flags & detail::kFlagUnkIsWord) != 0;
  info.closed_vocab = (h.flags & detail::kFlagClosedVocab) != 0;
  info.nltk_padding = (h.flags & detail::kFlagNltkPadding) != 0;
  info.quantize_bits = static_cast<int>(h.quantize_bits);
  info.smoothing = detail::decode_smoothing(h.smoothing, h.method_params, static_cast<int>(h.order));
  info.text = detail::text_options(h);
  return info;
}

// Where level n's arrays are and how its fields are packed. Throws
// FormatError for a value table holding NaN or infinity.
ModelLevel::Parts level_parts(const Buffer& buffer, const FileHeader& h, const Layout::LevelSections& s,
                              std::uint32_t n, const std::string& source) {
  ModelLevel::Parts p;
  p.records = buffer.data() + s.records.offset;
  if (s.keys.bytes != 0) p.keys = buffer.data() + s.keys.offset;
  p.has_children = s.fields.children;
  p.keys_per_line = s.fields.keys_per_line();
  p.count = h.counts[n - 1];
  p.word_bits = s.fields.word;
  p.prob_bits = s.fields.prob;
  p.backoff_bits = s.fields.backoff;
  p.pointer_bits = s.fields.pointer;
  p.prob_sign_dropped = s.fields.prob == 31;
  p.prob_in_key = s.fields.prob_in_key;
  if (s.prob_centers.bytes != 0) p.prob_centers = view<float>(buffer, s.prob_centers).data();
  if (s.backoff_centers.bytes != 0) p.backoff_centers = view<float>(buffer, s.backoff_centers).data();
  for (const Section& centers : {s.prob_centers, s.backoff_centers}) {
    // Few values (2^bits): checked here so that sums and sorts never see NaN.
    for (float c : view<float>(buffer, centers)) {
      if (!(c < std::numeric_limits<float>::infinity())) {
        throw bad_model(source, fmt::format("corrupt {}-gram value table in model; retrain the model", n));
      }
    }
  }
  if (n < h.order) {
    p.exceptions = view<std::uint32_t>(buffer, s.exceptions).data();
    p.exception_values = s.exceptions.bytes / 4;
    p.next_count = h.counts[n];
    p.top_nodes = view<std::uint32_t>(buffer, s.top_nodes).data();
    p.top_entries = view<std::uint32_t>(buffer, s.top_entries).data();
    p.top_lists = h.top_lists[n - 1];
    p.top_size = h.top_list_size;
  }
  p.vocab_size = static_cast<WordId>(h.vocab_size);
  return p;
}

}  // namespace

Model::Model(Buffer buffer, const std::string& source) : buffer_(std::move(buffer)), source_(source) {
  const FileHeader h = read_header(buffer_, source);
  const Layout layout = checked_layout(h, buffer_.size(), source);
  order_ = static_cast<int>(h.order);
  vocab_ = open_vocabulary(buffer_, layout, h, source);
  by_prob_ = view<WordId>(buffer_, layout.by_prob);
  info_ = read_model_info(h);
  suffix_closed_ = (h.flags & detail::kFlagSuffixClosed) != 0;
  format_version_ = h.version;
  for (std::uint32_t n = 1; n <= h.order; ++n) levels_.emplace_back(level_parts(buffer_, h, layout.levels[n - 1], n, source));
  const Section tables[2] = {layout.bigram_hash, layout.trigram_hash};
  for (int n = 1; n <= 2; ++n) {
    ChildHash& t = hashes_[n - 1];
    t.slots = view<std::uint32_t>(buffer_, tables[n - 1]).data();
    t.count = tables[n - 1].bytes / 4;
    if (t.count != 0) {
      t.index_bits = child_index_bits(h.counts[n]);
      t.index_mask = t.index_bits >= 32 ? 0xFFFFFFFFu : (1u << t.index_bits) - 1;
    }
  }
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
