// The classic family, as SRILM's Ngram::estimate computes it (see
// lm/classic_smoothing.hpp). Comments name the SRILM function each part
// follows, so that a difference can be traced.
#include "lm/classic_smoothing.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "lm/error.hpp"

namespace lm {

namespace {

// SRILM's Prob_Epsilon: probability sums closer than this to 0 or 1 are taken as 0 or 1.
constexpr double kEpsilon = 3e-6;
// Below this much mass left, backoff weights are computed from the
// probabilities as SRILM stores them (ClassicSmoothing::stored).
constexpr double kStoredBelow = 0.05;

template <typename T>
T per_order(const std::vector<T>& values, int n) {
  return values[std::min(values.size(), static_cast<std::size_t>(n)) - 1];
}

// Whether word w of the unigram level is predicted (SRILM: not a non-event).
bool is_event(WordId w, bool closed_vocab) { return w != kBosId && !(closed_vocab && w == kUnkId); }

}  // namespace

void check_classic_options(const ClassicOptions& options) {
  if (options.kind == ClassicKind::kAbsolute) {
    if (options.discounts.empty()) throw ConfigError("discount", "absolute discounting needs a discount D, from 0 to 1");
    for (double d : options.discounts) {
      if (!(d >= 0.0 && d <= 1.0)) {
        throw ConfigError("discount", ConfigError::literal(fmt::format("{}: an absolute discount is from 0 to 1", d)));
      }
    }
  }
  if (options.kind == ClassicKind::kKatz) {
    if (options.gt_max.empty()) throw ConfigError("gt_max", "Good-Turing needs the largest count to discount: 1 7 7, say");
    for (std::uint64_t m : options.gt_max) {
      if (m > 7) {
        throw ConfigError("gt_max", fmt::format("{}: Good-Turing discounts counts up to 7 at most", m));
      }
    }
  }
  if (options.kind == ClassicKind::kAdditive && !(options.add > 0.0 && std::isfinite(options.add))) {
    throw ConfigError("add", ConfigError::literal(fmt::format("{}: the added count must be above 0 (1 for Laplace)",
                                                              options.add)));
  }
}

std::string classic_method_name(const ClassicOptions& options) {
  const char* suffix = options.interpolate ? "" : "-backoff";
  switch (options.kind) {
    case ClassicKind::kKneserNey: return std::string("kn") + suffix;
    case ClassicKind::kWittenBell: return std::string("wb") + suffix;
    case ClassicKind::kAbsolute: return std::string("absolute") + suffix;
    case ClassicKind::kKatz: return "katz";
    case ClassicKind::kAdditive: return "add";
    case ClassicKind::kMle: return "mle";
  }
  return "";
}

ClassicSmoothing::ClassicSmoothing(ClassicOptions options) : options_(std::move(options)) {
  check_classic_options(options_);
  const ClassicKind k = options_.kind;
  if (k == ClassicKind::kKatz || k == ClassicKind::kAdditive || k == ClassicKind::kMle) options_.interpolate = false;
}

CountNeeds ClassicSmoothing::needs() const {
  const bool kn = options_.kind == ClassicKind::kKneserNey;
  return {.raw_counts = !kn, .adjusted_min_counts = kn};
}

namespace {

// SRILM's GoodTuring::estimate: discount coefficients d(c) for c = 1..max
// from the counts of counts n_c (c = 0..max+1), max lowered while n_(max+1)
// is 0. Returns the max used (0: no discounting at this order).
std::uint64_t good_turing(int n, std::uint64_t max, const std::vector<std::uint64_t>& coc, std::vector<double>* coeffs,
                          std::vector<std::string>* warnings) {
  const std::string what = "(add text, or lower --gt-max for this order)";
  if (max > 0 && coc[1] == 0) {
    warnings->push_back(fmt::format("order {}: no {}-grams were seen once, so Good-Turing cannot discount them; "
                                    "this order is not discounted {}", n, n, what));
    max = 0;
  }
  while (max > 0 && coc[max + 1] == 0) {
    warnings->push_back(fmt::format("order {}: no {}-grams were seen {} times, so Good-Turing discounts counts "
                                    "up to {} only {}", n, n, max + 1, max - 1, what));
    --max;
  }
  coeffs->assign(max + 1, 1.0);
  if (max == 0) return 0;
  const double common = static_cast<double>(max + 1) * static_cast<double>(coc[max + 1]) / static_cast<double>(coc[1]);
  for (std::uint64_t c = 1; c <= max; ++c) {
    double coeff = 1.0;
    if (coc[c] == 0) {
      warnings->push_back(fmt::format("order {}: no {}-grams were seen {} times, so counts of {} are not "
                                      "discounted {}", n, n, c, c, what));
    } else {
      const double coeff0 = static_cast<double>(c + 1) * static_cast<double>(coc[c + 1]) /
                            (static_cast<double>(c) * static_cast<double>(coc[c]));
      coeff = (coeff0 - common) / (1.0 - common);
      if (!std::isfinite(coeff) || coeff <= kEpsilon || coeff0 > 1.0) {
        warnings->push_back(fmt::format("order {}: the Good-Turing discount for count {} is out of range ({:.4g}), "
                                        "so counts of {} are not discounted {}", n, c, coeff, c, what));
        coeff = 1.0;
      }
    }
    (*coeffs)[c] = coeff;
  }
  return max;
}

}  // namespace

void ClassicSmoothing::prepare(const NGramCounts& counts, const EstimateSettings& settings,
                               std::vector<std::string>* warnings) {
  closed_vocab_ = settings.closed_vocab;
  vocab_events_ = counts.vocab.size() - (closed_vocab_ ? 2 : 1);
  min_counts_ = check_min_counts(settings.min_counts, counts.order);
  orders_.assign(static_cast<std::size_t>(counts.order), OrderParams{});
  for (int n = 1; n <= counts.order; ++n) {
    OrderParams& p = orders_[static_cast<std::size_t>(n) - 1];
    const CountLevel& level = counts.levels[static_cast<std::size_t>(n) - 1];
    switch (options_.kind) {
      case ClassicKind::kAbsolute: p.discount = per_order(options_.discounts, n); break;
      case ClassicKind::kKneserNey: {  // SRILM's KneserNey::estimate, on the adjusted counts
        std::uint64_t n1 = 0;
        std::uint64_t n2 = 0;
        for (std::size_t i = 0; i < level.size(); ++i) {
          if (n == 1 && !is_event(static_cast<WordId>(i), closed_vocab_)) continue;
          n1 += level.counts[i] == 1;
          n2 += level.counts[i] == 2;
        }
        if (n1 == 0 || n2 == 0) {
          const std::string problem =
              fmt::format("no {}-grams have adjusted count {}", n, n1 == 0 ? 1 : 2);
          if (!options_.allow_discount_fallback) {
            throw Error(fmt::format("cannot estimate the Kneser-Ney discount of order {}: {}; the corpus is too "
                                    "small or unusual (allow the fallback discount, or add text)", n, problem));
          }
          warnings->push_back(fmt::format("order {}: {}, so the Kneser-Ney discount cannot be estimated (tiny or "
                                          "unusual corpus); using D=0.5", n, problem));
          p.discount = 0.5;
        } else {
          p.discount = static_cast<double>(n1) / (static_cast<double>(n1) + 2.0 * static_cast<double>(n2));
        }
        break;
      }
      case ClassicKind::kKatz: {  // SRILM's GoodTuring::estimate, on the raw counts
        const std::uint64_t max = per_order(options_.gt_max, n);
        std::vector<std::uint64_t> coc(max + 2, 0);
        for (std::size_t i = 0; i < level.size(); ++i) {
          if (n == 1 && !is_event(static_cast<WordId>(i), closed_vocab_)) continue;
          const std::uint32_t c = level.raw_counts[i];
          if (c <= max + 1) ++coc[c];
        }
        p.gt_max = good_turing(n, max, coc, &p.gt_coeffs, warnings);
        break;
      }
      default: break;
    }
  }
}

SmoothingInfo ClassicSmoothing::describe() const {
  SmoothingInfo info;
  info.method = classic_method_name(options_);
  for (std::size_t i = 0; i < orders_.size(); ++i) {
    const int n = static_cast<int>(i) + 1;
    const OrderParams& p = orders_[i];
    switch (options_.kind) {
      case ClassicKind::kKneserNey:
      case ClassicKind::kAbsolute: info.params.push_back({"D", n, p.discount}); break;
      case ClassicKind::kKatz:
        info.params.push_back({"gtmax", n, static_cast<double>(p.gt_max)});
        for (std::uint64_t c = 1; c <= 7; ++c) {
          info.params.push_back({fmt::format("d{}", c), n, c <= p.gt_max ? p.gt_coeffs[c] : 1.0});
        }
        break;
      case ClassicKind::kAdditive: info.params.push_back({"K", n, options_.add}); break;
      default: break;
    }
  }
  return info;
}

bool ClassicSmoothing::no_discount(int n) const {
  switch (options_.kind) {
    case ClassicKind::kMle: return true;
    case ClassicKind::kAbsolute: return orders_[static_cast<std::size_t>(n) - 1].discount == 0.0 && min_count(n) <= 1;
    case ClassicKind::kKatz: return orders_[static_cast<std::size_t>(n) - 1].gt_max == 0 && min_count(n) <= 1;
    default: return false;
  }
}

std::uint64_t ClassicSmoothing::min_count(int n) const {
  return min_counts_.empty() ? 1 : min_counts_[static_cast<std::size_t>(n) - 1];
}

// SRILM's Discount::discount of each method: the factor of count / total.
double ClassicSmoothing::discount(int n, std::uint64_t count, double total, std::uint64_t observed) const {
  const OrderParams& p = orders_[static_cast<std::size_t>(n) - 1];
  const auto c = static_cast<double>(count);
  switch (options_.kind) {
    case ClassicKind::kKneserNey:
    case ClassicKind::kAbsolute: return (c - p.discount) / c;
    case ClassicKind::kWittenBell: return total / (total + static_cast<double>(observed));
    case ClassicKind::kKatz: return count > p.gt_max ? 1.0 : p.gt_coeffs[count];
    case ClassicKind::kAdditive:
      return (1.0 + options_.add / c) / (1.0 + static_cast<double>(vocab_events_) * options_.add / total);
    case ClassicKind::kMle: return 1.0;
  }
  return 1.0;
}

// SRILM's Discount::lowerOrderWeight: the weight of p(w | h') when interpolating.
double ClassicSmoothing::lower_weight(int n, double total, std::uint64_t observed) const {
  const auto seen = static_cast<double>(observed);
  switch (options_.kind) {
    case ClassicKind::kKneserNey:
    case ClassicKind::kAbsolute: return orders_[static_cast<std::size_t>(n) - 1].discount * seen / total;
    case ClassicKind::kWittenBell: return seen / (total + seen);
    default: return 0.0;
  }
}

double ClassicSmoothing::estimate(int n, const Successors& s, std::span<double> prob) const {
  double total = 0;
  for (std::size_t i = 0; i < s.count.size(); ++i) total += s.count[i];
  const std::uint64_t observed = s.count.size();
  const bool fixed = no_discount(n);
  bool interpolate = options_.interpolate;
  // SRILM's Ngram::estimate: when the kept successors take all the mass (out
  // of range discounts made 1), and words are left to back off to, estimate
  // again without interpolation, then with the total one higher.
  for (;;) {
    const double lambda = interpolate ? lower_weight(n, total, observed) : 0.0;
    double sum = 0;
    for (std::size_t i = 0; i < s.count.size(); ++i) {
      if (!s.pruned.empty() && s.pruned[i] != 0) continue;
      const double c = s.count[i];
      double p = (fixed ? 1.0 : discount(n, s.count[i], total, observed)) * c / total;
      if (interpolate) p += lambda * s.lower(i);
      prob[i] = p;
      sum += p;
    }
    if (fixed || observed >= vocab_events_ || sum <= 1.0 - kEpsilon) return sum;
    if (interpolate) {
      interpolate = false;
    } else {
      total += 1;
    }
  }
}

void ClassicSmoothing::unigrams(const NGramCounts& counts, std::span<double> prob) const {
  const CountLevel& level = counts.levels[0];
  const std::vector<std::uint32_t>& basis = options_.kind == ClassicKind::kKneserNey ? level.counts : level.raw_counts;
  // The seen words, as successors of the empty context.
  std::vector<std::uint32_t> seen_count;
  std::vector<WordId> seen;
  for (std::size_t w = 0; w < prob.size(); ++w) {
    prob[w] = 0.0;
    if (is_event(static_cast<WordId>(w), closed_vocab_) && basis[w] > 0) {
      seen.push_back(static_cast<WordId>(w));
      seen_count.push_back(basis[w]);
    }
  }
  const double uniform = 1.0 / static_cast<double>(vocab_events_);
  Successors s{seen_count, {}, {}, {}, uniform};
  std::vector<double> p(seen.size());
  const double sum = estimate(1, s, p);
  for (std::size_t i = 0; i < seen.size(); ++i) prob[seen[i]] = p[i];
  // SRILM's distributeProb: what is left goes to the words never seen, or
  // to every word when there are none.
  double left = std::fabs(1.0 - sum) < kEpsilon ? 0.0 : 1.0 - sum;
  if (left < 0) left = 0;  // SRILM leaves an improper model as it is
  const std::size_t unseen = vocab_events_ - seen.size();
  for (std::size_t w = 0; w < prob.size(); ++w) {
    if (!is_event(static_cast<WordId>(w), closed_vocab_)) continue;
    if (unseen > 0) {
      if (basis[w] == 0) prob[w] = left / static_cast<double>(unseen);
    } else {
      prob[w] += left / static_cast<double>(vocab_events_);
    }
  }
}

double ClassicSmoothing::stored(double p) {
  return p > 0 ? std::pow(10.0, static_cast<double>(static_cast<float>(std::log10(p)))) : 0.0;
}

double ClassicSmoothing::context(const ContextCounts& c, std::span<double> prob) const {
  const std::span<const std::uint32_t> count = options_.kind == ClassicKind::kKneserNey ? c.adjusted : c.raw;
  Successors s{count, c.pruned, c.suffix, c.lower_prob, 0.0};
  estimate(c.n, s, prob);
  // SRILM's Ngram::computeBOW over the kept successors.
  auto sums = [&](bool as_stored, double* numerator, double* denominator) {
    *numerator = 1.0;
    *denominator = 1.0;
    for (std::size_t i = 0; i < count.size(); ++i) {
      if (!c.pruned.empty() && c.pruned[i] != 0) continue;
      *numerator -= as_stored ? stored(prob[i]) : prob[i];
      *denominator -= s.lower(i);
    }
  };
  double numerator = 0;
  double denominator = 0;
  sums(false, &numerator, &denominator);
  // SRILM sums the probabilities it stored, as floats. When little mass is
  // left, their rounding moves the weight by more than 1e-6 in log10: do as
  // SRILM does then (rarely: a few contexts in a thousand).
  if (numerator < kStoredBelow || denominator < kStoredBelow) {
    s.as_stored = true;
    estimate(c.n, s, prob);
    sums(true, &numerator, &denominator);
  }
  if (std::fabs(numerator) < kEpsilon) numerator = 0.0;
  if (std::fabs(denominator) < kEpsilon) denominator = 0.0;
  if (denominator < kEpsilon && numerator > kEpsilon) {
    // Nothing left to back off to: scale the successors to sum to 1.
    const double scale = 1.0 / (1.0 - numerator);
    for (std::size_t i = 0; i < count.size(); ++i) {
      if (c.pruned.empty() || c.pruned[i] == 0) prob[i] *= scale;
    }
    return 1.0;
  }
  if (numerator < 0.0) return 0.0;  // an improper context, as SRILM leaves it
  if (denominator <= 0.0) return numerator > kEpsilon ? 0.0 : 1.0;
  if (numerator < kEpsilon && denominator < kEpsilon) return 1.0;
  return numerator / denominator;
}

}  // namespace lm
