// Static mixing: the union of the models' n-grams with mixed probabilities,
// then backoff weights recomputed, as SRILM's Ngram::mixProbs.
//
// The mixed table is built order by order. For every entry h w of the union
// and every model k it needs P_k(w | h) = log10 p_k(w | h) by model k's
// backoff rule: model k's own probability when h w is one of its n-grams,
// else backoff_k(h) + P_k(w | h'), where h' w is the entry's suffix in the
// union, one order lower, whose P_k was computed for the previous order. So
// each entry costs one suffix search in the union and no search in the
// models: their entries are mapped to the union's (and back) as the levels
// are merged.
#include "lm/static_mix.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "edit/successor_starts.hpp"
#include "lm/backoff_weights.hpp"
#include "lm/parallel.hpp"

namespace lm {

namespace {

constexpr std::uint32_t kNone = TableLookup::kNone;

struct Component {
  NGramTable table;
  // For the union level being built (cur) and the one below (prev):
  std::vector<std::uint32_t> to_union;          // model entry -> union entry (level cur)
  std::vector<std::uint32_t> from_union_prev;   // union entry -> model entry or kNone
  std::vector<std::uint32_t> from_union;
  std::vector<double> p_prev;                   // P_k of each union entry
  std::vector<double> p;
  std::unique_ptr<TableLookup> lookup;          // only for a union that is not suffix-closed
};

// log10 of sum_k weights[k] * 10^l[k], at least kLog10Zero.
float mix_log10(const std::vector<double>& weights, const double* l) {
  constexpr double kLn10 = 2.302585092994045684;
  double p = 0;
  for (std::size_t k = 0; k < weights.size(); ++k) {
    if (weights[k] > 0) p += weights[k] * std::exp(l[k] * kLn10);
  }
  const double log10 = p > 0 ? std::log10(p) : kLog10Zero;
  return static_cast<float>(std::max(log10, static_cast<double>(kLog10Zero)));
}

}  // namespace

NGramTable mix_static(const Mixture& mixture, unsigned threads) {
  if (threads == 0) threads = available_cpus();
  const std::size_t models = mixture.size();
  std::vector<Component> parts(models);
  for (std::size_t k = 0; k < models; ++k) parts[k].table = unpack_model(mixture.model(k));
  NGramTable out;
  const VocabView vocab = mixture.vocab();
  for (WordId u = 3; u < vocab.size(); ++u) out.vocab.find_or_insert(vocab.word(u));
  const int order = mixture.order();
  out.levels.resize(static_cast<std::size_t>(order));
  out.info.smoothing.method = "mix";
  out.info.closed_vocab = true;
  out.info.text = parts[0].table.info.text;  // the same in every model (Mixture's constructor checks)
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
    for (std::size_t k = 0; k < models; ++k) {
      Component& c = parts[k];
      c.p.resize(vocab.size());
      c.from_union.assign(vocab.size(), kNone);
      for (WordId u = 0; u < vocab.size(); ++u) {
        const WordId w = mixture.component_word(k, u);
        c.p[u] = c.table.levels[0].log10_prob[w];
        if (w != kUnkId || u == kUnkId) c.from_union[u] = w;
      }
      c.to_union.resize(c.table.levels[0].size());
      for (WordId id = 0; id < c.to_union.size(); ++id) c.to_union[id] = mixture.union_word(k, id);
    }
    std::vector<double> l(models);
    for (WordId u = 0; u < vocab.size(); ++u) {
      for (std::size_t k = 0; k < models; ++k) l[k] = parts[k].p[u];
      level.log10_prob[u] = mix_log10(mixture.weights(), l.data());
    }
    // <s> is never predicted: its unigram keeps the first model's convention
    // (KenLM's 0, SRILM's -99) instead of a mixture of the two.
    level.log10_prob[kBosId] = parts[0].table.levels[0].log10_prob[kBosId];
  }

  std::vector<std::uint32_t> links_prev;  // suffix links of the union level below (n-1 >= 2)
  for (int n = 2; n <= order; ++n) {
    const std::size_t at = static_cast<std::size_t>(n - 1);
    // The union of the models' n-grams, as (parent, word) in the mixed table.
    std::vector<std::uint64_t> keys;
    for (std::size_t k = 0; k < models; ++k) {
      if (parts[k].table.order() < n) continue;
      const NGramTable::Level& level = parts[k].table.levels[at];
      for (std::size_t i = 0; i < level.size(); ++i) {
        keys.push_back(std::uint64_t{parts[k].to_union[level.parent[i]]} << 32 | mixture.union_word(k, level.words[i]));
      }
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    NGramTable::Level& level = out.levels[at];
    const std::size_t size = keys.size();
    level.parent.resize(size);
    level.words.resize(size);
    for (std::size_t j = 0; j < size; ++j) {
      level.parent[j] = static_cast<std::uint32_t>(keys[j] >> 32);
      level.words[j] = static_cast<WordId>(keys[j]);
    }
    for (std::size_t k = 0; k < models; ++k) {
      Component& c = parts[k];
      c.from_union_prev.swap(c.from_union);
      c.p_prev.swap(c.p);
      c.from_union.assign(size, kNone);
      c.p.assign(size, 0.0);
      if (c.table.order() < n) {
        c.to_union.clear();
        continue;
      }
      const NGramTable::Level& from = c.table.levels[at];
      std::vector<std::uint32_t> to_union(from.size());
      for (std::size_t i = 0; i < from.size(); ++i) {
        const std::uint64_t key = std::uint64_t{c.to_union[from.parent[i]]} << 32 | mixture.union_word(k, from.words[i]);
        to_union[i] = static_cast<std::uint32_t>(std::lower_bound(keys.begin(), keys.end(), key) - keys.begin());
        c.from_union[to_union[i]] = static_cast<std::uint32_t>(i);
      }
      c.to_union.swap(to_union);
    }
    keys = {};

    // Suffix links: the suffix of (u, w) is the successor w of u's suffix.
    std::vector<std::uint32_t> links(size, kNone);
    {
      const NGramTable::Level& below = out.levels[at - 1];
      const std::vector<std::uint32_t> first =
          n == 2 ? std::vector<std::uint32_t>{} : detail::successor_starts(below.parent, out.levels[at - 2].size());
      parallel_for(size, threads, [&](unsigned, std::size_t begin, std::size_t end) {
        for (std::size_t j = begin; j < end; ++j) {
          if (n == 2) {
            links[j] = level.words[j];
            continue;
          }
          const std::uint32_t su = links_prev[level.parent[j]];
          if (su == kNone) continue;
          const auto b = below.words.begin() + first[su], e = below.words.begin() + first[su + 1];
          const auto it = std::lower_bound(b, e, level.words[j]);
          if (it != e && *it == level.words[j]) links[j] = static_cast<std::uint32_t>(it - below.words.begin());
        }
      });
    }
    const bool closed = std::find(links.begin(), links.end(), kNone) == links.end();
    if (!closed) {
      for (Component& c : parts) {
        if (!c.lookup) c.lookup = std::make_unique<TableLookup>(c.table, threads);
      }
    }

    // P_k of entry j (context entry u = its parent): explicit, else the
    // context's backoff plus P_k of the suffix. A word model k lacks is
    // scored as its <unk>: through an explicit (u, <unk>) when the union has
    // one (the context's first successor), else by the same backoff rule.
    const auto model_prob = [&](std::size_t k, std::size_t j) -> double {
      const Component& c = parts[k];
      if (c.from_union[j] != kNone) return c.table.levels[at].log10_prob[c.from_union[j]];
      const std::uint32_t u = level.parent[j];
      const WordId w = level.words[j];
      if (w != kUnkId && mixture.component_word(k, w) == kUnkId) {
        // Successors are sorted by word: <unk> (id 0) would be the first.
        std::size_t j0 = j;
        while (j0 > 0 && level.parent[j0 - 1] == u) --j0;
        if (level.words[j0] == kUnkId && c.from_union[j0] != kNone) {
          return c.table.levels[at].log10_prob[c.from_union[j0]];
        }
      }
      const std::uint32_t context = c.from_union_prev[u];
      const double backoff = context != kNone && n - 1 < c.table.order()
                                 ? static_cast<double>(c.table.levels[at - 1].log10_backoff[context])
                                 : 0.0;
      if (links[j] != kNone) return backoff + c.p_prev[links[j]];
      // Not suffix-closed: the model's own backoff rule on the words.
      std::vector<WordId> h = out.ngram(n - 1, u);
      for (WordId& x : h) x = mixture.component_word(k, x);
      const int keep = std::min<int>(n - 1, c.table.order() - 1);
      h.erase(h.begin(), h.end() - keep);
      return c.lookup->log10_prob(h, mixture.component_word(k, w));
    };
    level.log10_prob.resize(size);
    parallel_for(size, threads, [&](unsigned, std::size_t begin, std::size_t end) {
      std::vector<double> l(models);
      for (std::size_t j = begin; j < end; ++j) {
        for (std::size_t k = 0; k < models; ++k) {
          l[k] = model_prob(k, j);
          parts[k].p[j] = l[k];
        }
        level.log10_prob[j] = mix_log10(mixture.weights(), l.data());
      }
    });
    links_prev.swap(links);
  }
  for (int n = 1; n < order; ++n) {
    NGramTable::Level& level = out.levels[static_cast<std::size_t>(n - 1)];
    level.log10_backoff.assign(level.size(), 0.0f);
  }
  parts.clear();
  recompute_backoffs(out, threads);
  return out;
}

}  // namespace lm
