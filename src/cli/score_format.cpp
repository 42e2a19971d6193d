// lm score's output formats.
#include "score_format.hpp"

#include <cmath>
#include <fmt/ranges.h>

#include "fixed_format.hpp"

namespace lm::cli {

void print_sentence(fmt::memory_buffer& out, Format format, std::string_view text,
                    std::span<const std::string_view> words, const SentenceScore& s, bool tokens,
                    std::size_t context_words) {
  auto o = std::back_inserter(out);
  switch (format) {
    case Format::kText:
      append_fixed(out, s.log10_prob, 4);
      out.append(std::string_view("\tppl="));
      append_fixed(out, s.perplexity(), 2);
      fmt::format_to(o, "\ttokens={}\toovs={}\t{}", s.tokens, s.oovs, text);
      if (tokens) {
        // p(token | the last order-1 words) = probability, log10, order of the n-gram matched.
        for (std::size_t i = 0; i < s.factors.size(); ++i) {
          const TokenScore& t = s.factors[i];
          fmt::format_to(o, "\n  p({} |", t.token);
          for (std::size_t j = std::min(context_words, i + 1); j >= 1; --j) {
            fmt::format_to(o, " {}", i >= j ? s.factors[i - j].token : std::string_view("<s>"));
          }
          fmt::format_to(o, ") = {:.6g}\tlog10 {:.4f}\t{}-gram{}", std::pow(10.0, t.score.log10_prob),
                         t.score.log10_prob, t.score.ngram_order, t.oov ? "\tOOV" : "");
        }
      }
      break;
    case Format::kTsv:
      fmt::format_to(o, "{}\t{}\t{}\t{}\t{}", s.log10_prob, s.perplexity(), s.tokens, s.oovs,
                     fmt::join(words, " "));  // single spaces: the input may hold tabs
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
      fmt::format_to(o, ",\"log10_prob\":{},\"tokens\":{},\"oovs\":{},\"perplexity\":{}", s.log10_prob,
                     s.tokens, s.oovs, s.perplexity());
      if (tokens) {
        fmt::format_to(o, ",\"factors\":[");
        for (std::size_t i = 0; i < s.factors.size(); ++i) {
          const TokenScore& t = s.factors[i];
          fmt::format_to(o, "{}{{\"token\":", i ? "," : "");
          append_json_string(out, t.token);
          fmt::format_to(o, ",\"log10_prob\":{},\"order\":{},\"oov\":{}}}", t.score.log10_prob,
                         t.score.ngram_order, t.oov);
        }
        out.push_back(']');
      }
      out.push_back('}');
      break;
  }
  out.push_back('\n');
}

namespace {

// A JSON number, or null for a perplexity of no tokens (NaN).
std::string json_number(double v) { return std::isnan(v) ? "null" : fmt::format("{}", v); }

// Text: NaN as "nan" whatever its sign bit.
std::string text_number(double v) { return std::isnan(v) ? "nan" : fmt::format("{}", v); }

}  // namespace

void print_summary(fmt::memory_buffer& out, Format format, const CorpusScore& c) {
  auto o = std::back_inserter(out);
  if (format == Format::kJson) {
    fmt::format_to(o,
                   "{{\"summary\":{{\"sentences\":{},\"tokens\":{},\"oovs\":{},\"log10_prob\":{},"
                   "\"perplexity\":{},\"perplexity_excluding_oovs\":{},\"skipped\":{}}}}}\n",
                   c.sentences, c.tokens, c.oovs, c.log10_prob, json_number(c.perplexity()),
                   json_number(c.perplexity_excluding_oovs()), c.skipped);
  } else {
    fmt::format_to(o,
                   "Perplexity including OOVs:\t{}\nPerplexity excluding OOVs:\t{}\nOOVs:\t{}\nTokens:\t{}\n"
                   "Sentences:\t{}\nSkipped lines:\t{}\n",
                   text_number(c.perplexity()), text_number(c.perplexity_excluding_oovs()), c.oovs, c.tokens,
                   c.sentences, c.skipped);
  }
}

}  // namespace lm::cli
