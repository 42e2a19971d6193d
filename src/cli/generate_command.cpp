// lm generate: sentences sampled from a model or a mixture of models.
#include <optional>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "heap.hpp"
#include "lm/error.hpp"
#include "lm/parallel.hpp"
#include "lm/sampler.hpp"
#include "lm/tokenizer.hpp"
#include "model_choice.hpp"
#include "options.hpp"
#include "output.hpp"

namespace lm::cli {

namespace {

struct GenerateOptions {
  std::vector<std::string> prefix;
  ModelChoice models;
  std::uint64_t count = 1;
  std::optional<std::uint64_t> seed;
  SamplingOptions sampling;
  int threads = 0;
  Format format = Format::kText;
};

// The prefix's tokens, as the model reads text (a leading <s> is the
// sentence start every sentence has anyway).
std::vector<std::string_view> prefix_words(Tokenizer& tokenizer, const std::string& text) {
  std::vector<std::string_view> words;
  bool starts_sentence = false;  // every sentence starts one anyway
  const std::string why = tokenizer.read_prefix(text, &words, &starts_sentence, "it");
  if (!why.empty()) throw ConfigError("prefix", ConfigError::literal(why));
  return words;
}

void print_sentence(fmt::memory_buffer& out, Format format, const std::vector<std::string_view>& prefix,
                    const SampledSentence& s, const VocabView& vocab, const Tokenizer& tokenizer,
                    std::vector<std::string_view>* tokens) {
  const std::string text = sampled_text(tokenizer, prefix, s, vocab, tokens);
  if (format != Format::kJson) {
    out.append(text);
    out.push_back('\n');
    return;
  }
  auto o = std::back_inserter(out);
  fmt::format_to(o, "{{\"text\":");
  append_json_string(out, text);
  fmt::format_to(o, ",\"prefix_words\":{},\"tokens\":[", prefix.size());
  for (std::size_t i = 0; i < s.tokens.size(); ++i) {
    fmt::format_to(o, "{}{{\"token\":", i ? "," : "");
    append_json_string(out, vocab.word(s.tokens[i].word));
    fmt::format_to(o, ",\"log10_prob\":{}}}", s.tokens[i].log10_prob);
  }
  fmt::format_to(o, "],\"log10_prob\":{},\"ended\":{}}}\n", s.log10_prob, s.ended);
}

void run_generate(GenerateOptions& opt) {
  use_huge_page_heap();
  opt.sampling.check();
  const std::uint64_t seed = opt.seed ? *opt.seed : random_seed();
  spdlog::debug("seed {}", seed);
  LoadedModels models(opt.models);
  // Many sentences read much of the model: map it whole first (a cached
  // file in huge pages takes under a millisecond) rather than fault by fault.
  if (opt.count >= 100) {
    for (const Model& m : models.models()) m.buffer().prefault();
  }
  const VocabView vocab = models.mixed() ? models.mixture().vocab() : models.model().vocab();
  // The prefix arguments are one text, as the model reads text.
  std::string joined;
  for (const std::string& p : opt.prefix) (joined += joined.empty() ? "" : " ") += p;
  Tokenizer tokenizer(models.model().info().text);
  const std::vector<std::string_view> prefix = prefix_words(tokenizer, joined);
  std::vector<WordId> prefix_ids;
  for (std::string_view w : prefix) prefix_ids.push_back(vocab.find(w));

  const unsigned threads = opt.threads == 0 ? available_cpus() : static_cast<unsigned>(opt.threads);
  std::vector<std::unique_ptr<SentenceSampler>> samplers(threads);
  // The threads share what they learn of large contexts (not for a mixture).
  const std::shared_ptr<SamplerCache> cache =
      threads > 1 && !models.mixed() ? make_sampler_cache(models.model(), opt.sampling) : nullptr;
  const std::size_t block = 256 * std::size_t{threads};
  std::vector<SampledSentence> sentences(block);
  std::vector<std::string> failures(threads);
  Output output;
  std::vector<std::string_view> tokens;
  for (std::uint64_t first = 0; first < opt.count; first += block) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(block, opt.count - first));
    parallel_for(n, threads, [&](unsigned slice, std::size_t begin, std::size_t end) {
      try {
        auto& sampler = samplers[slice];
        if (!sampler) {
          sampler = models.mixed() ? std::make_unique<SentenceSampler>(models.mixture(), opt.sampling)
                                   : std::make_unique<SentenceSampler>(models.model(), opt.sampling, cache);
        }
        for (std::size_t i = begin; i < end; ++i) sentences[i] = sampler->sample(prefix_ids, seed, first + i);
      } catch (const std::exception& e) {
        failures[slice] = e.what();
      }
    });
    for (const std::string& f : failures) {
      if (!f.empty()) throw Error(f);
    }
    for (std::size_t i = 0; i < n; ++i) {
      print_sentence(output.buffer(), opt.format, prefix, sentences[i], vocab, tokenizer, &tokens);
      output.end_record();
    }
  }
  output.flush();
}

}  // namespace

void add_generate_command(CLI::App& app) {
  auto opt = std::make_shared<GenerateOptions>();
  CLI::App* cmd = app.add_subcommand("generate", "Sample sentences from a model (or a mixture of models)");
  cmd->footer(
      "Examples:\n"
      "  lm generate -n 5 --seed 1               # five sentences, the same ones every time\n"
      "  lm generate -n 3 the old man            # sentences that start with 'the old man'\n"
      "  lm generate -n 10 --top-k 40 --temperature 0.8 --no-unk\n"
      "  lm generate -m a.lm -m b.lm --weights 0.7,0.3 --format json\n"
      "Each word is drawn from the exact next-word distribution (lm next --all), reshaped by\n"
      "--temperature, then cut by --top-k, then by --top-p. The prefix is the sentence's first words\n"
      "(a leading <s> changes nothing) and is printed with it; </s> ends a sentence and is not printed.\n"
      "Sentence i depends only on the seed and i: the same on every machine and with any --threads.\n"
      "--top-p near 1 without --top-k, and a mixture with a cut or of models with different\n"
      "vocabularies, scan the whole vocabulary for each word: much slower. JSON: text, prefix_words,\n"
      "tokens (each sampled token, </s> too, with the model's log10_prob before temperature and\n"
      "cuts), log10_prob (their sum), ended.");
  cmd->add_option("prefix", opt->prefix, "Words every sentence starts with")->type_name("PREFIX");
  add_models_option(cmd, &opt->models);
  cmd->add_option("-n,--count", opt->count, "Sentences to generate")
      ->type_name("N")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 40))
      ->capture_default_str();
  cmd->add_option("--seed", opt->seed, "Random seed (default: a random one, which the global verbose flag prints)")->type_name("S");
  cmd->add_option("--temperature", opt->sampling.temperature,
                  "Sharpen (< 1) or flatten (> 1) the distribution: p^(1/T), normalized")
      ->type_name("T")
      ->capture_default_str();
  cmd->add_option("--top-k", opt->sampling.top_k, "Draw only from the K most probable words")
      ->type_name("K")
      ->check([](const std::string& v) {
        return v == "0" ? std::string("0 keeps no word: give at least 1 (leave --top-k out to keep every word)")
                        : std::string();
      });
  cmd->add_option("--top-p", opt->sampling.top_p,
                  "Draw only from the most probable words that hold at least P of the mass, in (0, 1]")
      ->type_name("P")
      ->capture_default_str();
  cmd->add_option("--max-len", opt->sampling.max_length, "At most L tokens per sentence after the prefix, </s> included")
      ->type_name("L")
      ->capture_default_str();
  cmd->add_flag("--no-unk", opt->sampling.no_unk, "Never generate <unk>");
  add_threads_option(cmd, &opt->threads, 0);
  add_format_option(cmd, &opt->format);
  cmd->callback([opt]() { run_generate(*opt); });
}

}  // namespace lm::cli
