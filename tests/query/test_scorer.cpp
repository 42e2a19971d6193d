#include <catch2/catch.hpp>
#include <cmath>

#include "lm/next_words.hpp"
#include "lm/scorer.hpp"
#include "test_util.hpp"

using namespace lm;

namespace {

Model toy_model(int order = 3) { return estimate(test::count_file(test::test_data("toy.txt"), order)).model; }

double total_prob(const std::vector<Prediction>& predictions) {
  double sum = 0;
  for (const Prediction& p : predictions) sum += std::pow(10.0, p.log10_prob);
  return sum;
}

// Every context the model can be in: each n-gram below the top order.
std::vector<State> all_states(const Model& m) {
  std::vector<State> states{null_context_state()};
  for (int n = 1; n < m.order(); ++n) {
    for (std::uint32_t i = 0; i < m.ngram_count(n); ++i) {
      // Rebuild the state by walking the n-gram's words.
      std::vector<WordId> words;
      std::uint32_t node = i;
      for (int level = n; level >= 1; --level) {
        if (level == 1) {
          words.insert(words.begin(), node);
          break;
        }
        const auto& parent = m.level(level - 1);
        // The parent is the last entry whose successors start at or before node.
        std::uint32_t lo = 0, hi = static_cast<std::uint32_t>(parent.size());
        while (hi - lo > 1) {
          const std::uint32_t mid = lo + (hi - lo) / 2;
          (parent.child_begin(mid) <= node ? lo : hi) = mid;
        }
        const std::uint32_t p = lo;
        words.insert(words.begin(), m.level(level).word(node));
        node = p;
      }
      if (words[0] != kBosId && std::find(words.begin(), words.end(), kBosId) != words.end()) continue;
      State s = words[0] == kBosId ? begin_sentence_state(m) : null_context_state();
      for (std::size_t k = words[0] == kBosId ? 1 : 0; k < words.size(); ++k) (void)score_word(m, s, words[k], &s);
      states.push_back(s);
    }
  }
  return states;
}

}  // namespace

TEST_CASE("every context's next-word distribution sums to 1", "[scorer]") {
  for (int order : {1, 2, 3, 4}) {
    const Model m = toy_model(order);
    NextWordPredictor predictor(m);
    for (const State& s : all_states(m)) {
      const auto all = predictor.top(s, 0);
      REQUIRE(all.size() == m.vocab().size() - 1);  // every word but <s>
      CHECK(total_prob(all) == Approx(1.0).margin(1e-6));
    }
  }
}

TEST_CASE("top k equals the head of the full distribution and agrees with score_word", "[scorer]") {
  const Model m = toy_model();
  NextWordPredictor predictor(m);
  for (const State& s : all_states(m)) {
    const auto all = predictor.top(s, 0);
    for (std::size_t k : {1u, 3u, 10u, 50u}) {
      const auto top = predictor.top(s, k);
      REQUIRE(top.size() == std::min(k, all.size()));
      for (std::size_t i = 0; i < top.size(); ++i) {
        CHECK(top[i].word == all[i].word);
        CHECK(top[i].log10_prob == all[i].log10_prob);
      }
    }
    for (const Prediction& p : all) {
      State out;
      CHECK(score_word(m, s, p.word, &out).log10_prob == Approx(p.log10_prob).margin(1e-12));
    }
  }
}

TEST_CASE("next uses only the last order-1 words and treats unknown words as <unk>", "[scorer]") {
  const Model m = toy_model();
  NextWordPredictor predictor(m);
  std::vector<std::string_view> long_context{"a", "dog", "chased", "the"};
  std::vector<std::string_view> short_context{"chased", "the"};
  const auto a = predictor.top(predictor.context_state(long_context), 0);
  const auto b = predictor.top(predictor.context_state(short_context), 0);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].log10_prob == b[i].log10_prob);
  std::vector<std::string_view> unknown{"zebra"};
  std::vector<std::string_view> unk{"<unk>"};
  const auto c = predictor.top(predictor.context_state(unknown), 5);
  const auto d = predictor.top(predictor.context_state(unk), 5);
  CHECK(c.front().log10_prob == d.front().log10_prob);
  // After "chased the" the best next word is "cat" (the only trigram).
  CHECK(m.vocab().word(b.front().word) == "cat");
}

TEST_CASE("OOVs are counted and perplexity follows the definition", "[scorer]") {
  const Model m = toy_model();
  std::vector<std::string_view> words{"the", "zebra", "ate", "<unk>"};
  const SentenceScore s = score_sentence(m, words, true);
  CHECK(s.tokens == 5);
  CHECK(s.oovs == 2);  // "<unk>" is an OOV too when the corpus had none
  CHECK(s.perplexity() == Approx(std::pow(10.0, -s.log10_prob / 5)));
  CHECK(s.factors[1].oov);
  CHECK(s.factors[1].score.ngram_order == 1);
  CorpusScore c;
  c.add(s);
  c.add(s);
  CHECK(c.tokens == 10);
  CHECK(c.perplexity_excluding_oovs() ==
        Approx(std::pow(10.0, -(2 * s.log10_prob - 2 * s.oov_log10_prob) / 6)));
}

TEST_CASE("the demo sentence beats its scrambled version", "[scorer]") {
  const Model m = toy_model();
  std::vector<std::string_view> good{"the", "mouse", "ate", "the", "cheese"};
  std::vector<std::string_view> bad{"mouse", "the", "the", "cheese", "ate"};
  CHECK(score_sentence(m, good).log10_prob > score_sentence(m, bad).log10_prob + 1.0);
}

TEST_CASE("score_words: both ends as score_sentence, and each end left out as KenLM's bos/eos", "[scorer]") {
  const Model m = toy_model();
  std::vector<std::string_view> words{"the", "zebra", "ate", "the", "cheese"};
  const SentenceScore whole = score_sentence(m, words, true);
  const SentenceScore same = score_words(m, words, SentenceEnds{}, true);
  CHECK(same.log10_prob == whole.log10_prob);
  CHECK(same.tokens == whole.tokens);
  CHECK(same.oovs == whole.oovs);
  REQUIRE(same.factors.size() == whole.factors.size());
  for (std::size_t i = 0; i < same.factors.size(); ++i) {
    CHECK(same.factors[i].score.log10_prob == whole.factors[i].score.log10_prob);
    CHECK(same.factors[i].score.ngram_order == whole.factors[i].score.ngram_order);
  }
  // No </s>: the words' factors, and one token fewer.
  const SentenceScore open = score_words(m, words, SentenceEnds{true, false}, true);
  CHECK(open.tokens == 5);
  CHECK(open.log10_prob == Approx(whole.log10_prob - whole.factors.back().score.log10_prob));
  // No <s>: the first word is a unigram, then the chain goes on from it.
  const SentenceScore loose = score_words(m, words, SentenceEnds{false, true}, true);
  State s = null_context_state();
  double sum = 0;
  for (std::string_view w : words) sum += score_word(m, s, m.vocab().find(w), &s).log10_prob;
  sum += score_word(m, s, kEosId, &s).log10_prob;
  CHECK(loose.log10_prob == Approx(sum));
  CHECK(loose.factors[0].score.ngram_order == 1);
  CHECK(loose.factors[0].score.log10_prob == m.level(1).log10_prob(m.vocab().find("the")));
}
