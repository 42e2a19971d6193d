#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "model/model_format.hpp"
#include "lm/error.hpp"
#include "lm/model_io.hpp"
#include "lm/next_words.hpp"
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

using test::arpa_of;
using test::read_arpa_text;

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
  // lm's comments name the method and its parameters, then the ARPA text proper.
  CHECK_THAT(text, Catch::StartsWith("# lm smoothing: mkn (interpolated modified Kneser-Ney)\n# lm 1-gram discounts: D1="));
  const std::size_t data = text.find("\\data\\");
  CHECK(text.substr(0, data).find("\n# lm 2-gram discounts: D1=") != std::string::npos);
  CHECK_THAT(text.substr(data), Catch::StartsWith("\\data\\\nngram 1=11\nngram 2=17\n\n\\1-grams:\n-1.266661\t<unk>\t0\n"));
  // Read back, the comments give the model its method again.
  test::TempFile file(text, "m.arpa");
  CHECK(load_model(file.path()).info().smoothing == m.info().smoothing);
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

// ---- ARPA dialects: IRSTLM and SRILM files, read as those toolkits write them.
//
// tests/data/toy.o3.irstlm.* were made with IRSTLM 6.00.05 (Debian 12's irstlm
// package) from tests/data/toy.txt, the way the IRSTLM manual builds a model:
//   add-start-end.sh < toy.txt > toy.se.txt
//   IRSTLM=/usr/lib/irstlm build-lm.sh -i toy.se.txt -n 3 -s improved-kneser-ney -k 1 -o toy.o3.irstlm.ilm.gz
//   gunzip -k toy.o3.irstlm.ilm.gz                             -> toy.o3.irstlm.ilm (iARPA)
//   compile-lm --text=yes toy.o3.irstlm.ilm.gz toy.o3.irstlm.arpa   (ARPA)
// The reference figures are IRSTLM's: `score-lm -lm=MODEL -dub=12 < sentences`
// on the sentences below written as "<s> ... </s>" (-dub=12 makes IRSTLM's OOV
// penalty log10(12 - 11 words) = 0, so an OOV is p(<unk>) as in lm), minus
// log10 p(<s>), which score-lm adds for the first <s> (-1.38917 in the ARPA
// file, -1.389166 in the iARPA file). compile-lm MODEL --eval=sentences
// --dub=12 -d=1 sums them up as "Nw=27 PP=7.75 Noov=1 logPr=-24.01" for both.
// tests/data/toy.o3.srilm.wbdiscount.arpa is SRILM 1.7.3's `ngram-count -order 3
// -text toy.txt -gt3min 1 -wbdiscount` (from ../shared/reference/srilm).
namespace {

const char* const kIrstlmSentences[] = {"the mouse ate the cheese", "the cat chased a dog", "a dog ate the mouse",
                                        "zebra ate the mouse", "the the the"};
// score-lm's sentence figures minus log10 p(<s>).
const double kIrstlmArpaLog10[] = {-4.68382 + 1.38917, -8.70769 + 1.38917, -7.32899 + 1.38917,
                                   -5.04902 + 1.38917, -5.19067 + 1.38917};
const double kIrstlmIarpaLog10[] = {-4.68381 + 1.389166, -8.70768 + 1.389166, -7.32898 + 1.389166,
                                    -5.04901 + 1.389166, -5.19066 + 1.389166};

SentenceScore score_text(const Model& m, std::string_view text, bool keep_factors = false) {
  std::vector<std::string_view> words;
  split_tokens(text, &words);
  return score_sentence(m, words, keep_factors);
}

// "\N-grams: words" -> (log10 p, log10 backoff) for every entry of an ARPA text.
std::map<std::string, std::pair<double, double>> arpa_entries(const std::string& text) {
  std::map<std::string, std::pair<double, double>> entries;
  std::istringstream in(text);
  std::string line, section;
  while (std::getline(in, line)) {
    if (line.starts_with("\\") && line.ends_with("-grams:")) {
      section = line;
    } else if (line == "\\end\\") {
      section.clear();
    } else if (!section.empty() && !line.empty()) {
      std::vector<std::string_view> fields;
      split_tokens(line, &fields);
      const auto n = static_cast<std::size_t>(std::stoi(section.substr(1)));
      std::string words;
      for (std::size_t k = 1; k <= n; ++k) words += fmt::format("{}{}", k > 1 ? " " : "", fields[k]);
      entries[section + " " + words] = {std::stod(std::string(fields[0])),
                                        fields.size() > n + 1 ? std::stod(std::string(fields[n + 1])) : 0.0};
    }
  }
  return entries;
}

}  // namespace

TEST_CASE("IRSTLM's count lines, with spaces or tabs around the numbers, read", "[arpa][dialect]") {
  const std::string reference = arpa_of(read_arpa_text(kSmallArpa));
  auto with_counts = [](const std::string& one, const std::string& two) {
    std::string text = kSmallArpa;
    text.replace(text.find("ngram 1=4"), 9, one);
    text.replace(text.find("ngram 2=2"), 9, two);
    return text;
  };
  // compile-lm and tlm (printf "%2d=%10d"), build-lm.sh's iARPA, quantize-lm.
  CHECK(arpa_of(read_arpa_text(with_counts("ngram  1=         4", "ngram  2=         2"))) == reference);
  CHECK(arpa_of(read_arpa_text(with_counts("ngram 1=\t4", "ngram 2=\t2"))) == reference);
  CHECK(arpa_of(read_arpa_text(with_counts("ngram 1= 4", "ngram 2= 2 "))) == reference);
  CHECK(arpa_of(read_arpa_text(with_counts("ngram\t1 = 4", "ngram 2 =2"))) == reference);
  // IRSTLM's layout: a blank line first, two after the counts, none before
  // \end\, and "<unk>" after a space.
  std::string irstlm = with_counts("ngram  1=         4", "ngram  2=         2");
  irstlm.replace(irstlm.find("\n\n\\1-grams:"), 2, "\n\n\n");
  irstlm.replace(irstlm.find("-1\t<unk>"), 8, "-1 <unk>");
  irstlm.replace(irstlm.find("\n\n\\end\\"), 2, "\n");
  CHECK(arpa_of(read_arpa_text("\n" + irstlm)) == reference);
  for (const char* bad : {"ngram 1=4x", "ngram 1 4", "ngram =4", "ngram 1==4", "ngram 1=-4", "ngram 1=", "ngram -1=4"}) {
    CAPTURE(bad);
    REQUIRE_THROWS_WITH(read_arpa_text(with_counts(bad, "ngram 2=2")), Catch::Contains("m.arpa:2: bad count line"));
  }
}

TEST_CASE("an IRSTLM ARPA file scores as IRSTLM scores it", "[arpa][dialect]") {
  const Model m = load_model(test::test_data("toy.o3.irstlm.arpa"));
  CHECK(m.order() == 3);
  double total = 0;
  std::uint64_t tokens = 0;
  for (std::size_t i = 0; i < std::size(kIrstlmSentences); ++i) {
    CAPTURE(kIrstlmSentences[i]);
    const SentenceScore s = score_text(m, kIrstlmSentences[i]);
    CHECK(s.log10_prob == Approx(kIrstlmArpaLog10[i]).margin(2e-5));
    total += s.log10_prob;
    tokens += s.tokens;
  }
  CHECK(tokens == 27);
  CHECK(total == Approx(-24.01).margin(0.005));
  CHECK(std::pow(10.0, -total / static_cast<double>(tokens)) == Approx(7.75).margin(0.005));
  // By hand from the file: p(the | <s>) is "-0.466181 <s> the"; "zebra" is
  // p(<unk>) = "-0.648803 <unk>" plus the backoff of <s>, -0.249877.
  const SentenceScore z = score_text(m, "zebra the", true);
  CHECK(score_text(m, "the", true).factors[0].score.log10_prob == Approx(-0.466181).margin(1e-6));
  CHECK(z.factors[0].score.log10_prob == Approx(-0.648803 - 0.249877).margin(1e-6));
  CHECK(z.oovs == 1);
}

TEST_CASE("an IRSTLM iARPA file is completed as IRSTLM completes it", "[arpa][dialect]") {
  // build-lm.sh writes discounted frequencies f*(w | h) for the n-grams above
  // 1; the probability is f*(w | h) + bow(h) p(w | h').
  const Model iarpa = load_model(test::test_data("toy.o3.irstlm.ilm"));
  for (std::size_t i = 0; i < std::size(kIrstlmSentences); ++i) {
    CAPTURE(kIrstlmSentences[i]);
    CHECK(score_text(iarpa, kIrstlmSentences[i]).log10_prob == Approx(kIrstlmIarpaLog10[i]).margin(2e-5));
  }
  // By hand: p(the | <s>) = 10^-0.602060 + 10^(-0.249877 - 0.787106), and
  // p(cat | <s> the) = 10^-0.508638 + 10^-0.244125 p(cat | the), where
  // p(cat | the) = 10^-0.845098 + 10^(-0.201645 - 1.088136).
  const double cat_the = std::log10(std::pow(10.0, -0.845098) + std::pow(10.0, -0.201645 - 1.088136));
  const SentenceScore s = score_text(iarpa, "the cat", true);
  CHECK(s.factors[0].score.log10_prob ==
        Approx(std::log10(std::pow(10.0, -0.602060) + std::pow(10.0, -0.249877 - 0.787106))).margin(1e-6));
  CHECK(s.factors[1].score.log10_prob ==
        Approx(std::log10(std::pow(10.0, -0.508638) + std::pow(10.0, -0.244125 + cat_the))).margin(1e-6));
  // Every n-gram as compile-lm --text=yes writes it (six digits).
  const auto ours = arpa_entries(arpa_of(iarpa));
  const auto compiled = arpa_entries(test::read_file(test::test_data("toy.o3.irstlm.arpa")));
  REQUIRE(compiled.size() == 11 + 18 + 22);
  for (const auto& [key, value] : compiled) {
    CAPTURE(key);
    REQUIRE(ours.count(key) == 1);
    CHECK(ours.at(key).first == Approx(value.first).margin(1e-5));
    CHECK(ours.at(key).second == Approx(value.second).margin(1e-5));
  }
}

TEST_CASE("IRSTLM's binary and quantized models are refused with what to do", "[arpa][dialect]") {
  auto fails_with = [](const std::string& text, const std::string& what) {
    REQUIRE_THROWS_AS(read_arpa_text(text), FormatError);
    REQUIRE_THROWS_WITH(read_arpa_text(text), Catch::Contains(what));
  };
  // compile-lm's default output: a text header, the words, then binary tables.
  const std::string blm = std::string("blmt 3         11         18          3\n11\n<s> 0\n") + '\0' + "\x8a<\n";
  fails_with(blm, "m.arpa:1: this is an IRSTLM binary model (blmt)");
  fails_with(blm, "'compile-lm --text=yes ");
  fails_with("QblmtI 3 11 18 3\n", "IRSTLM binary model (QblmtI)");
  // quantize-lm's output.
  fails_with("qARPA 3 256 256 256\n\n\\data\\\nngram 1= 11\n", "m.arpa:1: this is an IRSTLM quantized model (qARPA");
  // tlm -lm=s1 (ShiftOne) writes backoffs of -inf, which make p = 0.
  std::string inf = kSmallArpa;
  inf.replace(inf.find("a\t-0.2"), 6, "a\t-inf");
  fails_with(inf, "m.arpa:9: backoff '-inf' is infinite");
  // Markers count only as the file's first word.
  std::string later = kSmallArpa;
  CHECK(read_arpa_text("produced by a script\nqARPA is not this\n" + later).order() == 2);
}

TEST_CASE("an SRILM ARPA file (p(<s>) = -99, no <unk>) scores as SRILM scores it", "[arpa][dialect]") {
  const Model m = load_model(test::test_data("toy.o3.srilm.wbdiscount.arpa"));
  CHECK(m.level(1).log10_prob(kBosId) == -99.0f);
  CHECK(m.level(1).log10_prob(kUnkId) == -100.0f);
  // SRILM's `ngram -order 3 -lm toy.o3.wbdiscount.arpa -ppl`: logprob=-7.165209 ppl=3.954584.
  const SentenceScore a = score_text(m, "the mouse ate the cheese");
  const SentenceScore b = score_text(m, "the dog ate the mouse");
  CHECK(a.log10_prob + b.log10_prob == Approx(-7.165209).margin(2e-6));
  CHECK(std::pow(10.0, -(a.log10_prob + b.log10_prob) / 12.0) == Approx(3.954584).margin(2e-6));
  // An OOV is <unk> at -100, after the backoff of its context (-0.4027389 for
  // <s>), as KenLM scores it; the next word starts afresh: p(ate) = -0.8573325.
  const SentenceScore z = score_text(m, "zebra ate", true);
  CHECK(z.oovs == 1);
  CHECK(z.factors[0].score.log10_prob == Approx(-100.4027389).margin(1e-6));
  CHECK(z.factors[1].score.log10_prob == Approx(-0.8573325).margin(1e-6));
}

TEST_CASE("IRSTLM and SRILM models converted to lm's format score identically", "[arpa][dialect]") {
  for (const char* name : {"toy.o3.irstlm.arpa", "toy.o3.irstlm.ilm", "toy.o3.srilm.wbdiscount.arpa"}) {
    CAPTURE(name);
    const Model arpa = load_model(test::test_data(name));
    const Model binary = save_and_load(arpa);
    CHECK(arpa_of(binary) == arpa_of(arpa));
    for (const char* s : kIrstlmSentences) {
      CHECK(score_text(binary, s).log10_prob == score_text(arpa, s).log10_prob);
    }
  }
}
