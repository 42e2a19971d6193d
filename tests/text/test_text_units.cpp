// The Tokenizer under each TextOptions: units, normalization, case folding and
// punctuation, on text in several scripts.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "lm/error.hpp"
#include "lm/tokenizer.hpp"

using namespace lm;

namespace {

using Tokens = std::vector<std::string>;

TextOptions words(bool lowercase = false, Normalization form = Normalization::kNone, bool split_punct = false) {
  TextOptions o;
  o.lowercase = lowercase;
  o.normalize = form;
  o.split_punct = split_punct;
  return o;
}

TextOptions chars(Normalization form = Normalization::kNone, std::string space_token = "") {
  TextOptions o;
  o.units = TextUnits::kChars;
  o.normalize = form;
  o.space_token = std::move(space_token);
  return o;
}

TextOptions bytes() {
  TextOptions o;
  o.units = TextUnits::kBytes;
  return o;
}

Tokens tokens_of(const TextOptions& options, std::string_view line) {
  Tokenizer tokenizer(options);
  std::vector<std::string_view> out;
  const LineCheck check = tokenizer.tokenize(line, &out);
  REQUIRE(check.ok());
  return Tokens(out.begin(), out.end());
}

LineCheck check_of(const TextOptions& options, std::string_view line) {
  Tokenizer tokenizer(options);
  std::vector<std::string_view> out;
  return tokenizer.tokenize(line, &out);
}

}  // namespace

TEST_CASE("Default options tokenize exactly as tokenize_line", "[tokenizer][text]") {
  const std::vector<std::string> lines = {
      "the mouse ate the cheese", "<s> the mouse </s>", "  Straße  “quoted”  ", "", "a <s> b", "a\tb\r",
      "naïve café 床前明月光", std::string("bad \xFF byte"), std::string("nul \0 byte", 10), "<unk> x </s>"};
  Tokenizer tokenizer;
  for (const std::string& line : lines) {
    std::vector<std::string_view> a, b;
    const LineCheck ca = tokenize_line(line, &a);
    const LineCheck cb = tokenizer.tokenize(line, &b);
    CHECK(ca.problem == cb.problem);
    CHECK(ca.byte == cb.byte);
    if (ca.ok()) CHECK(a == b);
  }
}

TEST_CASE("Lowercasing is Unicode full case folding", "[tokenizer][text]") {
  const TextOptions o = words(true);
  CHECK(tokens_of(o, "The Mouse ATE the Cheese") == Tokens{"the", "mouse", "ate", "the", "cheese"});
  // German: ß folds to ss, and so does its capital.
  CHECK(tokens_of(o, "Straße STRASSE straẞe Äpfel") == Tokens{"strasse", "strasse", "strasse", "äpfel"});
  // Russian, Greek (final sigma folds to σ), Turkish dotted I (i + U+0307).
  CHECK(tokens_of(o, "Привет МИР") == Tokens{"привет", "мир"});
  CHECK(tokens_of(o, "ΣΊΣΥΦΟΣ") == Tokens{"σίσυφοσ"});
  CHECK(tokens_of(o, "İstanbul") == Tokens{"i\u0307stanbul"});
  // Scripts without case are unchanged.
  CHECK(tokens_of(o, "مرحبا 床前明月光") == Tokens{"مرحبا", "床前明月光"});
  // <unk> stays the unknown word; <S> would fold into a sentence boundary.
  CHECK(tokens_of(o, "A <unk> B") == Tokens{"a", "<unk>", "b"});
  const LineCheck c = check_of(o, "a <S> b");
  CHECK(c.problem == LineProblem::kBoundaryInside);
  CHECK(c.byte == 2);
}

TEST_CASE("NFC composes, NFKC also folds compatibility forms", "[tokenizer][text]") {
  const std::string decomposed = "cafe\u0301";  // e + COMBINING ACUTE ACCENT
  CHECK(tokens_of(words(), decomposed) == Tokens{decomposed});
  CHECK(tokens_of(words(false, Normalization::kNfc), decomposed) == Tokens{"café"});
  CHECK(tokens_of(words(false, Normalization::kNfkc), decomposed) == Tokens{"café"});
  // Ligatures, full-width letters, circled digits, superscripts: only NFKC.
  const std::string compat = "ﬁne ｆｕｌｌ ① x²";
  CHECK(tokens_of(words(false, Normalization::kNfc), compat) == Tokens{"ﬁne", "ｆｕｌｌ", "①", "x²"});
  CHECK(tokens_of(words(false, Normalization::kNfkc), compat) == Tokens{"fine", "full", "1", "x2"});
  // NFKC turns a no-break space into a space, which then separates words.
  CHECK(tokens_of(words(false, Normalization::kNfkc), "a\u00A0b") == Tokens{"a", "b"});
  // Folding and NFKC together: the full-width capital folds too.
  CHECK(tokens_of(words(true, Normalization::kNfkc), "ＡＢＣ Éé") == Tokens{"abc", "éé"});
  // Hangul: NFC composes jamo into a syllable.
  CHECK(tokens_of(words(false, Normalization::kNfc), "\u1100\u1161") == Tokens{"\uAC00"});
}

TEST_CASE("Split punctuation: punctuation and symbols are tokens, words stay whole", "[tokenizer][text]") {
  const TextOptions o = words(false, Normalization::kNone, true);
  CHECK(tokens_of(o, "The mouse ate the cheese.") == Tokens{"The", "mouse", "ate", "the", "cheese", "."});
  CHECK(tokens_of(o, "“Bribes,” he said—don't!") ==
        Tokens{"“", "Bribes", ",", "”", "he", "said", "—", "don't", "!"});
  // Apostrophes (' and ’) and hyphens between letters stay inside; others split.
  CHECK(tokens_of(o, "O'Brien’s well-known e-mail 'quoted' -x y-") ==
        Tokens{"O'Brien’s", "well-known", "e-mail", "'", "quoted", "'", "-", "x", "y", "-"});
  // Digits stay together, with a decimal point or thousands comma between them.
  CHECK(tokens_of(o, "1,000 3.14 2026. (42) $5 50%") ==
        Tokens{"1,000", "3.14", "2026", ".", "(", "42", ")", "$", "5", "50", "%"});
  // Russian and German quotes and dashes, Arabic comma and Arabic-Indic digits.
  CHECK(tokens_of(o, "«Это—тест», сказал он.") ==
        Tokens{"«", "Это", "—", "тест", "»", ",", "сказал", "он", "."});
  CHECK(tokens_of(o, "„Grüß Gott!“") == Tokens{"„", "Grüß", "Gott", "!", "“"});
  CHECK(tokens_of(o, "مرحبا، بالعالم! ١٢٣") == Tokens{"مرحبا", "،", "بالعالم", "!", "١٢٣"});
  // Chinese punctuation splits; the characters between stay one word.
  CHECK(tokens_of(o, "床前明月光，疑是地上霜。") == Tokens{"床前明月光", "，", "疑是地上霜", "。"});
  // Emoji are symbols: one token per grapheme cluster (a ZWJ family, a skin
  // tone, a flag), never split inside.
  CHECK(tokens_of(o, "ok👍🏽 👨‍👩‍👧!🇫🇷🇩🇪") ==
        Tokens{"ok", "👍🏽", "👨‍👩‍👧", "!", "🇫🇷", "🇩🇪"});
  // A combining mark stays with its base, even on punctuation.
  CHECK(tokens_of(o, "a\u0301!\u0301") == Tokens{"a\u0301", "!\u0301"});
  // Any Unicode white space separates; reserved words stay whole.
  CHECK(tokens_of(o, "a\u3000b\u00A0c <unk> d.") == Tokens{"a", "b", "c", "<unk>", "d", "."});
  CHECK(tokens_of(o, "<s> a . </s>") == Tokens{"a", "."});
  const LineCheck c = check_of(o, "a. <s> b");
  CHECK(c.problem == LineProblem::kBoundaryInside);
  CHECK(c.byte == 3);
}

TEST_CASE("Lowercased, punctuation-split words read raw and tokenized text alike", "[tokenizer][text]") {
  const TextOptions o = words(true, Normalization::kNfkc, true);
  CHECK(tokens_of(o, "The Mouse ate the cheese.") == tokens_of(o, "the mouse ate the cheese ."));
  CHECK(tokens_of(o, "The Mouse ate the cheese.") == Tokens{"the", "mouse", "ate", "the", "cheese", "."});
}

TEST_CASE("Chars: every code point but white space, with an optional space token", "[tokenizer][text]") {
  CHECK(tokens_of(chars(), "床前明月光") == Tokens{"床", "前", "明", "月", "光"});
  // White space of any kind is dropped: ASCII, ideographic space, no-break space.
  CHECK(tokens_of(chars(), " 床前\u3000明月\u00A0光 ") == Tokens{"床", "前", "明", "月", "光"});
  CHECK(tokens_of(chars(), "ab c") == Tokens{"a", "b", "c"});
  // The space token stands for each run of white space between tokens only.
  CHECK(tokens_of(chars(Normalization::kNone, "▁"), "  ab \u3000 c d ") ==
        Tokens{"a", "b", "▁", "c", "▁", "d"});
  // Code points, not grapheme clusters: NFC makes one of e + accent.
  CHECK(tokens_of(chars(), "e\u0301") == Tokens{"e", "\u0301"});
  CHECK(tokens_of(chars(Normalization::kNfc), "e\u0301") == Tokens{"é"});
  CHECK(tokens_of(chars(Normalization::kNfkc), "ﬁ") == Tokens{"f", "i"});
  // Reserved words are text like any other.
  CHECK(tokens_of(chars(), "<s>") == Tokens{"<", "s", ">"});
  // Invalid UTF-8 is still an error: characters need it.
  const LineCheck c = check_of(chars(), "ab\xFF");
  CHECK(c.problem == LineProblem::kInvalidUtf8);
  CHECK(c.byte == 2);
}

TEST_CASE("Bytes: every byte as <0xHH>, whatever the encoding", "[tokenizer][text]") {
  CHECK(tokens_of(bytes(), "a b") == Tokens{"<0x61>", "<0x20>", "<0x62>"});
  CHECK(tokens_of(bytes(), "ï") == Tokens{"<0xC3>", "<0xAF>"});
  // Latin-1 and NUL bytes: accepted, where words would refuse them.
  CHECK(tokens_of(bytes(), std::string("\xEF\0\xFF", 3)) == Tokens{"<0xEF>", "<0x00>", "<0xFF>"});
  CHECK(check_of(words(), "caf\xE9").problem == LineProblem::kInvalidUtf8);
  CHECK(tokens_of(bytes(), "<s>") == Tokens{"<0x3C>", "<0x73>", "<0x3E>"});
  CHECK(tokens_of(bytes(), "").empty());
  CHECK(byte_token(0x0A) == "<0x0A>");
}

TEST_CASE("join turns tokens back into the text they stand for", "[tokenizer][text]") {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (const std::string& line : {all, std::string("naïve \xFF text")}) {
    Tokenizer tokenizer(bytes());
    std::vector<std::string_view> out;
    REQUIRE(tokenizer.tokenize(line, &out).ok());
    CHECK(tokenizer.join(out) == line);
  }
  Tokenizer spaced(chars(Normalization::kNone, "▁"));
  std::vector<std::string_view> out;
  REQUIRE(spaced.tokenize("  床前  明月 光 ", &out).ok());
  CHECK(spaced.join(out) == "床前 明月 光");
  Tokenizer plain_chars(chars());
  REQUIRE(plain_chars.tokenize("床前 明月", &out).ok());
  CHECK(plain_chars.join(out) == "床前明月");
  Tokenizer plain_words(words(false, Normalization::kNone, true));
  REQUIRE(plain_words.tokenize("Hello, world!", &out).ok());
  CHECK(plain_words.join(out) == "Hello , world !");
}

TEST_CASE("tokenize_prefix ends with the space token after trailing white space", "[tokenizer][text]") {
  Tokenizer tokenizer(chars(Normalization::kNone, "<space>"));
  std::vector<std::string_view> out;
  bool starts = true;
  REQUIRE(tokenizer.tokenize_prefix("ab ", &out, &starts).ok());
  CHECK(Tokens(out.begin(), out.end()) == Tokens{"a", "b", "<space>"});
  CHECK_FALSE(starts);
  REQUIRE(tokenizer.tokenize_prefix("ab\u3000", &out, &starts).ok());
  CHECK(Tokens(out.begin(), out.end()) == Tokens{"a", "b", "<space>"});
  REQUIRE(tokenizer.tokenize_prefix("ab", &out, &starts).ok());
  CHECK(Tokens(out.begin(), out.end()) == Tokens{"a", "b"});
  REQUIRE(tokenizer.tokenize_prefix(" ", &out, &starts).ok());
  CHECK(out.empty());
}

TEST_CASE("tokenize_prefix: a leading <s> word starts a sentence, whatever the units", "[tokenizer][text]") {
  std::vector<std::string_view> out;
  bool starts = false;
  for (const TextOptions& options : {TextOptions{}, chars(), bytes()}) {
    Tokenizer tokenizer(options);
    REQUIRE(tokenizer.tokenize_prefix("  <s> ab", &out, &starts).ok());
    CHECK(starts);
    CHECK(out.size() == (options.units == TextUnits::kBytes ? 3u : options.is_default() ? 1u : 2u));
    REQUIRE(tokenizer.tokenize_prefix("<s>ab", &out, &starts).ok());  // not a word of its own
    CHECK_FALSE(starts);
  }
  // A problem after the <s> is reported where it is in the text.
  Tokenizer tokenizer(chars());
  const LineCheck c = tokenizer.tokenize_prefix(" <s> a\xFF", &out, &starts);
  CHECK(c.problem == LineProblem::kInvalidUtf8);
  CHECK(c.byte == 6);
  CHECK(ends_with_eos_word("a b </s>  "));
  CHECK(ends_with_eos_word("</s>"));
  CHECK_FALSE(ends_with_eos_word("a b</s>"));
  CHECK_FALSE(ends_with_eos_word("a </s> b"));
}

TEST_CASE("TokenStore keeps tokens past the tokenizer's next call", "[tokenizer][text]") {
  Tokenizer tokenizer(words(true));
  TokenStore store;
  std::vector<std::string_view> first, second;
  REQUIRE(tokenizer.tokenize("The Mouse", &first).ok());
  store.keep(&first);
  const std::string big(100000, 'X');  // past a store block
  REQUIRE(tokenizer.tokenize("Ate " + big, &second).ok());
  store.keep(&second);
  CHECK(Tokens(first.begin(), first.end()) == Tokens{"the", "mouse"});
  CHECK(second[0] == "ate");
  CHECK(second[1] == std::string(100000, 'x'));
  store.clear();
}

TEST_CASE("Text options: what cannot go together, and their flags read back", "[tokenizer][text]") {
  TextOptions o = chars();
  o.split_punct = true;
  CHECK_THROWS_AS(check_text_options(o), ConfigError);
  o = bytes();
  o.lowercase = true;
  CHECK_THROWS_AS(check_text_options(o), ConfigError);
  o = bytes();
  o.normalize = Normalization::kNfc;
  CHECK_THROWS_AS(check_text_options(o), ConfigError);
  o = words();
  o.space_token = "_";
  CHECK_THROWS_AS(check_text_options(o), ConfigError);
  for (const std::string& bad : std::vector<std::string>{"a b", "<s>", "</s>", "<unk>", std::string(49, 'x'), "\xFF"}) {
    CHECK_THROWS_AS(check_text_options(chars(Normalization::kNone, bad)), ConfigError);
  }
  CHECK_NOTHROW(check_text_options(chars(Normalization::kNone, std::string(48, 'x'))));

  CHECK(text_flags(TextOptions{}).empty());
  CHECK(text_flags(words(true, Normalization::kNfkc, true)) == "--normalize nfkc --lowercase --split-punct");
  CHECK(text_flags(chars(Normalization::kNfc, "▁")) == "--units chars --normalize nfc --space-token ▁");
  for (const TextOptions& options :
       {TextOptions{}, words(true), words(false, Normalization::kNfc, true), chars(), chars(Normalization::kNfkc, "<sp>"),
        bytes()}) {
    TextOptions back;
    REQUIRE(parse_text_flags(text_flags(options), &back));
    CHECK(back == options);
  }
  TextOptions back;
  CHECK_FALSE(parse_text_flags("--units letters", &back));
  CHECK_FALSE(parse_text_flags("--lowercase --units bytes", &back));
  CHECK_FALSE(parse_text_flags("--units", &back));
  CHECK_FALSE(parse_text_flags("--frobnicate", &back));
}
