// lm score's output formats.
#include "score_format.hpp"

#include <cmath>
#include <limits>
#include <fmt/ranges.h>

#include "fixed_format.hpp"

namespace lm::cli {

namespace {

constexpr std::string_view kNotPerplexity = "n/a";

// A JSON number, or null for what JSON cannot hold: a perplexity of no
// tokens (NaN), the log10 of a zero probability (-inf) and what it makes
// infinite.
std::string json_number(double v) { return std::isfinite(v) ? fmt::format("{}", v) : "null"; }

// json_number, appended to out without a string of its own (one per record
// and per factor).
void append_json_number(fmt::memory_buffer& out, double v) {
  if (std::isfinite(v)) {
    fmt::format_to(std::back_inserter(out), "{}", v);
  } else {
    out.append(std::string_view("null"));
  }
}

}  // namespace

void print_sentence(fmt::memory_buffer& out, const ScoreStyle& style, std::string_view text,
                    std::span<const std::string_view> words, const SentenceScore& s) {
  auto o = std::back_inserter(out);
  const bool tokens = style.tokens;
  const std::size_t context_words = style.context_words;
  const std::string_view log10_key = style.scores ? "log10_score" : "log10_prob";
  switch (style.format) {
    case Format::kText:
      append_fixed(out, s.log10_prob, 4);
      out.append(std::string_view("\tppl="));
      if (style.scores) {
        out.append(kNotPerplexity);
      } else {
        append_fixed(out, s.perplexity(), 2);
      }
      fmt::format_to(o, "\ttokens={}\toovs={}\t{}", s.tokens, s.oovs, text);
      if (tokens) {
        // p(token | the last order-1 words) = probability, log10, order of the n-gram matched.
        for (std::size_t i = 0; i < s.factors.size(); ++i) {
          const TokenScore& t = s.factors[i];
          fmt::format_to(o, "\n  {}({} |", style.scores ? "S" : "p", t.token);
          const std::size_t shown = style.nltk_padding ? context_words : std::min(context_words, i + 1);
          for (std::size_t j = shown; j >= 1; --j) {
            fmt::format_to(o, " {}", i >= j ? s.factors[i - j].token : std::string_view("<s>"));
          }
          fmt::format_to(o, ") = {:.6g}\tlog10 {:.4f}\t{}-gram{}", std::pow(10.0, t.score.log10_prob),
                         t.score.log10_prob, t.score.ngram_order, t.oov ? "\tOOV" : "");
        }
      }
      break;
    case Format::kTsv:
      if (style.scores) {
        fmt::format_to(o, "{}\t{}\t{}\t{}\t{}", s.log10_prob, kNotPerplexity, s.tokens, s.oovs,
                       fmt::join(words, " "));
      } else {
        fmt::format_to(o, "{}\t{}\t{}\t{}\t{}", s.log10_prob, s.perplexity(), s.tokens, s.oovs,
                       fmt::join(words, " "));  // single spaces: the input may hold tabs
      }
      if (tokens) {
        out.push_back('\t');
        for (std::size_t i = 0; i < s.factors.size(); ++i) {
          const TokenScore& t = s.factors[i];
          fmt::format_to(o, "{}{}|{}|{}", i ? " " : "", t.token, t.score.ngram_order, t.score.log10_prob);
        }
      }
      break;
    case Format::kJson:
      fmt::format_to(o, "{{\"sentence\":");
      append_json_string(out, text);
      fmt::format_to(o, ",\"{}\":", log10_key);
      append_json_number(out, s.log10_prob);
      fmt::format_to(o, ",\"tokens\":{},\"oovs\":{},\"perplexity\":", s.tokens, s.oovs);
      append_json_number(out, style.scores ? std::numeric_limits<double>::quiet_NaN() : s.perplexity());
      if (s.zero_probs > 0) fmt::format_to(o, ",\"zero_probs\":{}", s.zero_probs);
      if (tokens) {
        fmt::format_to(o, ",\"factors\":[");
        for (std::size_t i = 0; i < s.factors.size(); ++i) {
          const TokenScore& t = s.factors[i];
          fmt::format_to(o, "{}{{\"token\":", i ? "," : "");
          append_json_string(out, t.token);
          fmt::format_to(o, ",\"{}\":", log10_key);
          append_json_number(out, t.score.log10_prob);
          fmt::format_to(o, ",\"order\":{},\"oov\":{}}}", t.score.ngram_order, t.oov);
        }
        out.push_back(']');
      }
      out.push_back('}');
      break;
  }
  out.push_back('\n');
}

namespace {

// Text: NaN as "nan" whatever its sign bit.
std::string text_number(double v) { return std::isnan(v) ? "nan" : fmt::format("{}", v); }

}  // namespace

void print_summary(fmt::memory_buffer& out, const ScoreStyle& style, const CorpusScore& c) {
  auto o = std::back_inserter(out);
  const bool scores = style.scores;
  if (style.format == Format::kJson) {
    fmt::format_to(o,
                   "{{\"summary\":{{\"sentences\":{},\"tokens\":{},\"oovs\":{},\"{}\":{},"
                   "\"perplexity\":{},\"perplexity_excluding_oovs\":{},\"skipped\":{}{}}}}}\n",
                   c.sentences, c.tokens, c.oovs, scores ? "log10_score" : "log10_prob", json_number(c.log10_prob),
                   scores ? "null" : json_number(c.perplexity()),
                   scores ? "null" : json_number(c.perplexity_excluding_oovs()), c.skipped,
                   c.zero_probs > 0 ? fmt::format(",\"zero_probs\":{}", c.zero_probs) : std::string());
  } else {
    // Stupid backoff's scores do not sum to 1: a "perplexity" of them would
    // not be one, so none is printed.
    const std::string none = fmt::format("{} (the model gives scores, not probabilities)", kNotPerplexity);
    fmt::format_to(o,
                   "Perplexity including OOVs:\t{}\nPerplexity excluding OOVs:\t{}\nOOVs:\t{}\nTokens:\t{}\n"
                   "Sentences:\t{}\nSkipped lines:\t{}\n",
                   scores ? none : text_number(c.perplexity()),
                   scores ? none : text_number(c.perplexity_excluding_oovs()), c.oovs, c.tokens, c.sentences,
                   c.skipped);
    // Only models that give zero probabilities (mle) have such tokens.
    if (c.zero_probs > 0) fmt::format_to(o, "Zero probabilities:\t{}\n", c.zero_probs);
  }
}

}  // namespace lm::cli
