// Writing ARPA files (see write_arpa in include/lm/model_io.hpp).
#include <fmt/format.h>
#include <functional>
#include <ostream>

#include "io/atomic_file.hpp"
#include "lm/error.hpp"
#include "lm/model_io.hpp"

namespace lm {

namespace {

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

// Writes the ARPA text of model through sink, in blocks of about 64 KiB.
void write_arpa_blocks(const Model& model, const std::function<void(const char*, std::size_t)>& sink) {
  model.verify();  // a corrupt trie could make the walk below revisit entries
  const VocabView& vocab = model.vocab();
  fmt::memory_buffer buf;
  auto flush = [&buf, &sink]() {
    sink(buf.data(), buf.size());
    buf.clear();
  };
  fmt::format_to(std::back_inserter(buf), "\\data\\\n");
  for (int n = 1; n <= model.order(); ++n) {
    fmt::format_to(std::back_inserter(buf), "ngram {}={}\n", n, model.ngram_count(n));
  }
  for (int n = 1; n <= model.order(); ++n) {
    fmt::format_to(std::back_inserter(buf), "\n\\{}-grams:\n", n);
    const Model::Level& level = model.level(n);
    const bool has_backoff = n < model.order();
    walk_level(model, n, [&](std::uint32_t index, const std::vector<WordId>& words) {
      fmt::format_to(std::back_inserter(buf), "{}\t", level.log10_prob(index));
      for (std::size_t i = 0; i < words.size(); ++i) {
        fmt::format_to(std::back_inserter(buf), "{}{}", i ? " " : "", vocab.word(words[i]));
      }
      if (has_backoff) fmt::format_to(std::back_inserter(buf), "\t{}", level.log10_backoff(index));
      buf.push_back('\n');
      if (buf.size() > (1 << 16)) flush();
    });
  }
  fmt::format_to(std::back_inserter(buf), "\n\\end\\\n");
  flush();
}

}  // namespace

void write_arpa(const Model& model, std::ostream& out) {
  write_arpa_blocks(model, [&out](const char* data, std::size_t bytes) {
    out.write(data, static_cast<std::streamsize>(bytes));
  });
  if (!out) throw Error("cannot write the ARPA file");
}

void write_arpa_file(const Model& model, const std::string& path) {
  detail::AtomicFile file(path, detail::gz_name(path));  // removes what it wrote if the model turns out corrupt
  write_arpa_blocks(model, [&file](const char* data, std::size_t bytes) { file.write(data, bytes); });
  file.commit();
}

}  // namespace lm
