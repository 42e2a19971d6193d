// The estimation seam is real: a second smoothing method, defined here, runs
// through estimate() and gives hand-checked probabilities.
#include <catch2/catch.hpp>
#include <cmath>

#include "lm/error.hpp"
#include "lm/estimator.hpp"
#include "lm/next_words.hpp"
#include "lm/scorer.hpp"
#include "test_util.hpp"

namespace lm {

namespace {

// A toy method: add-one unigrams, and p(w | h) = 1/2 c(h w) / c(h .) +
// 1/2 p(w | h') above them (maximum likelihood interpolated with a fixed
// weight), on raw counts.
class HalfMle : public SmoothingMethod {
 public:
  CountNeeds needs() const override { return {.raw_counts = true}; }
  void prepare(const NGramCounts& counts, const EstimateSettings&, std::vector<std::string>* warnings) override {
    prepared_orders = counts.order;
    warnings->push_back("toy method");
  }
  SmoothingInfo describe() const override { return {"half-mle", {{"lambda", 0, 0.5}}}; }
  void unigrams(const NGramCounts& counts, std::span<double> prob) const override {
    const std::vector<std::uint32_t>& raw = counts.levels[0].raw_counts;
    double total = 0;
    for (std::size_t w = 0; w < prob.size(); ++w) total += w == kBosId ? 0 : raw[w] + 1.0;
    for (std::size_t w = 0; w < prob.size(); ++w) prob[w] = (raw[w] + 1.0) / total;
    prob[kBosId] = 1.0;
  }
  double context(const ContextCounts& c, std::span<double> prob) const override {
    double total = 0;
    for (std::uint32_t r : c.raw) total += r;
    for (std::size_t i = 0; i < c.raw.size(); ++i) prob[i] = 0.5 * c.raw[i] / total + 0.5 * c.lower_prob[c.suffix[i]];
    return 0.5;
  }
  int prepared_orders = 0;
};

NGramCounts count_raw(const std::string& text, int order) {
  test::TempFile file(text);
  LineReader reader(file.path());
  CountConfig config;
  config.order = order;
  config.keep_raw_counts = true;
  return count_corpus(reader, config);
}

double log10_of(const Model& m, const std::vector<std::string_view>& words) {
  return score_sentence(m, words).log10_prob;
}

}  // namespace

TEST_CASE("counting keeps raw counts and their counts of counts when asked", "[seam]") {
  // <s> a b </s>, <s> a b a </s>: bigrams <s> a (2), a b (2), b </s>, b a, a </s> (1 each).
  const NGramCounts counts = count_raw("a b\na b a\n", 2);
  const Vocabulary& v = counts.vocab;
  REQUIRE(counts.levels[0].raw_counts.size() == v.size());
  CHECK(counts.levels[0].raw_counts[v.find("a")] == 3);
  CHECK(counts.levels[0].raw_counts[v.find("b")] == 2);
  CHECK(counts.levels[0].raw_counts[kEosId] == 2);
  CHECK(counts.levels[0].counts[v.find("a")] == 2);  // adjusted: <s> a, b a
  REQUIRE(counts.raw_counts_of_counts.size() == 2);
  CHECK(counts.raw_counts_of_counts[1][0] == 5);
  CHECK(counts.raw_counts_of_counts[1][1] == 3);
  CHECK(counts.raw_counts_of_counts[1][2] == 2);
  // Modified Kneser-Ney does not ask for them, and counting keeps none.
  const NGramCounts plain = test::count_text("a b\na b a\n", 2);
  CHECK(plain.levels[0].raw_counts.empty());
  CHECK(plain.levels[1].raw_counts.empty());
  CHECK(plain.raw_counts_of_counts.empty());
}

TEST_CASE("a second smoothing method behind the seam gives hand-worked probabilities", "[seam]") {
  HalfMle method;
  const EstimateResult r = estimate(count_raw("a b\na b a\n", 2), method);
  const Model& m = r.model;
  CHECK(method.prepared_orders == 2);
  REQUIRE(r.warnings == std::vector<std::string>{"toy method"});
  // Unigrams, add-one over a (3), b (2), </s> (2), <unk> (0): 11 in all.
  const auto p = [&m](std::vector<std::string_view> words) { return std::pow(10.0, log10_of(m, words)); };
  // p(a | <s>) = 1/2 * 2/2 + 1/2 * 4/11 = 15/22; p(b | a) = 1/2 * 2/3 + 1/2 * 3/11 = 31/66;
  // p(</s> | b) = 1/2 * 1/2 + 1/2 * 3/11 = 17/44.
  CHECK(p({"a", "b"}) == Approx(15.0 / 22 * 31.0 / 66 * 17.0 / 44).epsilon(1e-6));
  // p(b | <s>) backs off: 1/2 * 3/11; p(</s> | a) = 1/2 * 1/3 + 1/2 * 3/11 = 20/66.
  CHECK(p({"b"}) == Approx(3.0 / 22 * 17.0 / 44).epsilon(1e-6));
  CHECK(p({"a"}) == Approx(15.0 / 22 * 20.0 / 66).epsilon(1e-6));
  // An unseen word: p(<unk> | <s>) = 1/2 * 1/11, then p(</s> | <unk>) = 3/11 (no context).
  CHECK(p({"zzz"}) == Approx(1.0 / 22 * 3.0 / 11).epsilon(1e-6));
  // Every context's distribution sums to 1.
  NextWordPredictor predictor(m);
  for (std::string_view context : {"<s>", "a", "b", "</s>"}) {
    const std::vector<std::string_view> words{context};
    double sum = 0;
    for (const Prediction& pr : predictor.top(predictor.context_state(words), 0)) sum += std::pow(10.0, pr.log10_prob);
    CHECK(sum == Approx(1.0).epsilon(1e-6));
  }
}

TEST_CASE("the driver describes the method and refuses counts without what it needs", "[seam]") {
  HalfMle method;
  const TableEstimate e = estimate_table(count_raw("a b\n", 2), method);
  CHECK(e.table.info.smoothing.method == "half-mle");
  CHECK(e.table.info.training_tokens == 3);
  HalfMle again;
  CHECK_THROWS_AS(estimate_table(test::count_text("a b\n", 2), again), ConfigError);
}

}  // namespace lm
