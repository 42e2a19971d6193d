#include <catch2/catch.hpp>
#include <zlib.h>

#include "lm/error.hpp"
#include "lm/line_reader.hpp"
#include "lm/tokenizer.hpp"
#include "test_util.hpp"

using namespace lm;

namespace {
std::vector<std::string> lines_of(const std::string& path) {
  LineReader reader(path);
  std::vector<std::string> lines;
  std::string_view line;
  while (reader.next(&line)) lines.emplace_back(line);
  return lines;
}
}  // namespace

TEST_CASE("split_tokens splits on every kind of ASCII whitespace", "[tokenizer]") {
  std::vector<std::string_view> out;
  split_tokens("  the\tmouse\r\fate \vthe  cheese \n", &out);
  REQUIRE(out == std::vector<std::string_view>{"the", "mouse", "ate", "the", "cheese"});
  split_tokens("   ", &out);
  REQUIRE(out.empty());
  split_tokens("naïve café", &out);  // non-ASCII bytes are never separators
  REQUIRE(out == std::vector<std::string_view>{"naïve", "café"});
}

TEST_CASE("split_tokens equals a byte-by-byte split on random text across its 64-byte blocks", "[tokenizer]") {
  // Every byte that matters (each whitespace, NUL, 0x1F/0x21/0x0E around the
  // whitespace ranges, bytes >= 0x80) at random, in lines of 0-300 bytes, so
  // that tokens and runs of spaces start and end on and across block edges.
  const std::string alphabet = std::string(" \t\n\v\f\r", 6) + std::string("\0\x08\x0E\x1F\x21" "ab\x80\xFF", 9);
  std::uint32_t state = 12345;
  auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  std::vector<std::string_view> out;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string line(next() % 301, ' ');
    const bool sparse = trial % 2 == 0;  // long tokens, or many short ones
    for (char& c : line) {
      const bool space = sparse ? next() % 8 == 0 : next() % 15 < 6;
      c = space ? alphabet[next() % 6] : alphabet[6 + next() % 9];
    }
    std::vector<std::string_view> expected;
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && is_space(line[i])) ++i;
      const std::size_t start = i;
      while (i < line.size() && !is_space(line[i])) ++i;
      if (i > start) expected.emplace_back(line.data() + start, i - start);
    }
    split_tokens(line, &out);
    REQUIRE(out == expected);
  }
}

TEST_CASE("LineReader handles LF, CRLF, a BOM and a missing final newline", "[tokenizer]") {
  test::TempFile file("\xEF\xBB\xBFone\r\ntwo\n\nthree");
  REQUIRE(lines_of(file.path()) == std::vector<std::string>{"one", "two", "", "three"});
  test::TempFile empty("");
  REQUIRE(lines_of(empty.path()).empty());
}

TEST_CASE("LineReader reads lines longer than its buffer", "[tokenizer]") {
  const std::string long_line(1 << 20, 'x');
  test::TempFile file("a\n" + long_line + "\nb\n");
  REQUIRE(lines_of(file.path()) == std::vector<std::string>{"a", long_line, "b"});
}

TEST_CASE("LineReader decompresses gzip input", "[tokenizer]") {
  test::TempFile file("", "corpus.txt.gz");
  gzFile gz = gzopen(file.path().c_str(), "wb");
  gzputs(gz, "the cat\nthe dog\n");
  gzclose(gz);
  REQUIRE(lines_of(file.path()) == std::vector<std::string>{"the cat", "the dog"});
}

TEST_CASE("LineReader names missing files and directories", "[tokenizer]") {
  REQUIRE_THROWS_WITH(LineReader("/nonexistent/corpus.txt"),
                      Catch::Contains("/nonexistent/corpus.txt") && Catch::Contains("No such file"));
  REQUIRE_THROWS_WITH(LineReader("/tmp"), Catch::Contains("is a directory"));
}

TEST_CASE("find_invalid_utf8 accepts UTF-8 and finds the first bad byte", "[tokenizer]") {
  REQUIRE(find_invalid_utf8("plain ascii") == std::string_view::npos);
  REQUIRE(find_invalid_utf8("日本語 ünïcödé 𝄞") == std::string_view::npos);
  REQUIRE(find_invalid_utf8("ab\xFF") == 2);
  REQUIRE(find_invalid_utf8("\xC3") == 0);             // truncated sequence
  REQUIRE(find_invalid_utf8("x\xC0\xAF") == 1);        // overlong encoding
  REQUIRE(find_invalid_utf8("\xED\xA0\x80") == 0);     // UTF-16 surrogate
  REQUIRE(find_invalid_utf8("\xF4\x90\x80\x80") == 0); // above U+10FFFF
  REQUIRE(find_invalid_utf8(std::string_view("a\0b", 3)) == 1);
  // Past the first 8 bytes (checked 8 at a time while they are ASCII).
  REQUIRE(find_invalid_utf8("abcdefghijklmnopq\xFF") == 17);
  REQUIRE(find_invalid_utf8(std::string_view("abcdefghijklmnop\0q", 18)) == 16);
  REQUIRE(find_invalid_utf8("abcdefghij\xC3\xA9klmnopqrstuvwxyz\xC3") == 28);
  REQUIRE(find_invalid_utf8("abcdefghij\xC3\xA9klmnopqrstuvwxyz") == std::string_view::npos);
}

TEST_CASE("tokenize_checked rejects bad lines with file and line", "[tokenizer]") {
  std::vector<std::string_view> out;
  tokenize_checked("the <unk> sat", "c.txt", 3, &out);
  REQUIRE(out.size() == 3);
  REQUIRE_THROWS_WITH(tokenize_checked("bad \xFF byte", "c.txt", 7, &out),
                      Catch::StartsWith("c.txt:7: invalid UTF-8 at byte 5"));
  REQUIRE_THROWS_WITH(tokenize_checked("a <s> b", "c.txt", 2, &out),
                      Catch::StartsWith("c.txt:2: '<s>' inside a sentence (at byte 3)"));
  REQUIRE_THROWS_WITH(tokenize_checked("</s> a b", "c.txt", 9, &out), Catch::StartsWith("c.txt:9: '</s>'"));
  REQUIRE_THROWS_WITH(tokenize_checked(std::string_view("a\0", 2), "c.txt", 1, &out),
                      Catch::Contains("NUL byte"));
  // Tokens that merely contain the markers are ordinary words.
  tokenize_checked("x<s> </s>y", "c.txt", 1, &out);
  REQUIRE(out.size() == 2);
}

TEST_CASE("tokenize_line drops a <s> that starts the line and a </s> that ends it", "[tokenizer]") {
  std::vector<std::string_view> out;
  const auto tokens = [&out](std::string_view line) {
    REQUIRE(tokenize_line(line, &out).ok());
    return std::vector<std::string>(out.begin(), out.end());
  };
  using V = std::vector<std::string>;
  REQUIRE(tokens("<s> the cat </s>") == V{"the", "cat"});
  REQUIRE(tokens("  <s>\tthe cat") == V{"the", "cat"});
  REQUIRE(tokens("the cat </s>  ") == V{"the", "cat"});
  REQUIRE(tokens("<s> </s>").empty());
  REQUIRE(tokens("<s>").empty());
  REQUIRE(tokens("</s>").empty());
  REQUIRE(tokens("").empty());
  // Anywhere else they are a problem, located at the offending token.
  const auto problem = [&out](std::string_view line) { return tokenize_line(line, &out); };
  REQUIRE(problem("<s> <s> a").problem == LineProblem::kBoundaryInside);
  REQUIRE(problem("<s> <s> a").byte == 4);
  REQUIRE(problem("a </s> </s>").byte == 2);
  REQUIRE(problem("</s> a").problem == LineProblem::kBoundaryInside);
  REQUIRE(problem("a <s>").problem == LineProblem::kBoundaryInside);
  REQUIRE(problem("caf\xE9 au lait").problem == LineProblem::kInvalidUtf8);
  REQUIRE(problem("caf\xE9 au lait").byte == 3);
  REQUIRE(problem(std::string_view("a\0b", 3)).problem == LineProblem::kNulByte);
  REQUIRE(describe_line_problem("a </s> b", problem("a </s> b")) ==
          "'</s>' inside a sentence (at byte 3); sentence boundaries are added automatically (a <s> that starts "
          "a line and a </s> that ends it are ignored), so remove it");
  REQUIRE(line_problem_name(LineProblem::kInvalidUtf8) == "invalid UTF-8");
}
