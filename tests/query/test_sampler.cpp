// Sampling (lm/sampler.hpp): draws of one token after a context follow the
// exact next-word distribution (NextWordPredictor::top(0), i.e. lm next
// --all), by a chi-square test; temperature, top-k, top-p and <unk>
// exclusion reshape it as documented; sentences are reproducible.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include "lm/error.hpp"
#include "lm/model_io.hpp"
#include "lm/next_words.hpp"
#include "lm/sampler.hpp"
#include "lm/train.hpp"
#include "test_util.hpp"

using namespace lm;

namespace {

Model toy_model(int order = 3) { return estimate(test::count_file(test::test_data("toy.txt"), order)).model; }

// Regularized upper incomplete gamma Q(a, x) (Numerical Recipes' gammq):
// the chi-square p-value of statistic x with 2a degrees of freedom.
double gamma_q(double a, double x) {
  if (x <= 0) return 1;
  const double log_front = -x + a * std::log(x) - std::lgamma(a);
  if (x < a + 1) {  // series for P(a, x)
    double term = 1 / a, sum = term;
    for (int n = 1; n < 100000 && std::abs(term) > std::abs(sum) * 1e-15; ++n) sum += (term *= x / (a + n));
    return 1 - sum * std::exp(log_front);
  }
  double b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d;  // Lentz's continued fraction
  for (int i = 1; i < 100000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (std::abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1) < 1e-15) break;
  }
  return std::exp(log_front) * h;
}

struct ChiSquare {
  double statistic = 0;
  int cells = 0;
  double p_value = 0;
};

// Pearson's test of observed counts against expected probabilities (summing
// to 1): cells expected fewer than 5 times are pooled into one (added to the
// smallest other cell if the pool itself is expected fewer than 5 times).
ChiSquare chi_square(const std::map<WordId, std::uint64_t>& observed, const std::vector<std::pair<WordId, double>>& expected,
                     std::uint64_t draws) {
  std::vector<std::pair<double, double>> cells;  // expected, observed
  double pool_e = 0, pool_o = 0;
  for (const auto& [w, p] : expected) {
    const auto it = observed.find(w);
    const double o = it == observed.end() ? 0 : static_cast<double>(it->second);
    if (p * static_cast<double>(draws) >= 5) {
      cells.emplace_back(p * static_cast<double>(draws), o);
    } else {
      pool_e += p * static_cast<double>(draws);
      pool_o += o;
    }
  }
  if (pool_e >= 5 || cells.empty()) {
    cells.emplace_back(pool_e, pool_o);
  } else if (pool_e > 0 || pool_o > 0) {
    auto smallest = std::min_element(cells.begin(), cells.end());
    smallest->first += pool_e;
    smallest->second += pool_o;
  }
  ChiSquare r;
  for (const auto& [e, o] : cells) r.statistic += (o - e) * (o - e) / e;
  r.cells = static_cast<int>(cells.size());
  r.p_value = r.cells < 2 ? 1 : gamma_q((r.cells - 1) / 2.0, r.statistic / 2);
  return r;
}

// The next-word distribution the sampler must follow: top(0), p^(1/T),
// without <unk> when asked, normalized.
std::vector<std::pair<WordId, double>> target(const Model& model, const State& state, double temperature = 1,
                                              bool no_unk = false) {
  NextWordPredictor predictor(model);
  std::vector<std::pair<WordId, double>> out;
  double total = 0;
  for (const Prediction& p : predictor.top(state, 0)) {
    if (no_unk && p.word == kUnkId) continue;
    const double w = std::pow(10.0, p.log10_prob / temperature);
    out.emplace_back(p.word, w);
    total += w;
  }
  for (auto& [w, p] : out) p /= total;
  return out;
}

std::map<WordId, std::uint64_t> draw(const Model& model, const State& state, const SamplingOptions& options,
                                     std::uint64_t draws, std::uint64_t seed) {
  TokenSampler sampler(model, options);
  Rng rng(seed, 0);
  std::map<WordId, std::uint64_t> counts;
  for (std::uint64_t i = 0; i < draws; ++i) ++counts[sampler.sample(state, &rng)];
  return counts;
}

State context(const Model& model, std::vector<std::string_view> words) {
  return NextWordPredictor(model).context_state(words);
}

std::string shared_dir() {
  const char* env = std::getenv("LM_SHARED_DIR");
  return env != nullptr ? env : std::string(LM_TEST_DATA) + "/../../../shared";
}

}  // namespace

TEST_CASE("Rng: streams are fixed by (seed, stream), uniform in [0, 1)", "[sampler]") {
  Rng a(42, 7), b(42, 7), c(42, 8), d(43, 7);
  const std::uint64_t first = a.next();
  CHECK(first == b.next());
  CHECK(first != c.next());
  CHECK(first != d.next());
  // The generator is defined here, not by the standard library: pin its output.
  Rng fixed(1, 0);
  CHECK(fixed.next() == Rng(1, 0).next());
  Rng u(5, 0);
  double sum = 0, lo = 1, hi = 0;
  for (int i = 0; i < 1000000; ++i) {
    const double x = u.uniform();
    sum += x;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  CHECK(lo >= 0);
  CHECK(hi < 1);
  CHECK(sum / 1e6 == Approx(0.5).margin(0.002));  // sd of the mean: 0.00029
}

TEST_CASE("SamplingOptions::check names the setting", "[sampler]") {
  auto setting = [](SamplingOptions o) {
    try {
      o.check();
    } catch (const ConfigError& e) {
      return e.setting() + ": " + e.what();
    }
    return std::string();
  };
  SamplingOptions o;
  CHECK(setting(o).empty());
  o.temperature = 0;
  CHECK_THAT(setting(o), Catch::Contains("temperature") && Catch::Contains("top_k"));
  o.temperature = -1;
  CHECK_THAT(setting(o), Catch::StartsWith("temperature"));
  o = {};
  o.top_p = 0;
  CHECK_THAT(setting(o), Catch::StartsWith("top_p"));
  o.top_p = 1.5;
  CHECK_THAT(setting(o), Catch::StartsWith("top_p"));
  o = {};
  o.max_length = 0;
  CHECK_THAT(setting(o), Catch::StartsWith("max_length"));
}

TEST_CASE("draws follow the next-word distribution on toy.txt (chi-square)", "[sampler]") {
  const Model m = toy_model(3);
  const std::vector<std::pair<std::string, State>> contexts = {
      {"null context", null_context_state()},
      {"<s>", begin_sentence_state(m)},
      {"the", context(m, {"the"})},
      {"<s> the", context(m, {"<s>", "the"})},
      {"mouse ate", context(m, {"mouse", "ate"})},
      {"unknown word", context(m, {"zebra"})},
  };
  for (double temperature : {1.0, 0.5, 2.0}) {
    for (bool no_unk : {false, true}) {
      SamplingOptions o;
      o.temperature = temperature;
      o.no_unk = no_unk;
      for (const auto& [name, state] : contexts) {
        const auto counts = draw(m, state, o, 200000, 11);
        const ChiSquare r = chi_square(counts, target(m, state, temperature, no_unk), 200000);
        INFO(name << " T=" << temperature << " no_unk=" << no_unk << ": chi2 " << r.statistic << " over "
                  << r.cells << " cells");
        CHECK(r.cells >= 2);
        CHECK(r.p_value > 0.001);
        CHECK((!no_unk || counts.count(kUnkId) == 0));
        CHECK(counts.count(kBosId) == 0);
      }
    }
  }
}

TEST_CASE("a mixture's draws follow its next-word distribution (chi-square)", "[sampler]") {
  auto model_of = [](const std::string& text, int order) { return estimate(test::count_text(text, order)).model; };
  const std::string words = "the cat ate mouse sat a cheese dog on\n";
  const std::string text_a = "the cat ate the mouse\nthe cat sat\na cat ate the cheese\n";
  const std::string text_b = "the dog ate the cheese\nthe dog sat on the cat\n";
  // One vocabulary (exact: a model by weight, then its word), and two
  // (the mixture's whole distribution, normalized).
  const Model a = model_of(words + text_a, 3), b = model_of(words + text_b, 2);
  const Model c = model_of(text_a, 3), d = model_of(text_b, 2);
  for (const auto& [x, y] : {std::pair{&a, &b}, std::pair{&c, &d}}) {
    const Mixture mix({x, y}, {0.3, 0.7});
    CHECK(mix.same_vocabulary() == (x == &a));
    MixturePredictor predictor(mix);
    for (const std::string context : {"<s>", "the", "<s> the cat", "zebra"}) {
      std::vector<std::string_view> ctx;
      REQUIRE(tokenize_line(context, &ctx).ok());
      if (context[0] == '<') ctx.insert(ctx.begin(), "<s>");
      const MixtureState state = predictor.context_state(ctx);
      for (bool no_unk : {false, true}) {
        std::vector<std::pair<WordId, double>> want;
        double total = 0;
        for (const Prediction& p : predictor.top(state, 0)) {
          if (no_unk && p.word == kUnkId) continue;
          want.emplace_back(p.word, std::pow(10.0, p.log10_prob));
          total += want.back().second;
        }
        for (auto& [w, p] : want) p /= total;
        SamplingOptions o;
        o.no_unk = no_unk;
        MixtureTokenSampler sampler(mix, o);
        Rng rng(21, 0);
        std::map<WordId, std::uint64_t> counts;
        for (int i = 0; i < 100000; ++i) ++counts[sampler.sample(state, &rng)];
        const ChiSquare r = chi_square(counts, want, 100000);
        INFO("same vocabulary " << mix.same_vocabulary() << ", context '" << context << "', no_unk " << no_unk
                                << ": chi2 " << r.statistic << " over " << r.cells << " cells");
        CHECK(r.p_value > 0.001);
        CHECK((!no_unk || counts.count(kUnkId) == 0));
      }
    }
  }
}

TEST_CASE("a chi-square test rejects a wrong distribution", "[sampler]") {
  // The test above can fail: draws after "the" do not fit "<s>"'s distribution.
  const Model m = toy_model(3);
  const auto counts = draw(m, context(m, {"the"}), {}, 200000, 3);
  CHECK(chi_square(counts, target(m, begin_sentence_state(m)), 200000).p_value < 1e-6);
}

TEST_CASE("top-k and top-p keep the most probable words, renormalized", "[sampler]") {
  const Model m = toy_model(3);
  const State state = context(m, {"the"});
  NextWordPredictor predictor(m);
  const auto all = predictor.top(state, 0);
  REQUIRE(all.size() > 4);
  SECTION("top-k 1 is the argmax") {
    SamplingOptions o;
    o.top_k = 1;
    const auto counts = draw(m, state, o, 1000, 5);
    REQUIRE(counts.size() == 1);
    CHECK(counts.begin()->first == all[0].word);
  }
  SECTION("top-k 3 at temperature 0.5") {
    SamplingOptions o;
    o.top_k = 3;
    o.temperature = 0.5;
    std::vector<std::pair<WordId, double>> expected;
    double total = 0;
    for (int i = 0; i < 3; ++i) total += std::pow(10.0, 2 * all[i].log10_prob);
    for (int i = 0; i < 3; ++i) expected.emplace_back(all[i].word, std::pow(10.0, 2 * all[i].log10_prob) / total);
    const auto counts = draw(m, state, o, 100000, 6);
    CHECK(counts.size() == 3);
    CHECK(chi_square(counts, expected, 100000).p_value > 0.001);
  }
  SECTION("top-p: the smallest head holding p of the mass") {
    const double p0 = std::pow(10.0, all[0].log10_prob), p1 = std::pow(10.0, all[1].log10_prob);
    SamplingOptions o;
    o.top_p = (p0 + p1 / 2);  // needs the first two words
    const auto counts = draw(m, state, o, 100000, 7);
    CHECK(counts.size() == 2);
    CHECK(chi_square(counts, {{all[0].word, p0 / (p0 + p1)}, {all[1].word, p1 / (p0 + p1)}}, 100000).p_value > 0.001);
    o.top_p = p0 * 0.999;  // the first word alone holds enough
    CHECK(draw(m, state, o, 1000, 8).size() == 1);
  }
}

TEST_CASE("top-p alone finds the same nucleus as the whole sorted distribution", "[sampler]") {
  // Without top_k, top_p grows NextWordPredictor::top(k) until it holds p of
  // the mass (computed from the backoff structure); with a top_k beyond the
  // vocabulary it cuts the whole sorted distribution. Both draw one uniform
  // per word, so the same seed gives the same sentences.
  // data/gutenberg.tok.txt: enough words (about 20,000) for top(64) and top(512).
  const Model m = estimate(test::count_file(std::string(LM_TEST_DATA) + "/../../data/gutenberg.tok.txt", 3)).model;
  REQUIRE(m.vocab().size() > 512 * 16);
  for (double p : {0.3, 0.9, 0.999}) {
    for (double t : {1.0, 0.6}) {
      for (bool no_unk : {false, true}) {
        SamplingOptions nucleus;
        nucleus.top_p = p;
        nucleus.temperature = t;
        nucleus.no_unk = no_unk;
        SamplingOptions sorted = nucleus;
        sorted.top_k = 1000000;
        SentenceSampler a(m, nucleus), b(m, sorted);
        for (std::uint64_t i = 0; i < 4; ++i) {
          const SampledSentence x = a.sample({}, 4, i), y = b.sample({}, 4, i);
          INFO("p " << p << " T " << t << " no_unk " << no_unk << " sentence " << i);
          REQUIRE(x.tokens.size() == y.tokens.size());
          for (std::size_t k = 0; k < x.tokens.size(); ++k) REQUIRE(x.tokens[k].word == y.tokens[k].word);
        }
      }
    }
  }
}

TEST_CASE("top-k draws from NextWordPredictor::top(k), renormalized", "[sampler]") {
  // The sampler merges cached sorted successor lists; a reference draws from
  // top(k) itself with one uniform per word as documented: the same
  // sentences, step by step (but where the k-th word ties with the next).
  const Model m = estimate(test::count_file(std::string(LM_TEST_DATA) + "/../../data/gutenberg.tok.txt", 4)).model;
  NextWordPredictor predictor(m);
  std::size_t steps = 0;
  for (std::size_t k : {1, 5, 40, 300}) {
    for (double t : {1.0, 0.7}) {
      for (bool no_unk : {false, true}) {
        SamplingOptions o;
        o.top_k = k;
        o.temperature = t;
        o.no_unk = no_unk;
        TokenSampler sampler(m, o);
        for (std::uint64_t i = 0; i < 10; ++i) {
          Rng a(8, i), b(8, i);
          State state = begin_sentence_state(m);
          for (int step = 0; step < 30; ++step) {
            std::vector<Prediction> top = predictor.top(state, k + 2);
            std::erase_if(top, [&](const Prediction& p) { return no_unk && p.word == kUnkId; });
            if (top.size() > k && top[k].log10_prob == top[k - 1].log10_prob) break;  // a tie at the cut
            top.resize(std::min(top.size(), k));
            double total = 0;
            std::vector<double> w;
            for (const Prediction& p : top) total += w.emplace_back(std::pow(10.0, (p.log10_prob - top[0].log10_prob) * (1.0 / t)));
            double u = b.uniform() * total;
            std::size_t pick = 0;
            while (pick + 1 < w.size() && u >= w[pick]) u -= w[pick++];
            const WordId got = sampler.sample(state, &a);
            INFO("k " << k << " T " << t << " no_unk " << no_unk << " sentence " << i << " step " << step);
            REQUIRE(got == top[pick].word);
            ++steps;
            if (got == kEosId) break;
            (void)score_word(m, state, got, &state);
          }
        }
      }
    }
  }
  CHECK(steps > 1000);
}

TEST_CASE("sentences: reproducible by (seed, index), prefix, max_length", "[sampler]") {
  const Model m = toy_model(3);
  SamplingOptions o;
  SentenceSampler a(m, o), b(m, o);
  const std::vector<WordId> none;
  // Drawn in another order by another sampler: the same sentences.
  std::vector<SampledSentence> forward, backward(50);
  for (std::uint64_t i = 0; i < 50; ++i) forward.push_back(a.sample(none, 9, i));
  for (std::uint64_t i = 50; i-- > 0;) backward[i] = b.sample(none, 9, i);
  int differ = 0;
  for (std::uint64_t i = 0; i < 50; ++i) {
    REQUIRE(forward[i].tokens.size() == backward[i].tokens.size());
    double sum = 0;
    for (std::size_t t = 0; t < forward[i].tokens.size(); ++t) {
      CHECK(forward[i].tokens[t].word == backward[i].tokens[t].word);
      sum += forward[i].tokens[t].log10_prob;
    }
    CHECK(forward[i].ended);
    CHECK(forward[i].tokens.back().word == kEosId);
    CHECK(forward[i].log10_prob == Approx(sum));
    differ += i > 0 && forward[i].tokens.size() != forward[i - 1].tokens.size();
  }
  CHECK(differ > 0);  // not the same sentence 50 times
  // Each token's log10 p is the model's, as score_sentence gives it.
  std::vector<std::string_view> words;
  for (const SampledToken& t : forward[3].tokens) {
    if (t.word != kEosId) words.push_back(m.vocab().word(t.word));
  }
  const SentenceScore score = score_sentence(m, words, true);
  REQUIRE(score.factors.size() == forward[3].tokens.size());
  for (std::size_t t = 0; t < words.size() + 1; ++t) CHECK(score.factors[t].score.log10_prob == forward[3].tokens[t].log10_prob);

  // A prefix is the context of the first word drawn; max_length cuts.
  o.max_length = 2;
  o.top_k = 1;
  SentenceSampler greedy(m, o);
  const std::vector<WordId> prefix = {m.vocab().find("the")};
  const SampledSentence s = greedy.sample(prefix, 1, 0);
  NextWordPredictor predictor(m);
  State state = predictor.context_state(std::vector<std::string_view>{"<s>", "the"});
  REQUIRE(!s.tokens.empty());
  CHECK(s.tokens[0].word == predictor.top(state, 1)[0].word);
  CHECK(s.tokens.size() <= 2);
  CHECK((s.ended || s.tokens.size() == 2));
}

TEST_CASE("samplers on two threads sharing a cache draw what one sampler draws", "[sampler]") {
  // gutenberg.tok.txt's model has contexts large enough (256 successors) to be shared.
  const Model m = estimate(test::count_file(std::string(LM_TEST_DATA) + "/../../data/gutenberg.tok.txt", 3)).model;
  for (double t : {1.0, 0.8}) {
    SamplingOptions o;
    o.temperature = t;
    SentenceSampler alone(m, o);
    std::vector<SampledSentence> want;
    for (std::uint64_t i = 0; i < 400; ++i) want.push_back(alone.sample({}, 6, i));
    const std::shared_ptr<SamplerCache> cache = make_sampler_cache(m, o);
    std::vector<SampledSentence> got(400);
    std::vector<std::thread> threads;
    for (std::uint64_t part = 0; part < 2; ++part) {
      threads.emplace_back([&, part]() {
        SentenceSampler sampler(m, o, cache);
        for (std::uint64_t i = part; i < 400; i += 2) got[i] = sampler.sample({}, 6, i);
      });
    }
    for (std::thread& th : threads) th.join();
    for (std::uint64_t i = 0; i < 400; ++i) {
      REQUIRE(got[i].tokens.size() == want[i].tokens.size());
      for (std::size_t k = 0; k < want[i].tokens.size(); ++k) CHECK(got[i].tokens[k].word == want[i].tokens[k].word);
    }
  }
}

TEST_CASE("kjv order 5: 10^6 draws after three contexts fit lm next --all (chi-square)", "[sampler][shared]") {
  const std::string corpus = shared_dir() + "/corpora/kjv/kjv.tok.train.txt";
  if (!std::ifstream(corpus).good()) {
    WARN("SKIP: " << corpus << " not found (set LM_SHARED_DIR)");
    return;
  }
  const Model m = estimate(test::count_file(corpus, 5)).model;
  const std::vector<std::pair<std::string, std::vector<std::string_view>>> contexts = {
      {"null context (unigrams)", {}},
      {"bigram context 'the'", {"the"}},
      {"order-4 context 'in the land of'", {"in", "the", "land", "of"}},
  };
  for (const auto& [name, words] : contexts) {
    const State state = context(m, words);
    CHECK(state.length == static_cast<int>(words.size()));
    const auto counts = draw(m, state, {}, 1000000, 2027);
    const ChiSquare r = chi_square(counts, target(m, state), 1000000);
    WARN(name << ": chi2 " << r.statistic << ", " << r.cells - 1 << " degrees of freedom, p = " << r.p_value);
    CHECK(r.cells > 20);
    CHECK(r.p_value > 0.001);
  }
}
