// How a model reads text (ModelInfo::text) through every storage path: the
// binary format's header (version 9), ARPA's '# lm text:' comment, version 8
// files (written before the text options), pruning and mixtures.
#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <sstream>

#include "lm/error.hpp"
#include "lm/mixture.hpp"
#include "lm/model_io.hpp"
#include "lm/ngram_table.hpp"
#include "lm/prune.hpp"
#include "lm/scorer.hpp"
#include "lm/static_mix.hpp"
#include "model/model_format.hpp"
#include "test_util.hpp"

using namespace lm;

namespace {

// tests/data/toy.txt at order 3, as lm train writes it (and as the version 8
// fixture holds it).
const Model& toy() {
  static const Model m = estimate(test::count_file(test::test_data("toy.txt"), 3)).model;
  return m;
}

// The toy model's n-grams, recorded as reading text as `text` says.
Model with_text(const TextOptions& text) {
  NGramTable table = unpack_model(toy());
  table.info.text = text;
  return build_model(std::move(table));
}

using test::arpa_of;
using test::read_arpa_text;

// One of each kind: every unit, both normalizations, the flags, the longest
// space token (16 x "▁", 48 bytes) and one with characters ARPA and fmt
// treat specially.
std::vector<TextOptions> kinds() {
  std::vector<TextOptions> out;
  TextOptions chars;
  chars.units = TextUnits::kChars;
  chars.space_token = "▁";
  out.push_back(chars);
  TextOptions folded;
  folded.units = TextUnits::kChars;
  folded.normalize = Normalization::kNfkc;
  folded.lowercase = true;
  out.push_back(folded);
  TextOptions longest = chars;
  longest.space_token.clear();
  for (int i = 0; i < 16; ++i) longest.space_token += "▁";
  REQUIRE(longest.space_token.size() == TextOptions::kMaxSpaceTokenBytes);
  out.push_back(longest);
  TextOptions braces = chars;
  braces.space_token = "{sp}#";
  out.push_back(braces);
  TextOptions bytes;
  bytes.units = TextUnits::kBytes;
  out.push_back(bytes);
  TextOptions words;
  words.normalize = Normalization::kNfc;
  words.lowercase = true;
  words.split_punct = true;
  out.push_back(words);
  return out;
}

std::uint32_t u32_at(const std::string& bytes, std::size_t offset) {
  std::uint32_t v = 0;
  std::memcpy(&v, bytes.data() + offset, 4);
  return v;
}

const std::vector<std::vector<std::string_view>> kSentences = {
    {"the", "mouse", "ate", "the", "cheese"}, {"a", "dog", "chased", "a", "zebra"}, {"cat"}, {}};

}  // namespace

TEST_CASE("a model's text options survive build, save and load, at the header's documented offsets",
          "[model_io][text]") {
  for (const TextOptions& text : kinds()) {
    INFO("text options: " << text_flags(text));
    const Model built = with_text(text);
    CHECK(built.info().text == text);
    CHECK(built.format_version() == kModelFormatVersion);
    CHECK(unpack_model(built).info.text == text);
    test::TempFile file("", "m.lm");
    save_model(built, file.path());
    const std::string bytes = test::read_file(file.path());
    // docs/FORMAT.md: version 9, the options at 904..959.
    CHECK(u32_at(bytes, 8) == 9);
    CHECK(static_cast<int>(bytes[904]) == static_cast<int>(text.units));
    CHECK(static_cast<int>(bytes[905]) == static_cast<int>(text.normalize));
    CHECK(bytes[906] == (text.lowercase ? 1 : 0));
    CHECK(bytes[907] == (text.split_punct ? 1 : 0));
    CHECK(u32_at(bytes, 908) == text.space_token.size());
    CHECK(bytes.substr(912, text.space_token.size()) == text.space_token);
    CHECK(bytes.substr(912 + text.space_token.size(), 48 - text.space_token.size()) ==
          std::string(48 - text.space_token.size(), '\0'));
    const Model loaded = load_model(file.path());
    CHECK(loaded.info().text == text);
    CHECK(load_verified_model(file.path()).info().text == text);
    // The n-grams are the toy model's: the same scores.
    for (const auto& words : kSentences) CHECK(score_sentence(loaded, words).log10_prob == score_sentence(toy(), words).log10_prob);
  }
}

TEST_CASE("ARPA write -> read -> write keeps the text options in one comment line before \\data\\",
          "[model_io][text][arpa]") {
  for (const TextOptions& text : kinds()) {
    INFO("text options: " << text_flags(text));
    const Model built = with_text(text);
    const std::string first = arpa_of(built);
    CHECK(first.find("\n# lm text: " + text_flags(text) + "\n\\data\\\n") != std::string::npos);
    // The table's writer writes the same text.
    std::ostringstream from_table;
    write_arpa(unpack_model(built), from_table);
    CHECK(from_table.str() == first);
    const Model again = read_arpa_text(first);
    CHECK(again.info().text == text);
    CHECK(arpa_of(again) == first);
    // ARPA -> binary -> ARPA as lm convert does it.
    test::TempFile file("", "m.lm");
    save_model(again, file.path());
    CHECK(arpa_of(load_model(file.path())) == first);
  }
  // Default options: no comment, the ARPA text of before.
  const std::string plain = arpa_of(toy());
  CHECK(plain.find("# lm text") == std::string::npos);
  CHECK(read_arpa_text(plain).info().text.is_default());
}

TEST_CASE("a bad '# lm text:' comment is a FormatError naming the file and line", "[model_io][text][arpa]") {
  const std::string body = arpa_of(toy());
  for (const char* comment : {"# lm text: --units letters", "# lm text: --space-token ▁",  // space token without chars
                              "# lm text: --units bytes --lowercase", "# lm text: --units", "# lm text: chars"}) {
    INFO(comment);
    test::TempFile file(std::string("# made by hand\n") + comment + "\n" + body, "bad.arpa");
    LineReader reader(file.path());
    try {
      (void)read_arpa(reader);
      FAIL("read");
    } catch (const FormatError& e) {
      CHECK_THAT(e.what(), Catch::StartsWith(file.path() + ":2: bad '# lm text:' comment '" + comment + "'"));
      CHECK(e.line() == 2);
    }
  }
}

TEST_CASE("a version 8 model file loads with the default text options and scores as the model trained now",
          "[model_io][text][format]") {
  // tests/data/toy.o3.v8.lm: written by lm train --order 3 of toy.txt with the
  // lm of format version 8 (header of 904 bytes), before the text options.
  const std::string path = test::test_data("toy.o3.v8.lm");
  const std::string bytes = test::read_file(path);
  REQUIRE(u32_at(bytes, 8) == 8);
  const Model old = load_model(path);
  CHECK(old.format_version() == 8);
  CHECK(old.info().text.is_default());
  CHECK(old.info().smoothing == toy().info().smoothing);
  CHECK(load_verified_model(path).format_version() == 8);
  for (int n = 1; n <= 3; ++n) CHECK(old.ngram_count(n) == toy().ngram_count(n));
  for (const auto& words : kSentences) {
    const SentenceScore a = score_sentence(old, words), b = score_sentence(toy(), words);
    CHECK(a.log10_prob == b.log10_prob);
    CHECK(a.oovs == b.oovs);
  }
  CHECK(arpa_of(old) == arpa_of(toy()));
  // Saved, it is written in version 9: byte for byte the model trained now.
  test::TempFile saved("", "old.lm"), now("", "now.lm");
  save_model(old, saved.path());
  save_model(toy(), now.path());
  CHECK(test::read_file(saved.path()) == test::read_file(now.path()));
  CHECK(load_model(saved.path()).format_version() == 9);
  // A damaged version 8 file is not laundered into a version 9 one with a valid checksum.
  std::string damaged = bytes;
  damaged[3000] = static_cast<char>(damaged[3000] ^ 1);
  test::TempFile bad(damaged, "bad.lm"), out("", "out.lm");
  const Model opened = load_model(bad.path());
  CHECK_THROWS_WITH(save_model(opened, out.path()), Catch::Contains("checksum"));
  CHECK_THROWS_AS(load_verified_model(bad.path()), FormatError);
}

TEST_CASE("a corrupt text block in the header is a FormatError, never a crash", "[model_io][text][format]") {
  TextOptions chars;
  chars.units = TextUnits::kChars;
  chars.space_token = "▁";  // E2 96 81
  test::TempFile file("", "m.lm");
  save_model(with_text(chars), file.path());
  const std::string good = test::read_file(file.path());
  REQUIRE(load_model(file.path()).info().text == chars);
  struct Damage {
    const char* what;
    std::vector<std::pair<std::size_t, char>> bytes;
  };
  const Damage cases[] = {
      {"units 3", {{904, 3}}},
      {"units 255", {{904, '\xff'}}},
      {"normalize 3", {{905, 3}}},
      {"lowercase 2", {{906, 2}}},
      {"split_punct 1 with chars", {{907, 1}}},
      {"token length 49", {{908, 49}}},
      {"token length 2^32-1", {{908, '\xff'}, {909, '\xff'}, {910, '\xff'}, {911, '\xff'}}},
      {"token length 2: half a character", {{908, 2}}},
      {"token length 0 with bytes after it", {{908, 0}}},
      {"a byte after the token", {{915, 'x'}}},
      {"the last byte of the block", {{959, 'x'}}},
      {"a NUL inside the token", {{908, 4}, {915, 0}}},
      {"a space inside the token", {{908, 4}, {915, ' '}}},
      {"units words with a space token", {{904, 0}}},
      {"units bytes with a space token", {{904, 2}}},
      {"the token <s>", {{912, '<'}, {913, 's'}, {914, '>'}}},
      {"invalid UTF-8", {{913, 'x'}}},
  };
  for (const Damage& d : cases) {
    INFO(d.what);
    std::string bytes = good;
    for (const auto& [offset, value] : d.bytes) bytes[offset] = value;
    test::TempFile bad(bytes, "bad.lm");
    try {
      (void)load_model(bad.path());
      FAIL("loaded");
    } catch (const FormatError& e) {
      CHECK_THAT(e.what(), Catch::Contains("corrupt model header") && Catch::Contains("bad.lm"));
    }
  }
  // Valid options in a valid block load, whatever they are (the checksum
  // is only checked by load_verified_model, which then fails).
  std::string other = good;
  other[905] = 2;  // nfkc
  other[906] = 1;  // lowercase
  test::TempFile changed(other, "changed.lm");
  TextOptions expected = chars;
  expected.normalize = Normalization::kNfkc;
  expected.lowercase = true;
  CHECK(load_model(changed.path()).info().text == expected);
  CHECK_THROWS_WITH(load_verified_model(changed.path()), Catch::Contains("checksum mismatch"));
}

TEST_CASE("text options that check_text_options refuses are not written", "[model_io][text]") {
  NGramTable table = unpack_model(toy());
  table.info.text.space_token = "▁";  // without chars
  CHECK_THROWS_AS(build_model(table), ConfigError);
  std::ostringstream out;
  CHECK_THROWS_AS(write_arpa(table, out), ConfigError);
  table.info.text.units = TextUnits::kChars;
  table.info.text.space_token = std::string(49, 'x');  // longer than the header holds
  CHECK_THROWS_AS(build_model(table), ConfigError);
}

TEST_CASE("pruning keeps the text options; models that read text differently cannot be mixed",
          "[model_io][text][mixture]") {
  TextOptions chars;
  chars.units = TextUnits::kChars;
  chars.space_token = "▁";
  const Model a = with_text(chars), b = with_text(chars);
  PruneOptions prune;
  prune.threshold = 0.01;
  CHECK(prune_model(a, prune).table.info.text == chars);
  // The same options: a mixture, and its static mix keeps them.
  const Mixture same({&a, &b});
  CHECK(mix_static(same).info.text == chars);
  // Other options, in either order: a ConfigError about the models.
  for (const auto& models : {std::vector<const Model*>{&toy(), &a}, std::vector<const Model*>{&a, &toy()}}) {
    try {
      const Mixture mixed(models);
      FAIL("mixed");
    } catch (const ConfigError& e) {
      CHECK(e.setting() == "model");
      const bool chars_first = models[0] == &a;
      CHECK_THAT(e.what(), Catch::Contains(std::string("model 2 reads text differently from model 1 (") +
                                           (chars_first ? "words vs --units chars --space-token ▁" :
                                                          "--units chars --space-token ▁ vs words") + ")"));
      CHECK_THAT(e.what(), Catch::Contains("units"));
    }
  }
  TextOptions lower;
  lower.lowercase = true;
  const Model c = with_text(lower);
  CHECK_THROWS_AS(Mixture({&toy(), &c}), ConfigError);
}
