// Counts on the toy corpus (tests/data/toy.txt), worked out by hand:
//   the mouse ate the cheese / the cat ate the mouse / the dog chased the cat /
//   a mouse ate cheese / the cat ate
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>

#include "lm/error.hpp"
#include "lm/model.hpp"
#include "test_util.hpp"

using namespace lm;

namespace {

std::uint64_t count_of(const NGramCounts& counts, const std::vector<std::string>& words) {
  const int n = static_cast<int>(words.size());
  std::vector<WordId> ids;
  for (const auto& w : words) ids.push_back(counts.vocab.find(w));
  const CountLevel& level = counts.levels[n - 1];
  if (n == 1) return level.counts[ids[0]];
  for (std::size_t i = 0; i < level.size(); ++i) {
    if (counts.ngram(n, i) == ids) return level.counts[i];
  }
  return 0;
}

}  // namespace

TEST_CASE("unigram adjusted counts are numbers of distinct left neighbours", "[counts]") {
  const NGramCounts c = test::count_file(test::test_data("toy.txt"), 3);
  REQUIRE(c.stats.sentences == 5);
  REQUIRE(c.stats.words == 22);
  REQUIRE(c.vocab.size() == 11);
  // "the" follows <s>, ate and chased; "</s>" follows cheese, mouse, cat and ate.
  CHECK(count_of(c, {"the"}) == 3);
  CHECK(count_of(c, {"</s>"}) == 4);
  CHECK(count_of(c, {"mouse"}) == 2);  // the, a
  CHECK(count_of(c, {"cheese"}) == 2); // the, ate
  CHECK(count_of(c, {"cat"}) == 1);    // only after "the"
  CHECK(count_of(c, {"a"}) == 1);
  CHECK(count_of(c, {"<s>"}) == 0);
  CHECK(count_of(c, {"<unk>"}) == 0);
}

TEST_CASE("n-grams starting with <s> keep raw counts; the top order is raw", "[counts]") {
  const NGramCounts c = test::count_file(test::test_data("toy.txt"), 3);
  CHECK(count_of(c, {"<s>", "the"}) == 4);       // raw: 4 sentences start with "the"
  CHECK(count_of(c, {"the", "cat"}) == 2);       // adjusted: after <s> and chased
  CHECK(count_of(c, {"the", "mouse"}) == 2);     // <s>, ate
  CHECK(count_of(c, {"<s>", "the", "cat"}) == 2);
  CHECK(count_of(c, {"cat", "ate", "the"}) == 1);
  CHECK(c.levels[0].size() == 11);
  CHECK(c.levels[1].size() == 17);
  CHECK(c.levels[2].size() == 20);
}

TEST_CASE("counts of counts include <s> and <unk> as types of count 0", "[counts]") {
  const NGramCounts c = test::count_file(test::test_data("toy.txt"), 3);
  // Unigram adjusted counts: 1 for cat dog chased a; 2 for mouse ate cheese; 3 the; 4 </s>.
  CHECK(c.counts_of_counts[0] == std::array<std::uint64_t, 5>{11, 4, 3, 1, 1});
  CHECK(c.counts_of_counts[1][0] == 17);
  CHECK(c.counts_of_counts[2][0] == 20);
}

TEST_CASE("the last n-gram of a lower order is tallied with its raw count, as lmplz does", "[counts]") {
  // y has the largest id, so "y" is last in suffix order: adjusted count 1
  // (only x precedes it) but raw count 3, and lmplz's final flush tallies 3.
  const NGramCounts c = test::count_text("x y\nx y\nx y\n", 2);
  CHECK(c.levels[0].counts[c.vocab.find("y")] == 1);
  CHECK(c.counts_of_counts[0] == std::array<std::uint64_t, 5>{5, 2, 0, 1, 0});
}

TEST_CASE("<unk> in the corpus is an ordinary counted word", "[counts]") {
  const NGramCounts c = test::count_text("a <unk> b\nc <unk>\n", 2);
  CHECK(c.stats.unk_words == 2);
  CHECK(count_of(c, {"<unk>"}) == 2);  // after a and c
  CHECK(c.counts_of_counts[0][0] == c.vocab.size());  // only <s> is added as a zero-count type
}

TEST_CASE("sentences shorter than the order are counted through <s> padding", "[counts]") {
  const NGramCounts c = test::count_text("a\na b\n", 5);
  CHECK(count_of(c, {"<s>", "a", "</s>"}) == 1);
  CHECK(count_of(c, {"<s>", "a"}) == 2);
  CHECK(count_of(c, {"<s>", "a", "b", "</s>"}) == 1);
  CHECK(c.levels[4].size() == 0);
  CHECK(c.levels[3].size() == 1);
}

TEST_CASE("an empty corpus or one of blank lines is an error", "[counts]") {
  REQUIRE_THROWS_WITH(test::count_text("", 3), Catch::Contains("the corpus is empty"));
  REQUIRE_THROWS_WITH(test::count_text("\n  \n\n", 3), Catch::Contains("only blank lines"));
  REQUIRE_THROWS_AS(test::count_text("a b\n", 0), ConfigError);
  REQUIRE_THROWS_AS(test::count_text("a b\n", kMaxOrder + 1), ConfigError);
}

namespace {

NGramCounts count_with(const std::string& path, int order, std::uint64_t memory, int threads,
                       const std::string& temp_dir, CountReport* report) {
  LineReader reader(path);
  CountConfig config;
  config.order = order;
  config.memory = memory;
  config.threads = threads;
  config.temp_dir = temp_dir;
  return count_corpus(reader, config, {}, report);
}

void require_same_counts(const NGramCounts& a, const NGramCounts& b) {
  REQUIRE(a.order == b.order);
  REQUIRE(a.vocab.chars() == b.vocab.chars());
  REQUIRE(a.counts_of_counts == b.counts_of_counts);
  for (int n = 1; n <= a.order; ++n) {
    const CountLevel& x = a.levels[n - 1];
    const CountLevel& y = b.levels[n - 1];
    REQUIRE(x.counts == y.counts);
    REQUIRE(x.words == y.words);
    REQUIRE(x.parent == y.parent);
    REQUIRE(x.suffix == y.suffix);
  }
}

}  // namespace

TEST_CASE("counts do not depend on the memory budget or the number of threads", "[counts]") {
  // 2.7 MB of real text (data/); with a 1 MB budget it is sorted in many
  // small runs and most of them are spilled to temp files.
  test::TempFile dir;
  const std::string corpus = test::test_data("../../data/gutenberg.tok.txt");
  for (int order : {1, 2, 3, 5}) {
    CountReport big_report;
    const NGramCounts reference = count_with(corpus, order, std::uint64_t{1} << 32, 1, dir.dir(), &big_report);
    CHECK(big_report.spilled_runs == 0);
    for (int threads : {1, 2, 3}) {
      CountReport report;
      const NGramCounts small = count_with(corpus, order, 1 << 20, threads, dir.dir(), &report);
      CHECK(report.runs > 10);
      CHECK(report.spilled_runs > 0);
      CHECK(report.temp_bytes_peak > 0);
      // Past 64 spilled runs they are merged into one file (open files stay few).
      if (order == 5) CHECK(report.spilled_runs > 64);
      require_same_counts(reference, small);
    }
  }
  // The temp files were unlinked at once: nothing is left in the directory.
  CHECK(std::distance(std::filesystem::directory_iterator(dir.dir()), std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("the trie form of counts gives back every n-gram", "[counts]") {
  const NGramCounts c = test::count_file(test::test_data("toy.txt"), 3);
  for (int n = 2; n <= 3; ++n) {
    const CountLevel& level = c.levels[n - 1];
    for (std::size_t i = 0; i < level.size(); ++i) {
      const std::vector<WordId> ids = c.ngram(n, i);
      // The suffix index names the last n-1 words, the parent the first n-1.
      CHECK(c.ngram(n - 1, level.suffix[i]) == std::vector<WordId>(ids.begin() + 1, ids.end()));
      CHECK(c.ngram(n - 1, level.parent[i]) == std::vector<WordId>(ids.begin(), ids.end() - 1));
      if (i > 0) CHECK(c.ngram(n, i - 1) < ids);  // lexicographic order, unique
    }
  }
}

TEST_CASE("an unusable temp directory is a clear error when counts must spill", "[counts]") {
  CountReport report;
  const std::string corpus = test::test_data("../../data/gutenberg.tok.txt");
  // The library names the setting, not the command-line flag that sets it.
  try {
    (void)count_with(corpus, 3, 1 << 20, 1, "/nonexistent/dir", &report);
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(e.setting() == "temp_dir");
    CHECK_THAT(e.what(), Catch::StartsWith("temp_dir: ") && Catch::Contains("/nonexistent/dir"));
    CHECK_THAT(e.render([](std::string_view s) { return "--" + std::string(s); }), Catch::StartsWith("--temp_dir: "));
  }
  // A path with braces is shown as it is, not read as a setting's name.
  try {
    (void)count_with(corpus, 3, 1 << 20, 1, "/nonexistent/{order}}", &report);
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK_THAT(e.what(), Catch::Contains("/nonexistent/{order}} does not exist"));
    CHECK_THAT(e.render([](std::string_view s) { return "--" + std::string(s); }),
               Catch::Contains("/nonexistent/{order}} does not exist"));
  }
}

TEST_CASE("the model does not depend on the memory budget or the number of threads", "[counts][estimate]") {
  test::TempFile dir;
  const std::string corpus = test::test_data("../../data/gutenberg.tok.txt");
  CountReport report;
  EstimateConfig one;
  EstimateConfig three;
  three.threads = 3;
  const Model a = estimate(count_with(corpus, 4, std::uint64_t{1} << 32, 1, dir.dir(), &report), one).model;
  const Model b = estimate(count_with(corpus, 4, 1 << 20, 2, dir.dir(), &report), three).model;
  REQUIRE(report.spilled_runs > 0);
  REQUIRE(a.buffer().size() == b.buffer().size());
  CHECK(std::memcmp(a.buffer().data(), b.buffer().data(), a.buffer().size()) == 0);
}
