// Model.score_batch: many sentences scored on threads without the GIL.
#include <pybind11/numpy.h>

#include <fmt/format.h>
#include <limits>

#include "lm/parallel.hpp"
#include "py_errors.hpp"
#include "py_model.hpp"

namespace lm::py {

namespace {

// Sentences scored together, as `lm score` scores a file.
constexpr std::size_t kBatchSentences = 1024;

struct SliceError {
  std::size_t index = std::numeric_limits<std::size_t>::max();
  std::string message;
};

// Scores texts[begin, end) into scores and lengths; the first sentence that
// cannot be read goes to *error (and the slice stops there).
void score_slice(PyModel& self, std::span<const std::string_view> texts, std::size_t begin, std::size_t end,
                 SentenceEnds ends, double* scores, std::int64_t* lengths, SliceError* error) {
  PyModel::Lease scratch = self.lease();
  Tokenizer& tokenizer = scratch->tokenizer;
  const auto read = [&](std::size_t i) {
    const LineCheck check = tokenizer.tokenize(texts[i], &scratch->tokens);
    if (!check.ok()) *error = {i, describe_line_problem(texts[i], check)};
    return check.ok();
  };
  const auto put = [&](std::size_t i, const SentenceScore& s) {
    scores[i] = s.log10_prob;
    lengths[i] = static_cast<std::int64_t>(s.tokens);
  };
  if (!ends.bos || !ends.eos) {  // one at a time, as score() scores such sentences
    for (std::size_t i = begin; i < end; ++i) {
      if (!read(i)) return;
      put(i, score_words(self.model(), scratch->tokens, ends));
    }
    return;
  }
  SentenceBatch& batch = scratch->batch;
  TokenStore store;
  for (std::size_t first = begin; first < end; first += kBatchSentences) {
    const std::size_t last = std::min(end, first + kBatchSentences);
    batch.clear();
    store.clear();
    for (std::size_t i = first; i < last; ++i) {
      if (!read(i)) return;
      if (!tokenizer.views_outlive_call()) store.keep(&scratch->tokens);
      batch.add(scratch->tokens);
    }
    batch.score(self.model());
    for (std::size_t i = first; i < last; ++i) put(i, batch.result(i - first, false));
  }
}

pybind11::object score_batch(PyModel& self, const pybind11::iterable& sentences, bool bos, bool eos, unsigned threads,
                             bool return_lengths) {
  std::vector<pybind11::object> keep;  // the texts stay alive while their views are used
  std::vector<std::string_view> texts;
  for (pybind11::handle item : sentences) {
    keep.push_back(pybind11::reinterpret_borrow<pybind11::object>(item));
    texts.push_back(text_of(item, "sentences", texts.size()));
  }
  const std::size_t n = texts.size();
  pybind11::array_t<double> scores(static_cast<pybind11::ssize_t>(n));
  pybind11::array_t<std::int64_t> lengths(static_cast<pybind11::ssize_t>(n));
  double* s = scores.mutable_data();
  std::int64_t* l = lengths.mutable_data();
  if (threads == 0) threads = available_cpus();
  // Slices of at least a batch: fewer sentences than that take one thread.
  threads = static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(threads, n / kBatchSentences)));
  std::vector<SliceError> errors(threads);
  {
    pybind11::gil_scoped_release release;
    parallel_for(n, threads, [&](unsigned slice, std::size_t begin, std::size_t end) {
      score_slice(self, texts, begin, end, SentenceEnds{bos, eos}, s, l, &errors[slice]);
    });
  }
  const SliceError* first = nullptr;
  for (const SliceError& e : errors) {
    if (e.index != std::numeric_limits<std::size_t>::max() && (first == nullptr || e.index < first->index)) first = &e;
  }
  if (first != nullptr) value_error(fmt::format("sentences[{}]: {}", first->index, first->message));
  if (return_lengths) return pybind11::make_tuple(scores, lengths);
  return scores;
}

}  // namespace

void bind_batch(pybind11::class_<PyModel, std::shared_ptr<PyModel>>& cls) {
  cls.def("score_batch", &score_batch, pybind11::arg("sentences"), pybind11::arg("bos") = true,
          pybind11::arg("eos") = true, pybind11::arg("threads") = 0, pybind11::arg("return_lengths") = false,
          R"(log10 p of each sentence (an iterable of str or bytes) as a NumPy float64 array, the same
numbers as score(); scored in batches on `threads` threads (0: all cores) without the GIL.
With return_lengths=True, also each sentence's tokens (words and </s>) as an int64 array:
(scores, lengths). ValueError names the first sentence that cannot be read.)");
}

}  // namespace lm::py
