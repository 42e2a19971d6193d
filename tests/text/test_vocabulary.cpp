#include <catch2/catch.hpp>
#include <string>

#include "lm/vocabulary.hpp"

using namespace lm;

TEST_CASE("Vocabulary has fixed ids for the special words", "[vocabulary]") {
  Vocabulary vocab;
  REQUIRE(vocab.size() == 3);
  REQUIRE(vocab.find("<unk>") == kUnkId);
  REQUIRE(vocab.find("<s>") == kBosId);
  REQUIRE(vocab.find("</s>") == kEosId);
  REQUIRE(vocab.word(kEosId) == "</s>");
}

TEST_CASE("Vocabulary assigns ids in order of first appearance and grows", "[vocabulary]") {
  Vocabulary vocab;
  REQUIRE(vocab.find_or_insert("the") == 3);
  REQUIRE(vocab.find_or_insert("mouse") == 4);
  REQUIRE(vocab.find_or_insert("the") == 3);
  REQUIRE(vocab.find("cheese") == kUnkId);
  for (int i = 0; i < 100000; ++i) vocab.find_or_insert("w" + std::to_string(i));
  REQUIRE(vocab.size() == 100005);
  for (int i = 0; i < 100000; i += 997) {
    const WordId id = vocab.find("w" + std::to_string(i));
    REQUIRE(id == static_cast<WordId>(i + 5));
    REQUIRE(vocab.word(id) == "w" + std::to_string(i));
  }
  REQUIRE(vocab.find("") == kUnkId);
}
