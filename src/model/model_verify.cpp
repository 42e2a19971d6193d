// Model::verify: the full integrity check behind `lm info --verify`.
#include <cstring>
#include <span>
#include <fmt/format.h>
#include <vector>

#include "model/model_format.hpp"
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

// The vocabulary that Model's constructor does not check: offsets that
// never decrease, slot ids in range, every word found at its id (no
// duplicates, each reachable from its hash), and the unigram order (ids in
// range, most probable first, each word but <s> once). Returns an empty
// string or the problem.
std::string check_vocabulary(const Model& model, std::span<const std::uint64_t> offsets,
                             std::span<const std::uint32_t> slots) {
  const VocabView& vocab = model.vocab();
  std::uint64_t drops = 0;
  for (std::size_t i = 1; i < offsets.size(); ++i) drops |= static_cast<std::uint64_t>(offsets[i] < offsets[i - 1]);
  if (drops != 0) return "word offsets decrease";
  std::uint64_t out_of_range = 0, empty = 0;
  for (const std::uint32_t id : slots) {
    empty += id == VocabView::kEmptySlot;
    out_of_range += id != VocabView::kEmptySlot && id >= vocab.size();
  }
  if (out_of_range != 0) return "hash table ids out of range";
  if (empty == 0) return "hash table has no empty slot";
  for (WordId id = 0; id < vocab.size(); ++id) {
    if (vocab.find(vocab.word(id)) != id) return fmt::format("word {} is not found at its id", id);
  }
  const std::span<const WordId> by_prob = model.unigrams_by_prob();
  std::vector<bool> seen(vocab.size(), false);
  const ModelLevel& unigrams = model.level(1);
  for (std::size_t i = 0; i < by_prob.size(); ++i) {
    const WordId w = by_prob[i];
    if (w >= vocab.size() || w == kBosId || seen[w]) return "unigram order lists a word twice or out of range";
    seen[w] = true;
    if (i > 0 && unigrams.log10_prob(w) > unigrams.log10_prob(by_prob[i - 1])) return "unigram order is not by probability";
  }
  return "";
}

// When the header says the model is suffix-closed, that every n-gram's last
// n-1 words are an n-gram too: scoring skips searches on that promise. Level
// by level, suffix[e] is the index of entry e's suffix in the level below.
// Returns the first n-gram order that breaks it, or 0.
int first_unclosed_order(const Model& model) {
  if (!model.suffix_closed() || model.order() < 3) return 0;
  std::vector<std::uint32_t> suffix(model.ngram_count(2)), next;
  for (std::uint64_t e = 0; e < suffix.size(); ++e) suffix[e] = model.level(2).word(e);  // a word is its own index
  for (int n = 3; n <= model.order(); ++n) {
    const ModelLevel& parents = model.level(n - 1);
    const ModelLevel& below = model.level(n - 2);
    const ModelLevel& level = model.level(n);
    next.assign(level.size(), 0);
    for (std::uint64_t p = 0; p < parents.size(); ++p) {
      const ModelLevel::Range within = below.children(suffix[p]);  // in level n-1
      const ModelLevel::Range r = parents.children(p);
      for (std::uint64_t e = r.begin; e < r.end; ++e) {
        const std::uint32_t found = parents.find(within.begin, within.end, level.word(e));
        if (found == kNoEntry) return n;
        next[e] = found;
      }
    }
    suffix.swap(next);
  }
  return 0;
}

}  // namespace

void Model::verify() const {
  auto bad = [this](const std::string& what) { return FormatError(source_, 0, what); };
  const detail::FileHeader h = detail::load_header(buffer_.data());  // the constructor checked its version and size
  if (detail::file_checksum(h, buffer_.data(), buffer_.size()) != h.checksum) {
    throw bad("checksum mismatch: the model file is corrupt (damaged on disk or in transfer); retrain "
              "or copy it again");
  }
  const detail::Layout layout = detail::compute_layout(h);
  const std::string vocab_problem = check_vocabulary(*this, detail::view<std::uint64_t>(buffer_, layout.vocab_offsets),
                                                     detail::view<std::uint32_t>(buffer_, layout.vocab_slots));
  if (!vocab_problem.empty()) {
    throw bad(fmt::format("corrupt vocabulary in model ({}); retrain the model", vocab_problem));
  }
  for (int n = 2; n <= order_; ++n) {
    if (!words_in_range(level(n))) throw bad(fmt::format("corrupt {}-gram words in model; retrain the model", n));
  }
  for (int n = 1; n < order_; ++n) {
    const std::string problem = check_links(*this, n);
    if (!problem.empty()) throw bad(fmt::format("corrupt {}-gram links in model ({}); retrain the model", n, problem));
  }
  // Every bigram (and trigram) found through its hash table.
  for (int n = 1; n <= 2; ++n) {
    if (!has_child_hash(n)) continue;
    for (std::uint64_t p = 0; p < level(n).size(); ++p) {
      const ModelLevel::Range r = level(n).children(p);
      for (std::uint64_t i = r.begin; i < r.end; ++i) {
        if (find_child(n, static_cast<std::uint32_t>(p), level(n + 1).word(i)) != i) {
          throw bad(fmt::format("corrupt {} hash table in model; retrain the model", n == 1 ? "bigram" : "trigram"));
        }
      }
    }
  }
  if (const int n = first_unclosed_order(*this); n != 0) {
    throw bad(fmt::format("model says it is suffix-closed but a {}-gram's last {} words are not an n-gram; "
                          "convert its ARPA file again with 'lm convert'",
                          n, n - 1));
  }
}

}  // namespace lm
