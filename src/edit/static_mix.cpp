// Static mixing: the union of the models' n-grams with mixed probabilities,
// then backoff weights recomputed, as SRILM's Ngram::mixProbs.
#include "lm/static_mix.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "lm/backoff_weights.hpp"
#include "lm/parallel.hpp"

namespace lm {

namespace {

// log10 of sum_i weights[i] * 10^l[i], kLog10Zero for 0 (and below it).
float mix_log10(const std::vector<double>& weights, const std::vector<float>& l) {
  double p = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) p += weights[i] * std::pow(10.0, static_cast<double>(l[i]));
  const double log10 = p > 0 ? std::log10(p) : kLog10Zero;
  return static_cast<float>(std::max(log10, static_cast<double>(kLog10Zero)));
}

struct Component {
  NGramTable table;
  std::unique_ptr<TableLookup> lookup;
  // map[n-1][i]: index in the mixed table's level n of entry i of level n.
  std::vector<std::vector<std::uint32_t>> map;
};

}  // namespace

NGramTable mix_static(const Mixture& mixture, unsigned threads) {
  if (threads == 0) threads = available_cpus();
  const std::size_t models = mixture.size();
  std::vector<Component> parts(models);
  for (std::size_t k = 0; k < models; ++k) {
    parts[k].table = unpack_model(mixture.model(k));
    parts[k].lookup = std::make_unique<TableLookup>(parts[k].table, threads);
  }
  NGramTable out;
  const VocabView vocab = mixture.vocab();
  for (WordId u = 3; u < vocab.size(); ++u) out.vocab.find_or_insert(vocab.word(u));
  const int order = mixture.order();
  out.levels.resize(static_cast<std::size_t>(order));
  out.info.smoothing.method = "mix";
  out.info.closed_vocab = true;
  for (std::size_t k = 0; k < models; ++k) {
    out.info.unk_is_word = out.info.unk_is_word || parts[k].table.info.unk_is_word;
    out.info.closed_vocab = out.info.closed_vocab && parts[k].table.info.closed_vocab;
    out.info.nltk_padding = parts[k].table.info.nltk_padding;
    out.info.training_tokens += parts[k].table.info.training_tokens;
  }

  // Unigrams: every union word; a word model k lacks has its <unk> probability.
  {
    NGramTable::Level& level = out.levels[0];
    level.log10_prob.resize(vocab.size());
    std::vector<float> l(models);
    for (WordId u = 0; u < vocab.size(); ++u) {
      for (std::size_t k = 0; k < models; ++k) {
        l[k] = parts[k].table.levels[0].log10_prob[mixture.component_word(k, u)];
      }
      level.log10_prob[u] = mix_log10(mixture.weights(), l);
    }
    // <s> is never predicted: its unigram keeps the first model's convention
    // (KenLM's 0, SRILM's -99) instead of a mixture of the two.
    level.log10_prob[kBosId] = parts[0].table.levels[0].log10_prob[kBosId];
    for (std::size_t k = 0; k < models; ++k) {
      parts[k].map.resize(static_cast<std::size_t>(parts[k].table.order()));
      std::vector<std::uint32_t>& map = parts[k].map[0];
      map.resize(parts[k].table.levels[0].size());
      for (WordId id = 0; id < map.size(); ++id) map[id] = mixture.union_word(k, id);
    }
  }

  for (int n = 2; n <= order; ++n) {
    // The union of the models' n-grams, as (parent, word) in the mixed table.
    std::vector<std::uint64_t> keys;
    for (std::size_t k = 0; k < models; ++k) {
      if (parts[k].table.order() < n) continue;
      const NGramTable::Level& level = parts[k].table.levels[static_cast<std::size_t>(n - 1)];
      const std::vector<std::uint32_t>& parent_map = parts[k].map[static_cast<std::size_t>(n - 2)];
      for (std::size_t i = 0; i < level.size(); ++i) {
        keys.push_back(std::uint64_t{parent_map[level.parent[i]]} << 32 | mixture.union_word(k, level.words[i]));
      }
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    NGramTable::Level& level = out.levels[static_cast<std::size_t>(n - 1)];
    level.parent.resize(keys.size());
    level.words.resize(keys.size());
    for (std::size_t j = 0; j < keys.size(); ++j) {
      level.parent[j] = static_cast<std::uint32_t>(keys[j] >> 32);
      level.words[j] = static_cast<WordId>(keys[j]);
    }
    for (std::size_t k = 0; k < models; ++k) {
      if (parts[k].table.order() < n) continue;
      const NGramTable::Level& from = parts[k].table.levels[static_cast<std::size_t>(n - 1)];
      const std::vector<std::uint32_t>& parent_map = parts[k].map[static_cast<std::size_t>(n - 2)];
      std::vector<std::uint32_t>& map = parts[k].map[static_cast<std::size_t>(n - 1)];
      map.resize(from.size());
      for (std::size_t i = 0; i < from.size(); ++i) {
        const std::uint64_t key = std::uint64_t{parent_map[from.parent[i]]} << 32 | mixture.union_word(k, from.words[i]);
        map[i] = static_cast<std::uint32_t>(std::lower_bound(keys.begin(), keys.end(), key) - keys.begin());
      }
    }
    keys = {};
    // Mixed probabilities, context by context (a context's successors are
    // consecutive): each model's p_BO(w | h), found from h's entry in the
    // model when it has one, else from h's words.
    level.log10_prob.resize(level.parent.size());
    std::vector<std::size_t> starts;
    for (std::size_t j = 0; j < level.size(); ++j) {
      if (j == 0 || level.parent[j] != level.parent[j - 1]) starts.push_back(j);
    }
    starts.push_back(level.size());
    const std::size_t contexts = starts.size() - 1;
    parallel_for(contexts, threads, [&](unsigned, std::size_t first, std::size_t last) {
      std::vector<float> l(models);
      std::vector<std::uint32_t> entry(models);
      std::vector<int> context_order(models);
      std::vector<std::vector<WordId>> h(models);
      for (std::size_t ci = first; ci < last; ++ci) {
        const std::size_t begin = starts[ci], end = starts[ci + 1];
        const std::vector<WordId> h_union = out.ngram(n - 1, level.parent[begin]);
        for (std::size_t k = 0; k < models; ++k) {
          const TableLookup& lookup = *parts[k].lookup;
          context_order[k] = std::min(n - 1, lookup.order() - 1);
          h[k].assign(h_union.end() - context_order[k], h_union.end());
          for (WordId& w : h[k]) w = mixture.component_word(k, w);
          entry[k] = context_order[k] == 0 ? 0 : lookup.find(h[k]);
        }
        for (std::size_t j = begin; j < end; ++j) {
          for (std::size_t k = 0; k < models; ++k) {
            const TableLookup& lookup = *parts[k].lookup;
            const WordId w = mixture.component_word(k, level.words[j]);
            l[k] = entry[k] != TableLookup::kNone ? lookup.log10_prob(context_order[k], entry[k], w)
                                                  : lookup.log10_prob(h[k], w);
          }
          level.log10_prob[j] = mix_log10(mixture.weights(), l);
        }
      }
    });
  }
  for (int n = 1; n < order; ++n) {
    out.levels[static_cast<std::size_t>(n - 1)].log10_backoff.assign(out.levels[static_cast<std::size_t>(n - 1)].size(), 0.0f);
  }
  parts.clear();
  recompute_backoffs(out, threads);
  return out;
}

}  // namespace lm
