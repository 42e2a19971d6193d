// The n-gram table: build_model and unpack_model undo each other, build_model
// refuses malformed tables naming the n-gram, and the ARPA writer and reader
// carry a table through text unchanged.
#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <sstream>

#include "lm/error.hpp"
#include "lm/model_io.hpp"
#include "lm/ngram_table.hpp"
#include "test_util.hpp"

using namespace lm;

namespace {

// A 3-gram table over "a b c", worked by hand:
//   bigrams  0 <s> a | 1 a b | 2 a c | 3 b c        (parents: word ids 1, 3, 3, 4)
//   trigrams 0 <s> a b | 1 a b c                     (parents: bigrams 0, 1)
NGramTable hand_made() {
  NGramTable t;
  const WordId a = t.vocab.find_or_insert("a"), b = t.vocab.find_or_insert("b"), c = t.vocab.find_or_insert("c");
  t.levels.resize(3);
  t.levels[0].log10_prob = {-2.5f, -99.0f, -0.75f, -0.5f, -0.625f, -1.25f};
  t.levels[0].log10_backoff = {0.0f, -0.25f, 0.0f, -0.125f, -0.375f, 0.0f};
  t.levels[1].words = {a, b, c, c};
  t.levels[1].parent = {kBosId, a, a, b};
  t.levels[1].log10_prob = {-0.25f, -0.5f, -0.375f, -0.125f};
  t.levels[1].log10_backoff = {-0.0625f, -0.1875f, 0.0f, 0.0f};
  t.levels[2].words = {b, c};
  t.levels[2].parent = {0, 1};
  t.levels[2].log10_prob = {-0.3125f, -0.0625f};
  t.info.training_tokens = 42;
  return t;
}

// The same words and n-grams (what an ARPA file holds).
void require_same_ngrams(const NGramTable& a, const NGramTable& b) {
  REQUIRE(a.order() == b.order());
  CHECK(a.vocab.chars() == b.vocab.chars());
  CHECK(a.vocab.offsets() == b.vocab.offsets());
  CHECK(a.vocab.slots() == b.vocab.slots());
  for (int n = 1; n <= a.order(); ++n) {
    INFO("order " << n);
    CHECK(a.levels[n - 1] == b.levels[n - 1]);
  }
}

// Everything a table holds that a model keeps.
void require_same(const NGramTable& a, const NGramTable& b) {
  require_same_ngrams(a, b);
  CHECK(a.info.smoothing == b.info.smoothing);
  CHECK(a.info.training_tokens == b.info.training_tokens);
  CHECK(a.info.unk_is_word == b.info.unk_is_word);
}

bool same_bytes(const Model& a, const Model& b) {
  return a.buffer().size() == b.buffer().size() &&
         std::memcmp(a.buffer().data(), b.buffer().data(), a.buffer().size()) == 0;
}

// A 4-gram model of the first 3000 lines of the demo corpus: large enough
// for top-successor lists, exception lines and backoff tables.
const Model& trained() {
  static const Model model = [] {
    std::ifstream in(std::string(LM_DATA_DIR) + "/gutenberg.tok.txt");
    std::string text, line;
    for (int i = 0; i < 3000 && std::getline(in, line); ++i) text += line + "\n";
    return estimate(test::count_text(text, 4)).model;
  }();
  return model;
}

using test::arpa_of;
using test::read_arpa_table_text;

}  // namespace

TEST_CASE("ngram gives an entry's words through its parents", "[ngram_table]") {
  const NGramTable t = hand_made();
  CHECK(t.ngram(1, 4) == std::vector<WordId>{4});
  CHECK(t.ngram(2, 0) == std::vector<WordId>{kBosId, 3});
  CHECK(t.ngram(3, 1) == std::vector<WordId>{3, 4, 5});
}

TEST_CASE("unpack_model(build_model(t)) is t: a hand-made 3-gram table", "[ngram_table]") {
  const NGramTable t = hand_made();
  const Model m = build_model(t);
  CHECK(m.order() == 3);
  CHECK(m.ngram_count(2) == 4);
  const WordId abc[] = {3, 4, 5};
  CHECK(m.find(abc) == 1);
  CHECK(m.level(3).log10_prob(1) == -0.0625f);
  require_same(unpack_model(m), t);
}

TEST_CASE("unpack_model(build_model(t)) is t: a trained model, laid out again byte for byte", "[ngram_table]") {
  const Model& m = trained();
  const NGramTable t = unpack_model(m);
  REQUIRE(t.order() == 4);
  const Model again = build_model(t);
  CHECK(same_bytes(again, m));
  require_same(unpack_model(again), t);
  CHECK(t.info.smoothing == m.info().smoothing);
  CHECK(t.info.training_tokens > 0);
}

TEST_CASE("build_model refuses unsorted, duplicate and context-less n-grams, naming them", "[ngram_table]") {
  SECTION("unsorted") {
    NGramTable t = hand_made();
    std::swap(t.levels[1].words[1], t.levels[1].words[2]);  // a c before a b
    REQUIRE_THROWS_AS(build_model(t), Error);
    CHECK_THROWS_WITH(build_model(t), Catch::Contains("2-grams are not sorted") && Catch::Contains("'a b'"));
  }
  SECTION("unsorted by parent") {
    NGramTable t = hand_made();
    t.levels[2].parent = {1, 0};
    CHECK_THROWS_WITH(build_model(t), Catch::Contains("3-grams are not sorted") && Catch::Contains("'<s> a c'"));
  }
  SECTION("duplicate") {
    NGramTable t = hand_made();
    t.levels[2].parent = {1, 1};
    t.levels[2].words = {5, 5};
    CHECK_THROWS_WITH(build_model(t), Catch::Contains("duplicate 3-gram 'a b c'"));
  }
  SECTION("missing context") {
    NGramTable t = hand_made();
    t.levels[2].parent[1] = 4;  // level 2 has 4 entries
    CHECK_THROWS_WITH(build_model(t), Catch::Contains("3-gram 1 (last word 'c') has no entry for its context"));
  }
  SECTION("word outside the vocabulary") {
    NGramTable t = hand_made();
    t.levels[1].words[3] = 6;
    CHECK_THROWS_WITH(build_model(t), Catch::Contains("word id 6"));
  }
  SECTION("sizes") {
    NGramTable t = hand_made();
    t.levels[2].log10_backoff = {0.0f, 0.0f};  // the top level has none
    CHECK_THROWS_WITH(build_model(t), Catch::Contains("3-grams: 2 probabilities"));
    t = hand_made();
    t.levels[0].log10_prob.pop_back();
    CHECK_THROWS_WITH(build_model(t), Catch::Contains("5 unigrams for 6 words"));
    t.levels.clear();
    CHECK_THROWS_AS(build_model(t), ConfigError);
  }
  SECTION("bad options") {
    CHECK_THROWS_AS(build_model(hand_made(), LayoutOptions{1}), ConfigError);
  }
}

TEST_CASE("a table's ARPA text reads back to the same table and writes again the same", "[ngram_table]") {
  for (const NGramTable& t : {hand_made(), unpack_model(trained())}) {
    const std::string first = arpa_of(t);
    const NGramTable back = read_arpa_table_text(first);
    require_same_ngrams(back, t);
    CHECK(arpa_of(back) == first);
    // The model's ARPA text is the table's.
    std::ostringstream model_text;
    write_arpa(build_model(t), model_text);
    CHECK(model_text.str() == first);
  }
  CHECK(arpa_of(hand_made()).find("-0.0625\ta b c\n") != std::string::npos);
  NGramTable bad = hand_made();
  bad.levels[2].parent[0] = 9;
  CHECK_THROWS_AS(arpa_of(bad), Error);
}

TEST_CASE("rebuild_model quantized is build_model of the table quantized, byte for byte", "[ngram_table]") {
  // The table as the ARPA reader gives it, and the trained model's own.
  std::ostringstream arpa;
  write_arpa(trained(), arpa);
  for (const NGramTable& t : {read_arpa_table_text(arpa.str()), unpack_model(trained())}) {
    const Model exact = build_model(t);
    for (int bits : {4, 8, 16}) {
      INFO("bits " << bits);
      const Model rebuilt = rebuild_model(exact, LayoutOptions{bits});
      CHECK(rebuilt.info().quantize_bits == bits);
      CHECK(same_bytes(rebuilt, build_model(t, LayoutOptions{bits})));
    }
    CHECK(same_bytes(rebuild_model(exact, LayoutOptions{}), exact));
  }
}
