#include "smoothing_options.hpp"

#include <charconv>
#include <fmt/format.h>
#include <string_view>

#include "lm/error.hpp"
#include "lm/smoothing_choice.hpp"
#include "options.hpp"

namespace lm::cli {

namespace {

std::vector<double> parse_discounts(std::vector<std::string> values, std::string* corpus) {
  give_back_corpus(&values, corpus);
  std::vector<double> out;
  for (const std::string& v : values) {
    double d = 0;
    const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
    if (v.empty() || ec != std::errc() || ptr != v.data() + v.size()) {
      throw ConfigError(fmt::format("--discount {}: give a number from 0 to 1, or one per order (0.5 0.7 0.8)", v));
    }
    out.push_back(d);
  }
  return out;
}

}  // namespace

// The method --smoothing names, with its options (make_smoothing_method
// checks that the options given are the method's).
std::unique_ptr<SmoothingMethod> make_method(const SmoothingFlags& opt, const CLI::App& cmd, std::string* corpus) {
  SmoothingChoice choice;
  choice.method = opt.method;
  choice.backoff = opt.backoff;
  if (!opt.discount.empty()) choice.discount = parse_discounts(opt.discount, corpus);
  if (!opt.gt_max.empty()) choice.gt_max = parse_counts("--gt-max", opt.gt_max, corpus, "1 7 7", "1,7,7");
  if (cmd.count("--add") > 0) choice.add = opt.add;
  if (cmd.count("--alpha") > 0) choice.alpha = opt.alpha;
  choice.strict_discounts = opt.strict_discounts;
  choice.nltk = opt.nltk;
  return make_smoothing_method(choice);
}

void add_smoothing_options(CLI::App* cmd, SmoothingFlags* flags) {
  cmd->add_flag("--strict-discounts", flags->strict_discounts,
                "Fail instead of using fallback discounts (mkn: 0.5 1 1.5, kn: 0.5) when they cannot be estimated");
  cmd->add_option("--smoothing", flags->method,
                  "Smoothing method: mkn (default: interpolated modified Kneser-Ney, as KenLM), kn, wb, absolute, "
                  "katz, add, mle, or stupid (stupid backoff: scores, not probabilities)")
      ->type_name("NAME")
      ->capture_default_str();
  cmd->add_flag("--backoff", flags->backoff,
                "The backoff (not interpolated) variant of kn, wb or absolute (SRILM without interpolation)");
  add_per_order_option(cmd, "--discount", &flags->discount,
                       "absolute: the discount D, from 0 to 1: one for all orders or one per order (default 0.75)",
                       "D");
  add_per_order_option(cmd, "--gt-max", &flags->gt_max,
                       "katz: the largest count Good-Turing discounts, per order; the last value repeats "
                       "(default 1 7, SRILM's gtNmax)",
                       "N");
  cmd->add_option("--add", flags->add, "add: the count K added to every word (1: Laplace, below 1: Lidstone)")
      ->type_name("K")
      ->capture_default_str();
  cmd->add_option("--alpha", flags->alpha, "stupid: the backoff factor")->type_name("A")->capture_default_str();
  cmd->add_flag("--nltk", flags->nltk,
                "Count and estimate as NLTK's nltk.lm (padded_everygram_pipeline): order-1 <s> and </s> around "
                "each line, every n-gram counted (in memory), NLTK's formulas; for --smoothing wb, absolute, add, "
                "mle. lm score then pads sentences as NLTK does");
}

}  // namespace lm::cli
