// The classic smoothing family (lm/classic_smoothing.hpp) and stupid backoff
// (lm/stupid_backoff.hpp): probabilities worked out by hand on
// tests/data/toy.txt, minimum counts with SRILM's fixup, and, on ../shared's
// kjv, the normalization of every method and stupid backoff's scores.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "lm/classic_smoothing.hpp"
#include "lm/error.hpp"
#include "lm/estimator.hpp"
#include "lm/kneser_ney.hpp"
#include "lm/next_words.hpp"
#include "lm/parallel.hpp"
#include "lm/scorer.hpp"
#include "lm/stupid_backoff.hpp"
#include "lm/tokenizer.hpp"
#include "test_util.hpp"

namespace lm {

namespace {

// tests/data/toy.txt, for the hand-worked values below:
//   the mouse ate the cheese / the cat ate the mouse / the dog chased the cat /
//   a mouse ate cheese / the cat ate
// Unigram counts (T = 27 tokens, </s> included; 9 types seen):
//   the 7, </s> 5, ate 4, mouse 3, cat 3, cheese 2, dog 1, chased 1, a 1.
// Closed vocabulary: |V| = 9 (the 8 words and </s>; no <s>, no <unk>);
// open: |V| = 10 (<unk>, count 0, too).
// Bigrams: <s> the 4, <s> a 1 | the cat 3, the mouse 2, the cheese 1,
//   the dog 1 (T = 7, 4 types) | ate the 2, ate cheese 1, ate </s> 1 |
//   mouse ate 2, mouse </s> 1 | cat ate 2, cat </s> 1 | cheese </s> 2 |
//   dog chased 1 | chased the 1 | a mouse 1.
// Bigram counts of counts: n1 = 10, n2 = 5, n3 = 1, n4 = 1, n5.. = 0.
// Trigrams: <s> the cat 2, the cat ate 2, the 18 others once.

NGramCounts count_raw_file(const std::string& path, int order) {
  LineReader reader(path);
  CountConfig config;
  config.order = order;
  config.keep_raw_counts = true;
  return count_corpus(reader, config);
}

NGramCounts count_raw_text(const std::string& text, int order) {
  test::TempFile file(text);
  return count_raw_file(file.path(), order);
}

NGramCounts toy_counts(int order) { return count_raw_file(test::test_data("toy.txt"), order); }

ClassicOptions classic(ClassicKind kind, bool interpolate = true) {
  ClassicOptions o;
  o.kind = kind;
  o.interpolate = interpolate;
  return o;
}

EstimateConfig settings(bool closed_vocab, std::vector<std::uint64_t> min_counts = {}) {
  EstimateConfig config;
  config.settings.closed_vocab = closed_vocab;
  config.settings.min_counts = std::move(min_counts);
  return config;
}

// log10 p(word | context) as the model scores it; a context that starts
// with "<s>" is a sentence start, an empty one the unigram distribution.
double log10_p(const Model& m, std::vector<std::string_view> context, std::string_view word) {
  NextWordPredictor predictor(m);
  const State state = predictor.context_state(context);
  State out;
  return score_word(m, state, m.vocab().find(word), &out).log10_prob;
}

// Checks p(word | context) against a hand-worked probability, in log10 to 1e-6.
void check_p(const Model& m, std::vector<std::string_view> context, std::string_view word, double expected) {
  std::string text;
  for (std::string_view w : context) text += std::string(w) + " ";
  INFO("p(" << word << " | " << text << ") of " << m.info().smoothing.method << ", expected " << expected);
  CHECK(log10_p(m, context, word) == Approx(std::log10(expected)).margin(1e-6));
}

// Entry of the n-gram in its level of the table, or -1.
long find_entry(const NGramTable& t, const std::vector<std::string_view>& words) {
  std::uint32_t index = t.vocab.find(words[0]);
  if (index == kUnkId && words[0] != "<unk>") return -1;
  for (std::size_t n = 2; n <= words.size(); ++n) {
    const NGramTable::Level& level = t.levels[n - 1];
    const WordId w = t.vocab.find(words[n - 1]);
    std::size_t i = 0;
    while (i < level.size() && !(level.parent[i] == index && level.words[i] == w)) ++i;
    if (i == level.size()) return -1;
    index = static_cast<std::uint32_t>(i);
  }
  return static_cast<long>(index);
}

// The sum over the vocabulary of p(w | context) from the exact next-word
// distribution; checks on the way that the top 10 are the head of the full list.
double distribution_sum(NextWordPredictor& predictor, const State& state) {
  const std::vector<Prediction> all = predictor.top(state, 0);
  double sum = 0;
  for (const Prediction& p : all) sum += std::pow(10.0, p.log10_prob);
  const std::vector<Prediction> top = predictor.top(state, 10);
  REQUIRE(top.size() == std::min<std::size_t>(10, all.size()));
  for (std::size_t i = 0; i < top.size(); ++i) {
    REQUIRE(top[i].word == all[i].word);
    REQUIRE(top[i].log10_prob == all[i].log10_prob);
  }
  return sum;
}

// Every bigram of the table, as a context of the model, gives a distribution that sums to 1.
void check_bigram_contexts_normalized(const NGramTable& table, const Model& m) {
  NextWordPredictor predictor(m);
  double worst = 0;
  for (std::size_t i = 0; i < table.levels[1].size(); ++i) {
    const std::vector<WordId> ids = table.ngram(2, i);
    const std::vector<std::string_view> context{table.vocab.word(ids[0]), table.vocab.word(ids[1])};
    const double sum = distribution_sum(predictor, predictor.context_state(context));
    INFO(m.info().smoothing.method << ": context " << context[0] << " " << context[1]);
    CHECK(sum == Approx(1.0).margin(1e-6));
    worst = std::max(worst, std::abs(sum - 1.0));
  }
  CHECK(worst < 1e-6);
}

std::string shared_dir() {
  const char* env = std::getenv("LM_SHARED_DIR");
  return env != nullptr ? env : std::string(LM_TEST_DATA) + "/../../../shared";
}

}  // namespace

TEST_CASE("classic: Witten-Bell on the toy corpus, by hand", "[classic]") {
  SECTION("interpolated, closed vocabulary, order 3") {
    ClassicSmoothing wb(classic(ClassicKind::kWittenBell));
    const EstimateResult r = estimate(toy_counts(3), wb, settings(true));
    const Model& m = r.model;
    CHECK(r.warnings.empty());
    CHECK(m.info().smoothing.method == "wb");
    CHECK(m.info().closed_vocab);
    // Unigrams: p(w) = (c(w) + n/|V|) / (T + n) = (c(w) + 1) / 36.
    check_p(m, {}, "the", 8.0 / 36);
    check_p(m, {}, "</s>", 6.0 / 36);
    check_p(m, {}, "dog", 2.0 / 36);
    // No <unk> under a closed vocabulary: log10 p = -100.
    CHECK(log10_p(m, {}, "<unk>") == -100.0);
    CHECK(log10_p(m, {}, "zebra") == -100.0);
    // Bigrams: p(w | h) = (c(h w) + n(h) p(w)) / (T(h) + n(h)).
    // p(cat | the) = (3 + 4 * 4/36) / (7 + 4) = 31/99.
    check_p(m, {"the"}, "cat", 31.0 / 99);
    // p(the | <s>) = (4 + 2 * 8/36) / (5 + 2) = 40/63.
    check_p(m, {"<s>"}, "the", 40.0 / 63);
    // p(</s> | cheese) = (2 + 1 * 6/36) / (2 + 1) = 13/18.
    check_p(m, {"cheese"}, "</s>", 13.0 / 18);
    // p(ate | cat) = (2 + 2 * 5/36) / (3 + 2) = 41/90.
    check_p(m, {"cat"}, "ate", 41.0 / 90);
    // Unseen after "the": the backoff weight is n/(T + n) = 4/11, so
    // p(ate | the) = 4/11 * 5/36 = 5/99.
    check_p(m, {"the"}, "ate", 5.0 / 99);
    // Trigram: p(ate | the cat) = (2 + 2 * 41/90) / (3 + 2) = 131/225.
    check_p(m, {"the", "cat"}, "ate", 131.0 / 225);
  }
  SECTION("open vocabulary: <unk> gets what the seen words leave") {
    // Interpolated: the seen words take (c + 9/10) / 36 each, 35.1/36 in all;
    // <unk> gets 0.9/36 = 1/40 (the uniform share n/(T+n) / |V|).
    ClassicSmoothing wb(classic(ClassicKind::kWittenBell));
    const Model m = estimate(toy_counts(2), wb, settings(false)).model;
    check_p(m, {}, "<unk>", 1.0 / 40);
    check_p(m, {}, "the", 7.9 / 36);
    // Backoff: p(w) = c(w) / (T + n) = c(w) / 36, and <unk>, the one word never
    // seen, gets the 9/36 left.
    ClassicSmoothing wb_backoff(classic(ClassicKind::kWittenBell, false));
    const Model b = estimate(toy_counts(2), wb_backoff, settings(false)).model;
    CHECK(b.info().smoothing.method == "wb-backoff");
    CHECK(log10_p(b, {}, "<unk>") > -99.0);
    check_p(b, {}, "<unk>", 9.0 / 36);
    check_p(b, {}, "the", 7.0 / 36);
    // With a closed vocabulary the 9/36 goes to every word (all were seen):
    // (c(w) + 1) / 36, and <unk> has none.
    ClassicSmoothing closed(classic(ClassicKind::kWittenBell, false));
    const Model c = estimate(toy_counts(2), closed, settings(true)).model;
    check_p(c, {}, "the", 8.0 / 36);
    CHECK(log10_p(c, {}, "<unk>") == -100.0);
  }
}

TEST_CASE("classic: absolute discounting on the toy corpus, by hand", "[classic]") {
  ClassicOptions options = classic(ClassicKind::kAbsolute);
  options.discounts = {0.5};
  ClassicSmoothing absolute(options);
  const EstimateResult r = estimate(toy_counts(2), absolute, settings(true));
  const Model& m = r.model;
  CHECK(m.info().smoothing.method == "absolute");
  CHECK(test::smoothing_param(m.info(), "D", 1) == 0.5);
  CHECK(test::smoothing_param(m.info(), "D", 2) == 0.5);
  // Unigrams: (c - 0.5)/27 + (0.5 * 9/27) * 1/9 = c/27 (every word was seen).
  check_p(m, {}, "the", 7.0 / 27);
  check_p(m, {}, "dog", 1.0 / 27);
  // p(cat | the) = (3 - 0.5)/7 + (0.5 * 4/7) * 3/27 = 7/18.
  check_p(m, {"the"}, "cat", 7.0 / 18);
  // p(</s> | cheese) = (2 - 0.5)/2 + (0.5 * 1/2) * 5/27 = 43/54.
  check_p(m, {"cheese"}, "</s>", 43.0 / 54);
  // Unseen: the backoff weight is D n(h) / T(h) = 2/7; p(ate | the) = 2/7 * 4/27.
  check_p(m, {"the"}, "ate", 8.0 / 189);
  // Open vocabulary: seen words (c - 0.5)/27 + (0.5 * 9/27)/10 = (c - 0.05)/27,
  // and <unk> 0.45/27 = 1/60.
  ClassicSmoothing open(options);
  const Model o = estimate(toy_counts(2), open, settings(false)).model;
  check_p(o, {}, "the", 6.95 / 27);
  check_p(o, {}, "<unk>", 1.0 / 60);
}

TEST_CASE("classic: additive smoothing on the toy corpus, by hand", "[classic]") {
  ClassicOptions options = classic(ClassicKind::kAdditive);
  options.add = 1.0;
  ClassicSmoothing add(options);
  const Model m = estimate(toy_counts(2), add, settings(true)).model;
  CHECK(m.info().smoothing.method == "add");
  CHECK(test::smoothing_param(m.info(), "K", 2) == 1.0);
  // (c + 1) / (T + |V|): unigrams (c + 1)/36.
  check_p(m, {}, "the", 8.0 / 36);
  check_p(m, {}, "chased", 2.0 / 36);
  // p(cat | the) = (3 + 1) / (7 + 9) = 1/4; p(</s> | cheese) = (2 + 1) / (2 + 9) = 3/11.
  check_p(m, {"the"}, "cat", 4.0 / 16);
  check_p(m, {"cheese"}, "</s>", 3.0 / 11);
  // A backoff model: "the"'s successors take (3+2+4+2)/16 = 11/16 and had
  // (4+3+4+2)/36 = 13/36 of the unigrams, so bow(the) = (5/16) / (23/36) = 45/92
  // and p(ate | the) = 45/92 * 5/36 = 25/368.
  check_p(m, {"the"}, "ate", 25.0 / 368);
}

TEST_CASE("classic: maximum likelihood on the toy corpus, by hand", "[classic]") {
  ClassicSmoothing mle(classic(ClassicKind::kMle));
  TableEstimate e = estimate_table(toy_counts(2), mle, settings(true));
  CHECK(e.warnings.empty());
  CHECK(e.table.info.smoothing.method == "mle");
  // "the"'s successors take all its mass: backoff weight 0, stored as log10 -99.
  const long the = find_entry(e.table, {"the"});
  REQUIRE(the >= 0);
  CHECK(e.table.levels[0].log10_backoff[static_cast<std::size_t>(the)] == -99.0f);
  const Model m = build_model(std::move(e.table));
  // c / T.
  check_p(m, {}, "the", 7.0 / 27);
  check_p(m, {}, "</s>", 5.0 / 27);
  check_p(m, {"the"}, "cat", 3.0 / 7);
  check_p(m, {"ate"}, "the", 2.0 / 4);
  check_p(m, {"<s>"}, "a", 1.0 / 5);
  // An unseen bigram of a seen context: p = 0, scored as -99 + log10 p(ate).
  CHECK(log10_p(m, {"the"}, "ate") == Approx(-99.0 + std::log10(4.0 / 27)).margin(1e-5));
}

TEST_CASE("classic: Kneser-Ney (one discount per order) on the toy corpus, by hand", "[classic]") {
  // Order 2: unigrams on the adjusted counts (distinct left contexts, <s>
  // included): the 3 (<s>, ate, chased), </s> 4 (cheese, mouse, cat, ate),
  // mouse 2, ate 2, cheese 2, cat 1, dog 1, chased 1, a 1: T = 17, n1 = 4,
  // n2 = 3, D1 = 4 / (4 + 2*3) = 0.4. Bigrams (the top order) on the raw
  // counts: n1 = 10, n2 = 5, D2 = 10 / (10 + 2*5) = 0.5.
  ClassicSmoothing kn(classic(ClassicKind::kKneserNey));
  const EstimateResult r = estimate(toy_counts(2), kn, settings(true));
  const Model& m = r.model;
  CHECK(r.warnings.empty());
  CHECK(m.info().smoothing.method == "kn");
  CHECK(test::smoothing_param(m.info(), "D", 1) == Approx(0.4).epsilon(1e-12));
  CHECK(test::smoothing_param(m.info(), "D", 2) == Approx(0.5).epsilon(1e-12));
  // Unigrams: (a - 0.4)/17 + (0.4 * 9/17) * 1/9 = a/17.
  check_p(m, {}, "the", 3.0 / 17);
  check_p(m, {}, "</s>", 4.0 / 17);
  check_p(m, {}, "cat", 1.0 / 17);
  // p(cat | the) = (3 - 0.5)/7 + (0.5 * 4/7) * 1/17 = 44.5/119.
  check_p(m, {"the"}, "cat", 44.5 / 119);
  // p(</s> | cheese) = (2 - 0.5)/2 + (0.5 * 1/2) * 4/17 = 55/68.
  check_p(m, {"cheese"}, "</s>", 55.0 / 68);
  // Unseen: bow(the) = 0.5 * 4/7 = 2/7; p(ate | the) = 2/7 * 2/17.
  check_p(m, {"the"}, "ate", 4.0 / 119);
  // Backoff: p(cat | the) = 2.5/7 alone; bow(the) = (1 - (1.5 + 0.5 + 2.5 + 0.5)/7)
  // / (1 - (2 + 2 + 1 + 1)/17) = (2/7) / (11/17) = 34/77 over the unigrams
  // p(w) = (a - 0.4)/17 + the 3.6/17 left spread over the 9 words = a/17.
  ClassicSmoothing kn_backoff(classic(ClassicKind::kKneserNey, false));
  const Model b = estimate(toy_counts(2), kn_backoff, settings(true)).model;
  CHECK(b.info().smoothing.method == "kn-backoff");
  check_p(b, {}, "the", 3.0 / 17);
  check_p(b, {"the"}, "cat", 2.5 / 7);
  check_p(b, {"the"}, "ate", 34.0 / 77 * 2.0 / 17);
}

TEST_CASE("classic: Kneser-Ney at order 3 discounts the middle order's adjusted counts", "[classic]") {
  // Bigrams' adjusted counts at order 3: distinct words before them (raw
  // after <s>): <s> the 4, <s> a 1, the mouse 2 (<s>, ate), the cat 2 (<s>,
  // chased), the cheese 1, the dog 1, mouse ate 2 (the, a), ate the 2
  // (mouse, cat), cheese </s> 2 (the, ate), and 8 more of 1 (cat ate: "the"
  // both times): n1 = 11, n2 = 5, D2 = 11/21. Trigrams (raw): n1 = 18,
  // n2 = 2, D3 = 18/22 = 9/11. Unigrams as at order 2: D1 = 0.4, p(w) = a/17.
  ClassicSmoothing kn(classic(ClassicKind::kKneserNey));
  const EstimateResult r = estimate(toy_counts(3), kn, settings(true));
  const Model& m = r.model;
  CHECK(r.warnings.empty());
  CHECK(test::smoothing_param(m.info(), "D", 1) == Approx(0.4).epsilon(1e-12));
  CHECK(test::smoothing_param(m.info(), "D", 2) == Approx(11.0 / 21).epsilon(1e-12));
  CHECK(test::smoothing_param(m.info(), "D", 3) == Approx(9.0 / 11).epsilon(1e-12));
  // "the": mouse 2, cheese 1, cat 2, dog 1 (T = 6, n = 4):
  // p(cat | the) = (2 - 11/21)/6 + (11/21 * 4/6) * 1/17 = 571/2142.
  const double cat_the = 571.0 / 2142;
  check_p(m, {"the"}, "cat", cat_the);
  // "cat": ate 1, </s> 1: p(ate | cat) = (1 - 11/21)/2 + (11/21 * 2/2) * 2/17 = 107/357.
  check_p(m, {"cat"}, "ate", 107.0 / 357);
  // "<s> the": mouse 1, cat 2, dog 1 (T = 4, n = 3):
  // p(cat | <s> the) = (2 - 9/11)/4 + (9/11 * 3/4) p(cat | the).
  check_p(m, {"<s>", "the"}, "cat", (2.0 - 9.0 / 11) / 4 + (9.0 / 11 * 3.0 / 4) * cat_the);
  // Unseen after "<s> the": bow = 27/44, p(cheese | <s> the) = 27/44 * p(cheese | the),
  // p(cheese | the) = (1 - 11/21)/6 + (11/21 * 4/6) * 2/17.
  check_p(m, {"<s>", "the"}, "cheese", 27.0 / 44 * ((1.0 - 11.0 / 21) / 6 + (11.0 / 21 * 4.0 / 6) * 2.0 / 17));
}

TEST_CASE("classic: Katz (Good-Turing) on the toy corpus, by hand, with its warnings", "[classic]") {
  // Default gt_max {1, 7}. Unigrams: n1 = 3 (dog, chased, a), n2 = 1 (cheese);
  // M = 1, k = 2 n2 / n1 = 2/3, d(1) = (2 n2 / n1 - k) / (1 - k) = 0: out of
  // range, so counts of 1 are not discounted.
  // Bigrams: n5 = n6 = n7 = n8 = 0 lower M from 7 to 3 (a warning for each);
  // k = 4 n4 / n1 = 0.4; d(1) = (2*5/10 - 0.4) / 0.6 = 1; d(2) = (3*1/(2*5) - 0.4)
  // / 0.6 = -1/6 and d(3) = (4*1/(3*1) - 0.4) / 0.6 (4/3 > 1): both out of range.
  ClassicSmoothing katz(classic(ClassicKind::kKatz));
  const EstimateResult r = estimate(toy_counts(2), katz, settings(true));
  const Model& m = r.model;
  CHECK(m.info().smoothing.method == "katz");
  CHECK(test::smoothing_param(m.info(), "gtmax", 1) == 1);
  CHECK(test::smoothing_param(m.info(), "gtmax", 2) == 3);
  for (int c = 1; c <= 7; ++c) {
    CHECK(test::smoothing_param(m.info(), "d" + std::to_string(c), 1) == 1.0);
    CHECK(test::smoothing_param(m.info(), "d" + std::to_string(c), 2) == Approx(1.0).epsilon(1e-12));
  }
  auto warned = [&r](const std::string& text) {
    return std::count_if(r.warnings.begin(), r.warnings.end(),
                         [&](const std::string& w) { return w.find(text) != std::string::npos; });
  };
  INFO("warnings: " << Catch::Detail::stringify(r.warnings));
  CHECK(r.warnings.size() == 7);
  CHECK(warned("order 1: the Good-Turing discount for count 1 is out of range") == 1);
  for (int seen = 5; seen <= 8; ++seen) {
    CHECK(warned("order 2: no 2-grams were seen " + std::to_string(seen) + " times") == 1);
  }
  CHECK(warned("discounts counts up to 3 only") == 1);
  CHECK(warned("order 2: the Good-Turing discount for count 2 is out of range") == 1);
  CHECK(warned("order 2: the Good-Turing discount for count 3 is out of range") == 1);
  // Nothing discounted: unigrams c/27 (all 9 words were seen).
  check_p(m, {}, "the", 7.0 / 27);
  check_p(m, {}, "a", 1.0 / 27);
  // A context whose successors would take all its mass is estimated again
  // with its total one higher (SRILM's rescue): p(cat | the) = 3/(7+1),
  // p(</s> | cheese) = 2/(2+1).
  check_p(m, {"the"}, "cat", 3.0 / 8);
  check_p(m, {"cheese"}, "</s>", 2.0 / 3);
  // bow(the) = (1 - 7/8) / (1 - (3+2+3+1)/27) = 3/16; p(ate | the) = 3/16 * 4/27.
  check_p(m, {"the"}, "ate", 1.0 / 36);
  // Open vocabulary: the unigrams are rescued too, c/28, and <unk> gets 1/28.
  ClassicSmoothing open(classic(ClassicKind::kKatz));
  const Model o = estimate(toy_counts(2), open, settings(false)).model;
  check_p(o, {}, "the", 7.0 / 28);
  check_p(o, {}, "<unk>", 1.0 / 28);
}

TEST_CASE("classic: stupid backoff on the toy corpus, by hand", "[classic]") {
  StupidBackoff stupid(0.4);
  TableEstimate e = estimate_table(toy_counts(3), stupid, settings(false));
  CHECK(e.table.info.smoothing.method == "stupid");
  const long the = find_entry(e.table, {"the"});
  REQUIRE(the >= 0);
  CHECK(e.table.levels[0].log10_backoff[static_cast<std::size_t>(the)] == Approx(std::log10(0.4)).margin(1e-7));
  const Model m = build_model(std::move(e.table));
  // S(w) = c(w) / 27; S(w | h) = c(h w) / c(h); alpha S(w | h') when unseen.
  check_p(m, {}, "the", 7.0 / 27);
  check_p(m, {"the"}, "cat", 3.0 / 7);
  check_p(m, {"the"}, "ate", 0.4 * 4.0 / 27);
  check_p(m, {"the", "cat"}, "ate", 2.0 / 3);
  check_p(m, {"the", "cat"}, "</s>", 1.0 / 3);
  check_p(m, {"the", "cat"}, "cheese", 0.4 * 0.4 * 2.0 / 27);
  check_p(m, {"<s>", "the"}, "cat", 2.0 / 4);
  CHECK_FALSE(smoothing_normalized("stupid"));
  CHECK_THROWS_AS(StupidBackoff(0.0), ConfigError);
  CHECK_THROWS_AS(StupidBackoff(1.5), ConfigError);
}

TEST_CASE("classic: minimum counts leave rare trigrams out and keep the model normalized", "[classic]") {
  // min_counts {1, 1, 2}: of the 20 toy trigrams only "<s> the cat" and
  // "the cat ate" (twice each) stay.
  struct Case {
    const char* name;
    ClassicOptions options;
  };
  ClassicOptions add = classic(ClassicKind::kAdditive);
  add.add = 0.5;
  const std::vector<Case> cases{
      {"wb", classic(ClassicKind::kWittenBell)},
      {"wb-backoff", classic(ClassicKind::kWittenBell, false)},
      {"kn", classic(ClassicKind::kKneserNey)},
      {"kn-backoff", classic(ClassicKind::kKneserNey, false)},
      {"absolute", classic(ClassicKind::kAbsolute)},
      {"katz", classic(ClassicKind::kKatz)},
      {"add", add},
      {"mle", classic(ClassicKind::kMle)},
  };
  for (const bool closed : {true, false}) {
    for (const Case& c : cases) {
      INFO(c.name << (closed ? ", closed" : ", open") << " vocabulary");
      ClassicSmoothing method(c.options);
      const TableEstimate e = estimate_table(toy_counts(3), method, settings(closed, {1, 1, 2}));
      const NGramTable& t = e.table;
      CHECK(t.info.smoothing.method == c.name);
      REQUIRE(t.levels[2].size() == 2);
      CHECK(find_entry(t, {"<s>", "the", "cat"}) >= 0);
      CHECK(find_entry(t, {"the", "cat", "ate"}) >= 0);
      CHECK(find_entry(t, {"the", "mouse", "ate"}) == -1);
      CHECK(find_entry(t, {"cat", "ate", "the"}) == -1);
      CHECK(t.levels[1].size() == 17);  // every bigram stays
      const Model m = build_model(t);
      check_bigram_contexts_normalized(t, m);
      // The unigram distribution sums to 1 too.
      NextWordPredictor predictor(m);
      CHECK(distribution_sum(predictor, null_context_state()) == Approx(1.0).margin(1e-6));
    }
  }
  SECTION("Witten-Bell, by hand: the left-out trigrams' mass goes to the backoff") {
    // Context "<s> the": cat 2 kept, mouse 1 and dog 1 left out, but their
    // counts stay in T = 4 and n = 3: p(cat | <s> the) = (2 + 3 p(cat | the)) / 7,
    // p(cat | the) = 31/99.
    ClassicSmoothing wb(classic(ClassicKind::kWittenBell));
    const Model m = estimate(toy_counts(3), wb, settings(true, {1, 1, 2})).model;
    const double cat = (2.0 + 3.0 * 31.0 / 99) / 7;
    check_p(m, {"<s>", "the"}, "cat", cat);
    // p(mouse | <s> the) = bow * p(mouse | the), bow = (1 - p(cat | <s> the)) / (1 - 31/99);
    // p(mouse | the) = (2 + 4 * 4/36) / 11 = 22/99.
    check_p(m, {"<s>", "the"}, "mouse", (1.0 - cat) / (1.0 - 31.0 / 99) * 22.0 / 99);
  }
}

TEST_CASE("classic: a bigram under its minimum stays when a kept trigram needs it (SRILM's fixup)", "[classic]") {
  // "a b" twice, "a c" once: <s> a 3, a b 2, a c 1, b </s> 2, c </s> 1;
  // trigrams <s> a b 2, <s> a c 1, a b </s> 2, a c </s> 1. Unigrams (closed):
  // a 3, b 2, c 1, </s> 3: T = 9, n = |V| = 4, Witten-Bell p(w) = (c + 1)/13.
  const std::string text = "a b\na b\na c\n";
  ClassicSmoothing wb2(classic(ClassicKind::kWittenBell));
  // Order 2 with min_counts {1, 2}: "a c" and "c </s>" (once each) are left out.
  const TableEstimate e2 = estimate_table(count_raw_text(text, 2), wb2, settings(true, {1, 2}));
  CHECK(find_entry(e2.table, {"a", "c"}) == -1);
  CHECK(find_entry(e2.table, {"c", "</s>"}) == -1);
  CHECK(find_entry(e2.table, {"a", "b"}) >= 0);
  CHECK(e2.table.levels[1].size() == 3);
  // Order 3 with {1, 2, 1}: every trigram stays, and with them "a c" (the
  // context of "a c </s>", the suffix of "<s> a c") and "c </s>" (the suffix
  // of "a c </s>"), with the probability the backoff gives them.
  ClassicSmoothing wb3(classic(ClassicKind::kWittenBell));
  TableEstimate e3 = estimate_table(count_raw_text(text, 3), wb3, settings(true, {1, 2, 1}));
  CHECK(find_entry(e3.table, {"a", "c"}) >= 0);
  CHECK(find_entry(e3.table, {"c", "</s>"}) >= 0);
  CHECK(find_entry(e3.table, {"a", "c", "</s>"}) >= 0);
  CHECK(find_entry(e3.table, {"<s>", "a", "c"}) >= 0);
  CHECK(e3.table.levels[1].size() == 5);
  CHECK(e3.table.levels[2].size() == 4);
  const NGramTable table = e3.table;
  const Model m = build_model(std::move(e3.table));
  // Context a: T = 3 (c's count stays in it), n = 2; p(b | a) = (2 + 2 * 3/13) / 5 = 32/65,
  // bow(a) = (1 - 32/65) / (1 - 3/13) = 33/50, and the fixed-up p(c | a) = 33/50 * 2/13.
  check_p(m, {"a"}, "b", 32.0 / 65);
  check_p(m, {"a"}, "c", 33.0 / 50 * 2.0 / 13);
  // Context c: its one successor left out: bow(c) = 1, p(</s> | c) = p(</s>) = 4/13.
  check_p(m, {"c"}, "</s>", 4.0 / 13);
  // The trigrams interpolate with those: p(c | <s> a) = (1 + 2 * 33/325) / 5,
  // p(b | <s> a) = (2 + 2 * 32/65) / 5, p(</s> | a c) = (1 + 4/13) / 2.
  check_p(m, {"<s>", "a"}, "c", (1.0 + 2.0 * 33.0 / 325) / 5);
  check_p(m, {"<s>", "a"}, "b", (2.0 + 2.0 * 32.0 / 65) / 5);
  check_p(m, {"a", "c"}, "</s>", 17.0 / 26);
  // The same p(b | a) and bow(a) as at order 2, where "a c" is not in the table.
  const Model m2 = build_model(e2.table);
  check_p(m2, {"a"}, "b", 32.0 / 65);
  check_p(m2, {"a"}, "c", 33.0 / 50 * 2.0 / 13);
  check_bigram_contexts_normalized(table, m);
  check_bigram_contexts_normalized(e2.table, m2);
}

TEST_CASE("classic: every normalized method sums to 1 on kjv order 5", "[classic][shared]") {
  // Contexts of each length 0..4 sampled (fixed seed) from kjv.tok.test's
  // sentences, 1,000 per length (LM_CLASSIC_CONTEXTS sets another number).
  // For each: the full next-word distribution (some 12,600 words) sums to 1, and
  // its top 10 are the full sorted list's head. About 30 s of CPU in all
  // (training the 10 models: 3 s), 20-45 s on 2 threads; the time is printed.
  std::size_t per_order = 1000;
  if (const char* env = std::getenv("LM_CLASSIC_CONTEXTS")) per_order = std::stoul(env);
  const auto start = std::chrono::steady_clock::now();
  const std::string dir = shared_dir();
  LineReader reader(dir + "/corpora/kjv/kjv.tok.train.txt");
  CountConfig count_config;
  count_config.order = 5;
  count_config.keep_raw_counts = true;
  count_config.threads = 2;
  const NGramCounts counts = count_corpus(reader, count_config);

  std::vector<std::vector<std::string>> sentences;
  {
    LineReader test_reader(dir + "/corpora/kjv/kjv.tok.test.txt");
    std::string_view line;
    std::vector<std::string_view> words;
    while (test_reader.next(&line)) {
      split_tokens(line, &words);
      std::vector<std::string> s{"<s>"};
      for (std::string_view w : words) s.emplace_back(w);
      sentences.push_back(std::move(s));
    }
  }
  REQUIRE(sentences.size() > 1000);
  std::mt19937 rng(20261207);
  std::vector<std::vector<std::vector<std::string>>> contexts(5);  // by length
  for (std::size_t length = 0; length < 5; ++length) {
    while (contexts[length].size() < per_order) {
      const std::vector<std::string>& s = sentences[rng() % sentences.size()];
      if (s.size() < length) continue;
      const std::size_t end = length + rng() % (s.size() - length + 1);  // context s[end-length, end)
      contexts[length].emplace_back(s.begin() + static_cast<long>(end - length), s.begin() + static_cast<long>(end));
    }
  }

  struct Method {
    std::string name;
    std::unique_ptr<SmoothingMethod> method;
  };
  std::vector<Method> methods;
  methods.push_back({"mkn", std::make_unique<ModifiedKneserNey>()});
  methods.push_back({"kn", std::make_unique<ClassicSmoothing>(classic(ClassicKind::kKneserNey))});
  methods.push_back({"kn-backoff", std::make_unique<ClassicSmoothing>(classic(ClassicKind::kKneserNey, false))});
  methods.push_back({"wb", std::make_unique<ClassicSmoothing>(classic(ClassicKind::kWittenBell))});
  methods.push_back({"wb-backoff", std::make_unique<ClassicSmoothing>(classic(ClassicKind::kWittenBell, false))});
  methods.push_back({"absolute", std::make_unique<ClassicSmoothing>(classic(ClassicKind::kAbsolute))});
  methods.push_back({"absolute-backoff", std::make_unique<ClassicSmoothing>(classic(ClassicKind::kAbsolute, false))});
  methods.push_back({"katz", std::make_unique<ClassicSmoothing>(classic(ClassicKind::kKatz))});
  ClassicOptions add = classic(ClassicKind::kAdditive);
  add.add = 0.1;
  methods.push_back({"add", std::make_unique<ClassicSmoothing>(add)});
  methods.push_back({"mle", std::make_unique<ClassicSmoothing>(classic(ClassicKind::kMle))});

  // The contexts of each length are split between two threads (Catch's
  // assertions are the main thread's: the workers only record).
  struct Report {
    double worst = 0;             // largest |sum - 1|
    std::string worst_context;
    std::size_t head_mismatches = 0;  // contexts whose top 10 differ from the head of the full list
    std::string mismatch_context;
  };
  for (Method& method : methods) {
    INFO("method " << method.name);
    EstimateConfig config;
    config.threads = 2;
    const EstimateResult r = estimate(counts, *method.method, config);
    const Model& m = r.model;
    REQUIRE(m.info().smoothing.method == method.name);
    CHECK(smoothing_normalized(method.name));
    for (std::size_t length = 0; length < 5; ++length) {
      INFO("context length " << length);
      Report reports[2];
      parallel_for(contexts[length].size(), 2, [&](unsigned slice, std::size_t begin, std::size_t end) {
        Report& report = reports[slice];
        NextWordPredictor predictor(m);
        for (std::size_t i = begin; i < end; ++i) {
          const std::vector<std::string_view> words(contexts[length][i].begin(), contexts[length][i].end());
          std::string text;
          for (std::string_view w : words) text += std::string(w) + " ";
          const State state = predictor.context_state(words);
          const std::vector<Prediction> all = predictor.top(state, 0);
          double sum = 0;
          for (const Prediction& p : all) sum += std::pow(10.0, p.log10_prob);
          if (std::abs(sum - 1.0) > report.worst) {
            report.worst = std::abs(sum - 1.0);
            report.worst_context = text;
          }
          const std::vector<Prediction> top = predictor.top(state, 10);
          bool same = top.size() == std::min<std::size_t>(10, all.size());
          for (std::size_t k = 0; same && k < top.size(); ++k) {
            same = top[k].word == all[k].word && top[k].log10_prob == all[k].log10_prob;
          }
          if (!same && report.head_mismatches++ == 0) report.mismatch_context = text;
        }
      });
      const Report& worst = reports[0].worst >= reports[1].worst ? reports[0] : reports[1];
      INFO("worst |sum - 1| " << worst.worst << " after \"" << worst.worst_context << "\"");
      CHECK(worst.worst < 1e-6);
      INFO("top 10 differs from the full list's head after \"" << reports[0].mismatch_context
                                                                 << reports[1].mismatch_context << "\"");
      CHECK(reports[0].head_mismatches + reports[1].head_mismatches == 0);
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  WARN("kjv order 5, " << methods.size() << " methods, " << per_order << " contexts per length: " << seconds << " s");
}

TEST_CASE("classic: stupid backoff scores on kjv order 3", "[classic][shared]") {
  // Figures from c(h w) / c(h) on kjv.tok.train, alpha 0.4, open vocabulary.
  StupidBackoff stupid(0.4);
  const Model m = estimate(count_raw_file(shared_dir() + "/corpora/kjv/kjv.tok.train.txt", 3), stupid).model;
  CHECK(m.info().smoothing.method == "stupid");
  auto s = [&m](std::vector<std::string_view> context, std::string_view word) {
    return std::pow(10.0, log10_p(m, std::move(context), word));
  };
  CHECK(s({"and", "the"}, "lord") == Approx(0.0915316519125).epsilon(1e-6));
  CHECK(s({"lord"}, "said") == Approx(0.0286637060961).epsilon(1e-6));
  CHECK(s({"the", "lord"}, "zebulun") == Approx(7.84992373085e-06).epsilon(1e-6));
  CHECK(s({"the", "lord"}, "</s>") == Approx(0.00527140219263).epsilon(1e-6));
  // Scores, not probabilities: the sum after "the lord" is above 1.
  NextWordPredictor predictor(m);
  const std::vector<std::string_view> context{"the", "lord"};
  double sum = 0;
  for (const Prediction& p : predictor.top(predictor.context_state(context), 0)) sum += std::pow(10.0, p.log10_prob);
  CHECK(sum == Approx(1.0598315472).epsilon(1e-6));
}

}  // namespace lm
