// The packed model format: binary vs ARPA scores, quantization, top-k with
// the top-successor lists, the interleaved scorer, verification.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "lm/error.hpp"
#include "lm/model_io.hpp"
#include "lm/next_words.hpp"
#include "lm/scorer.hpp"
#include "lm/line_reader.hpp"
#include "lm/tokenizer.hpp"
#include "test_util.hpp"

using namespace lm;

namespace {

// The first `lines` lines of the demo corpus (data/), and the next 300 as test sentences.
struct Corpus {
  std::string train, test;
};

const Corpus& corpus() {
  static const Corpus c = [] {
    std::ifstream in(std::string(LM_DATA_DIR) + "/gutenberg.tok.txt");
    Corpus out;
    std::string line;
    for (int i = 0; i < 6300 && std::getline(in, line); ++i) (i < 6000 ? out.train : out.test) += line + "\n";
    return out;
  }();
  return c;
}

const Model& trained(int order) {
  static std::map<int, Model> models;
  auto it = models.find(order);
  if (it == models.end()) it = models.emplace(order, estimate(test::count_text(corpus().train, order)).model).first;
  return it->second;
}

CorpusScore score_text(const Model& m, const std::string& text) {
  CorpusScore total;
  std::istringstream in(text);
  std::string line;
  std::vector<std::string_view> words;
  while (std::getline(in, line)) {
    split_tokens(line, &words);
    total.add(score_sentence(m, words));
  }
  return total;
}

// score_sentence's result the long way: score_word, word by word.
SentenceScore score_word_by_word(const Model& m, std::span<const std::string_view> words) {
  SentenceScore out;
  State state = begin_sentence_state(m);
  for (std::size_t i = 0; i <= words.size(); ++i) {
    const WordId id = i == words.size() ? kEosId : m.vocab().find(words[i]);
    out.log10_prob += score_word(m, state, id, &state).log10_prob;
    ++out.tokens;
  }
  return out;
}

Model via_arpa(const Model& m) { return test::read_arpa_text(test::arpa_of(m)); }

}  // namespace

TEST_CASE("the binary model and its ARPA file give the same scores to 1e-6", "[format]") {
  const Model& m = trained(4);
  test::TempFile file("", "m.lm");
  save_model(m, file.path());
  const Model binary = load_model(file.path());
  const Model arpa = via_arpa(m);
  std::istringstream in(corpus().test);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    std::vector<std::string_view> words;
    split_tokens(line, &words);
    const SentenceScore a = score_sentence(binary, words);
    const SentenceScore b = score_sentence(arpa, words);
    REQUIRE(std::abs(a.log10_prob - b.log10_prob) < 1e-6);
    ++lines;
  }
  CHECK(lines == 300);
  CHECK_NOTHROW(binary.verify());
}

TEST_CASE("quantized models stay within 1% (8 bits) and 0.1% (12 bits) of the exact perplexity", "[format]") {
  const Model& m = trained(4);
  const double exact = score_text(m, corpus().test).perplexity();
  const Model q8 = rebuild_model(m, LayoutOptions{8});
  const Model q12 = rebuild_model(m, LayoutOptions{12});
  CHECK(q8.info().quantize_bits == 8);
  CHECK(q8.buffer().size() < m.buffer().size());
  CHECK(std::abs(score_text(q8, corpus().test).perplexity() / exact - 1) < 0.01);
  CHECK(std::abs(score_text(q12, corpus().test).perplexity() / exact - 1) < 0.001);
  CHECK_NOTHROW(q8.verify());
  const Model exact_again = rebuild_model(m, LayoutOptions{});
  REQUIRE(exact_again.buffer().size() == m.buffer().size());
  CHECK(std::memcmp(exact_again.buffer().data() + 8, m.buffer().data() + 8, m.buffer().size() - 8) == 0);
  CHECK_THROWS_AS(rebuild_model(m, LayoutOptions{1}), ConfigError);
  CHECK_THROWS_AS(rebuild_model(m, LayoutOptions{17}), ConfigError);
}

TEST_CASE("top k equals the head of the whole distribution, also through the top-successor lists", "[format]") {
  for (int bits : {0, 8}) {
    const Model m = rebuild_model(trained(3), LayoutOptions{bits});
    NextWordPredictor predictor(m);
    // Every unigram context with a top-successor list, and bigram contexts under them.
    int listed = 0;
    std::vector<State> states{null_context_state(), begin_sentence_state(m)};
    for (WordId w = 0; w < m.level(1).size(); ++w) {
      if (m.level(1).top_successors(w).empty()) continue;
      ++listed;
      State s = null_context_state();
      (void)score_word(m, s, w, &s);
      states.push_back(s);
      const auto range = m.level(1).children(w);
      for (auto c = range.begin; c < range.end && c < range.begin + 3; ++c) {
        State t;
        (void)score_word(m, s, m.level(2).word(c), &t);
        states.push_back(t);
      }
    }
    REQUIRE(listed > 10);
    for (const State& s : states) {
      const auto all = predictor.top(s, 0);
      for (std::size_t k : {1, 3, 10, 31, 33, 100}) {
        const auto top = predictor.top(s, k);
        REQUIRE(top.size() == std::min(k, all.size()));
        for (std::size_t i = 0; i < top.size(); ++i) {
          REQUIRE(top[i].word == all[i].word);
          REQUIRE(top[i].log10_prob == all[i].log10_prob);
        }
      }
    }
  }
}

TEST_CASE("verify finds a damaged byte that opening does not look at", "[format]") {
  test::TempFile file("", "m.lm");
  save_model(trained(3), file.path());
  std::string bytes = test::read_file(file.path());
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x10);
  std::ofstream(file.path(), std::ios::binary | std::ios::trunc) << bytes;
  const Model damaged = load_model(file.path());  // cheap checks only
  CHECK_THROWS_WITH(damaged.verify(), Catch::Contains("checksum"));
  CHECK_THROWS_WITH(load_verified_model(file.path()), Catch::Contains("checksum"));
}

TEST_CASE("score_sentences gives every token exactly what score_word gives", "[format][scorer]") {
  // Sentences of every length from 0 on (more of them than there are lanes,
  // so lanes finish and restart at different times), with OOVs and <unk>.
  for (int order : {1, 2, 3, 5}) {
    const Model& m = trained(order);
    std::istringstream in(corpus().test);
    std::vector<WordId> ids;
    std::vector<std::size_t> ends;
    std::string line;
    std::vector<std::string_view> words;
    for (int i = 0; std::getline(in, line); ++i) {
      split_tokens(line, &words);
      for (std::size_t k = 0; k < words.size() && k < static_cast<std::size_t>(i % 40); ++k) {
        ids.push_back(k % 17 == 16 ? kUnkId : m.vocab().find(words[k]));
      }
      ids.push_back(kEosId);
      ends.push_back(ids.size());
    }
    std::vector<WordScore> batch(ids.size());
    score_sentences(m, ids, ends, batch);
    std::size_t mismatches = 0;
    for (std::size_t s = 0, k = 0; s < ends.size(); ++s) {
      State state = begin_sentence_state(m);
      for (; k < ends[s]; ++k) {
        const WordScore one = score_word(m, state, ids[k], &state);
        mismatches += one.log10_prob != batch[k].log10_prob || one.ngram_order != batch[k].ngram_order;
      }
    }
    CHECK(mismatches == 0);
    CHECK(ends.size() > 200);
  }
}

TEST_CASE("a sentence batch scores like score_sentence, OOVs and factors included", "[format][scorer]") {
  const Model& m = trained(3);
  const std::vector<std::vector<std::string_view>> sentences = {
      {}, {"the"}, {"the", "zzzunseen", "of", "<unk>"}, {"and", "the", "lord", "said", "unto", "him"}};
  SentenceBatch batch;
  for (const auto& s : sentences) batch.add(s);
  batch.score(m);
  REQUIRE(batch.size() == sentences.size());
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    const SentenceScore a = batch.result(i, true);
    const SentenceScore b = score_word_by_word(m, sentences[i]);
    CHECK(a.log10_prob == b.log10_prob);
    CHECK(a.tokens == sentences[i].size() + 1);
    CHECK(a.factors.size() == a.tokens);
    CHECK(batch.words(i).size() == sentences[i].size());
  }
  CHECK(batch.result(2, false).oovs == 2);  // "zzzunseen" and "<unk>" (not in the training text)
}

TEST_CASE("find locates every successor, in ranges short and long (several rounds), through every kind of key line", "[format]") {
  const Model& m = trained(3);
  std::size_t wrong = 0, searched = 0;
  std::uint64_t longest = 0;
  for (int n = 1; n <= 2; ++n) {
    const ModelLevel& parents = m.level(n);
    const ModelLevel& children = m.level(n + 1);
    for (std::uint64_t p = 0; p < parents.size(); ++p) {
      const ModelLevel::Range r = parents.children(p);
      longest = std::max(longest, r.end - r.begin);
      for (std::uint64_t i = r.begin; i < r.end; ++i, ++searched) wrong += children.find(r.begin, r.end, children.word(i)) != i;
      // Words between and around the successors are not found.
      for (std::uint64_t i = r.begin; i < r.end; ++i) {
        const WordId w = children.word(i) + 1;
        if ((i + 1 == r.end || children.word(i + 1) != w) && w < m.level(1).size()) {
          wrong += children.find(r.begin, r.end, w) != kNoEntry;
        }
      }
      if (r.end > r.begin && children.word(r.begin) > 0) wrong += children.find(r.begin, r.end, 0) != kNoEntry;
    }
  }
  CHECK(wrong == 0);
  CHECK(searched == m.level(2).size() + m.level(3).size());
  // Some key lines keep their child pointers in the exception array (the
  // contexts with very many successors), so that path was taken too.
  std::uint64_t exception_lines = 0;
  for (int n = 1; n <= 2; ++n) {
    const ModelLevel& level = m.level(n);
    for (std::uint64_t line = 0; line * level.keys_per_line() < level.size(); ++line) {
      exception_lines += level.exception_line(line);
    }
  }
  CHECK(exception_lines > 0);
  // The longest ranges span more than 2 * kMaxLines key lines (of at most 64
  // keys), so their search cuts them into groups of lines first.
  CHECK(longest > 2 * ModelLevel::kMaxLines * 64);
}

TEST_CASE("every bigram and trigram is found through its tagged hash table", "[format]") {
  const Model& m = trained(4);
  REQUIRE(m.has_child_hash(1));
  REQUIRE(m.has_child_hash(2));
  CHECK_FALSE(m.has_child_hash(3));
  // A quantized model keeps the bigram table only; it finds the trigrams by
  // searching their context's successors, and the same ones.
  const Model q8 = rebuild_model(m, LayoutOptions{8});
  CHECK(q8.has_child_hash(1));
  CHECK_FALSE(q8.has_child_hash(2));
  std::size_t wrong = 0, checked = 0;
  for (int n = 1; n <= 2; ++n) {
    for (std::uint32_t p = 0; p < m.level(n).size(); ++p) {
      const ModelLevel::Range r = m.level(n).children(p);
      for (std::uint64_t i = r.begin; i < r.end; ++i) {
        const WordId w = m.level(n + 1).word(i);
        wrong += m.find_child(n, p, w) != i;
        wrong += q8.find_child(n, p, w) != i;
        ++checked;
      }
      // A word after the last successor of p is not one of them.
      if (r.end > r.begin && m.level(n + 1).word(r.end - 1) + 1 < m.level(1).size()) {
        wrong += m.find_child(n, p, m.level(n + 1).word(r.end - 1) + 1) != kNoEntry;
      }
    }
  }
  CHECK(checked == m.ngram_count(2) + m.ngram_count(3));
  CHECK(wrong == 0);
}

TEST_CASE("a version 1 model is refused with a message", "[format]") {
  test::TempFile file("", "m.lm");
  save_model(trained(2), file.path());
  std::string bytes = test::read_file(file.path());
  bytes[8] = 1;
  std::ofstream(file.path(), std::ios::binary | std::ios::trunc) << bytes;
  CHECK_THROWS_WITH(load_model(file.path()), Catch::Contains("version 1 is not supported"));
}

TEST_CASE("unigrams, bigrams and the top order keep their probabilities in their keys", "[format]") {
  // Since version 8, levels 1 and 2 as well as the top level (since version
  // 5); the levels between keep records, exact or quantized.
  const Model& m = trained(5);
  const Model q8 = rebuild_model(m, LayoutOptions{8});
  for (int n = 1; n <= 5; ++n) {
    INFO("order " << n);
    CHECK(m.level(n).parts().prob_in_key == (n <= 2 || n == 5));
    CHECK(q8.level(n).parts().prob_in_key == (n <= 2 || n == 5));
  }
  CHECK_FALSE(trained(1).level(1).parts().prob_in_key);  // no keys at all: records
  // Every probability and backoff reads back as the ARPA text gives it.
  const Model back = via_arpa(m);
  std::size_t wrong = 0;
  for (int n = 1; n <= 5; ++n) {
    REQUIRE(back.level(n).size() == m.level(n).size());
    for (std::uint64_t i = 0; i < m.level(n).size(); ++i) {
      wrong += back.level(n).log10_prob(i) != m.level(n).log10_prob(i);
      wrong += back.level(n).log10_backoff(i) != m.level(n).log10_backoff(i);
      wrong += back.level(n).word(i) != m.level(n).word(i);
    }
  }
  CHECK(wrong == 0);
}
