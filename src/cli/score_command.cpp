// lm score: log10 probability, perplexity and OOVs of sentences.
#include <cmath>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "lm/model_io.hpp"
#include "lm/scorer.hpp"
#include "lm/tokenizer.hpp"
#include "output.hpp"

namespace lm::cli {

namespace {

struct ScoreOptions {
  std::vector<std::string> sentences;
  std::string model = default_model_path();
  Format format = Format::kText;
  bool tokens = false;
  bool summary = false;
};

void print_sentence(fmt::memory_buffer& out, Format format, std::string_view text,
                    const std::vector<std::string_view>& words, const SentenceScore& s, bool tokens,
                    std::size_t context_words) {
  auto o = std::back_inserter(out);
  switch (format) {
    case Format::kText:
      fmt::format_to(o, "{:.4f}\tppl={:.2f}\ttokens={}\toovs={}\t{}", s.log10_prob, s.perplexity(), s.tokens,
                     s.oovs, text);
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
      fmt::format_to(o, "{}\t{}\t{}\t{}\t{}", s.log10_prob, s.tokens, s.oovs, s.perplexity(),
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

void print_summary(fmt::memory_buffer& out, Format format, const CorpusScore& c) {
  auto o = std::back_inserter(out);
  if (format == Format::kJson) {
    fmt::format_to(o,
                   "{{\"summary\":{{\"sentences\":{},\"tokens\":{},\"oovs\":{},\"log10_prob\":{},"
                   "\"perplexity\":{},\"perplexity_excluding_oovs\":{}}}}}\n",
                   c.sentences, c.tokens, c.oovs, c.log10_prob, c.perplexity(), c.perplexity_excluding_oovs());
  } else {
    fmt::format_to(o,
                   "Perplexity including OOVs:\t{}\nPerplexity excluding OOVs:\t{}\nOOVs:\t{}\nTokens:\t{}\n"
                   "Sentences:\t{}\n",
                   c.perplexity(), c.perplexity_excluding_oovs(), c.oovs, c.tokens, c.sentences);
  }
}

void run_score(const ScoreOptions& opt) {
  const Model model = load_model(opt.model);
  Output output;
  CorpusScore corpus;
  std::vector<std::string_view> words;
  for_each_input(opt.sentences, [&](std::string_view text, const std::string& source, std::uint64_t line) {
    tokenize_checked(text, source, line, &words);
    const SentenceScore s = score_sentence(model, words, opt.tokens);
    corpus.add(s);
    print_sentence(output.buffer(), opt.format, text, words, s, opt.tokens, static_cast<std::size_t>(model.order() - 1));
    output.end_record();
  });
  if (opt.summary) print_summary(output.buffer(), opt.format, corpus);
  output.flush();
  if (!opt.summary && corpus.sentences > 0 && spdlog::get_level() <= spdlog::level::info) {
    fmt::memory_buffer text;
    print_summary(text, Format::kText, corpus);
    std::fwrite(text.data(), 1, text.size(), stderr);
  }
}

}  // namespace

void add_score_command(CLI::App& app) {
  auto opt = std::make_shared<ScoreOptions>();
  CLI::App* cmd = app.add_subcommand("score", "Score sentences: log10 probability, perplexity, OOVs");
  cmd->footer(
      "Examples:\n"
      "  lm score \"the mouse ate the cheese\" \"mouse the the cheese ate\"\n"
      "  lm score --tokens \"the mouse ate the cheese\"   # every factor of the chain rule\n"
      "  lm score --format json < test.txt               # JSON Lines, one per input line\n"
      "  lm score -m kenlm.arpa --summary < test.txt       # corpus perplexity on stdout\n"
      "Text columns: log10 probability, perplexity, tokens (words + </s>), OOVs, sentence.\n"
      "TSV columns: log10_prob, tokens, oovs, perplexity, sentence [, token|order|log10_prob ...].");
  cmd->add_option("sentences", opt->sentences, "Sentences to score (default: one per line of stdin)");
  cmd->add_option("-m,--model", opt->model, "Model: lm binary or ARPA (default: $LM_MODEL or model.lm)");
  cmd->add_option("--format", opt->format, "Output format: text, tsv or json (JSON Lines)")
      ->transform(CLI::CheckedTransformer(format_names(), CLI::ignore_case));
  cmd->add_flag("--tokens", opt->tokens, "Show p(token | context) and the n-gram order used, per token");
  cmd->add_flag("--summary", opt->summary, "Print the corpus summary on stdout (default: stderr)");
  cmd->callback([opt]() { run_score(*opt); });
}

}  // namespace lm::cli
