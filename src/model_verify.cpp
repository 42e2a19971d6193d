// Model::verify: the full integrity check behind `lm info --verify`.
#include <cstring>
#include <fmt/format.h>

#include "detail/model_format.hpp"
#include "lm/error.hpp"
#include "lm/model.hpp"

namespace lm {

namespace {

// The structure of level n: successor ranges partition the next level and
// each is strictly sorted by word. Returns an empty string or the problem.
std::string check_links(const Model& model, int n) {
  const ModelLevel& level = model.level(n);
  const ModelLevel& next = model.level(n + 1);
  const ModelLevel::Parts& p = level.parts();
  const std::uint64_t per_line = level.keys_per_line();
  for (std::uint64_t line = 0; line * per_line < level.size(); ++line) {
    if (level.exception_line(line) && (level.exception_line_index(line) + 1) * per_line > p.exception_values) {
      return "child pointer line out of range";
    }
  }
  if (level.child_begin(0) != 0) return "first child pointer is not 0";
  std::uint64_t previous = 0;
  for (std::uint64_t i = 0; i < level.size(); ++i) {
    const std::uint64_t begin = level.child_begin(i);
    const std::uint64_t end = level.child_begin(i + 1);
    if (begin != previous || end < begin) return "child pointers are not monotone";
    for (std::uint64_t c = begin + 1; c < end; ++c) {
      if (next.word(c) <= next.word(c - 1)) return "successors are not sorted by word";
    }
    previous = end;
  }
  if (previous != next.size()) return "child pointers do not cover the next level";
  // Top-successor lists: ascending entries, each list inside its entry's
  // successors and ordered by probability.
  for (std::uint64_t t = 0; t < p.top_lists; ++t) {
    if (p.top_nodes[t] >= level.size() || (t > 0 && p.top_nodes[t] <= p.top_nodes[t - 1])) {
      return "top-successor lists are not sorted";
    }
    const ModelLevel::Range r = level.children(p.top_nodes[t]);
    const std::uint32_t* list = p.top_entries + t * p.top_size;
    for (std::uint64_t e = 0; e < p.top_size; ++e) {
      if (list[e] < r.begin || list[e] >= r.end) return "top-successor list out of range";
      if (e > 0 && next.log10_prob(list[e]) > next.log10_prob(list[e - 1])) return "top-successor list out of order";
    }
  }
  return "";
}

// Raw word ids (ModelLevel clamps them) must be in the vocabulary.
bool words_in_range(const ModelLevel& level) {
  std::uint32_t bad = 0;
  for (std::uint64_t i = 0; i < level.size(); ++i) bad += level.raw_word(i) >= level.parts().vocab_size;
  return bad == 0;
}

}  // namespace

void Model::verify() const {
  auto bad = [this](const std::string& what) { return FormatError(source_, 0, what); };
  detail::FileHeader h;
  std::memcpy(&h, buffer_.data(), sizeof(h));
  if (detail::file_checksum(h, buffer_.data(), buffer_.size()) != h.checksum) {
    throw bad("checksum mismatch: the model file is corrupt (damaged on disk or in transfer); retrain "
              "or copy it again");
  }
  for (int n = 2; n <= order_; ++n) {
    if (!words_in_range(level(n))) throw bad(fmt::format("corrupt {}-gram words in model; retrain the model", n));
  }
  for (int n = 1; n < order_; ++n) {
    const std::string problem = check_links(*this, n);
    if (!problem.empty()) throw bad(fmt::format("corrupt {}-gram links in model ({}); retrain the model", n, problem));
  }
  for (WordId w = 0; order_ >= 2 && w < level(1).size(); ++w) {
    const ModelLevel::Range r = level(1).children(w);
    for (std::uint64_t i = r.begin; i < r.end; ++i) {
      if (find_child(1, w, level(2).word(i)) != i) throw bad("corrupt bigram hash table in model; retrain the model");
    }
  }
}

}  // namespace lm
