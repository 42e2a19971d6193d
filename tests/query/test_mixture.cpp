// Mixtures: each token's probability is sum_i lambda_i p_i under the models'
// own context states, a word a model lacks gets that model's <unk>
// probability, batches equal one-by-one scoring, the mixed next-word
// distribution sums to 1 over a shared vocabulary, EM finds a hand-worked
// optimum, and static mixing keeps every context normalized.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "lm/backoff_weights.hpp"
#include "lm/error.hpp"
#include "lm/mixture.hpp"
#include "lm/next_words.hpp"
#include "lm/static_mix.hpp"
#include "test_util.hpp"

using namespace lm;

namespace {

Model model_of(const std::string& text, int order) { return estimate(test::count_text(text, order)).model; }

// Two models over different texts: "dog" is only in b, "mouse" only in a.
const char* kTextA = "the cat ate the mouse\nthe cat sat\na cat ate the cheese\n";
const char* kTextB = "the dog ate the cheese\nthe dog sat on the cat\n";

// Views into s: it must outlive them (a literal, or a string kept alive).
std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> words;
  CHECK(tokenize_line(s, &words).ok());
  return words;
}

}  // namespace

TEST_CASE("mixture: each token is sum_i lambda_i p_i, a word a model lacks gets its <unk> probability", "[mixture]") {
  const Model a = model_of(kTextA, 3);
  const Model b = model_of(kTextB, 2);
  const Mixture mix({&a, &b}, {0.25, 0.75});
  CHECK(mix.order() == 3);
  CHECK_FALSE(mix.same_vocabulary());
  const WordId dog = mix.vocab().find("dog");
  const WordId mouse = mix.vocab().find("mouse");
  REQUIRE(dog != kUnkId);
  REQUIRE(mouse != kUnkId);
  CHECK(mix.component_word(0, dog) == kUnkId);
  CHECK(mix.component_word(1, mouse) == kUnkId);
  CHECK(mix.union_word(0, a.vocab().find("mouse")) == mouse);

  const std::string sentence = "the dog ate the mouse";
  const auto words = split(sentence);
  const SentenceScore mixed = score_sentence(mix, words, true);
  const SentenceScore sa = score_sentence(a, words, true);
  const SentenceScore sb = score_sentence(b, words, true);
  REQUIRE(mixed.factors.size() == 6);
  double total = 0;
  for (std::size_t t = 0; t < 6; ++t) {
    const double want =
        std::log10(0.25 * std::pow(10.0, sa.factors[t].score.log10_prob) + 0.75 * std::pow(10.0, sb.factors[t].score.log10_prob));
    CHECK(mixed.factors[t].score.log10_prob == Approx(want).epsilon(1e-12));
    total += want;
  }
  CHECK(mixed.log10_prob == Approx(total).epsilon(1e-12));
  // "dog" is an OOV of a (scored as a's <unk>), not of the mixture.
  CHECK(sa.factors[1].oov);
  CHECK_FALSE(mixed.factors[1].oov);
  CHECK(mixed.oovs == 0);
  // A word neither model has is an OOV of the mixture.
  const auto odd = split("the zebra sat");
  CHECK(score_sentence(mix, odd).oovs == 1);

  // score_word from the sentence state gives the same factors.
  MixtureState state = begin_sentence_state(mix);
  for (std::size_t t = 0; t < 5; ++t) {
    const WordScore w = score_word(mix, state, mix.vocab().find(words[t]), &state);
    CHECK(w.log10_prob == Approx(mixed.factors[t].score.log10_prob).epsilon(1e-12));
  }
}

TEST_CASE("mixture: a batch scores as one sentence at a time, to the bit", "[mixture]") {
  const Model a = model_of(kTextA, 3);
  const Model b = model_of(kTextB, 3);
  const Mixture mix({&a, &b}, {0.6, 0.4});
  const std::vector<std::string> lines = {"the cat ate the cheese", "", "the dog sat on the mouse", "zebra"};
  MixtureBatch batch;
  std::vector<std::vector<std::string_view>> words;
  for (const std::string& l : lines) words.push_back(split(l));
  for (const auto& w : words) batch.add(w);
  batch.score(mix);
  REQUIRE(batch.size() == lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::vector<std::vector<double>> parts;
    const SentenceScore s = batch.result(i, true, &parts);
    const SentenceScore one = score_sentence(mix, words[i], true);
    CHECK(s.log10_prob == one.log10_prob);
    CHECK(s.oovs == one.oovs);
    REQUIRE(parts.size() == s.factors.size());
    const SentenceScore sa = score_sentence(a, words[i], true);
    for (std::size_t t = 0; t < parts.size(); ++t) CHECK(parts[t][0] == sa.factors[t].score.log10_prob);
  }
}

TEST_CASE("mixture: the next-word distribution over a shared vocabulary sums to 1", "[mixture]") {
  // One vocabulary: both texts hold every word.
  const std::string words = "the cat ate mouse sat a cheese dog on\n";
  const Model a = model_of(words + kTextA, 3);
  const Model b = model_of(words + kTextB, 3);
  const Mixture mix({&a, &b}, {0.3, 0.7});
  CHECK(mix.same_vocabulary());
  MixturePredictor predictor(mix);
  NextWordPredictor pa(a), pb(b);
  for (const std::string context : {"", "<s>", "the", "<s> the cat", "ate the", "zebra"}) {
    const auto ctx = split(context);
    const auto all = predictor.top(predictor.context_state(ctx), 0);
    double sum = 0;
    for (const Prediction& p : all) sum += std::pow(10.0, p.log10_prob);
    CHECK(sum == Approx(1.0).epsilon(1e-6));
    // Each entry is 0.3 p_a + 0.7 p_b.
    const auto la = pa.top(pa.context_state(ctx), 0);
    const auto lb = pb.top(pb.context_state(ctx), 0);
    std::vector<double> want(mix.vocab().size(), 0.0);
    for (const Prediction& p : la) want[mix.union_word(0, p.word)] += 0.3 * std::pow(10.0, p.log10_prob);
    for (const Prediction& p : lb) want[mix.union_word(1, p.word)] += 0.7 * std::pow(10.0, p.log10_prob);
    for (const Prediction& p : all) CHECK(std::pow(10.0, p.log10_prob) == Approx(want[p.word]).epsilon(1e-12));
    // Sorted, most probable first.
    for (std::size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].log10_prob >= all[i].log10_prob);
    const auto top3 = predictor.top(predictor.context_state(ctx), 3);
    REQUIRE(top3.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) CHECK(top3[i].word == all[i].word);
  }
}

TEST_CASE("mixture: weights are checked and scaled", "[mixture]") {
  const Model a = model_of(kTextA, 2);
  const Model b = model_of(kTextB, 2);
  CHECK_THROWS_AS(Mixture({&a, &b}, {0.5}), ConfigError);
  CHECK_THROWS_AS(Mixture({&a, &b}, {0.5, 0.6}), ConfigError);
  CHECK_THROWS_AS(Mixture({&a, &b}, {-0.5, 1.5}), ConfigError);
  CHECK_THROWS_AS(Mixture({}, {}), ConfigError);
  const Mixture equal({&a, &b});
  CHECK(equal.weight(0) == 0.5);
  const Mixture near({&a, &b}, {0.7, 0.3000000001});
  CHECK(near.weight(0) + near.weight(1) == 1.0);
}

TEST_CASE("fit_weights: EM finds the hand-worked optimum", "[mixture]") {
  // Two tokens, p = (0.4, 0.1) and (0.1, 0.2) under (model 1, model 2):
  // log(0.1 + 0.3 l) + log(0.2 - 0.1 l) is largest at l = 5/6.
  const std::vector<double> l = {std::log10(0.4), std::log10(0.1), std::log10(0.1), std::log10(0.2)};
  const MixtureFit fit = fit_weights(l, 2);
  CHECK(fit.tokens == 2);
  CHECK(fit.weights[0] == Approx(5.0 / 6).margin(1e-6));
  CHECK(fit.weights[0] + fit.weights[1] == Approx(1.0).epsilon(1e-15));
  const double p = std::sqrt((0.1 + 0.3 * 5 / 6) * (0.2 - 0.1 * 5 / 6));
  CHECK(fit.perplexity == Approx(1 / p).epsilon(1e-9));
  // A token no model gives a probability is left out.
  std::vector<double> with_zero = l;
  with_zero.insert(with_zero.end(), {kLog10Zero, -100.0});
  CHECK(fit_weights(with_zero, 2).tokens == 2);
  CHECK_THROWS_AS(fit_weights(std::vector<double>{kLog10Zero, kLog10Zero}, 2), ConfigError);
  // One model better on every token takes all the weight.
  const MixtureFit all = fit_weights(std::vector<double>{-0.5, -1.0, -0.3, -0.9}, 2);
  CHECK(all.weights[0] > 0.999);
}

TEST_CASE("static mix: every context sums to 1, and weight 1 on one model scores as that model", "[mixture]") {
  const std::string words = "the cat ate mouse sat a cheese dog on\n";
  const Model a = model_of(words + kTextA, 3);
  const Model b = model_of(words + kTextB, 3);
  const Mixture mix({&a, &b}, {0.4, 0.6});
  const NGramTable table = mix_static(mix);
  CHECK(table.info.smoothing.method == "mix");
  // The union of the n-grams.
  const NGramTable ta = unpack_model(a), tb = unpack_model(b);
  for (int n = 1; n <= 3; ++n) {
    CHECK(table.levels[n - 1].size() >= std::max(ta.levels[n - 1].size(), tb.levels[n - 1].size()));
  }
  const Model mixed = build_model(table);
  NextWordPredictor predictor(mixed);
  for (const std::string context : {"", "<s>", "the", "<s> the", "the cat", "ate the", "dog sat"}) {
    double sum = 0;
    for (const Prediction& p : predictor.top(predictor.context_state(split(context)), 0)) sum += std::pow(10.0, p.log10_prob);
    CHECK(sum == Approx(1.0).epsilon(1e-6));
  }
  // An explicit n-gram of either model gets exactly the mixed probability.
  const TableLookup lookup(table);
  const auto ngram = split("the cat ate");
  std::vector<WordId> ids;
  for (auto w : ngram) ids.push_back(table.vocab.find(w));
  const std::uint32_t entry = lookup.find(ids);
  REQUIRE(entry != TableLookup::kNone);
  State sa = null_context_state(), sb = null_context_state();
  for (int i = 0; i < 2; ++i) {
    (void)score_word(a, sa, a.vocab().find(ngram[i]), &sa);
    (void)score_word(b, sb, b.vocab().find(ngram[i]), &sb);
  }
  const double pa = std::pow(10.0, score_word(a, sa, a.vocab().find("ate"), &sa).log10_prob);
  const double pb = std::pow(10.0, score_word(b, sb, b.vocab().find("ate"), &sb).log10_prob);
  CHECK(table.levels[2].log10_prob[entry] == Approx(std::log10(0.4 * pa + 0.6 * pb)).epsilon(1e-6));

  // Weight 1 on a: every sentence scores as under a.
  const Mixture only_a({&a, &b}, {1.0, 0.0});
  const Model as_a = build_model(mix_static(only_a));
  for (const std::string s : {"the cat ate the cheese", "the dog sat on the mouse", "a cat sat on the cat"}) {
    const auto w = split(s);
    CHECK(score_sentence(as_a, w).log10_prob == Approx(score_sentence(a, w).log10_prob).epsilon(1e-5));
  }
}
