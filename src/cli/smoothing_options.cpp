#include "smoothing_options.hpp"

#include <charconv>
#include <fmt/format.h>
#include <string_view>
#include <utility>

#include "lm/classic_smoothing.hpp"
#include "lm/error.hpp"
#include "lm/kneser_ney.hpp"
#include "lm/nltk_smoothing.hpp"
#include "lm/stupid_backoff.hpp"
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

// --nltk: NLTK's model that --smoothing names.
std::unique_ptr<SmoothingMethod> make_nltk_method(const SmoothingFlags& opt, std::string* corpus) {
  static constexpr std::pair<std::string_view, NltkKind> kKinds[] = {
      {"wb", NltkKind::kWittenBell}, {"absolute", NltkKind::kAbsolute},
      {"add", NltkKind::kAdditive},  {"mle", NltkKind::kMle},
  };
  for (const auto& [kind_name, kind] : kKinds) {
    if (kind_name != opt.method) continue;
    if (opt.backoff) throw ConfigError("--backoff: NLTK's wb and absolute are interpolated; leave out --backoff with --nltk");
    NltkOptions options;
    options.kind = kind;
    if (!opt.discount.empty()) {
      const std::vector<double> d = parse_discounts(opt.discount, corpus);
      if (d.size() != 1) throw ConfigError("--discount: NLTK has one discount for every order; give one value with --nltk");
      options.discount = d[0];
    }
    options.add = opt.add;
    return std::make_unique<NltkSmoothing>(options);
  }
  throw ConfigError(fmt::format("--nltk: --smoothing {} is not one of NLTK's models here; give --smoothing wb "
                                "(WittenBellInterpolated), absolute (AbsoluteDiscountingInterpolated), add "
                                "(Lidstone, Laplace with --add 1) or mle (MLE)",
                                opt.method));
}

}  // namespace

// The method --smoothing names, with its options; checks that the options
// given are the method's.
std::unique_ptr<SmoothingMethod> make_method(const SmoothingFlags& opt, const CLI::App& cmd, std::string* corpus) {
  const std::string& name = opt.method;
  auto only_for = [&](const char* flag, const char* method) {
    if (cmd.count(flag) > 0 && name != method) {
      throw ConfigError(fmt::format("{} is an option of --smoothing {}, not of {}", flag, method, name));
    }
  };
  only_for("--discount", "absolute");
  only_for("--gt-max", "katz");
  only_for("--add", "add");
  only_for("--alpha", "stupid");
  if (opt.nltk) return make_nltk_method(opt, corpus);
  if (opt.backoff && name != "kn" && name != "wb" && name != "absolute") {
    throw ConfigError(fmt::format("--backoff: {} has no interpolated and backoff variants (kn, wb and absolute do; "
                                  "mkn is interpolated, katz, add and mle are backoff models)",
                                  name));
  }
  if (name == "mkn") {
    KneserNeyOptions kn;
    kn.allow_discount_fallback = !opt.strict_discounts;
    return std::make_unique<ModifiedKneserNey>(kn);
  }
  if (name == "stupid") return std::make_unique<StupidBackoff>(opt.alpha);
  static constexpr std::pair<std::string_view, ClassicKind> kKinds[] = {
      {"kn", ClassicKind::kKneserNey}, {"wb", ClassicKind::kWittenBell}, {"absolute", ClassicKind::kAbsolute},
      {"katz", ClassicKind::kKatz},    {"add", ClassicKind::kAdditive},  {"mle", ClassicKind::kMle},
  };
  for (const auto& [kind_name, kind] : kKinds) {
    if (kind_name != name) continue;
    ClassicOptions options;
    options.kind = kind;
    options.interpolate = !opt.backoff;
    options.allow_discount_fallback = !opt.strict_discounts;
    if (!opt.discount.empty()) options.discounts = parse_discounts(opt.discount, corpus);
    if (!opt.gt_max.empty()) options.gt_max = parse_counts("--gt-max", opt.gt_max, corpus, "1 7 7", "1,7,7");
    options.add = opt.add;
    return std::make_unique<ClassicSmoothing>(options);
  }
  throw ConfigError(fmt::format("--smoothing {}: give mkn, kn, wb, absolute, katz, add, mle or stupid", name));
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
