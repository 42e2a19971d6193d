// Exact next-word distributions (NextWordPredictor).
#include "lm/next_words.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>

#include "query/backoff.hpp"

namespace lm {

NextWordPredictor::NextWordPredictor(const Model& model)
    : model_(model), stamp_(model.vocab().size(), 0) {}

State NextWordPredictor::context_state(std::span<const std::string_view> context) const {
  State state = null_context_state();
  std::size_t first = 0;
  if (!context.empty() && context[0] == "<s>") {
    state = begin_sentence_state(model_);
    first = 1;
  }
  for (std::size_t i = first; i < context.size(); ++i) {
    (void)score_word(model_, state, model_.vocab().find(context[i]), &state);
  }
  return state;
}

std::vector<Prediction> NextWordPredictor::top(const State& context, std::size_t k) {
  if (++generation_ == 0) {  // wrapped: clear the stamps once every 2^32 calls
    std::fill(stamp_.begin(), stamp_.end(), 0);
    generation_ = 1;
  }
  std::vector<Prediction> candidates;
  // The k best probabilities so far (a min-heap): a word less probable than
  // the k-th cannot be in the answer. Every candidate's probability is final:
  // a word is taken only from the longest context that has it.
  std::priority_queue<double, std::vector<double>, std::greater<>> best;
  auto threshold = [&]() {
    return k != 0 && best.size() >= k ? best.top() : -std::numeric_limits<double>::infinity();
  };
  auto add = [&](WordId w, double log10_prob) {
    stamp_[w] = generation_;
    candidates.push_back(Prediction{w, log10_prob});
    if (k == 0) return;
    if (best.size() < k) {
      best.push(log10_prob);
    } else if (log10_prob > best.top()) {
      best.pop();
      best.push(log10_prob);
    }
  };
  // Contexts whose successors were only partly taken: a word among their
  // successors gets its probability there, so shorter contexts skip it.
  std::vector<std::pair<int, std::uint32_t>> partial;
  auto covered = [&](WordId w) {
    for (const auto& [j, node] : partial) {
      if (model_.find_child(j, node, w) != kNoEntry) return true;
    }
    return false;
  };
  double backoff_above = 0;  // the backoffs of the contexts longer than j words
  for (int j = context.length; j >= 1; --j) {
    const std::uint32_t node = context.node[j - 1];
    const Model::Level& level = model_.level(j);
    const Model::Level& next = model_.level(j + 1);
    const ModelLevel::Range range = level.children(node);
    // A large context lists its most probable successors first: once one of
    // them falls below the k-th best, so do all the others.
    const auto list = k != 0 ? level.top_successors(node) : std::span<const std::uint32_t>();
    bool done = false;
    for (std::uint32_t c : list) {
      if (c < range.begin || c >= range.end) continue;  // only in a corrupt file
      const double p = backoff_above + next.log10_prob(c);
      if (p < threshold()) {
        done = true;
        break;
      }
      const WordId w = next.word(c);
      if (stamp_[w] != generation_ && !covered(w)) add(w, p);
    }
    if (done) {
      partial.emplace_back(j, node);
    } else {
      for (std::uint64_t c = range.begin; c < range.end; ++c) {
        const WordId w = next.word(c);
        if (stamp_[w] == generation_ || (!partial.empty() && covered(w))) continue;
        add(w, backoff_above + next.log10_prob(c));
      }
    }
    backoff_above += level.log10_backoff(node);
  }
  // Every other word backs off to its unigram probability: walking the words
  // by unigram probability gives them in order, so k of them suffice.
  const Model::Level& unigram = model_.level(1);
  std::size_t taken = 0;
  for (WordId w : model_.unigrams_by_prob()) {
    if (w >= stamp_.size()) continue;  // only in a corrupt file (Model::verify tells)
    const double p = backoff_above + unigram.log10_prob(w);
    if (k != 0 && (taken >= k || p < threshold())) break;
    if (stamp_[w] == generation_ || (!partial.empty() && covered(w))) continue;
    add(w, p);
    ++taken;
  }
  auto better = [](const Prediction& a, const Prediction& b) {
    return a.log10_prob != b.log10_prob ? a.log10_prob > b.log10_prob : a.word < b.word;
  };
  if (k != 0 && k < candidates.size()) {
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k),
                      candidates.end(), better);
    candidates.resize(k);
  } else {
    std::sort(candidates.begin(), candidates.end(), better);
  }
  return candidates;
}

}  // namespace lm
