// prune (lm/prune.hpp): decisions worked out by hand, the n-grams kept for
// their successors, what is left alone, and bad options.
#include <catch2/catch.hpp>
#include <cmath>

#include "../test_util.hpp"
#include "table_checks.hpp"
#include "lm/error.hpp"
#include "lm/line_reader.hpp"
#include "lm/model_io.hpp"
#include "lm/prune.hpp"

namespace lm {
namespace {

NGramTable table_of(const std::string& arpa) {
  NGramTable t = test::read_arpa_table_text(arpa);
  (void)recompute_backoffs(t);
  return t;
}

// p(<unk>) 0.1, p(</s>) 0.2, p(a) 0.3, p(b) 0.4; p(a | <s>) 0.5;
// p(b | a) 0.6, p(</s> | a) 0.2. By hand, with P(<s>) = p(</s>) = 0.2 and
// P(a) = 0.3, the relative change in perplexity of removing
//   a </s>: BOW 0.2/0.4 -> 0.4/0.6; deltaH = -0.3 * 0.2 * log10(8/9)    -> 10^deltaH - 1 = 0.0070920
//   <s> a:  BOW 0.5/0.7 -> 1;       deltaH = -0.2 * 0.5 * log10(0.6/(5/7) ... ) -> 0.0175882
//   a b:    BOW 0.2/0.4 -> 1;                                          -> 0.0318929
const char* const kBigrams =
    "\\data\\\nngram 1=5\nngram 2=3\n\n\\1-grams:\n"
    "-1\t<unk>\n-99\t<s>\n-0.69897\t</s>\n-0.5228787\ta\n-0.39794\tb\n\n"
    "\\2-grams:\n-0.30103\t<s> a\n-0.2218487\ta b\n-0.69897\ta </s>\n\\end\\\n";

std::uint32_t find(const NGramTable& t, std::vector<std::string> words) {
  std::vector<WordId> ids;
  for (const std::string& w : words) ids.push_back(t.vocab.find(w));
  return TableLookup(t).find(ids);
}

TEST_CASE("pruning decisions worked out by hand", "[prune]") {
  SECTION("just above a </s>'s change: only a </s> goes, and BOW(a) = 0.4 / 0.6") {
    NGramTable t = table_of(kBigrams);
    const PruneResult r = prune(t, {0.00709215, 2, 1});
    CHECK(r.removed == std::vector<std::uint64_t>{0, 1});
    CHECK(t.levels[1].size() == 2);
    CHECK(find(t, {"a", "</s>"}) == TableLookup::kNone);
    CHECK(find(t, {"a", "b"}) != TableLookup::kNone);
    CHECK(t.levels[0].log10_backoff[t.vocab.find("a")] == Approx(std::log10(0.4 / 0.6)).margin(1e-6));
    CHECK(t.levels[0].log10_backoff[kBosId] == Approx(std::log10(0.5 / 0.7)).margin(1e-6));
  }
  SECTION("just below it: nothing goes, and the table is unchanged") {
    NGramTable t = table_of(kBigrams);
    const NGramTable before = t;
    const PruneResult r = prune(t, {0.00709185, 2, 1});
    CHECK(r.removed == std::vector<std::uint64_t>{0, 0});
    CHECK(t.levels == before.levels);
  }
  SECTION("0.02: <s> a goes too, and <s> keeps no successor: BOW(<s>) = 1") {
    NGramTable t = table_of(kBigrams);
    const PruneResult r = prune(t, {0.02, 2, 1});
    CHECK(r.removed == std::vector<std::uint64_t>{0, 2});
    CHECK(find(t, {"a", "b"}) != TableLookup::kNone);
    CHECK(t.levels[0].log10_backoff[kBosId] == 0.0f);
    CHECK(t.levels[1].parent == std::vector<std::uint32_t>{t.vocab.find("a")});
  }
  SECTION("just below a b's change") {
    NGramTable t = table_of(kBigrams);
    CHECK(prune(t, {0.0318928, 2, 1}).removed[1] == 2);
    NGramTable u = table_of(kBigrams);
    CHECK(prune(u, {0.0318930, 2, 1}).removed[1] == 3);
    CHECK(u.levels[1].size() == 0);
  }
}

TEST_CASE("an n-gram that is the context of a kept n-gram stays", "[prune]") {
  // p(a | <s>) = p(a) = 0.3 is what backing off gives: removing <s> a
  // changes nothing (deltaH = 0). But p(b | <s> a) = 0.99 against 0.6:
  // removing it changes perplexity by 0.0279153, so at 0.02 it stays, and
  // <s> a with it; a </s> (0.0070920) goes.
  NGramTable t = table_of(
      "\\data\\\nngram 1=5\nngram 2=3\nngram 3=1\n\n\\1-grams:\n"
      "-1\t<unk>\n-99\t<s>\n-0.69897\t</s>\n-0.5228787\ta\n-0.39794\tb\n\n"
      "\\2-grams:\n-0.5228787\t<s> a\n-0.2218487\ta b\n-0.69897\ta </s>\n\n"
      "\\3-grams:\n-0.00436481\t<s> a b\n\\end\\\n");
  const PruneResult r = prune(t, {0.02, 2, 1});
  CHECK(r.removed == std::vector<std::uint64_t>{0, 1, 0});
  CHECK(find(t, {"<s>", "a"}) != TableLookup::kNone);
  CHECK(find(t, {"<s>", "a", "b"}) != TableLookup::kNone);
  CHECK(find(t, {"a", "</s>"}) == TableLookup::kNone);
  // Above the trigram's change, all three go: <s> a has no successor left.
  NGramTable u = table_of(
      "\\data\\\nngram 1=5\nngram 2=3\nngram 3=1\n\n\\1-grams:\n"
      "-1\t<unk>\n-99\t<s>\n-0.69897\t</s>\n-0.5228787\ta\n-0.39794\tb\n\n"
      "\\2-grams:\n-0.5228787\t<s> a\n-0.2218487\ta b\n-0.69897\ta </s>\n\n"
      "\\3-grams:\n-0.00436481\t<s> a b\n\\end\\\n");
  const PruneResult all = prune(u, {0.028, 2, 1});
  CHECK(all.removed == std::vector<std::uint64_t>{0, 2, 1});
  CHECK(find(u, {"a", "b"}) != TableLookup::kNone);
}

TEST_CASE("min_order 3 leaves the bigrams; threshold 0 leaves everything", "[prune]") {
  const NGramTable original = [] {
    LineReader reader(test::test_data("toy.o3.kenlm.arpa"));
    return read_arpa_table(reader);
  }();
  NGramTable t = original;
  const PruneResult r = prune(t, {1.0, 3, 1});
  CHECK(r.removed[1] == 0);
  CHECK(r.removed[2] == original.levels[2].size());
  CHECK(t.levels[1].size() == original.levels[1].size());
  CHECK(t.levels[2].size() == 0);
  NGramTable u = original;
  CHECK(prune(u, {0.0, 2, 1}).removed == std::vector<std::uint64_t>{0, 0, 0});
  CHECK(u.levels == original.levels);
}

TEST_CASE("the result does not depend on the threads", "[prune]") {
  LineReader reader(test::test_data("toy.o3.kenlm.arpa"));
  const NGramTable original = read_arpa_table(reader);
  NGramTable one = original;
  NGramTable three = original;
  const PruneResult r1 = prune(one, {0.05, 2, 1});
  const PruneResult r3 = prune(three, {0.05, 2, 3});
  CHECK(r1.removed == r3.removed);
  CHECK(r1.removed[2] > 0);
  CHECK(one.levels == three.levels);
  (void)build_model(one);  // still a valid table
}

TEST_CASE("a pruned model's distributions sum to 1", "[prune]") {
  LineReader reader(test::test_data("toy.o3.kenlm.arpa"));
  NGramTable t = read_arpa_table(reader);
  const PruneResult r = prune(t, {0.01, 2, 1});
  REQUIRE(r.removed[2] > 0);
  REQUIRE(r.removed[1] > 0);
  test::check_every_context_sums_to_one(t);
}

TEST_CASE("bad pruning options are ConfigErrors naming the setting", "[prune]") {
  NGramTable t = table_of(kBigrams);
  auto setting_of = [&](PruneOptions o) {
    try {
      (void)prune(t, o);
    } catch (const ConfigError& e) {
      return e.setting();
    }
    return std::string("none");
  };
  CHECK(setting_of({-1e-8, 2, 1}) == "threshold");
  CHECK(setting_of({std::nan(""), 2, 1}) == "threshold");
  CHECK(setting_of({INFINITY, 2, 1}) == "threshold");
  CHECK(setting_of({1e-8, 0, 1}) == "min_order");
}

}  // namespace
}  // namespace lm
