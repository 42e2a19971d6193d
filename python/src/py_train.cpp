// lm.train, lm.prune and lm.mix: the library calls behind lm train, lm prune
// and lm mix. python/lm/__init__.py wraps them with Python's conveniences
// (iterables of sentences, single values for per-order lists).
#include <pybind11/stl.h>

#include <fmt/format.h>
#include <optional>

#include "lm/memory_size.hpp"
#include "lm/mixture.hpp"
#include "lm/model_io.hpp"
#include "lm/ngram_table.hpp"
#include "lm/parallel.hpp"
#include "lm/prune.hpp"
#include "lm/smoothing_choice.hpp"
#include "lm/static_mix.hpp"
#include "lm/train.hpp"
#include "py_errors.hpp"
#include "py_model.hpp"

namespace lm::py {

namespace {

TextUnits units_named(const std::string& name) {
  TextUnits units{};
  if (!parse_units(name, &units)) {
    throw ConfigError("units", fmt::format("{}: give words, chars or bytes", ConfigError::literal(name)));
  }
  return units;
}

Normalization normalization_named(const std::string& name) {
  Normalization form{};
  if (!parse_normalization(name, &form)) {
    throw ConfigError("normalize", fmt::format("{}: give none, nfc or nfkc", ConfigError::literal(name)));
  }
  return form;
}

// The message of a FormatError about the corpus without its "path:line: ".
std::string without_place(const FormatError& e) {
  const std::string what = e.what();
  const std::string place = e.line() == 0 ? e.path() + ": " : fmt::format("{}:{}: ", e.path(), e.line());
  return what.rfind(place, 0) == 0 ? what.substr(place.size()) : what;
}

struct TrainArgs {
  std::string corpus;
  std::string source;  // how errors name the corpus: "" for the path itself
  std::string output;
  std::string arpa;
  int order = 3;
  std::string memory;
  unsigned threads = 0;
  std::string temp_dir;
  std::vector<std::uint64_t> prune;
  std::vector<std::uint64_t> min_counts;
  SmoothingChoice smoothing;
  bool closed_vocab = false;
  VocabLimits limits;
  int quantize_bits = 0;
  TextOptions text;
  bool skip_bad_lines = false;
};

std::shared_ptr<PyModel> train_model(const TrainArgs& a, std::vector<std::string>* warnings) {
  const std::unique_ptr<SmoothingMethod> method = make_smoothing_method(a.smoothing);
  TrainSpec spec;
  spec.corpus = a.corpus;
  spec.model_path = a.output;
  spec.arpa_path = a.arpa;
  spec.layout.quantize_bits = a.quantize_bits;
  spec.limits = a.limits;
  CountConfig& config = spec.count;
  config.order = a.order;
  config.memory = parse_memory_size(a.memory);
  config.threads = static_cast<int>(a.threads > 0 ? a.threads : available_cpus());
  config.temp_dir = a.temp_dir;
  config.prune = a.prune;
  config.skip_bad_lines = a.skip_bad_lines;
  config.nltk_padding = a.smoothing.nltk;
  config.text = a.text;
  spec.method = method.get();
  spec.settings.closed_vocab = a.closed_vocab;
  spec.settings.min_counts = a.min_counts;
  try {
    TrainResult result = [&] {
      pybind11::gil_scoped_release release;
      return train(spec);
    }();
    *warnings = std::move(result.warnings);
    return std::make_shared<PyModel>(std::move(result.model), a.output);
  } catch (const ConfigError&) {
    throw;
  } catch (const FormatError& e) {
    if (e.path() == a.corpus && e.line() > 0) {
      const std::string where = a.source.empty() ? fmt::format("{}:{}", a.corpus, e.line())
                                                 : fmt::format("{}[{}]", a.source, e.line() - 1);
      value_error(fmt::format("{}: {} (or train with skip_bad_lines=True to leave such lines out)", where,
                              without_place(e)));
    }
    os_error(e.path(), e.what());
  } catch (const Error& e) {
    os_error(a.corpus, e.what());
  }
}

std::shared_ptr<PyModel> built(NGramTable table, const std::string& output) {
  Model model = build_model(std::move(table));
  if (!output.empty()) save_model(model, output);
  return std::make_shared<PyModel>(std::move(model), output);
}

}  // namespace

void bind_train(pybind11::module_& m) {
  m.def(
      "_train",
      [](const std::string& corpus, const std::string& source, const std::string& output, const std::string& arpa,
         int order, const std::string& memory, unsigned threads, const std::string& temp_dir,
         std::vector<std::uint64_t> prune, std::vector<std::uint64_t> min_counts, const std::string& smoothing,
         bool backoff, std::vector<double> discount, std::vector<std::uint64_t> gt_max, std::optional<double> add,
         std::optional<double> alpha, bool strict_discounts, bool nltk, bool closed_vocab, std::uint64_t min_count,
         std::uint64_t max_vocab, const std::string& vocab_file, int quantize_bits, const std::string& units,
         const std::string& normalize, bool lowercase, bool split_punct, const std::string& space_token,
         bool skip_bad_lines) {
        TrainArgs a;
        a.corpus = corpus;
        a.source = source;
        a.output = output;
        a.arpa = arpa;
        a.order = order;
        a.memory = memory;
        a.threads = threads;
        a.temp_dir = temp_dir;
        a.prune = std::move(prune);
        a.min_counts = std::move(min_counts);
        a.smoothing.method = smoothing;
        a.smoothing.backoff = backoff;
        a.smoothing.discount = std::move(discount);
        a.smoothing.gt_max = std::move(gt_max);
        a.smoothing.add = add;
        a.smoothing.alpha = alpha;
        a.smoothing.strict_discounts = strict_discounts;
        a.smoothing.nltk = nltk;
        a.closed_vocab = closed_vocab;
        a.limits.min_count = min_count;
        a.limits.max_vocab = max_vocab;
        a.limits.vocab_file = vocab_file;
        a.quantize_bits = quantize_bits;
        a.text.units = units_named(units);
        a.text.normalize = normalization_named(normalize);
        a.text.lowercase = lowercase;
        a.text.split_punct = split_punct;
        a.text.space_token = space_token;
        a.skip_bad_lines = skip_bad_lines;
        std::vector<std::string> warnings;
        std::shared_ptr<PyModel> model = train_model(a, &warnings);
        return pybind11::make_tuple(model, warnings);
      });
  m.def("_prune", [](const PyModel& model, double threshold, int min_order, unsigned threads,
                     const std::string& output) {
    PruneOptions options;
    options.threshold = threshold;
    options.min_order = min_order;
    options.threads = threads == 0 ? available_cpus() : threads;
    return file_call(output, [&] {
      pybind11::gil_scoped_release release;
      return built(prune_model(model.model(), options).table, output);
    });
  });
  m.def("_mix", [](const std::vector<std::shared_ptr<PyModel>>& models, std::vector<double> weights, unsigned threads,
                   const std::string& output) {
    std::vector<const Model*> pointers;
    for (const auto& p : models) pointers.push_back(&p->model());
    const Mixture mixture(pointers, std::move(weights));
    return file_call(output, [&] {
      pybind11::gil_scoped_release release;
      return built(mix_static(mixture, threads == 0 ? available_cpus() : threads), output);
    });
  });
}

}  // namespace lm::py
