// The k most probable next words from cached sorted successor lists
// (query/cached_top.hpp).
#include "query/cached_top.hpp"

#include <algorithm>

namespace lm::detail {

namespace {

// Sorted positions past this many are dropped (128 MiB).
constexpr std::size_t kMaxCached = std::size_t{1} << 25;

// Is w a successor of a context of s longer than j words? Then its
// probability comes from there, not from order j.
bool longer_has(const Model& model, const State& s, int j, WordId w) {
  for (int i = j + 1; i <= s.length; ++i) {
    if (model.find_child(i, s.node[i - 1], w) != kNoEntry) return true;
    if (model.suffix_closed()) return false;  // then no longer context has it either
  }
  return false;
}

}  // namespace

CachedTop::Sorted CachedTop::sorted(int n, std::uint32_t node) {
  const std::uint64_t key = std::uint64_t(n) << 32 | node;
  if (const auto it = cache_.find(key); it != cache_.end()) return it->second;
  const ModelLevel::Range r = model_.level(n).children(node);
  const Model::Level& next = model_.level(n + 1);
  const Sorted s{order_.size(), r.begin, static_cast<std::uint32_t>(r.end - r.begin)};
  struct Entry {
    float log10_prob;
    WordId word;
    std::uint32_t position;
  };
  std::vector<Entry> entries;
  entries.reserve(s.size);
  for (std::uint32_t i = 0; i < s.size; ++i) entries.push_back({next.log10_prob(r.begin + i), next.word(r.begin + i), i});
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.log10_prob != b.log10_prob ? a.log10_prob > b.log10_prob : a.word < b.word;
  });
  for (const Entry& e : entries) order_.push_back(e.position);
  cache_.emplace(key, s);
  return s;
}

std::vector<Prediction> CachedTop::top(const State& s, std::size_t k, bool no_unk) {
  if (order_.size() > kMaxCached) {
    order_.clear();
    cache_.clear();
  }
  // One stream per context order, longest first, then the unigrams; each
  // gives its successors most probable first: from the model's list of a
  // large context's most probable ones while that lasts (most queries need
  // no more), then from the whole list sorted (and cached). A word is
  // checked (not <s>, and no longer context has it) only when it is the
  // most probable head of all, so the unigrams a context has are rarely looked up.
  struct Stream {
    int j = 0;
    std::uint32_t node = 0;
    std::span<const std::uint32_t> listed;  // the model's top list, while not sorted
    ModelLevel::Range range;
    Sorted list;
    bool sorted = false;
    std::size_t pos = 0, size = 0;
    double backoff = 0;  // log10 of the backoffs of the longer contexts
    Prediction head;
    bool live = false;
  };
  Stream streams[kMaxOrder + 1];
  int count = 0;
  double backoff_above = 0;
  for (int j = s.length; j >= 1; --j) {
    Stream& st = streams[count++];
    st.j = j;
    st.node = s.node[j - 1];
    st.range = model_.level(j).children(st.node);
    st.size = st.range.end - st.range.begin;
    st.backoff = backoff_above;
    const auto it = cache_.find(std::uint64_t(j) << 32 | st.node);
    st.listed = it == cache_.end() ? model_.level(j).top_successors(st.node) : std::span<const std::uint32_t>();
    if (st.listed.empty()) {
      st.list = sorted(j, st.node);
      st.sorted = true;
    }
    backoff_above += model_.level(j).log10_backoff(st.node);
  }
  const std::span<const WordId> by_prob = model_.unigrams_by_prob();
  Stream& uni = streams[count++];
  uni.size = by_prob.size();
  uni.backoff = backoff_above;
  const Model::Level& unigram = model_.level(1);
  // The stream's entry at pos as its head (unchecked); false at its end.
  auto load = [&](Stream& st) {
    for (; st.pos < st.size; ++st.pos) {
      WordId w;
      float p;
      if (st.j == 0) {
        w = by_prob[st.pos];
        if (w >= unigram.size()) continue;  // only in a corrupt file
        p = unigram.log10_prob(w);
      } else {
        if (!st.sorted && st.pos >= st.listed.size()) {
          st.list = sorted(st.j, st.node);
          st.sorted = true;
        }
        const std::uint64_t c = st.sorted ? st.list.first + order_[st.list.offset + st.pos] : st.listed[st.pos];
        if (c < st.range.begin || c >= st.range.end) continue;  // only in a corrupt file
        const Model::Level& next = model_.level(st.j + 1);
        w = next.word(c);
        p = next.log10_prob(c);
      }
      st.head = Prediction{w, st.backoff + p};
      return true;
    }
    return false;
  };
  for (int i = 0; i < count; ++i) streams[i].live = load(streams[i]);
  std::vector<Prediction> out;
  while (out.size() < k) {
    Stream* best = nullptr;
    for (int i = 0; i < count; ++i) {
      const Stream& st = streams[i];
      if (!st.live) continue;
      if (best == nullptr || st.head.log10_prob > best->head.log10_prob ||
          (st.head.log10_prob == best->head.log10_prob && st.head.word < best->head.word)) {
        best = &streams[i];
      }
    }
    if (best == nullptr) break;
    const Prediction head = best->head;
    const int j = best->j;
    ++best->pos;
    best->live = load(*best);
    if (head.word == kBosId || (no_unk && head.word == kUnkId) || longer_has(model_, s, j, head.word)) continue;
    out.push_back(head);
  }
  return out;
}

}  // namespace lm::detail
