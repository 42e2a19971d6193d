// Model.generate: sentences sampled as `lm generate` samples them.
#include <pybind11/stl.h>

#include <optional>

#include "lm/sampler.hpp"
#include "py_errors.hpp"
#include "py_model.hpp"

namespace lm::py {

namespace {

pybind11::list generate(PyModel& self, const pybind11::object& prefix, std::size_t n, std::optional<std::uint64_t> seed,
                        double temperature, std::size_t top_k, double top_p, std::size_t max_length, bool no_unk) {
  SamplingOptions options;
  options.temperature = temperature;
  options.top_k = top_k;
  options.top_p = top_p;
  options.max_length = max_length;
  options.no_unk = no_unk;
  options.check();
  const std::uint64_t s = seed ? *seed : random_seed();
  const Model& model = self.model();
  PyModel::Lease scratch = self.lease();
  const std::string_view text = text_of(prefix, "prefix");
  bool starts_sentence = false;  // every sentence starts at <s>: a leading <s> only says so
  const std::string why = scratch->tokenizer.read_prefix(text, &scratch->tokens, &starts_sentence, "the prefix");
  if (!why.empty()) value_error(why);
  std::vector<std::string> prefix_tokens(scratch->tokens.begin(), scratch->tokens.end());
  std::vector<WordId> prefix_ids;
  for (const std::string& w : prefix_tokens) prefix_ids.push_back(model.vocab().find(w));
  std::vector<std::string> texts(n);
  {
    pybind11::gil_scoped_release release;
    SentenceSampler sampler(model, options);
    const std::vector<std::string_view> prefix_views(prefix_tokens.begin(), prefix_tokens.end());
    std::vector<std::string_view> tokens;
    for (std::size_t i = 0; i < n; ++i) {
      texts[i] = sampled_text(scratch->tokenizer, prefix_views, sampler.sample(prefix_ids, s, i), model.vocab(), &tokens);
    }
  }
  pybind11::list out;
  for (const std::string& t : texts) out.append(word_str(t));
  return out;
}

}  // namespace

void bind_generate(pybind11::class_<PyModel, std::shared_ptr<PyModel>>& cls) {
  cls.def("generate", &generate, pybind11::arg("prefix") = "", pybind11::arg("n") = 1, pybind11::kw_only(),
          pybind11::arg("seed") = pybind11::none(), pybind11::arg("temperature") = 1.0, pybind11::arg("top_k") = 0,
          pybind11::arg("top_p") = 1.0, pybind11::arg("max_length") = 100, pybind11::arg("no_unk") = false,
          R"(n sentences sampled from the model after prefix (text, as the model reads text), as a list
of str: the prefix and the sampled tokens joined back into text. The same seed gives the
same sentences as `lm generate --seed SEED -n N PREFIX`; seed=None draws one. temperature,
top_k, top_p, max_length (tokens, </s> included) and no_unk as lm generate's options.)");
}

}  // namespace lm::py
