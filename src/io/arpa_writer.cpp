// Writing ARPA files (see write_arpa in include/lm/model_io.hpp), from a
// model or from an n-gram table: the same text for the same n-grams.
#include <fmt/format.h>
#include <functional>
#include <ostream>
#include <span>

#include "io/atomic_file.hpp"
#include "lm/error.hpp"
#include "lm/model_io.hpp"
#include "lm/ngram_table.hpp"
#include "model/model_format.hpp"
#include "model/smoothing_codec.hpp"

namespace lm {

namespace {

using Sink = std::function<void(const char*, std::size_t)>;

// ARPA text, handed to a sink in blocks of about 64 KiB. Floats are printed
// with fmt's "{}": the shortest form that reads back to the same float.
class ArpaText {
 public:
  ArpaText(const VocabView& vocab, const Sink& sink) : vocab_(vocab), sink_(sink) {}

  // \data\ and the count of each order, counts[n-1] for order n.
  // The comment lines that name the smoothing method (and NLTK's padding
  // and the text options, which the reader reads back), then the counts.
  void begin(const ModelInfo& info, std::span<const std::uint64_t> counts) {
    const std::string comment = detail::arpa_smoothing_comment(info.smoothing);
    if (!comment.empty()) buf_.append(comment.data(), comment.data() + comment.size());
    if (info.nltk_padding) fmt::format_to(std::back_inserter(buf_), "{}\n", detail::kArpaNltkPaddingComment);
    if (!info.text.is_default()) {
      fmt::format_to(std::back_inserter(buf_), "{} {}\n", detail::kArpaTextPrefix, text_flags(info.text));
    }
    fmt::format_to(std::back_inserter(buf_), "\\data\\\n");
    for (std::size_t n = 1; n <= counts.size(); ++n) {
      fmt::format_to(std::back_inserter(buf_), "ngram {}={}\n", n, counts[n - 1]);
    }
  }
  void section(int n) { fmt::format_to(std::back_inserter(buf_), "\n\\{}-grams:\n", n); }
  // One n-gram's line; backoff is printed when has_backoff. The words are
  // appended as they are: the bytes fmt's "{}" gives, in 40% fewer
  // instructions for the whole file.
  void entry(float log10_prob, std::span<const WordId> words, bool has_backoff, float log10_backoff) {
    fmt::format_to(std::back_inserter(buf_), "{}", log10_prob);
    buf_.push_back('\t');
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (i != 0) buf_.push_back(' ');
      const std::string_view word = vocab_.word(words[i]);
      buf_.append(word.data(), word.data() + word.size());
    }
    if (has_backoff) {
      buf_.push_back('\t');
      fmt::format_to(std::back_inserter(buf_), "{}", log10_backoff);
    }
    buf_.push_back('\n');
    if (buf_.size() > (1 << 16)) flush();
  }
  void end() {
    fmt::format_to(std::back_inserter(buf_), "\n\\end\\\n");
    flush();
  }

 private:
  void flush() {
    sink_(buf_.data(), buf_.size());
    buf_.clear();
  }
  const VocabView& vocab_;
  const Sink& sink_;
  fmt::memory_buffer buf_;
};

// Calls visit(level n, entry index, words) for every entry of level n in
// trie order, rebuilding each n-gram's words on the way down.
template <typename Visit>
void walk_level(const Model& model, int n, Visit&& visit) {
  std::vector<WordId> words(static_cast<std::size_t>(n));
  auto descend = [&](auto&& self, int depth, std::uint32_t node) -> void {
    if (depth == n) {
      visit(node, words);
      return;
    }
    const ModelLevel::Range range = model.level(depth).children(node);
    for (std::uint64_t c = range.begin; c < range.end; ++c) {
      words[depth] = model.level(depth + 1).word(c);
      self(self, depth + 1, static_cast<std::uint32_t>(c));
    }
  };
  for (WordId w = 0; w < model.level(1).size(); ++w) {
    words[0] = w;
    descend(descend, 1, w);
  }
}

// The model's walk, not unpack_model and the table's: the same text without
// a copy of the n-grams in memory (16 bytes per n-gram), in the same time.
void write_arpa_blocks(const Model& model, const Sink& sink) {
  model.verify();  // a corrupt trie could make the walk below revisit entries
  ArpaText text(model.vocab(), sink);
  std::vector<std::uint64_t> counts;
  for (int n = 1; n <= model.order(); ++n) counts.push_back(model.ngram_count(n));
  // A closed vocabulary's <unk> is not an n-gram of the file (SRILM's and
  // KenLM's readers give it its -100 back).
  const bool closed = model.info().closed_vocab;
  if (closed) --counts[0];
  text.begin(model.info(), counts);
  for (int n = 1; n <= model.order(); ++n) {
    text.section(n);
    const Model::Level& level = model.level(n);
    const bool has_backoff = n < model.order();
    walk_level(model, n, [&](std::uint32_t index, const std::vector<WordId>& words) {
      if (closed && n == 1 && words[0] == kUnkId) return;
      text.entry(level.log10_prob(index), words, has_backoff, has_backoff ? level.log10_backoff(index) : 0.0f);
    });
  }
  text.end();
}

void write_arpa_blocks(const NGramTable& table, const Sink& sink) {
  detail::check_table(table);  // parents out of range would read out of bounds
  const VocabView vocab = table.vocab.view();
  ArpaText text(vocab, sink);
  std::vector<std::uint64_t> counts;
  for (const NGramTable::Level& level : table.levels) counts.push_back(level.size());
  const bool closed = table.info.closed_vocab;
  if (closed) --counts[0];
  text.begin(table.info, counts);
  std::vector<WordId> words;
  for (int n = 1; n <= table.order(); ++n) {
    text.section(n);
    const NGramTable::Level& level = table.levels[static_cast<std::size_t>(n - 1)];
    const bool has_backoff = n < table.order();
    words.assign(static_cast<std::size_t>(n), 0);
    std::uint32_t context = kNoEntry;
    for (std::size_t i = 0; i < level.size(); ++i) {
      if (n == 1) {
        if (closed && i == kUnkId) continue;
        words[0] = static_cast<WordId>(i);
      } else if (level.parent[i] != context) {  // the context's words, once per context
        context = level.parent[i];
        words = table.ngram(n - 1, context);
        words.push_back(0);
      }
      if (n >= 2) words.back() = level.words[i];
      text.entry(level.log10_prob[i], words, has_backoff, has_backoff ? level.log10_backoff[i] : 0.0f);
    }
  }
  text.end();
}

template <typename Source>
void write_to_stream(const Source& source, std::ostream& out) {
  write_arpa_blocks(source, [&out](const char* data, std::size_t bytes) {
    out.write(data, static_cast<std::streamsize>(bytes));
  });
  if (!out) throw Error("cannot write the ARPA file");
}

template <typename Source>
void write_to_file(const Source& source, const std::string& path) {
  detail::AtomicFile file(path, detail::gz_name(path));  // removes what it wrote if the model turns out corrupt
  write_arpa_blocks(source, [&file](const char* data, std::size_t bytes) { file.write(data, bytes); });
  file.commit();
}

}  // namespace

void write_arpa(const Model& model, std::ostream& out) { write_to_stream(model, out); }
void write_arpa_file(const Model& model, const std::string& path) { write_to_file(model, path); }
void write_arpa(const NGramTable& table, std::ostream& out) { write_to_stream(table, out); }
void write_arpa_file(const NGramTable& table, const std::string& path) { write_to_file(table, path); }

}  // namespace lm
