#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>

#include "lm/error.hpp"
#include "lm/model_io.hpp"
#include "lm/scorer.hpp"
#include "test_util.hpp"

using namespace lm;

namespace {

Model toy_model(int order = 3) { return estimate(test::count_file(test::test_data("toy.txt"), order)).model; }

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

}  // namespace

TEST_CASE("successors of a context are one sorted range", "[model]") {
  const Model m = toy_model();
  const WordId the = m.vocab().find("the");
  const auto& uni = m.level(1);
  const auto& bi = m.level(2);
  std::vector<std::string_view> next;
  const auto range = uni.children(the);
  for (auto c = range.begin; c < range.end; ++c) next.push_back(m.vocab().word(bi.word(c)));
  // Ids follow first appearance: mouse 4, cheese 6, cat 7, dog 8.
  CHECK(next == std::vector<std::string_view>{"mouse", "cheese", "cat", "dog"});
  CHECK(m.find_child(1, the, m.vocab().find("ate")) == kNoEntry);
}

TEST_CASE("a saved model loads with identical bytes and scores", "[model]") {
  const Model m = toy_model();
  test::TempFile file("", "toy.lm");
  save_model(m, file.path());
  const Model loaded = load_model(file.path());
  REQUIRE(loaded.buffer().size() == m.buffer().size());
  CHECK(std::memcmp(loaded.buffer().data(), m.buffer().data(), m.buffer().size()) == 0);
  std::vector<std::string_view> words{"the", "cat", "ate", "the", "cheese", "quickly"};
  const SentenceScore a = score_sentence(m, words);
  const SentenceScore b = score_sentence(loaded, words);
  CHECK(a.log10_prob == b.log10_prob);
  CHECK(a.oovs == 1);
  CHECK(b.oovs == 1);
}

TEST_CASE("saving replaces the old model atomically and leaves no temporary files", "[model]") {
  test::TempFile file("old contents", "model.lm");
  save_model(toy_model(), file.path());
  CHECK(load_model(file.path()).order() == 3);
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(file.dir())) ++entries;
  CHECK(entries == 1);
  REQUIRE_THROWS_WITH(save_model(toy_model(), "/nonexistent-dir/model.lm"),
                      Catch::Contains("/nonexistent-dir/model.lm") && Catch::Contains("does not exist"));
}

TEST_CASE("corrupt, truncated and future model files are clear errors", "[model]") {
  const Model m = toy_model();
  test::TempFile file("", "m.lm");
  save_model(m, file.path());
  const std::string good = test::read_file(file.path());

  write_bytes(file.path(), good.substr(0, good.size() / 2));
  REQUIRE_THROWS_WITH(load_model(file.path()), Catch::Contains("truncated"));

  std::string future = good;
  future[8] = 99;  // version field
  write_bytes(file.path(), future);
  REQUIRE_THROWS_WITH(load_model(file.path()), Catch::Contains("version 99 is not supported"));

  write_bytes(file.path(), "this is just some text\nnot a model\n");
  REQUIRE_THROWS_WITH(load_model(file.path()), Catch::Contains("not an lm model or ARPA file"));

  write_bytes(file.path(), "");
  REQUIRE_THROWS_WITH(load_model(file.path()), Catch::Contains("not an lm model or ARPA file"));

  REQUIRE_THROWS_WITH(load_model(file.dir() + "/missing.lm"), Catch::Contains("missing.lm"));

  // Flipping bytes in the index arrays must give an error, never a crash.
  for (std::size_t at = good.size() - 64; at < good.size(); at += 4) {
    std::string flipped = good;
    flipped[at] = static_cast<char>(0xFF);
    flipped[at + 1] = static_cast<char>(0xFF);
    flipped[at + 2] = static_cast<char>(0xFF);
    write_bytes(file.path(), flipped);
    try {
      const Model bad = load_model(file.path());
      std::vector<std::string_view> words{"the", "cat", "ate"};
      (void)score_sentence(bad, words);
    } catch (const FormatError&) {
    }
  }
}
