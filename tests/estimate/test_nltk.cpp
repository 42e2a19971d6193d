// NLTK compatibility (--nltk): count_corpus_nltk counts as NLTK's
// padded_everygram_pipeline, and NltkSmoothing's probabilities, in backoff
// form and in double precision, give NLTK 3.8's perplexities on toy.txt to
// 1e-9 (a model file stores them as floats: see tests/cli/cli_nltk.sh).
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "lm/error.hpp"
#include "lm/estimator.hpp"
#include "lm/line_reader.hpp"
#include "lm/ngram_counts.hpp"
#include "lm/nltk_smoothing.hpp"
#include "lm/scorer.hpp"

namespace {

using lm::WordId;

lm::NGramCounts toy_counts(int order) {
  lm::LineReader reader(std::string(LM_TEST_DATA) + "/toy.txt");
  lm::CountConfig config;
  config.order = order;
  config.nltk_padding = true;
  return lm::count_corpus_nltk(reader, config);
}

// The method's probabilities and backoffs of every n-gram, in double, walked
// as estimate_table walks the counts; p(w | h) in backoff form.
class DoubleModel {
 public:
  DoubleModel(const lm::NGramCounts& counts, lm::SmoothingMethod& method) : counts_(counts) {
    std::vector<std::string> warnings;
    method.prepare(counts, {}, &warnings);
    prob_.resize(static_cast<std::size_t>(counts.order));
    backoff_.resize(static_cast<std::size_t>(counts.order));
    prob_[0].resize(counts.vocab.size());
    method.unigrams(counts, prob_[0]);
    for (int n = 1; n <= counts.order; ++n) {
      const lm::CountLevel& level = counts.levels[static_cast<std::size_t>(n) - 1];
      backoff_[static_cast<std::size_t>(n) - 1].assign(n == 1 ? counts.vocab.size() : level.size(), 1.0);
      for (std::size_t i = 0; i < (n == 1 ? counts.vocab.size() : level.size()); ++i) {
        index_[counts.ngram(n, i)] = i;
      }
    }
    for (int n = 2; n <= counts.order; ++n) {
      const lm::CountLevel& level = counts.levels[static_cast<std::size_t>(n) - 1];
      std::vector<double>& prob = prob_[static_cast<std::size_t>(n) - 1];
      prob.resize(level.size());
      for (std::size_t begin = 0; begin < level.size();) {
        std::size_t end = begin;
        while (end < level.size() && level.parent[end] == level.parent[begin]) ++end;
        lm::ContextCounts c;
        c.n = n;
        c.adjusted = std::span(level.counts).subspan(begin, end - begin);
        c.raw = std::span(level.raw_counts).subspan(begin, end - begin);
        c.suffix = std::span(level.suffix).subspan(begin, end - begin);
        c.lower_prob = prob_[static_cast<std::size_t>(n) - 2];
        backoff_[static_cast<std::size_t>(n) - 2][level.parent[begin]] =
            method.context(c, std::span(prob).subspan(begin, end - begin));
        begin = end;
      }
    }
  }

  // p(w | h) in backoff form, h as long as the model's order allows.
  [[nodiscard]] double p(std::vector<WordId> h, WordId w) const {
    if (h.empty()) return prob_[0][w];
    std::vector<WordId> hw = h;
    hw.push_back(w);
    const std::vector<WordId> shorter(h.begin() + 1, h.end());
    const auto context = index_.find(h);
    if (context == index_.end()) return p(shorter, w);
    if (const auto it = index_.find(hw); it != index_.end()) return prob_[hw.size() - 1][it->second];
    return backoff_[h.size() - 1][context->second] * p(shorter, w);
  }

  [[nodiscard]] WordId id(const std::string& word) const { return counts_.vocab.find(word); }

  // NLTK's perplexity of the sentences: 2^(-mean log2 p) over the order-grams
  // of each sentence padded with order-1 <s> and </s>.
  [[nodiscard]] double perplexity(const std::vector<std::string>& sentences) const {
    const auto pad = static_cast<std::size_t>(counts_.order - 1);
    double log2_sum = 0;
    std::size_t tokens = 0;
    for (const std::string& s : sentences) {
      std::vector<WordId> padded(pad, lm::kBosId);
      std::size_t start = 0;
      while (start < s.size()) {
        const std::size_t space = std::min(s.find(' ', start), s.size());
        padded.push_back(id(s.substr(start, space - start)));
        start = space + 1;
      }
      padded.insert(padded.end(), pad, lm::kEosId);
      for (std::size_t i = pad; i < padded.size(); ++i) {
        log2_sum += std::log2(p(std::vector<WordId>(padded.begin() + static_cast<std::ptrdiff_t>(i - pad),
                                                    padded.begin() + static_cast<std::ptrdiff_t>(i)),
                                padded[i]));
        ++tokens;
      }
    }
    return std::pow(2.0, -log2_sum / static_cast<double>(tokens));
  }

 private:
  const lm::NGramCounts& counts_;
  std::vector<std::vector<double>> prob_, backoff_;
  std::map<std::vector<WordId>, std::size_t> index_;
};

const std::vector<std::string> kTest = {"the mouse ate the cheese", "the dog ate the mouse"};

}  // namespace

TEST_CASE("count_corpus_nltk counts every everygram of NLTK's padded sentences", "[nltk]") {
  const lm::NGramCounts counts = toy_counts(3);
  REQUIRE(counts.nltk_padding);
  REQUIRE(counts.order == 3);
  CHECK(counts.vocab.size() == 11);  // NLTK's len(vocab): 8 words, <s>, </s>, <UNK>
  const auto count_of = [&](std::vector<std::string> words) -> std::uint32_t {
    std::vector<WordId> ids;
    for (const std::string& w : words) ids.push_back(counts.vocab.find(w));
    const int n = static_cast<int>(ids.size());
    if (n == 1) return counts.levels[0].counts[ids[0]];
    const lm::CountLevel& level = counts.levels[static_cast<std::size_t>(n) - 1];
    for (std::size_t i = 0; i < level.size(); ++i) {
      if (counts.ngram(n, i) == ids) return level.counts[i];
    }
    return 0;
  };
  CHECK(count_of({"<s>"}) == 10);
  CHECK(count_of({"</s>"}) == 10);
  CHECK(count_of({"the"}) == 7);
  CHECK(count_of({"<s>", "<s>"}) == 5);
  CHECK(count_of({"</s>", "</s>"}) == 5);
  CHECK(count_of({"<s>", "<s>", "the"}) == 4);
  CHECK(count_of({"cheese", "</s>", "</s>"}) == 2);
  CHECK(count_of({"ate", "</s>", "</s>"}) == 1);
  std::uint64_t tokens = 0;
  for (std::uint32_t c : counts.levels[0].counts) tokens += c;
  CHECK(tokens == 22 + 5 * 4);  // words, and 2 <s> and 2 </s> per sentence
  CHECK(counts.levels[0].raw_counts == counts.levels[0].counts);
  for (const lm::CountLevel& level : counts.levels) {
    for (std::size_t i = 1; i < level.parent.size(); ++i) {
      REQUIRE((level.parent[i - 1] < level.parent[i] ||
               (level.parent[i - 1] == level.parent[i] && level.words[i - 1] < level.words[i])));
    }
  }
}

TEST_CASE("NLTK's formulas in backoff form give NLTK 3.8's perplexities", "[nltk]") {
  const lm::NGramCounts counts = toy_counts(3);
  struct Case {
    lm::NltkOptions options;
    double nltk;  // NLTK 3.8's perplexity of kTest
  };
  const Case cases[] = {
      {{lm::NltkKind::kWittenBell}, 2.6632338017498},                    // WittenBellInterpolated(3)
      {{lm::NltkKind::kAdditive, 0.75, 0.1}, 3.1735837959357402},       // Lidstone(0.1, 3)
      {{lm::NltkKind::kAdditive, 0.75, 1.0}, 6.24626717880475},         // Laplace(3)
      {{lm::NltkKind::kAbsolute, 0.75}, 2.8838374359116354},            // AbsoluteDiscountingInterpolated(3)
  };
  for (const Case& c : cases) {
    lm::NltkSmoothing method(c.options);
    const DoubleModel model(counts, method);
    INFO(lm::nltk_method_name(c.options.kind) << " K=" << c.options.add);
    CHECK(model.perplexity(kTest) == Approx(c.nltk).epsilon(1e-9));
  }
  lm::NltkSmoothing mle({lm::NltkKind::kMle});
  const DoubleModel model(counts, mle);
  CHECK(model.p({lm::kBosId, lm::kBosId}, model.id("the")) == Approx(0.8).epsilon(1e-12));  // MLE.score
  CHECK(model.p({lm::kBosId, lm::kBosId}, model.id("cat")) == 0.0);
}

TEST_CASE("a model of NLTK's padding scores sentences as NLTK pads them", "[nltk]") {
  lm::NltkSmoothing method({lm::NltkKind::kWittenBell});
  lm::EstimateResult e = lm::estimate(toy_counts(3), method);
  const lm::Model& model = e.model;
  CHECK(model.info().nltk_padding);
  CHECK(model.info().smoothing.method == "nltk-wb");
  const lm::State start = lm::begin_sentence_state(model);
  CHECK(start.length == 2);  // the context "<s> <s>"
  const std::vector<std::string_view> words = {"the", "mouse", "ate", "the", "cheese"};
  const lm::SentenceScore s = lm::score_sentence(model, words, true);
  CHECK(s.tokens == 7);  // the words and </s> twice
  REQUIRE(s.factors.size() == 7);
  CHECK(s.factors[5].id == lm::kEosId);
  CHECK(s.factors[6].id == lm::kEosId);
  CHECK(s.factors[6].score.ngram_order == 3);  // "cheese </s> </s>"
  // Estimating from counts that are not NLTK's is refused.
  lm::LineReader reader(std::string(LM_TEST_DATA) + "/toy.txt");
  CHECK_THROWS_AS(lm::estimate(lm::count_corpus(reader, 3), method), lm::ConfigError);
}
