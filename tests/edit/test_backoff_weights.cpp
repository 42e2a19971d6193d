// TableLookup and recompute_backoffs (lm/backoff_weights.hpp): backoff
// weights worked out by hand on tiny tables, SRILM's own weights on its toy
// models (tests/data/srilm), and distributions that sum to 1.
#include <catch2/catch.hpp>
#include <cmath>

#include "../test_util.hpp"
#include "table_checks.hpp"
#include "lm/backoff_weights.hpp"
#include "lm/line_reader.hpp"
#include "lm/model_io.hpp"

namespace lm {
namespace {

NGramTable table_of(const std::string& arpa) { return test::read_arpa_table_text(arpa); }

NGramTable table_of_file(const std::string& path) {
  LineReader reader(path);
  return read_arpa_table(reader);
}

// p(<unk>) 0.1, p(</s>) 0.2, p(a) 0.3, p(b) 0.4 (sum 1); backoffs all 0.
// Context <s>: a 0.5. Context a: b 0.6, </s> 0.2. Context b: every word,
// 0.1 0.1 0.1 0.2 (nothing left to back off to). Context <unk>: a 0.7,
// b 0.5 (more than 1: improper).
const char* const kHand =
    "\\data\\\nngram 1=5\nngram 2=9\n\n\\1-grams:\n"
    "-1\t<unk>\t0\n-99\t<s>\t0\n-0.69897\t</s>\t0\n-0.5228787\ta\t0\n-0.39794\tb\t0\n\n"
    "\\2-grams:\n"
    "-0.30103\t<s> a\n"
    "-0.2218487\ta b\n-0.69897\ta </s>\n"
    "-1\tb <unk>\n-1\tb </s>\n-1\tb a\n-0.69897\tb b\n"
    "-0.1549020\t<unk> a\n-0.30103\t<unk> b\n"
    "\\end\\\n";

float unigram(const NGramTable& t, const char* word) { return t.levels[0].log10_prob[t.vocab.find(word)]; }
float backoff(const NGramTable& t, const char* word) { return t.levels[0].log10_backoff[t.vocab.find(word)]; }

TEST_CASE("backoff weights worked out by hand", "[backoff]") {
  NGramTable t = table_of(kHand);
  const BackoffStats stats = recompute_backoffs(t);
  // (1 - 0.5) / (1 - p(a)) and (1 - 0.6 - 0.2) / (1 - p(b) - p(</s>)).
  CHECK(backoff(t, "<s>") == Approx(std::log10(0.5 / 0.7)).margin(1e-6));
  CHECK(backoff(t, "a") == Approx(std::log10(0.5)).margin(1e-6));
  // b: denominator 0, mass 0.5 left: its bigrams scaled by 2, weight 1.
  CHECK(backoff(t, "b") == 0.0f);
  CHECK(stats.scaled_contexts == 1);
  const TableLookup lookup(t);
  const WordId b = t.vocab.find("b");
  CHECK(t.levels[1].log10_prob[lookup.find_child(1, b, b)] == Approx(std::log10(0.4)).margin(1e-6));
  CHECK(t.levels[1].log10_prob[lookup.find_child(1, b, kEosId)] == Approx(std::log10(0.2)).margin(1e-6));
  // <unk>: its bigrams take 1.2: improper, weight LogP_Zero.
  CHECK(backoff(t, "<unk>") == kLog10Zero);
  CHECK(stats.improper_contexts == 1);
  // </s> has no successors: 0. The unigrams summed to 1: unchanged.
  CHECK(backoff(t, "</s>") == 0.0f);
  CHECK(stats.unigram_mass_distributed == 0.0);
  CHECK(unigram(t, "a") == -0.5228787f);
}

TEST_CASE("the backoff rule and suffix links", "[backoff]") {
  NGramTable t = table_of(kHand);
  (void)recompute_backoffs(t);
  const TableLookup lookup(t);
  const WordId a = t.vocab.find("a");
  const WordId b = t.vocab.find("b");
  // Explicit: p(b | a); backed off: p(b | <s>) = BOW(<s>) p(b).
  const WordId ab[] = {a, b};
  CHECK(lookup.find(ab) == lookup.find_child(1, a, b));
  CHECK(lookup.find(ab) != TableLookup::kNone);
  CHECK(lookup.log10_prob(1, a, b) == Approx(std::log10(0.6)).margin(1e-6));
  CHECK(lookup.log10_prob(1, kBosId, b) == Approx(std::log10(0.5 / 0.7 * 0.4)).margin(1e-6));
  const WordId context[] = {b, kBosId};  // only the last word counts at order 2
  CHECK(lookup.log10_prob(context, b) == lookup.log10_prob(1, kBosId, b));
  CHECK(lookup.log10_prob(0, 0, a) == unigram(t, "a"));
  CHECK(lookup.suffix(2, lookup.find(ab)) == b);
  CHECK(lookup.log10_lower_prob(2, lookup.find(ab)) == unigram(t, "b"));
  // A word outside the vocabulary has probability 0.
  CHECK(lookup.log10_prob(1, a, 99) == kLog10Zero);
}

TEST_CASE("a table that is not suffix-closed backs off as SRILM's trie walk", "[backoff]") {
  // The trigram "<s> a b" without the bigram "a b": its suffix link is
  // missing, and its lower-order estimate is BOW(a) p(b).
  NGramTable t = table_of(
      "\\data\\\nngram 1=5\nngram 2=2\nngram 3=1\n\n\\1-grams:\n"
      "-1\t<unk>\n-99\t<s>\t-0.1\n-0.69897\t</s>\n-0.5228787\ta\t-0.2\n-0.39794\tb\n\n"
      "\\2-grams:\n-0.30103\t<s> a\t-0.3\n-0.69897\ta </s>\n\n"
      "\\3-grams:\n-0.01\t<s> a b\n\\end\\\n");
  const TableLookup lookup(t);
  const WordId a = t.vocab.find("a");
  const WordId b = t.vocab.find("b");
  const WordId sab[] = {kBosId, a, b};
  const std::uint32_t trigram = lookup.find(sab);
  REQUIRE(trigram != TableLookup::kNone);
  CHECK(lookup.suffix(3, trigram) == TableLookup::kNone);
  CHECK(lookup.log10_lower_prob(3, trigram) == Approx(-0.2f + -0.39794f).margin(1e-6));
  // p(b | <s> a) is explicit; p(</s> | <s> a) = BOW(<s> a) p(</s> | a).
  const WordId sa[] = {kBosId, a};
  CHECK(lookup.log10_prob(sa, b) == -0.01f);
  CHECK(lookup.log10_prob(2, lookup.find(sa), kEosId) == Approx(-0.3f + -0.69897f).margin(1e-6));
}

TEST_CASE("unigram mass left goes to the words of probability 0, else to every word", "[backoff]") {
  const std::string left = "\\data\\\nngram 1=5\n\n\\1-grams:\n"
                           "-1\t<unk>\n-99\t<s>\n-0.69897\t</s>\n-0.5228787\ta\n-0.5228787\tb\n\\end\\\n";
  SECTION("no word has probability 0: 0.1 / 4 to each") {
    NGramTable t = table_of(left);
    const BackoffStats stats = recompute_backoffs(t);
    CHECK(stats.unigram_mass_distributed == Approx(0.1).margin(1e-6));
    CHECK(unigram(t, "<unk>") == Approx(std::log10(0.125)).margin(1e-6));
    CHECK(unigram(t, "a") == Approx(std::log10(0.325)).margin(1e-6));
    CHECK(unigram(t, "</s>") == Approx(std::log10(0.225)).margin(1e-6));
    CHECK(unigram(t, "<s>") == -99.0f);
  }
  SECTION("closed vocabulary: <unk> is not a word, 0.1 / 3 to each") {
    NGramTable t = table_of(left);
    t.info.closed_vocab = true;
    (void)recompute_backoffs(t);
    CHECK(unigram(t, "<unk>") == -1.0f);
    CHECK(unigram(t, "a") == Approx(std::log10(0.3 + 0.1 / 3)).margin(1e-6));
  }
  SECTION("a word of probability 0 takes it all") {
    NGramTable t = table_of("\\data\\\nngram 1=6\n\n\\1-grams:\n-1\t<unk>\n-99\t<s>\n-0.69897\t</s>\n"
                            "-0.5228787\ta\n-0.5228787\tb\n-99\tc\n\\end\\\n");
    (void)recompute_backoffs(t);
    CHECK(unigram(t, "c") == Approx(-1.0).margin(1e-6));
    CHECK(unigram(t, "a") == Approx(std::log10(0.3)).margin(1e-6));
  }
}

TEST_CASE("SRILM's own backoff weights come back from its probabilities", "[backoff]") {
  const char* files[] = {"toy.o3.wbdiscount.arpa", "toy.o3.wbdiscountinterpolate.arpa",
                         "toy.o3.cdiscount0.5interpolate.arpa", "toy.o3.addsmooth1.arpa"};
  for (const char* name : files) {
    INFO(name);
    const NGramTable reference = table_of_file(test::test_data(std::string("srilm/") + name));
    NGramTable t = reference;
    for (std::size_t n = 0; n + 1 < t.levels.size(); ++n) {
      for (float& w : t.levels[n].log10_backoff) w = 0.5f;  // scrambled
    }
    (void)recompute_backoffs(t, 2);
    for (std::size_t n = 0; n + 1 < t.levels.size(); ++n) {
      for (std::size_t i = 0; i < t.levels[n].size(); ++i) {
        INFO("order " << n + 1 << " entry " << i);
        CHECK(t.levels[n].log10_backoff[i] == Approx(reference.levels[n].log10_backoff[i]).margin(2e-6));
      }
      CHECK(t.levels[n].log10_prob == reference.levels[n].log10_prob);
    }
  }
}

TEST_CASE("every context's distribution sums to 1 after recomputing", "[backoff]") {
  NGramTable t = table_of_file(test::test_data("toy.o3.kenlm.arpa"));
  // Take out every other trigram: the weights no longer fit the probabilities.
  NGramTable::Level& top = t.levels[2];
  for (std::size_t i = 0, out = 0; i < top.size(); ++i) {
    if (i % 2 == 1) continue;
    top.words[out] = top.words[i];
    top.parent[out] = top.parent[i];
    top.log10_prob[out] = top.log10_prob[i];
    ++out;
  }
  const std::size_t kept = (top.size() + 1) / 2;
  top.words.resize(kept);
  top.parent.resize(kept);
  top.log10_prob.resize(kept);
  (void)recompute_backoffs(t);
  test::check_every_context_sums_to_one(t);
}

}  // namespace
}  // namespace lm

namespace lm {
namespace {

TEST_CASE("suffix links and weights do not depend on the threads", "[backoff]") {
  const NGramTable original = table_of_file(test::test_data("toy.o3.kenlm.arpa"));
  const TableLookup one(original, 1);
  const TableLookup three(original, 3);
  std::size_t links = 0;
  for (int n = 2; n <= original.order(); ++n) {
    for (std::uint32_t i = 0; i < original.levels[n - 1].size(); ++i) {
      REQUIRE(one.suffix(n, i) == three.suffix(n, i));
      // The link is the entry of the last n-1 words.
      const std::vector<WordId> words = original.ngram(n, i);
      CHECK(one.suffix(n, i) == one.find(std::span<const WordId>(words).subspan(1)));
      ++links;
    }
  }
  CHECK(links == 37);
  NGramTable a = original;
  NGramTable b = original;
  (void)recompute_backoffs(a, 1);
  (void)recompute_backoffs(b, 3);
  CHECK(a.levels == b.levels);
}

}  // namespace
}  // namespace lm

namespace lm {
namespace {

// SRILM's kjv order-3 models (../shared/reference/srilm, .arpa.xz): every
// backoff weight, scrambled, comes back from the probabilities (within 1e-6
// but where the printed probabilities' rounding shows).
TEST_CASE("SRILM's backoff weights of its kjv models come back", "[shared]") {
  const char* env = std::getenv("LM_SHARED_DIR");
  const std::string dir = (env != nullptr ? env : std::string(LM_TEST_DATA) + "/../../../shared") + "/reference/srilm";
  if (std::system("xz --version > /dev/null 2>&1") != 0) {
    WARN("xz is not installed: SRILM's kjv models not read");
    return;
  }
  for (const char* name : {"kjv.o3.katz.arpa.xz", "kjv.o3.wb.arpa.xz", "kjv.o3.uknint.arpa.xz"}) {
    INFO(name);
    const test::TempFile file("", "model.arpa");
    REQUIRE(std::system(("xz -dc '" + dir + "/" + name + "' > '" + file.path() + "'").c_str()) == 0);
    const NGramTable reference = table_of_file(file.path());
    NGramTable t = reference;
    for (std::size_t n = 0; n + 1 < t.levels.size(); ++n) {
      for (float& w : t.levels[n].log10_backoff) w = 0.5f;
    }
    (void)recompute_backoffs(t, 2);
    double worst = 0;
    std::size_t off = 0;
    std::size_t weights = 0;
    for (std::size_t n = 0; n + 1 < t.levels.size(); ++n) {
      for (std::size_t i = 0; i < t.levels[n].size(); ++i) {
        const double d = std::fabs(static_cast<double>(t.levels[n].log10_backoff[i]) -
                                   reference.levels[n].log10_backoff[i]);
        worst = std::max(worst, d);
        off += d > 1e-6 ? 1 : 0;
        ++weights;
      }
      CHECK(t.levels[n].log10_prob == reference.levels[n].log10_prob);
    }
    // SRILM computed its weights from its probabilities before printing
    // them to 7 digits: where little mass is left (1 - sum p near 0) that
    // rounding moves a weight by up to a few 1e-5, in under 0.1% of them.
    INFO("largest difference " << worst << ", " << off << " of " << weights << " above 1e-6");
    CHECK(off * 1000 < weights);
    CHECK(worst < 1e-4);
  }
}

}  // namespace
}  // namespace lm
