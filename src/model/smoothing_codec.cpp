#include "model/smoothing_codec.hpp"

#include "lm/smoothing.hpp"

#include <array>
#include <charconv>
#include <fmt/format.h>

namespace lm::detail {

namespace {

constexpr std::array<std::string_view, 3> kKneserNeyParams = {"D1", "D2", "D3+"};
constexpr std::array<std::string_view, 1> kDiscountParam = {"D"};
constexpr std::array<std::string_view, 8> kGoodTuringParams = {"gtmax", "d1", "d2", "d3", "d4", "d5", "d6", "d7"};
constexpr std::array<std::string_view, 1> kAddParam = {"K"};
constexpr std::array<std::string_view, 1> kAlphaParam = {"alpha"};

// Ids are never reused. The second entry stays where it is: unknown_method().
const MethodEntry kMethods[] = {
    {1, "mkn", "interpolated modified Kneser-Ney", "discounts", kKneserNeyParams},
    {2, "", "unknown", "", {}},
    {3, "kn", "interpolated Kneser-Ney", "discount", kDiscountParam},
    {4, "kn-backoff", "backoff Kneser-Ney", "discount", kDiscountParam},
    {5, "wb", "interpolated Witten-Bell", "", {}},
    {6, "wb-backoff", "backoff Witten-Bell", "", {}},
    {7, "absolute", "interpolated absolute discounting", "discount", kDiscountParam},
    {8, "absolute-backoff", "backoff absolute discounting", "discount", kDiscountParam},
    {9, "katz", "Good-Turing discounting with Katz backoff", "Good-Turing", kGoodTuringParams},
    {10, "add", "additive smoothing with backoff", "additive", kAddParam},
    {11, "mle", "maximum likelihood with backoff", "", {}},
    {12, "stupid", "stupid backoff (scores, not probabilities)", "stupid backoff", kAlphaParam},
    {13, "nltk-wb", "NLTK's WittenBellInterpolated", "", {}},
    {14, "nltk-absolute", "NLTK's AbsoluteDiscountingInterpolated", "discount", kDiscountParam},
    {15, "nltk-add", "NLTK's Lidstone (additive; Laplace for K=1)", "additive", kAddParam},
    {16, "nltk-mle", "NLTK's MLE (maximum likelihood)", "", {}},
    {17, "mix", "static mixture of models (lm mix; SRILM's -mix-lm)", "", {}},
};

constexpr std::string_view kCommentPrefix = "# lm ";

}  // namespace

const MethodEntry* find_method(std::uint32_t id) {
  for (const MethodEntry& m : kMethods) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

const MethodEntry* find_method(std::string_view name) {
  for (const MethodEntry& m : kMethods) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

const MethodEntry& unknown_method() { return kMethods[1]; }

void encode_smoothing(const SmoothingInfo& info, int order, std::uint32_t* id, double* params) {
  std::fill(params, params + kMethodParams, 0.0);
  const MethodEntry* m = find_method(info.method);
  const std::size_t per = m == nullptr ? 0 : m->per_order.size();
  // Orders whose parameters do not fit in the header keep none (decode gives
  // those that fit).
  bool fits = m != nullptr;
  for (const SmoothingParam& p : info.params) {
    if (!fits) break;
    std::size_t j = 0;
    while (j < per && m->per_order[j] != p.name) ++j;
    fits = j < per && p.order >= 1 && p.order <= order;
    const std::size_t slot = (static_cast<std::size_t>(p.order) - 1) * per + j;
    if (fits && slot < kMethodParams) params[slot] = p.value;
  }
  if (!fits) {
    std::fill(params, params + kMethodParams, 0.0);
    m = &unknown_method();
  }
  *id = m->id;
}

SmoothingInfo decode_smoothing(std::uint32_t id, const double* params, int order) {
  const MethodEntry& m = *find_method(id);
  SmoothingInfo info;
  info.method = std::string(m.name);
  const std::size_t per = m.per_order.size();
  for (int n = 1; n <= order && per * static_cast<std::size_t>(n) <= kMethodParams; ++n) {
    for (std::size_t j = 0; j < per; ++j) {
      info.params.push_back({std::string(m.per_order[j]), n, params[(static_cast<std::size_t>(n) - 1) * per + j]});
    }
  }
  return info;
}

std::string arpa_smoothing_comment(const SmoothingInfo& info) {
  const MethodEntry* m = find_method(info.method);
  if (m == nullptr || m->name.empty()) return "";
  std::string out = fmt::format("{}smoothing: {} ({})\n", kCommentPrefix, m->name, m->title);
  int line_order = -1;
  for (const SmoothingParam& p : info.params) {
    if (p.order != line_order) {
      if (line_order != -1) out += '\n';
      line_order = p.order;
      out += p.order == 0 ? fmt::format("{}{}:", kCommentPrefix, m->label)
                          : fmt::format("{}{}-gram {}:", kCommentPrefix, p.order, m->label);
    }
    out += fmt::format(" {}={}", p.name, p.value);
  }
  if (line_order != -1) out += '\n';
  return out;
}

bool parse_arpa_smoothing_comment(std::string_view line, SmoothingInfo* info) {
  if (line.substr(0, kCommentPrefix.size()) != kCommentPrefix) return false;
  line.remove_prefix(kCommentPrefix.size());
  if (line.substr(0, 11) == "smoothing: ") {
    line.remove_prefix(11);
    const std::string_view name = line.substr(0, line.find(' '));
    const MethodEntry* m = find_method(name);
    if (m == nullptr || name.empty()) return false;
    info->method = std::string(name);
    info->params.clear();
    return true;
  }
  // "N-gram LABEL: name=value ...", or "LABEL: ..." for the whole model.
  int order = 0;
  auto [after, ec] = std::from_chars(line.data(), line.data() + line.size(), order);
  if (ec == std::errc()) {
    line.remove_prefix(static_cast<std::size_t>(after - line.data()));
    if (line.substr(0, 6) != "-gram " || order < 1 || order > kMaxOrder) return false;
    line.remove_prefix(6);
  }
  const MethodEntry* m = find_method(info->method);
  const std::size_t colon = line.find(": ");
  if (m == nullptr || colon == std::string_view::npos || line.substr(0, colon) != m->label) return false;
  line.remove_prefix(colon + 2);
  std::vector<SmoothingParam> params;
  while (!line.empty()) {
    const std::size_t end = std::min(line.find(' '), line.size());
    const std::string_view item = line.substr(0, end);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) return false;
    double value = 0;
    const char* last = item.data() + item.size();
    auto [ptr, err] = std::from_chars(item.data() + eq + 1, last, value);
    if (err != std::errc() || ptr != last) return false;
    params.push_back({std::string(item.substr(0, eq)), order, value});
    line.remove_prefix(std::min(end + 1, line.size()));
  }
  info->params.insert(info->params.end(), params.begin(), params.end());
  return true;
}

}  // namespace lm::detail

namespace lm {

bool smoothing_normalized(std::string_view method) { return method != "stupid"; }

std::string_view smoothing_title(std::string_view method) {
  const detail::MethodEntry* m = detail::find_method(method);
  return m != nullptr ? m->title : detail::unknown_method().title;
}

std::string_view smoothing_label(std::string_view method) {
  const detail::MethodEntry* m = detail::find_method(method);
  return m != nullptr && !m->label.empty() ? m->label : "parameters";
}

}  // namespace lm
