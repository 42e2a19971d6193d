#include "lm/kneser_ney.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "lm/error.hpp"

namespace lm {

std::vector<Discount> compute_discounts(const std::vector<std::array<std::uint64_t, 5>>& counts_of_counts,
                                        const KneserNeyOptions& options, std::vector<std::string>* warnings) {
  std::vector<Discount> discounts;
  for (std::size_t i = 0; i < counts_of_counts.size(); ++i) {
    const auto& t = counts_of_counts[i];
    const int order = static_cast<int>(i) + 1;
    std::string problem;
    Discount d;
    for (int j = 1; j <= 3 && problem.empty(); ++j) {
      if (t[j] == 0) problem = fmt::format("no {}-grams have adjusted count {}", order, j);
    }
    if (problem.empty()) {
      // Chen & Goodman eq. 26, in float like lmplz so that the results match.
      const float y = static_cast<float>(t[1]) / static_cast<float>(static_cast<double>(t[1]) + 2.0 * static_cast<double>(t[2]));
      for (int j = 1; j <= 3; ++j) {
        const float amount = static_cast<float>(j) - static_cast<float>(j + 1) * y *
                                                         static_cast<float>(t[j + 1]) /
                                                         static_cast<float>(t[j]);
        d.d[j] = amount;
        // lmplz accepts 0; lm does not, since a zero discount can leave a context
        // no backoff mass (log10 backoff -inf) on degenerate data.
        if (amount <= 0.0f || amount > static_cast<float>(j)) {
          problem = fmt::format("the {}-gram discount for count {} is {:.4g}, outside (0, {}]", order,
                                j, amount, j);
          break;
        }
      }
    }
    if (!problem.empty()) {
      if (!options.allow_discount_fallback) {
        throw Error(fmt::format("cannot estimate modified Kneser-Ney discounts: {}; the corpus is too "
                                "small or unusual (allow the fallback discounts, or add text)",
                                problem));
      }
      warnings->push_back(fmt::format(
          "order {}: {}, so Kneser-Ney discounts cannot be estimated (tiny or unusual corpus); "
          "using D1={} D2={} D3+={}",
          order, problem, options.fallback.d[1], options.fallback.d[2], options.fallback.d[3]));
      d = options.fallback;
    }
    discounts.push_back(d);
  }
  return discounts;
}

namespace {

// gamma and denominator of one context.
struct ContextMass {
  double denominator = 0;
  double gamma = 0;
};

// pruned (may be empty): entries left out of the model. Their counts stay in
// the denominator and their discounted-away mass goes to gamma, as lmplz
// does, so the model stays normalized.
ContextMass context_mass(std::span<const std::uint32_t> counts, std::span<const std::uint8_t> pruned,
                         const Discount& discount) {
  std::uint64_t total = 0;
  std::uint64_t left_out = 0;
  std::array<std::uint64_t, 4> n{};
  for (std::size_t i = 0; i < counts.size(); ++i) {
    total += counts[i];
    if (!pruned.empty() && pruned[i] != 0) {
      left_out += counts[i];
    } else if (counts[i] > 0) {
      ++n[std::min<std::uint64_t>(counts[i], 3)];
    }
  }
  ContextMass m;
  m.denominator = static_cast<double>(total);
  double mass = discount.d[1] * static_cast<double>(n[1]) + discount.d[2] * static_cast<double>(n[2]) +
                discount.d[3] * static_cast<double>(n[3]) + static_cast<double>(left_out);
  m.gamma = total > 0 ? mass / m.denominator : 0.0;
  return m;
}

}  // namespace

void ModifiedKneserNey::prepare(const NGramCounts& counts, const EstimateSettings& settings,
                                std::vector<std::string>* warnings) {
  closed_vocab_ = settings.closed_vocab;
  discounts_ = compute_discounts(counts.counts_of_counts, options_, warnings);
}

SmoothingInfo ModifiedKneserNey::describe() const {
  SmoothingInfo info;
  info.method = "mkn";
  for (std::size_t i = 0; i < discounts_.size(); ++i) {
    const int n = static_cast<int>(i) + 1;
    info.params.push_back({"D1", n, discounts_[i].d[1]});
    info.params.push_back({"D2", n, discounts_[i].d[2]});
    info.params.push_back({"D3+", n, discounts_[i].d[3]});
  }
  return info;
}

void ModifiedKneserNey::unigrams(const NGramCounts& counts, std::span<double> prob) const {
  const std::vector<std::uint32_t>& c = counts.levels[0].counts;
  const Discount& discount = discounts_[0];
  const ContextMass root = context_mass(c, {}, discount);
  // The uniform distribution: over the words but <s> (and <unk>, which a
  // closed vocabulary does not predict).
  const double uniform = 1.0 / static_cast<double>(prob.size() - (closed_vocab_ ? 2 : 1));
  for (std::size_t w = 0; w < prob.size(); ++w) {
    prob[w] = (static_cast<double>(c[w]) - discount.get(c[w])) / root.denominator + root.gamma * uniform;
  }
  prob[kBosId] = 1.0;  // lmplz's convention: <s> is never predicted
}

double ModifiedKneserNey::context(const ContextCounts& c, std::span<double> prob) const {
  const Discount& discount = discounts_[static_cast<std::size_t>(c.n) - 1];
  const ContextMass mass = context_mass(c.adjusted, c.pruned, discount);
  const bool pruning = !c.pruned.empty();
  for (std::size_t i = 0; i < c.adjusted.size(); ++i) {
    if (pruning && c.pruned[i] != 0) continue;
    const std::uint64_t a = c.adjusted[i];
    prob[i] = (static_cast<double>(a) - discount.get(a)) / mass.denominator + mass.gamma * c.lower_prob[c.suffix[i]];
  }
  return mass.gamma;
}

}  // namespace lm
