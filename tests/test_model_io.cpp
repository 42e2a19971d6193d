#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>

#include "detail/model_format.hpp"
#include "lm/error.hpp"
#include "lm/model_io.hpp"
#include "lm/scorer.hpp"
#include "test_util.hpp"

using namespace lm;

namespace {

// The model, written to a file and mapped back.
Model save_and_load(const Model& model) {
  test::TempFile file("", "saved.lm");
  save_model(model, file.path());
  return load_model(file.path());
}

std::string arpa_of(const Model& m) {
  std::ostringstream out;
  write_arpa(m, out);
  return out.str();
}

Model read_arpa_text(const std::string& text) {
  test::TempFile file(text, "m.arpa");
  LineReader reader(file.path());
  return read_arpa(reader);
}

const char* kSmallArpa =
    "\\data\\\nngram 1=4\nngram 2=2\n\n\\1-grams:\n-1\t<unk>\n-99\t<s>\t-0.5\n-0.5\t</s>\n-0.3\ta\t-0.2\n\n"
    "\\2-grams:\n-0.1\t<s> a\n-0.2\ta </s>\n\n\\end\\\n";

}  // namespace

TEST_CASE("ARPA write -> read -> write is byte-identical", "[arpa]") {
  const Model m = estimate(test::count_file(test::test_data("toy.txt"), 3)).model;
  const std::string first = arpa_of(m);
  const Model again = read_arpa_text(first);
  CHECK(arpa_of(again) == first);
  // The ARPA path scores exactly as the estimated model.
  std::vector<std::string_view> words{"the", "dog", "ate", "a", "cheese", "zebra"};
  CHECK(score_sentence(m, words).log10_prob == score_sentence(again, words).log10_prob);
}

TEST_CASE("ARPA output starts with the counts and uses tabs", "[arpa]") {
  const Model m = estimate(test::count_file(test::test_data("toy.txt"), 2)).model;
  const std::string text = arpa_of(m);
  CHECK_THAT(text, Catch::StartsWith("\\data\\\nngram 1=11\nngram 2=17\n\n\\1-grams:\n-1.266661\t<unk>\t0\n"));
  CHECK_THAT(text, Catch::EndsWith("\n\\end\\\n"));
}

TEST_CASE("a KenLM ARPA scores as the model lm estimates", "[arpa]") {
  const Model kenlm = load_model(test::test_data("toy.o3.kenlm.arpa"));
  const Model ours = estimate(test::count_file(test::test_data("toy.txt"), 3)).model;
  for (const char* s : {"the mouse ate the cheese", "mouse the the cheese ate", "a dog", "the the the", ""}) {
    std::vector<std::string_view> words;
    split_tokens(s, &words);
    CHECK(score_sentence(kenlm, words).log10_prob == Approx(score_sentence(ours, words).log10_prob).margin(1e-5));
  }
}

TEST_CASE("missing contexts in an ARPA file are filled in without changing scores", "[arpa]") {
  // "x y z" has no "x y" bigram: it is added with the backed-off probability.
  const char* text =
      "\\data\\\nngram 1=6\nngram 2=1\nngram 3=1\n\n\\1-grams:\n-1\t<unk>\n-99\t<s>\n-0.6\t</s>\n"
      "-0.7\tx\t-0.1\n-0.8\ty\t-0.2\n-0.9\tz\n\n\\2-grams:\n-0.3\ty z\t-0.05\n\n\\3-grams:\n-0.01\tx y z\n\n\\end\\\n";
  const Model m = read_arpa_text(text);
  CHECK(m.ngram_count(2) == 2);
  std::vector<WordId> xy{m.vocab().find("x"), m.vocab().find("y")};
  const std::uint32_t i = m.find(xy);
  REQUIRE(i != kNoEntry);
  CHECK(m.level(2).log10_prob(i) == Approx(-0.1 - 0.8));
  CHECK(m.level(2).log10_backoff(i) == 0.0f);
  std::vector<std::string_view> words{"x", "y", "z"};
  const SentenceScore s = score_sentence(m, words, true);
  CHECK(s.factors[2].score.log10_prob == Approx(-0.01));
}

TEST_CASE("an n-gram whose suffix is missing is found, by score_word and score_sentences alike", "[arpa]") {
  // "x y z" is a trigram but "y z" is not a bigram (no suffix closure): z
  // after "x y" gets the trigram, and the context after it is cut to "z".
  const char* text =
      "\\data\\\nngram 1=6\nngram 2=3\nngram 3=1\n\n\\1-grams:\n-1\t<unk>\n-99\t<s>\t-0.3\n-0.6\t</s>\n"
      "-0.7\tx\t-0.1\n-0.8\ty\t-0.2\n-0.9\tz\t-0.4\n\n\\2-grams:\n-0.2\t<s> x\t-0.15\n-0.3\tx y\t-0.25\n"
      "-0.35\tz x\t-0.05\n\n\\3-grams:\n-0.01\tx y z\n\n\\end\\\n";
  const Model m = read_arpa_text(text);
  CHECK_FALSE(m.suffix_closed());  // so scoring searches on past a miss
  const std::vector<std::string_view> words{"x", "y", "z", "x", "y", "z", "z"};
  const SentenceScore batch = score_sentence(m, words, true);  // score_sentences
  State state = begin_sentence_state(m);
  std::vector<WordScore> one;
  for (const std::string_view w : words) one.push_back(score_word(m, state, m.vocab().find(w), &state));
  one.push_back(score_word(m, state, kEosId, &state));
  REQUIRE(batch.factors.size() == one.size());
  for (std::size_t k = 0; k < one.size(); ++k) {
    CHECK(batch.factors[k].score.log10_prob == one[k].log10_prob);
    CHECK(batch.factors[k].score.ngram_order == one[k].ngram_order);
  }
  CHECK(one[2].ngram_order == 3);
  CHECK(one[2].log10_prob == Approx(-0.01));
  // After "x y z" the context is "z" alone: "z x" is a bigram.
  CHECK(one[3].ngram_order == 2);
  CHECK(one[3].log10_prob == Approx(-0.35));
  // z after "x y z x y": the trigram again.
  CHECK(one[5].log10_prob == Approx(-0.01));
  // z after "y z": no bigram "z z": backoff(z) + p(z).
  CHECK(one[6].ngram_order == 1);
  CHECK(one[6].log10_prob == Approx(-0.4 - 0.9));
}

TEST_CASE("a model knows whether every n-gram's suffix is an n-gram too", "[arpa]") {
  // Order 4: "w x y z" needs its suffix "x y z", which only the second file has.
  auto arpa = [](bool with_suffix) {
    return fmt::format(
        "\\data\\\nngram 1=7\nngram 2=3\nngram 3={}\nngram 4=1\n\n\\1-grams:\n-1\t<unk>\n-99\t<s>\n-0.6\t</s>\n"
        "-0.7\tw\t-0.1\n-0.8\tx\t-0.2\n-0.9\ty\t-0.3\n-0.5\tz\n\n\\2-grams:\n-0.2\tw x\t-0.1\n"
        "-0.3\tx y\t-0.2\n-0.4\ty z\n\n\\3-grams:\n-0.1\tw x y\t-0.05\n{}\n\\4-grams:\n-0.01\tw x y z\n\n"
        "\\end\\\n",
        with_suffix ? 2 : 1, with_suffix ? "-0.15\tx y z\n" : "");
  };
  const Model open = read_arpa_text(arpa(false));
  const Model closed = read_arpa_text(arpa(true));
  CHECK_FALSE(open.suffix_closed());
  CHECK(closed.suffix_closed());
  CHECK(read_arpa_text(kSmallArpa).suffix_closed());
  // The flag is kept in the file.
  const Model reloaded = save_and_load(closed);
  CHECK(reloaded.suffix_closed());
  CHECK_FALSE(save_and_load(open).suffix_closed());
  // And laid out again (quantized), from what verification found.
  CHECK(rebuild_model(closed, LayoutOptions{8}).suffix_closed());
  CHECK_FALSE(rebuild_model(open, LayoutOptions{8}).suffix_closed());
  // Both score "w x y z" with the 4-gram, however they search.
  for (const Model* m : {&open, &closed}) {
    const std::vector<std::string_view> words{"w", "x", "y", "z"};
    const SentenceScore s = score_sentence(*m, words, true);
    CHECK(s.factors[3].score.ngram_order == 4);
    CHECK(s.factors[3].score.log10_prob == Approx(-0.01));
  }
  // A file that claims closure it does not have: opening trusts the header
  // (scoring would skip searches), verification reads everything and says so.
  {
    test::TempFile file("", "lying.lm");
    save_model(open, file.path());
    std::string bytes = test::read_file(file.path());
    detail::FileHeader h;
    std::memcpy(&h, bytes.data(), sizeof(h));
    h.flags |= detail::kFlagSuffixClosed;
    h.checksum = 0;
    std::memcpy(bytes.data(), &h, sizeof(h));
    h.checksum = detail::file_checksum(h, reinterpret_cast<const std::byte*>(bytes.data()), bytes.size());
    std::memcpy(bytes.data(), &h, sizeof(h));
    std::ofstream(file.path(), std::ios::binary | std::ios::trunc) << bytes;
    const Model lying = load_model(file.path());
    CHECK(lying.suffix_closed());
    CHECK_THROWS_WITH(lying.verify(), Catch::Contains("suffix-closed") && Catch::Contains("4-gram"));
    CHECK_NOTHROW(reloaded.verify());
  }
  // "x y z" after "y": the trigram in the closed model; in the other, x y
  // backs off: backoff("x y") + p(z | y).
  const std::vector<std::string_view> words{"y", "x", "y", "z"};
  CHECK(score_sentence(closed, words, true).factors[3].score.log10_prob == Approx(-0.15));
  CHECK(score_sentence(open, words, true).factors[3].score.log10_prob == Approx(-0.2 - 0.4));
}

TEST_CASE("a missing context that backing off makes more probable than 1 is an error", "[arpa]") {
  // "a b c" needs the bigram "a b"; backoff(a) = 30.3 would give it log10 p = 29.6.
  const char* text =
      "\\data\\\nngram 1=6\nngram 2=1\nngram 3=1\n\n\\1-grams:\n-1\t<unk>\n-99\t<s>\n-0.6\t</s>\n"
      "-0.6\ta\t30.3\n-0.7\tb\n-0.9\tc\n\n\\2-grams:\n-0.4\tb c\n\n\\3-grams:\n-0.1\ta b c\n\n\\end\\\n";
  REQUIRE_THROWS_AS(read_arpa_text(text), FormatError);
  CHECK_THROWS_WITH(read_arpa_text(text), Catch::Contains("2-gram 'a b' is missing") && Catch::Contains("> 0"));
}

TEST_CASE("an ARPA file without <unk> gives it log10 p = -100", "[arpa]") {
  const Model m = read_arpa_text(
      "\\data\\\nngram 1=3\n\n\\1-grams:\n-99\t<s>\n-0.3\t</s>\n-0.3\ta\n\n\\end\\\n");
  CHECK(m.level(1).log10_prob(kUnkId) == -100.0f);
}

TEST_CASE("malformed ARPA files are errors that name the line", "[arpa]") {
  std::string good = kSmallArpa;
  CHECK(read_arpa_text(good).order() == 2);
  auto fails_with = [](const std::string& text, const std::string& what) {
    REQUIRE_THROWS_WITH(read_arpa_text(text), Catch::Contains(what));
  };
  fails_with("nothing here\n", "not an lm model or ARPA file");
  fails_with("\\data\\\nngram 1=x\n", "bad count line");
  fails_with("\\data\\\nngram 2=3\n", "bad count line");
  std::string bad_number = good;
  bad_number.replace(bad_number.find("-0.3\ta"), 4, "-0.x");
  fails_with(bad_number, "m.arpa:9: bad probability '-0.x'");
  std::string dup = good;
  dup.replace(dup.find("-0.2\ta </s>"), 11, "-0.2\t<s> a");
  fails_with(dup, "duplicate 2-gram '<s> a'");
  std::string short_section = good;
  short_section.replace(short_section.find("ngram 2=2"), 9, "ngram 2=3");
  fails_with(short_section, "says 3 2-grams but the section has 2");
  fails_with(good.substr(0, good.find("\\end\\")), "ends before '\\end\\'");
  std::string unknown_word = good;
  unknown_word.replace(unknown_word.find("a </s>"), 6, "b </s>");
  fails_with(unknown_word, "word 'b' is not among the unigrams");
  std::string missing_section = good;
  missing_section.replace(missing_section.find("\\2-grams:"), 9, "\\3-grams:");
  fails_with(missing_section, "expected '\\2-grams:'");
  std::string dup_unigram = good;
  dup_unigram.replace(dup_unigram.find("-0.5\t</s>"), 9, "-0.5\ta\t0\n");
  fails_with(dup_unigram, "duplicate unigram 'a'");
}

TEST_CASE("an ARPA model saved in lm's format loads and scores identically", "[arpa]") {
  const Model arpa = load_model(test::test_data("toy.o3.kenlm.arpa"));
  test::TempFile file("", "converted.lm");
  save_model(arpa, file.path());
  const Model binary = load_model(file.path());
  CHECK(arpa_of(binary) == arpa_of(arpa));
  for (const char* s : {"the mouse ate the cheese", "a zebra", ""}) {
    std::vector<std::string_view> words;
    split_tokens(s, &words);
    CHECK(score_sentence(binary, words).log10_prob == score_sentence(arpa, words).log10_prob);
  }
}

TEST_CASE("a damaged vocabulary opens in constant time, reads stay in bounds, and verify names it", "[format]") {
  // Opening does not read the vocabulary's arrays (that would take time in
  // proportion to their size); each case damages one, with a valid
  // checksum, so that only verify's structural checks can tell.
  const Model good = read_arpa_text(kSmallArpa);
  test::TempFile file("", "damaged.lm");
  save_model(good, file.path());
  const std::string bytes = test::read_file(file.path());
  detail::FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  const detail::Layout layout = detail::compute_layout(h);
  // A copy of the file with `damage` applied to its bytes, resealed.
  auto damaged = [&](const std::function<void(char*)>& damage) {
    std::string copy = bytes;
    damage(copy.data());
    detail::FileHeader sealed = h;
    sealed.checksum = 0;
    std::memcpy(copy.data(), &sealed, sizeof(sealed));
    sealed.checksum = detail::file_checksum(sealed, reinterpret_cast<const std::byte*>(copy.data()), copy.size());
    std::memcpy(copy.data(), &sealed, sizeof(sealed));
    std::ofstream(file.path(), std::ios::binary | std::ios::trunc) << copy;
    return load_model(file.path());
  };
  auto slots = [&](char* at) { return reinterpret_cast<std::uint32_t*>(at + layout.vocab_slots.offset); };
  const std::vector<std::string_view> words{"a", "b"};
  const double good_score = score_sentence(good, words).log10_prob;
  SECTION("no empty slot: lookups stop after one lap") {
    const Model m = damaged([&](char* at) { std::fill(slots(at), slots(at) + h.vocab_slots, 0u); });
    CHECK(m.vocab().find("a") == kUnkId);
    CHECK(m.vocab().find("<unk>") == kUnkId);
    CHECK(score_sentence(m, words).oovs == 2);
    CHECK_THROWS_WITH(m.verify(), Catch::Contains("corrupt vocabulary") && Catch::Contains("no empty slot"));
  }
  SECTION("an id out of range in a slot") {
    const Model m = damaged([&](char* at) {
      for (std::uint32_t* s = slots(at); s != slots(at) + h.vocab_slots; ++s) {
        if (*s == 3) *s = 1000;  // "a"
      }
    });
    CHECK(m.vocab().find("a") == kUnkId);
    CHECK(m.vocab().find("</s>") == kEosId);
    CHECK_THROWS_WITH(m.verify(), Catch::Contains("ids out of range"));
  }
  SECTION("offsets past the words' bytes") {
    const Model m = damaged([&](char* at) {
      const std::uint64_t far = std::uint64_t{1} << 40;
      std::memcpy(at + layout.vocab_offsets.offset + 8, &far, 8);  // offsets[1]: where <s> starts
    });
    CHECK(m.vocab().word(0).size() == h.vocab_chars);  // clamped to the bytes there are
    CHECK(m.vocab().word(1).empty());
    CHECK(m.vocab().word(3) == "a");
    CHECK(score_sentence(m, words).log10_prob == Approx(good_score));
    CHECK_THROWS_WITH(m.verify(), Catch::Contains("word offsets decrease"));
  }
  SECTION("a word twice in the table") {
    const Model m = damaged([&](char* at) {
      for (std::uint32_t* s = slots(at); s != slots(at) + h.vocab_slots; ++s) {
        if (*s == 3) *s = 2;  // "a"'s slot holds </s>
      }
    });
    CHECK(m.vocab().find("a") == kUnkId);
    CHECK_THROWS_WITH(m.verify(), Catch::Contains("word 3 is not found at its id"));
  }
  SECTION("the unigram order lists an id out of range") {
    const Model m = damaged([&](char* at) {
      const std::uint32_t bad = 0xFFFFFFF0u;
      std::memcpy(at + layout.by_prob.offset, &bad, 4);
    });
    NextWordPredictor predictor(m);
    const std::vector<Prediction> all = predictor.top(null_context_state(), 0);
    CHECK(all.size() == 2);  // the two words still listed of <unk>, </s> and a
    for (const Prediction& p : all) CHECK(p.word < m.vocab().size());
    CHECK_THROWS_WITH(m.verify(), Catch::Contains("unigram order"));
  }
  CHECK_NOTHROW(good.verify());
}

TEST_CASE("backoffs are stored exactly, in a table of their distinct values where that is smaller", "[format]") {
  // An ARPA file of order 2 whose unigram backoffs are values(i), i < words;
  // the bigrams make every word a context. Returns the model saved and loaded,
  // and the header's backoff table width for order 1.
  auto build = [](int words, const std::function<std::string(int)>& value) {
    std::string text = fmt::format("\\data\\\nngram 1={}\nngram 2={}\n\n\\1-grams:\n-1\t<unk>\n-99\t<s>\t-0.5\n-0.5\t</s>\n",
                                   words + 3, words);
    for (int i = 0; i < words; ++i) text += fmt::format("-3\tw{}\t{}\n", i, value(i));
    text += "\n\\2-grams:\n";
    for (int i = 0; i < words; ++i) text += fmt::format("-0.1\tw{} </s>\n", i);
    text += "\n\\end\\\n";
    test::TempFile file("", "table.lm");
    save_model(read_arpa_text(text), file.path());
    detail::FileHeader h;
    std::memcpy(&h, test::read_file(file.path()).data(), sizeof(h));
    return std::make_pair(load_model(file.path()), static_cast<unsigned>(h.backoff_table_bits[0]));
  };
  // Every backoff reads back as the float its text parses to, bit for bit.
  // Since version 7 it is in the word's key, beside its child pointer, which
  // must still find the word's bigram; since version 8 the word's
  // probability follows it in the key, and there are no records.
  auto exact = [](const Model& m, int words, const std::function<std::string(int)>& value) {
    detail::FileHeader h;
    std::memcpy(&h, m.buffer().data(), sizeof(h));
    const detail::RecordFields f = detail::compute_layout(h).levels[0].fields;
    REQUIRE(f.total() == 0);
    REQUIRE(f.key() == f.pointer + f.backoff + f.prob);
    REQUIRE(f.prob == 32);
    int wrong = 0;
    for (int i = 0; i < words; ++i) {
      const WordId id = m.vocab().find(fmt::format("w{}", i));
      const float want = std::strtof(value(i).c_str(), nullptr);
      const float got = m.level(1).log10_backoff(id);
      wrong += std::memcmp(&want, &got, 4) != 0;
      wrong += m.level(1).log10_prob(id) != -3.0f;
      const std::uint32_t bigram = m.find_child(1, id, kEosId);
      wrong += bigram == kNoEntry || m.level(2).log10_prob(bigram) != -0.1f;
    }
    return wrong;
  };
  SECTION("few distinct values: a table of 2^bits") {
    auto value = [](int i) { return fmt::format("-{}.{}", i % 3, i % 7); };  // 21 values (and <s>'s, 0)
    const auto [m, bits] = build(2000, value);
    CHECK(bits == 5);
    CHECK(exact(m, 2000, value) == 0);
    CHECK(m.level(1).log10_backoff(kBosId) == -0.5f);
    CHECK_NOTHROW(m.verify());
  }
  SECTION("as many values as words, but few words: floats, since a table would not be smaller") {
    auto value = [](int i) { return fmt::format("-0.{}1", i); };
    const auto [m, bits] = build(5, value);
    CHECK(bits == 0);
    CHECK(exact(m, 5, value) == 0);
  }
  SECTION("more than 2^16 distinct values: floats") {
    auto value = [](int i) { return fmt::format("-{:.6f}", 1 + i * 1e-5); };
    const auto [m, bits] = build(70000, value);
    CHECK(bits == 0);
    CHECK(exact(m, 70000, value) == 0);
  }
  SECTION("2^16 distinct values at most, among enough words: a table of 16 bits") {
    auto value = [](int i) { return fmt::format("-{:.6f}", 1 + i % 65000 * 1e-5); };
    const auto [m, bits] = build(200000, value);  // 65,002 values with <s>'s and the others' 0
    CHECK(bits == 16);
    CHECK(exact(m, 200000, value) == 0);
  }
}
