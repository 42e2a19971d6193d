// Helpers shared by the libFuzzer targets: an in-memory file (memfd) that the
// library can open by path, and a sentence built from a model's vocabulary.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "lm/error.hpp"
#include "lm/model.hpp"
#include "lm/model_io.hpp"
#include "lm/next_words.hpp"
#include "lm/scorer.hpp"
#include "lm/line_reader.hpp"
#include "lm/tokenizer.hpp"

namespace lm_fuzz {

// Inputs above this size are skipped (tools/fuzz.sh also passes -max_len).
inline constexpr std::size_t kMaxInput = 64 * 1024;

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "FUZZ INVARIANT VIOLATED: %s\n", what);
  std::abort();
}

// An anonymous in-memory file holding `bytes`, reachable as /proc/self/fd/N.
class MemFile {
 public:
  MemFile(const void* data, std::size_t size) {
    fd_ = memfd_create("lm-fuzz", MFD_CLOEXEC);
    if (fd_ < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
      ssize_t n = write(fd_, p, size);
      if (n <= 0) {
        std::perror("write to memfd");
        std::abort();
      }
      p += n;
      size -= static_cast<std::size_t>(n);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  MemFile(const std::string& text) : MemFile(text.data(), text.size()) {}
  ~MemFile() { close(fd_); }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

// Scores a sentence made of (up to 6) words of the model, an OOV word and
// "<unk>", and asks for next-word predictions after several contexts,
// including the whole distribution (k = 0). `built` says the model was built
// by the library (estimated or read from ARPA) rather than loaded from a
// possibly corrupt binary file, so that its invariants can be checked.
inline void exercise_model(const lm::Model& model, bool built) {
  std::vector<std::string_view> words;
  const auto& vocab = model.vocab();
  for (lm::WordId id = 3; id < vocab.size() && words.size() < 6; ++id) words.push_back(vocab.word(id));
  if (vocab.size() > 0) words.push_back(vocab.word(static_cast<lm::WordId>(vocab.size() - 1)));
  words.push_back("<unk>");
  words.push_back("zz-not-a-word-zz");
  if (vocab.size() > 3) words.push_back(vocab.word(3));

  const lm::SentenceScore sentence = lm::score_sentence(model, words, /*keep_factors=*/true);
  if (sentence.tokens != words.size() + lm::sentence_end_tokens(model) || sentence.factors.size() != sentence.tokens) {
    fail("score_sentence: wrong number of tokens or factors");
  }
  (void)sentence.perplexity();

  lm::NextWordPredictor predictor(model);
  const lm::State after_words = predictor.context_state(words);
  if (predictor.top(after_words, 5).size() > 5) fail("top(state, 5) returned more than 5 words");
  std::vector<std::string_view> with_bos{"<s>"};
  if (!words.empty()) with_bos.push_back(words[0]);
  (void)predictor.top(predictor.context_state(with_bos), 5);
  (void)predictor.top(lm::begin_sentence_state(model), 3);
  const auto all = predictor.top(after_words, 0);
  (void)predictor.top(lm::null_context_state(), 0);
  // Every word is a candidate at most once (unigrams_by_prob lists each word
  // but <s> once), so a built model never gives more than its vocabulary.
  if (built && all.size() > vocab.size()) fail("top(state, 0) returned more words than the vocabulary has");
}

// At most the first 1500 bytes of text, for messages.
inline std::string excerpt(const std::string& text) {
  if (text.size() <= 1500) return text;
  return text.substr(0, 1500) + "\n[... " + std::to_string(text.size() - 1500) + " more bytes]";
}

// `written` is what write_arpa wrote for a model: it must read back with
// read_arpa, and writing that model again must give the same bytes
// (model_io.hpp promises write -> read -> write is byte-identical).
inline void check_arpa_round_trip(const std::string& written) {
  MemFile file(written);
  std::string again;
  try {
    lm::LineReader reader(file.path());
    const lm::Model model = lm::read_arpa(reader);
    std::ostringstream out;
    lm::write_arpa(model, out);
    again = std::move(out).str();
  } catch (const lm::Error& e) {
    std::fprintf(stderr, "re-reading the written ARPA failed: %s\n--- written ---\n%s\n", e.what(),
                 excerpt(written).c_str());
    fail("write_arpa output does not read back with read_arpa");
  }
  if (again != written) {
    std::size_t diff = 0;
    while (diff < written.size() && diff < again.size() && written[diff] == again[diff]) ++diff;
    const std::size_t line_start = written.rfind('\n', diff == 0 ? 0 : diff - 1);
    const std::size_t from = line_start == std::string::npos ? 0 : line_start + 1;
    std::fprintf(stderr, "the two writes differ from byte %zu:\n--- first write ---\n%s\n--- second write ---\n%s\n",
                 diff, excerpt(written.substr(from)).c_str(), excerpt(again.substr(from)).c_str());
    fail("write_arpa -> read_arpa -> write_arpa is not byte-identical");
  }
}

}  // namespace lm_fuzz
