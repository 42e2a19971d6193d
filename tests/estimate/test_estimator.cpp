// Probabilities on the toy corpus worked out by hand (see test_ngram_counts.cpp
// for the counts), and checked against KenLM's ARPA for the same corpus.
#include <catch2/catch.hpp>
#include <cmath>

#include "lm/error.hpp"
#include "lm/kneser_ney.hpp"
#include "lm/next_words.hpp"
#include "lm/scorer.hpp"
#include "test_util.hpp"

using namespace lm;

namespace {

// The level and index of an n-gram given as words; fails the test if absent.
std::pair<const Model::Level*, std::uint32_t> entry_of(const Model& model, const std::vector<std::string>& words) {
  std::vector<WordId> ids;
  for (const auto& w : words) ids.push_back(model.vocab().find(w));
  const std::uint32_t i = model.find(ids);
  REQUIRE(i != kNoEntry);
  return {&model.level(static_cast<int>(words.size())), i};
}

double log10_of(const Model& model, const std::vector<std::string>& words) {
  const auto [level, i] = entry_of(model, words);
  return level->log10_prob(i);
}

double backoff_of(const Model& model, const std::vector<std::string>& words) {
  const auto [level, i] = entry_of(model, words);
  return level->log10_backoff(i);
}

}  // namespace

TEST_CASE("discounts follow Chen and Goodman from the counts of counts", "[estimator]") {
  std::vector<std::string> warnings;
  // Y = 4 / (4 + 2*3) = 0.4; D1 = 1 - 2Y*3/4; D2 = 2 - 3Y*1/3; D3+ = 3 - 4Y*1/1.
  auto d = compute_discounts({{11, 4, 3, 1, 1}}, KneserNeyOptions{}, &warnings);
  CHECK(d[0].d[1] == Approx(0.4));
  CHECK(d[0].d[2] == Approx(1.6));
  CHECK(d[0].d[3] == Approx(1.4));
  CHECK(warnings.empty());
}

TEST_CASE("impossible discounts fall back to 0.5 1 1.5 with a warning, or fail if asked", "[estimator]") {
  std::vector<std::string> warnings;
  auto d = compute_discounts({{10, 5, 3, 0, 0}, {10, 1, 1, 100, 0}}, KneserNeyOptions{}, &warnings);
  CHECK(d[0].d == std::array<double, 4>{0, 0.5, 1, 1.5});  // no count of 3
  CHECK(d[1].d == std::array<double, 4>{0, 0.5, 1, 1.5});  // D2 = 2 - 3*(1/3)*100/1 < 0
  REQUIRE(warnings.size() == 2);
  CHECK_THAT(warnings[0], Catch::Contains("order 1") && Catch::Contains("D1=0.5"));
  KneserNeyOptions strict;
  strict.allow_discount_fallback = false;
  REQUIRE_THROWS_AS(compute_discounts({{10, 5, 3, 0, 0}}, strict, &warnings), Error);
}

TEST_CASE("toy corpus probabilities match the hand-worked values", "[estimator]") {
  const EstimateResult r = estimate(test::count_file(test::test_data("toy.txt"), 3));
  const Model& m = r.model;
  REQUIRE(r.warnings.size() == 2);  // orders 2 and 3 have no adjusted count of 3
  // Unigrams: sum of adjusted counts 17; gamma = (0.4*4 + 1.6*3 + 1.4*2) / 17;
  // uniform over the 10 words other than <s>.
  const double gamma0 = 9.2 / 17.0;
  const double p_mouse = (2 - 1.6) / 17.0 + gamma0 / 10;
  const double p_the = (3 - 1.4) / 17.0 + gamma0 / 10;
  const double p_eos = (4 - 1.4) / 17.0 + gamma0 / 10;
  CHECK(log10_of(m, {"<unk>"}) == Approx(std::log10(gamma0 / 10)).epsilon(1e-6));
  CHECK(log10_of(m, {"mouse"}) == Approx(std::log10(p_mouse)).epsilon(1e-6));
  CHECK(log10_of(m, {"the"}) == Approx(std::log10(p_the)).epsilon(1e-6));
  CHECK(log10_of(m, {"<s>"}) == 0.0);
  // Bigram context "the": the mouse 2, the cheese 1, the cat 2, the dog 1 (D = 0.5 1 1.5).
  const double gamma_the = (0.5 * 2 + 1.0 * 2) / 6.0;
  const double p_the_mouse = (2 - 1.0) / 6.0 + gamma_the * p_mouse;
  CHECK(backoff_of(m, {"the"}) == Approx(std::log10(gamma_the)).epsilon(1e-6));
  CHECK(log10_of(m, {"the", "mouse"}) == Approx(std::log10(p_the_mouse)).epsilon(1e-6));
  // Context "<s>": raw counts <s> the 4, <s> a 1.
  CHECK(backoff_of(m, {"<s>"}) == Approx(std::log10(2.0 / 5.0)).epsilon(1e-6));
  CHECK(log10_of(m, {"<s>", "the"}) == Approx(std::log10(2.5 / 5 + 0.4 * p_the)).epsilon(1e-6));
  // Trigram context "<s> the": mouse 1, cat 2, dog 1 (raw counts).
  const double gamma_s_the = (0.5 * 2 + 1.0 * 1) / 4.0;
  CHECK(backoff_of(m, {"<s>", "the"}) == Approx(std::log10(gamma_s_the)).epsilon(1e-6));
  CHECK(log10_of(m, {"<s>", "the", "mouse"}) ==
        Approx(std::log10(0.5 / 4 + gamma_s_the * p_the_mouse)).epsilon(1e-6));
  // "mouse </s>": adjusted count 1 in context "mouse" (mouse ate 2, mouse </s> 1).
  CHECK(log10_of(m, {"mouse", "</s>"}) == Approx(std::log10(0.5 / 3 + 0.5 * p_eos)).epsilon(1e-6));
  CHECK(backoff_of(m, {"mouse", "</s>"}) == 0.0);
}

TEST_CASE("a sentence's score is the product of its hand-worked factors", "[estimator]") {
  const EstimateResult r = estimate(test::count_file(test::test_data("toy.txt"), 3));
  const double gamma0 = 9.2 / 17.0;
  const double p_a = (1 - 0.4) / 17.0 + gamma0 / 10;
  const double p_mouse = (2 - 1.6) / 17.0 + gamma0 / 10;
  const double p_eos = (4 - 1.4) / 17.0 + gamma0 / 10;
  const double f1 = 0.5 / 5 + 0.4 * p_a;                 // p(a | <s>)
  const double f2 = 0.5 / 1 + 0.5 * (0.5 + 0.5 * p_mouse);  // p(mouse | <s> a)
  const double f3 = 0.5 * (0.5 / 3 + 0.5 * p_eos);       // backoff(a mouse) p(</s> | mouse)
  std::vector<std::string_view> words{"a", "mouse"};
  const SentenceScore s = score_sentence(r.model, words, true);
  CHECK(s.tokens == 3);
  CHECK(s.oovs == 0);
  CHECK(s.log10_prob == Approx(std::log10(f1 * f2 * f3)).epsilon(1e-6));
  REQUIRE(s.factors.size() == 3);
  CHECK(s.factors[0].score.ngram_order == 2);
  CHECK(s.factors[1].score.ngram_order == 3);
  CHECK(s.factors[2].score.ngram_order == 2);
}

namespace {

// Every entry of a KenLM ARPA file has the same probability and backoff in
// model; returns the number of entries checked.
int check_against_arpa(const Model& model, const std::string& arpa) {
  LineReader reader(arpa);
  std::string_view line;
  int n = 0;
  int checked = 0;
  std::vector<std::string_view> fields;
  while (reader.next(&line)) {
    if (line.size() > 1 && line[0] == '\\' && line.find("-grams:") != std::string_view::npos) {
      n = line[1] - '0';
      continue;
    }
    if (n == 0 || line.empty() || line[0] == '\\') continue;
    split_tokens(line, &fields);
    std::vector<std::string> words(fields.begin() + 1, fields.begin() + 1 + n);
    INFO(line);
    CHECK(log10_of(model, words) == Approx(std::stod(std::string(fields[0]))).margin(1e-6));
    if (static_cast<int>(fields.size()) == n + 2) {
      CHECK(backoff_of(model, words) == Approx(std::stod(std::string(fields[n + 1]))).margin(1e-6));
    }
    ++checked;
  }
  return checked;
}

NGramCounts count_pruned(const std::string& path, int order, std::vector<std::uint64_t> prune) {
  LineReader reader(path);
  CountConfig config;
  config.order = order;
  config.prune = std::move(prune);
  return count_corpus(reader, config);
}

}  // namespace

TEST_CASE("the toy model equals KenLM's ARPA n-gram by n-gram", "[estimator]") {
  const EstimateResult r = estimate(test::count_file(test::test_data("toy.txt"), 3));
  CHECK(check_against_arpa(r.model, test::test_data("toy.o3.kenlm.arpa")) == 11 + 17 + 20);
}

TEST_CASE("pruning keeps exactly KenLM's n-grams with KenLM's probabilities", "[estimator][prune]") {
  // lmplz -o 3 --prune 0 1 1: bigrams and trigrams seen once are dropped,
  // their mass goes to the backoffs.
  const EstimateResult r = estimate(count_pruned(test::test_data("toy.txt"), 3, {0, 1}));
  CHECK(r.model.ngram_count(1) == 11);
  CHECK(r.model.ngram_count(2) == 7);
  CHECK(r.model.ngram_count(3) == 2);
  CHECK(check_against_arpa(r.model, test::test_data("toy.o3.prune011.kenlm.arpa")) == 11 + 7 + 2);
  // The discounts come from the unpruned counts, as in lmplz.
  const EstimateResult full = estimate(test::count_file(test::test_data("toy.txt"), 3));
  CHECK(r.model.info().smoothing == full.model.info().smoothing);
  CHECK(r.model.info().smoothing.params.size() == 9);
}

TEST_CASE("a pruned model still sums to 1 in every context", "[estimator][prune]") {
  const EstimateResult r = estimate(count_pruned(test::test_data("../../data/gutenberg.tok.txt"), 3, {0, 1, 2}));
  CHECK(r.model.ngram_count(3) < estimate(test::count_file(test::test_data("../../data/gutenberg.tok.txt"), 3)).model.ngram_count(3));
  NextWordPredictor predictor(r.model);
  // Every bigram context that survived, and the unigram context.
  const auto& uni = r.model.level(1);
  double worst = 0;
  std::size_t contexts = 0;
  for (WordId w = 0; w < uni.size(); w += 97) {
    State s = null_context_state();
    (void)score_word(r.model, s, w, &s);
    double sum = 0;
    for (const Prediction& p : predictor.top(s, 0)) sum += std::pow(10.0, p.log10_prob);
    worst = std::max(worst, std::abs(sum - 1.0));
    ++contexts;
  }
  CHECK(contexts > 100);
  CHECK(worst < 1e-5);
}

TEST_CASE("prune thresholds are checked", "[estimator][prune]") {
  CHECK(check_prune({}, 3).empty());
  CHECK(check_prune({0, 0}, 3).empty());
  CHECK(check_prune({0, 1}, 4) == std::vector<std::uint64_t>{0, 1, 1, 1});
  CHECK_THROWS_AS(check_prune({1}, 3), ConfigError);
  CHECK_THROWS_AS(check_prune({0, 2, 1}, 3), ConfigError);
  CHECK_THROWS_AS(check_prune({0, 1, 1, 1}, 3), ConfigError);
}

TEST_CASE("<unk> in the training text gets a probability from its counts", "[estimator]") {
  const EstimateResult with = estimate(test::count_text("a <unk> b\nc <unk> b\na b c\nb a\n", 2));
  const EstimateResult without = estimate(test::count_text("a x b\nc y b\na b c\nb a\n", 2));
  CHECK(with.model.info().unk_is_word);
  CHECK_FALSE(without.model.info().unk_is_word);
  const float p_with = with.model.level(1).log10_prob(kUnkId);
  const float p_without = without.model.level(1).log10_prob(kUnkId);
  CHECK(p_with > p_without);  // counted, not just the interpolated mass
}

TEST_CASE("every order from 1 to 10 trains and normalizes", "[estimator]") {
  const std::string text = "the cat sat on the mat\nthe dog sat on the log\na cat and a dog\nthe end\n";
  for (int order = 1; order <= 10; ++order) {
    const EstimateResult r = estimate(test::count_text(text, order));
    REQUIRE(r.model.order() == order);
    NextWordPredictor predictor(r.model);
    std::vector<std::string_view> context{"<s>", "the", "cat", "sat", "on", "the"};
    double sum = 0;
    for (const Prediction& p : predictor.top(predictor.context_state(context), 0)) sum += std::pow(10.0, p.log10_prob);
    CHECK(sum == Approx(1.0).margin(1e-6));
  }
}
