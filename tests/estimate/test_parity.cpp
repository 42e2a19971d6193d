// Parity with KenLM (lmplz + query, default settings) on the reference
// outputs in ../shared/reference. Tagged [shared]: ctest runs these only when
// ../shared exists and reports them as skipped otherwise.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "lm/model_io.hpp"
#include "lm/next_words.hpp"
#include "lm/scorer.hpp"
#include "test_util.hpp"

using namespace lm;

namespace {

std::string shared_dir() {
  const char* env = std::getenv("LM_SHARED_DIR");
  return env != nullptr ? env : std::string(LM_TEST_DATA) + "/../../../shared";
}

struct LmplzStats {
  std::vector<std::uint64_t> counts;
  std::vector<std::array<double, 3>> discounts;
};

LmplzStats read_lmplz_stderr(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::string line;
  while (std::getline(in, line) && line != "Statistics:") {}
  LmplzStats stats;
  while (std::getline(in, line)) {
    int n = 0;
    unsigned long long count = 0;
    double d1 = 0, d2 = 0, d3 = 0;
    if (std::sscanf(line.c_str(), "%d %llu D1=%lf D2=%lf D3+=%lf", &n, &count, &d1, &d2, &d3) != 5) break;
    stats.counts.push_back(count);
    stats.discounts.push_back({d1, d2, d3});
  }
  return stats;
}

struct QueryReference {
  std::vector<double> totals;
  std::vector<std::uint64_t> oovs;
  double perplexity = 0, perplexity_excluding_oovs = 0;
  std::uint64_t total_oovs = 0, tokens = 0;
};

QueryReference read_query_sentences(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  QueryReference ref;
  std::string line;
  while (std::getline(in, line)) {
    double total = 0;
    unsigned long long oov = 0;
    if (std::sscanf(line.c_str(), "Total: %lf OOV: %llu", &total, &oov) == 2) {
      ref.totals.push_back(total);
      ref.oovs.push_back(oov);
    } else if (line.rfind("Perplexity including OOVs:", 0) == 0) {
      ref.perplexity = std::stod(line.substr(line.find(':') + 1));
    } else if (line.rfind("Perplexity excluding OOVs:", 0) == 0) {
      ref.perplexity_excluding_oovs = std::stod(line.substr(line.find(':') + 1));
    } else if (line.rfind("OOVs:", 0) == 0) {
      ref.total_oovs = std::stoull(line.substr(5));
    } else if (line.rfind("Tokens:", 0) == 0) {
      ref.tokens = std::stoull(line.substr(7));
    }
  }
  return ref;
}

std::vector<SentenceScore> score_file(const Model& model, const std::string& path, CorpusScore* corpus,
                                      std::size_t max_lines = SIZE_MAX, bool factors = false) {
  LineReader reader(path);
  std::string_view line;
  std::vector<std::string_view> words;
  std::vector<SentenceScore> scores;
  while (scores.size() < max_lines && reader.next(&line)) {
    split_tokens(line, &words);
    scores.push_back(score_sentence(model, words, factors));
    if (factors) {
      for (auto& f : scores.back().factors) f.token = {};  // views die with the line
    }
    corpus->add(scores.back());
  }
  return scores;
}

constexpr const char* kDiscountNames[] = {"D1", "D2", "D3+"};

// Checks training statistics and test-set scores against KenLM's.
Model check_parity(const std::string& train, const std::string& test, const std::string& reference, int order) {
  const std::string dir = shared_dir();
  INFO("corpus " << train << ", order " << order);
  EstimateResult r = estimate(test::count_file(dir + "/corpora/" + train, order));
  const LmplzStats lmplz = read_lmplz_stderr(dir + "/reference/" + reference + ".lmplz-stderr.txt");
  REQUIRE(lmplz.counts.size() == static_cast<std::size_t>(order));
  for (int n = 1; n <= order; ++n) {
    INFO("order " << n);
    CHECK(r.model.ngram_count(n) == lmplz.counts[n - 1]);
    for (int k = 0; k < 3; ++k) {
      // lmplz prints 6 significant digits.
      CHECK(test::smoothing_param(r.model.info(), kDiscountNames[k], n) == Approx(lmplz.discounts[n - 1][k]).epsilon(1e-5));
    }
  }
  const QueryReference ref = read_query_sentences(dir + "/reference/" + reference + ".query-sentences.txt");
  CorpusScore corpus;
  const auto scores = score_file(r.model, dir + "/corpora/" + test, &corpus);
  REQUIRE(scores.size() == ref.totals.size());
  double worst = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    worst = std::max(worst, std::abs(scores[i].log10_prob - ref.totals[i]));
    CHECK(scores[i].oovs == ref.oovs[i]);
  }
  CHECK(worst < 1e-3);
  CHECK(corpus.tokens == ref.tokens);
  CHECK(corpus.oovs == ref.total_oovs);
  CHECK(corpus.perplexity() == Approx(ref.perplexity).epsilon(1e-4));
  CHECK(corpus.perplexity_excluding_oovs() == Approx(ref.perplexity_excluding_oovs).epsilon(1e-4));
  return std::move(r.model);
}

// Sums the full next-word distribution of sampled contexts of every order.
void check_normalization(const Model& model, const std::string& text_path, std::size_t per_order) {
  LineReader reader(text_path);
  std::vector<std::vector<WordId>> sentences;
  std::string_view line;
  std::vector<std::string_view> words;
  while (reader.next(&line)) {
    split_tokens(line, &words);
    std::vector<WordId> ids{kBosId};
    for (auto w : words) ids.push_back(model.vocab().find(w));
    sentences.push_back(std::move(ids));
  }
  NextWordPredictor predictor(model);
  std::mt19937 rng(12345);
  for (int length = 0; length < model.order(); ++length) {
    double worst = 0;
    std::size_t done = 0;
    for (std::size_t tries = 0; done < per_order && tries < per_order * 100; ++tries) {
      const auto& s = sentences[rng() % sentences.size()];
      if (s.size() < static_cast<std::size_t>(length)) continue;
      const std::size_t end = length + rng() % (s.size() - length + 1);
      State state = (end - length == 0 && length > 0) ? begin_sentence_state(model) : null_context_state();
      for (std::size_t k = end - length + (state.length ? 1 : 0); k < end; ++k) {
        (void)score_word(model, state, s[k], &state);
      }
      double sum = 0;
      for (const Prediction& p : predictor.top(state, 0)) sum += std::pow(10.0, p.log10_prob);
      worst = std::max(worst, std::abs(sum - 1.0));
      const auto top = predictor.top(state, 10);
      const auto all = predictor.top(state, 0);
      for (std::size_t i = 0; i < top.size(); ++i) REQUIRE(top[i].word == all[i].word);
      ++done;
    }
    INFO("context length " << length << ", " << done << " contexts");
    CHECK(done == per_order);
    CHECK(worst < 1e-6);
  }
}

}  // namespace

TEST_CASE("kjv.tok order 3 matches KenLM", "[shared]") {
  const Model m = check_parity("kjv/kjv.tok.train.txt", "kjv/kjv.tok.test.txt", "kjv.tok.o3", 3);
  // Word by word on the first 30 test lines: probability and n-gram order used.
  std::ifstream in(shared_dir() + "/reference/kjv.tok.o3.query-words-first30.txt");
  std::vector<std::pair<int, double>> expected;
  std::string entry;
  while (in >> entry) {
    int length = 0;
    double log10 = 0;
    in >> length >> log10;
    expected.emplace_back(length, log10);
  }
  CorpusScore corpus;
  const auto scores = score_file(m, shared_dir() + "/corpora/kjv/kjv.tok.test.txt", &corpus, 30, true);
  std::size_t i = 0;
  for (const auto& s : scores) {
    for (const auto& f : s.factors) {
      REQUIRE(i < expected.size());
      CHECK(f.score.ngram_order == expected[i].first);
      CHECK(f.score.log10_prob == Approx(expected[i].second).margin(1e-5));
      ++i;
    }
  }
  CHECK(i == expected.size());
}

TEST_CASE("kjv.tok order 5 matches KenLM and every distribution sums to 1", "[shared]") {
  const Model m = check_parity("kjv/kjv.tok.train.txt", "kjv/kjv.tok.test.txt", "kjv.tok.o5", 5);
  check_normalization(m, shared_dir() + "/corpora/kjv/kjv.tok.test.txt", 1000);
}

TEST_CASE("shakespeare order 3 matches KenLM, ARPA entry by entry", "[shared]") {
  const Model m = check_parity("shakespeare/shakespeare.train.txt", "shakespeare/shakespeare.valid.txt",
                               "shakespeare.o3", 3);
  // Decompress KenLM's ARPA and load it with lm.
  test::TempFile arpa("", "kenlm.arpa");
  const std::string command = "xz -dc '" + shared_dir() + "/reference/shakespeare.o3.arpa.xz' > '" + arpa.path() + "'";
  REQUIRE(std::system(command.c_str()) == 0);
  const Model kenlm = load_model(arpa.path());
  REQUIRE(kenlm.order() == 3);
  REQUIRE(kenlm.vocab().size() == m.vocab().size());
  // Every n-gram of KenLM's file exists in ours with the same probability and backoff.
  double worst_prob = 0, worst_backoff = 0;
  std::uint64_t compared = 0;
  for (int n = 1; n <= 3; ++n) {
    REQUIRE(kenlm.ngram_count(n) == m.ngram_count(n));
    // Walk KenLM's trie and look each n-gram up in ours.
    std::vector<WordId> theirs(n), ours(n);
    auto descend = [&](auto&& self, int depth, std::uint32_t node) -> void {
      if (depth == n) {
        for (int k = 0; k < n; ++k) ours[k] = m.vocab().find(kenlm.vocab().word(theirs[k]));
        const std::uint32_t j = m.find(ours);
        REQUIRE(j != kNoEntry);
        worst_prob = std::max(worst_prob, std::abs(double(kenlm.level(n).log10_prob(node)) - m.level(n).log10_prob(j)));
        if (n < 3) {
          worst_backoff = std::max(worst_backoff,
                                   std::abs(double(kenlm.level(n).log10_backoff(node)) - m.level(n).log10_backoff(j)));
        }
        ++compared;
        return;
      }
      const auto range = kenlm.level(depth).children(node);
      for (auto c = range.begin; c < range.end; ++c) {
        theirs[depth] = kenlm.level(depth + 1).word(c);
        self(self, depth + 1, static_cast<std::uint32_t>(c));
      }
    };
    for (WordId w = 0; w < kenlm.vocab().size(); ++w) {
      theirs[0] = w;
      descend(descend, 1, w);
    }
  }
  CHECK(compared == m.ngram_count(1) + m.ngram_count(2) + m.ngram_count(3));
  CHECK(worst_prob < 1e-4);
  CHECK(worst_backoff < 1e-4);
  // KenLM's own ARPA, loaded by lm, scores what KenLM's query reported.
  const QueryReference ref =
      read_query_sentences(shared_dir() + "/reference/shakespeare.o3.query-sentences.txt");
  CorpusScore corpus;
  const auto scores = score_file(kenlm, shared_dir() + "/corpora/shakespeare/shakespeare.valid.txt", &corpus);
  REQUIRE(scores.size() == ref.totals.size());
  for (std::size_t i = 0; i < scores.size(); ++i) CHECK(scores[i].log10_prob == Approx(ref.totals[i]).margin(1e-3));
  CHECK(corpus.perplexity() == Approx(ref.perplexity).epsilon(1e-4));
  CHECK(corpus.perplexity_excluding_oovs() == Approx(ref.perplexity_excluding_oovs).epsilon(1e-4));
}

TEST_CASE("kjv.tok order 3 pruned like lmplz --prune 0 1 1 matches KenLM", "[shared][prune]") {
  // Figures from lmplz -o 3 --prune 0 1 1 and query on kjv.tok.test
  // (KenLM 4cb443e): n-grams kept per order and test perplexities.
  LineReader reader(shared_dir() + "/corpora/kjv/kjv.tok.train.txt");
  CountConfig config;
  config.order = 3;
  config.prune = {0, 1, 1};
  const EstimateResult r = estimate(count_corpus(reader, config));
  CHECK(r.model.ngram_count(1) == 12638);
  CHECK(r.model.ngram_count(2) == 58502);
  CHECK(r.model.ngram_count(3) == 99647);
  CorpusScore corpus;
  (void)score_file(r.model, shared_dir() + "/corpora/kjv/kjv.tok.test.txt", &corpus);
  CHECK(corpus.oovs == 214);
  CHECK(corpus.perplexity() == Approx(53.32100047295151).epsilon(1e-6));
  CHECK(corpus.perplexity_excluding_oovs() == Approx(51.00205431876789).epsilon(1e-6));
}
