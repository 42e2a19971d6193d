#include <catch2/catch.hpp>

#include "lm/classic_smoothing.hpp"
#include "lm/error.hpp"
#include "lm/kneser_ney.hpp"
#include "lm/nltk_smoothing.hpp"
#include "lm/smoothing_choice.hpp"
#include "lm/stupid_backoff.hpp"

using namespace lm;

namespace {

SmoothingChoice named(const std::string& method) {
  SmoothingChoice c;
  c.method = method;
  return c;
}

// The setting a choice's ConfigError is about ("" for none), or "ok".
std::string refused(const SmoothingChoice& c) {
  try {
    (void)make_smoothing_method(c);
  } catch (const ConfigError& e) {
    return e.setting();
  }
  return "ok";
}

}  // namespace

TEST_CASE("make_smoothing_method: each name makes its method", "[smoothing]") {
  CHECK(dynamic_cast<ModifiedKneserNey*>(make_smoothing_method(named("mkn")).get()) != nullptr);
  CHECK(dynamic_cast<StupidBackoff*>(make_smoothing_method(named("stupid")).get()) != nullptr);
  for (const char* m : {"kn", "wb", "absolute", "katz", "add", "mle"}) {
    CHECK(dynamic_cast<ClassicSmoothing*>(make_smoothing_method(named(m)).get()) != nullptr);
  }
  SmoothingChoice nltk = named("wb");
  nltk.nltk = true;
  CHECK(dynamic_cast<NltkSmoothing*>(make_smoothing_method(nltk).get()) != nullptr);
}

TEST_CASE("make_smoothing_method: options of another method and impossible mixes name their setting", "[smoothing]") {
  CHECK(refused(named("foo")).empty());  // the message names {smoothing} and the value
  SmoothingChoice c = named("mkn");
  c.discount = {0.5};
  CHECK(refused(c) == "discount");
  c = named("absolute");
  c.discount = {0.5};
  CHECK(refused(c) == "ok");
  c = named("mkn");
  c.alpha = 0.5;
  CHECK(refused(c) == "alpha");
  c = named("kn");
  c.add = 2;
  CHECK(refused(c) == "add");
  c = named("wb");
  c.gt_max = {1, 7};
  CHECK(refused(c) == "gt_max");
  c = named("katz");
  c.backoff = true;
  CHECK(refused(c) == "backoff");
  c = named("kn");
  c.backoff = true;
  CHECK(refused(c) == "ok");
  c = named("kn");
  c.nltk = true;
  CHECK(refused(c) == "nltk");
  c = named("absolute");
  c.nltk = true;
  c.discount = {0.5, 0.6};
  CHECK(refused(c) == "discount");
}
