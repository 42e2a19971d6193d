// How a smoothing method's description is stored: the model header and ARPA comments.
#include <catch2/catch.hpp>

#include "lm/estimator.hpp"
#include "lm/smoothing.hpp"
#include "model/smoothing_codec.hpp"
#include "test_util.hpp"

namespace lm {

namespace {

SmoothingInfo mkn(int order) {
  SmoothingInfo info{"mkn", {}};
  for (int n = 1; n <= order; ++n) {
    info.params.push_back({"D1", n, 0.5 + n});
    info.params.push_back({"D2", n, 1.0 / 3 + n});
    info.params.push_back({"D3+", n, 1.5e-7 * n});
  }
  return info;
}

}  // namespace

TEST_CASE("a method's parameters go into the header and come back", "[smoothing]") {
  for (int order : {1, 3, kMaxOrder}) {
    std::uint32_t id = 0;
    double params[detail::kMethodParams];
    detail::encode_smoothing(mkn(order), order, &id, params);
    CHECK(id == 1);
    // Modified Kneser-Ney's layout, as format version 8 has it: D1 D2 D3+ per order.
    CHECK(params[3 * (order - 1) + 1] == 1.0 / 3 + order);
    CHECK(detail::decode_smoothing(id, params, order) == mkn(order));
  }
}

TEST_CASE("a method the file format does not name is recorded as unknown", "[smoothing]") {
  std::uint32_t id = 0;
  double params[detail::kMethodParams];
  detail::encode_smoothing({"toy", {{"lambda", 0, 0.5}}}, 3, &id, params);
  CHECK(id == detail::unknown_method().id);
  CHECK(detail::decode_smoothing(id, params, 3) == SmoothingInfo{});
  // So is a known method with parameters that are not its own.
  detail::encode_smoothing({"mkn", {{"lambda", 1, 0.5}}}, 3, &id, params);
  CHECK(id == detail::unknown_method().id);
  CHECK(detail::find_method(std::uint32_t{999}) == nullptr);
  CHECK(smoothing_title("mkn") == "interpolated modified Kneser-Ney");
  CHECK(smoothing_label("mkn") == "discounts");
}

TEST_CASE("ARPA comments carry the method exactly", "[smoothing]") {
  const SmoothingInfo info = mkn(3);
  const std::string comment = detail::arpa_smoothing_comment(info);
  CHECK(comment.rfind("# lm smoothing: mkn (interpolated modified Kneser-Ney)\n# lm 1-gram discounts: D1=1.5 ", 0) == 0);
  SmoothingInfo back;
  std::size_t start = 0;
  int lines = 0;
  while (start < comment.size()) {
    const std::size_t end = comment.find('\n', start);
    CHECK(detail::parse_arpa_smoothing_comment(std::string_view(comment).substr(start, end - start), &back));
    start = end + 1;
    ++lines;
  }
  CHECK(lines == 4);
  CHECK(back == info);
  CHECK(detail::arpa_smoothing_comment(SmoothingInfo{}).empty());
  SmoothingInfo other;
  CHECK_FALSE(detail::parse_arpa_smoothing_comment("# written by some other tool", &other));
  CHECK_FALSE(detail::parse_arpa_smoothing_comment("# lm smoothing: no-such-method", &other));
  CHECK_FALSE(detail::parse_arpa_smoothing_comment("# lm 1-gram discounts: D1=x", &other));
}

TEST_CASE("a trained model records its method and lm info's figures come from it", "[smoothing]") {
  const EstimateResult r = estimate(test::count_file(test::test_data("toy.txt"), 3));
  const SmoothingInfo& s = r.model.info().smoothing;
  CHECK(s.method == "mkn");
  CHECK(s.params.size() == 9);
  // The hand-worked unigram discounts of the toy corpus (tests/cli/cli_info.sh).
  CHECK(test::smoothing_param(r.model.info(), "D1", 1) == Approx(0.4));
  CHECK(test::smoothing_param(r.model.info(), "D2", 1) == Approx(1.6));
  CHECK(test::smoothing_param(r.model.info(), "D3+", 1) == Approx(1.4));
}

}  // namespace lm
