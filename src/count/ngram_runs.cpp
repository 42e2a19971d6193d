#include "count/ngram_runs.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "lm/error.hpp"
#include "io/atomic_file.hpp"
#include "count/radix_sort.hpp"

namespace lm::detail {

std::uint32_t checked_count(std::uint64_t c) {
  if (c > 0xFFFFFFFFu) {
    throw Error(fmt::format("an n-gram occurs {} times, more than lm can count (4294967295)", c));
  }
  return static_cast<std::uint32_t>(c);
}

Run::Run(int order, std::vector<WordId> words, std::vector<std::uint32_t> counts)
    : order_(order), entries_(counts.size()), words_(std::move(words)), counts_(std::move(counts)) {}

Run::~Run() {
  if (fd_ >= 0) ::close(fd_);
}

Run::Run(Run&& other) noexcept
    : order_(other.order_),
      entries_(other.entries_),
      words_(std::move(other.words_)),
      counts_(std::move(other.counts_)),
      fd_(other.fd_) {
  other.fd_ = -1;
  other.entries_ = 0;
}

Run& Run::operator=(Run&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    order_ = other.order_;
    entries_ = other.entries_;
    words_ = std::move(other.words_);
    counts_ = std::move(other.counts_);
    fd_ = other.fd_;
    other.fd_ = -1;
    other.entries_ = 0;
  }
  return *this;
}

namespace {

[[noreturn]] void temp_error(const std::string& dir, const char* what, int err) {
  throw Error(fmt::format("cannot {} a temporary file in {}: {}; free disk space or choose another "
                          "directory for temporary files",
                          what, dir, std::strerror(err)));
}

void write_all(int fd, const void* data, std::size_t bytes, const std::string& dir) {
  const auto* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t w = ::write(fd, p, bytes);
    if (w < 0) {
      if (errno == EINTR) continue;
      temp_error(dir, "write", errno);
    }
    p += w;
    bytes -= static_cast<std::size_t>(w);
  }
}

// A temp file with no name, so that nothing can be left behind: O_TMPFILE,
// or where the file system lacks it, mkstemp and unlink with the
// termination signals blocked in between.
int open_unnamed_temp(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) temp_error(dir, "create", errno);
  int err = 0;
  {
    TerminationSignalsBlocked blocked;
    std::string path = dir + "/lm-train-XXXXXX";
    fd = ::mkstemp(path.data());
    err = errno;
    if (fd >= 0) ::unlink(path.c_str());
  }
  if (fd < 0) temp_error(dir, "create", err);
  return fd;
}

}  // namespace

void Run::spill(const std::string& dir) {
  if (fd_ >= 0) return;
  fd_ = open_unnamed_temp(dir);
  const std::size_t stride = static_cast<std::size_t>(order_) + 1;
  std::vector<std::uint32_t> buffer;
  constexpr std::size_t kBlockEntries = 1 << 16;
  buffer.reserve(kBlockEntries * stride);
  for (std::uint64_t i = 0; i < entries_; ++i) {
    buffer.insert(buffer.end(), &words_[i * order_], &words_[i * order_] + order_);
    buffer.push_back(counts_[i]);
    if (buffer.size() >= kBlockEntries * stride || i + 1 == entries_) {
      write_all(fd_, buffer.data(), buffer.size() * sizeof(std::uint32_t), dir);
      buffer.clear();
    }
  }
  std::vector<WordId>().swap(words_);  // (not "= {}", which keeps the capacity)
  std::vector<std::uint32_t>().swap(counts_);
}

Run Run::merge_to_file(std::vector<Run>& runs, int order, const std::string& dir, std::uint64_t buffer_bytes) {
  Run out;
  out.order_ = order;
  out.fd_ = open_unnamed_temp(dir);
  const std::size_t stride = static_cast<std::size_t>(order) + 1;
  constexpr std::size_t kBlockEntries = 1 << 16;
  std::vector<std::uint32_t> buffer;
  buffer.reserve(kBlockEntries * stride);
  RunMerger merger(runs, order, buffer_bytes);
  const WordId* gram = nullptr;
  std::uint64_t count = 0;
  while (merger.next(&gram, &count)) {
    buffer.insert(buffer.end(), gram, gram + order);
    buffer.push_back(checked_count(count));
    ++out.entries_;
    if (buffer.size() >= kBlockEntries * stride) {
      write_all(out.fd_, buffer.data(), buffer.size() * sizeof(std::uint32_t), dir);
      buffer.clear();
    }
  }
  write_all(out.fd_, buffer.data(), buffer.size() * sizeof(std::uint32_t), dir);
  return out;
}

Run sort_chunk(std::span<const WordId> tokens, std::span<const std::uint32_t> starts, int order) {
  const auto n = static_cast<std::size_t>(order);
  WordId max_word = 0;
  for (WordId w : tokens) max_word = std::max(max_word, w);
  const int word_bits = sort_key_bits(max_word);
  // Key: the last two words, which decide most comparisons.
  std::vector<KeyIndex> items(starts.size());
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const WordId* g = &tokens[starts[i]];
    const std::uint64_t last = g[n - 1];
    const std::uint64_t before = n >= 2 ? g[n - 2] : 0;
    items[i] = KeyIndex{(last << word_bits) | before, starts[i]};
  }
  radix_sort(items, 2 * word_bits);
  if (n >= 3) {
    // Ties on the last two words: order by the words before them.
    auto rest_less = [&tokens, n](const KeyIndex& a, const KeyIndex& b) {
      return suffix_less(&tokens[a.index], &tokens[b.index], static_cast<int>(n) - 2);
    };
    for (std::size_t i = 0; i < items.size();) {
      std::size_t j = i + 1;
      while (j < items.size() && items[j].key == items[i].key) ++j;
      if (j - i > 1) std::sort(items.begin() + static_cast<std::ptrdiff_t>(i), items.begin() + static_cast<std::ptrdiff_t>(j), rest_less);
      i = j;
    }
  }
  // Collapse equal n-grams. Count them first so the run is allocated once,
  // at its final size.
  auto same = [&tokens, n](const KeyIndex& a, const KeyIndex& b) {
    if (a.key != b.key) return false;
    for (std::size_t k = 0; k + 2 < n; ++k) {
      if (tokens[a.index + k] != tokens[b.index + k]) return false;
    }
    return true;
  };
  std::size_t distinct = items.empty() ? 0 : 1;
  for (std::size_t i = 1; i < items.size(); ++i) distinct += same(items[i - 1], items[i]) ? 0 : 1;
  std::vector<WordId> words(distinct * n);
  std::vector<std::uint32_t> counts(distinct);
  std::size_t out = 0;
  for (std::size_t i = 0; i < items.size();) {
    std::size_t j = i + 1;
    while (j < items.size() && same(items[i], items[j])) ++j;
    std::copy_n(&tokens[items[i].index], n, &words[out * n]);
    counts[out] = static_cast<std::uint32_t>(j - i);
    ++out;
    i = j;
  }
  return Run(order, std::move(words), std::move(counts));
}

struct RunMerger::Cursor {
  const Run* run = nullptr;
  std::uint64_t next_entry = 0;    // entries consumed so far
  const WordId* gram = nullptr;
  std::uint32_t count = 0;
  // Spilled runs: a window of the file.
  std::vector<std::uint32_t> buffer;
  std::size_t buffer_pos = 0;      // entry within buffer
  std::size_t buffer_entries = 0;
  std::uint64_t file_entry = 0;    // first entry not yet read
  std::size_t buffer_capacity = 0; // entries

  // Moves to the next entry; false when the run is exhausted.
  bool advance(int n) {
    if (next_entry >= run->entries_) return false;
    if (!run->spilled()) {
      gram = &run->words_[next_entry * n];
      count = run->counts_[next_entry];
    } else {
      const std::size_t stride = static_cast<std::size_t>(n) + 1;
      if (buffer_pos >= buffer_entries) {
        const std::uint64_t want = std::min<std::uint64_t>(buffer_capacity, run->entries_ - file_entry);
        buffer.resize(want * stride);
        const std::size_t bytes = buffer.size() * sizeof(std::uint32_t);
        std::size_t done = 0;
        const off_t offset = static_cast<off_t>(file_entry * stride * sizeof(std::uint32_t));
        while (done < bytes) {
          const ssize_t r = ::pread(run->fd_, reinterpret_cast<char*>(buffer.data()) + done, bytes - done,
                                    offset + static_cast<off_t>(done));
          if (r < 0 && errno == EINTR) continue;
          if (r <= 0) throw Error(fmt::format("cannot read back a temporary file: {}", r < 0 ? std::strerror(errno) : "it was truncated"));
          done += static_cast<std::size_t>(r);
        }
        file_entry += want;
        buffer_entries = want;
        buffer_pos = 0;
      }
      gram = &buffer[buffer_pos * stride];
      count = buffer[buffer_pos * stride + n];
      ++buffer_pos;
    }
    ++next_entry;
    return true;
  }
};

RunMerger::RunMerger(std::vector<Run>& runs, int order, std::uint64_t buffer_bytes) : order_(order) {
  std::size_t spilled = 0;
  for (const Run& r : runs) spilled += r.spilled() ? 1 : 0;
  const std::uint64_t entry_bytes = (static_cast<std::uint64_t>(order) + 1) * sizeof(std::uint32_t);
  const std::uint64_t per_run =
      spilled == 0 ? 1 : std::max<std::uint64_t>(buffer_bytes / spilled / entry_bytes, 1024);
  cursors_.resize(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    cursors_[i].run = &runs[i];
    cursors_[i].buffer_capacity = static_cast<std::size_t>(std::min<std::uint64_t>(per_run, 1 << 20));
    if (cursors_[i].advance(order_)) heap_.push_back(i);
  }
  // Heapify: the smallest n-gram at heap_[0].
  for (std::size_t i = heap_.size() / 2; i-- > 0;) sift_down(i);
  current_.resize(static_cast<std::size_t>(order));
}

RunMerger::~RunMerger() = default;

bool RunMerger::less(std::size_t a, std::size_t b) const {
  return suffix_less(cursors_[heap_[a]].gram, cursors_[heap_[b]].gram, order_);
}

void RunMerger::sift_down(std::size_t i) {
  for (;;) {
    std::size_t smallest = i;
    const std::size_t l = 2 * i + 1;
    const std::size_t r = l + 1;
    if (l < heap_.size() && less(l, smallest)) smallest = l;
    if (r < heap_.size() && less(r, smallest)) smallest = r;
    if (smallest == i) return;
    std::swap(heap_[i], heap_[smallest]);
    i = smallest;
  }
}

bool RunMerger::next(const WordId** gram, std::uint64_t* count) {
  if (heap_.empty()) return false;
  Cursor& top = cursors_[heap_[0]];
  std::copy(top.gram, top.gram + order_, current_.begin());
  std::uint64_t total = 0;
  // Pop every cursor positioned on this n-gram (each run holds it at most once).
  while (!heap_.empty() && same_ngram(current_.data(), cursors_[heap_[0]].gram, order_)) {
    Cursor& c = cursors_[heap_[0]];
    total += c.count;
    if (!c.advance(order_)) {
      heap_[0] = heap_.back();
      heap_.pop_back();
    }
    if (!heap_.empty()) sift_down(0);
  }
  *gram = current_.data();
  *count = total;
  return true;
}

}  // namespace lm::detail
