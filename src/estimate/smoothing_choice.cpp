#include "lm/smoothing_choice.hpp"

#include <fmt/format.h>
#include <string_view>
#include <utility>

#include "lm/classic_smoothing.hpp"
#include "lm/error.hpp"
#include "lm/kneser_ney.hpp"
#include "lm/nltk_smoothing.hpp"
#include "lm/stupid_backoff.hpp"

namespace lm {

namespace {

// NLTK's model that choice.method names.
std::unique_ptr<SmoothingMethod> make_nltk_method(const SmoothingChoice& choice) {
  static constexpr std::pair<std::string_view, NltkKind> kKinds[] = {
      {"wb", NltkKind::kWittenBell}, {"absolute", NltkKind::kAbsolute},
      {"add", NltkKind::kAdditive},  {"mle", NltkKind::kMle},
  };
  for (const auto& [kind_name, kind] : kKinds) {
    if (kind_name != choice.method) continue;
    if (choice.backoff) {
      throw ConfigError("backoff", "NLTK's wb and absolute are interpolated; leave out {backoff} with {nltk}");
    }
    NltkOptions options;
    options.kind = kind;
    if (!choice.discount.empty()) {
      if (choice.discount.size() != 1) {
        throw ConfigError("discount", "NLTK has one discount for every order; give one value with {nltk}");
      }
      options.discount = choice.discount[0];
    }
    options.add = choice.add.value_or(options.add);
    return std::make_unique<NltkSmoothing>(options);
  }
  throw ConfigError("nltk", fmt::format("{{smoothing}} {} is not one of NLTK's models here; give {{smoothing}} wb "
                                        "(WittenBellInterpolated), absolute (AbsoluteDiscountingInterpolated), add "
                                        "(Lidstone, Laplace with {{add}} 1) or mle (MLE)",
                                        ConfigError::literal(choice.method)));
}

}  // namespace

std::unique_ptr<SmoothingMethod> make_smoothing_method(const SmoothingChoice& choice) {
  const std::string& name = choice.method;
  auto only_for = [&](bool given, const char* setting, const char* method) {
    if (given && name != method) {
      throw ConfigError(setting, fmt::format("is an option of {{smoothing}} {}, not of {}", method,
                                             ConfigError::literal(name)));
    }
  };
  only_for(!choice.discount.empty(), "discount", "absolute");
  only_for(!choice.gt_max.empty(), "gt_max", "katz");
  only_for(choice.add.has_value(), "add", "add");
  only_for(choice.alpha.has_value(), "alpha", "stupid");
  if (choice.nltk) return make_nltk_method(choice);
  if (choice.backoff && name != "kn" && name != "wb" && name != "absolute") {
    throw ConfigError("backoff", fmt::format("{} has no interpolated and backoff variants (kn, wb and absolute do; "
                                             "mkn is interpolated, katz, add and mle are backoff models)",
                                             ConfigError::literal(name)));
  }
  if (name == "mkn") {
    KneserNeyOptions kn;
    kn.allow_discount_fallback = !choice.strict_discounts;
    return std::make_unique<ModifiedKneserNey>(kn);
  }
  if (name == "stupid") return std::make_unique<StupidBackoff>(choice.alpha.value_or(0.4));
  static constexpr std::pair<std::string_view, ClassicKind> kKinds[] = {
      {"kn", ClassicKind::kKneserNey}, {"wb", ClassicKind::kWittenBell}, {"absolute", ClassicKind::kAbsolute},
      {"katz", ClassicKind::kKatz},    {"add", ClassicKind::kAdditive},  {"mle", ClassicKind::kMle},
  };
  for (const auto& [kind_name, kind] : kKinds) {
    if (kind_name != name) continue;
    ClassicOptions options;
    options.kind = kind;
    options.interpolate = !choice.backoff;
    options.allow_discount_fallback = !choice.strict_discounts;
    if (!choice.discount.empty()) options.discounts = choice.discount;
    if (!choice.gt_max.empty()) options.gt_max = choice.gt_max;
    options.add = choice.add.value_or(options.add);
    return std::make_unique<ClassicSmoothing>(options);
  }
  throw ConfigError("", fmt::format("{{smoothing}} {}: give mkn, kn, wb, absolute, katz, add, mle or stupid",
                                    ConfigError::literal(name)));
}

}  // namespace lm
