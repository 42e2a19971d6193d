// The Python module's Model: an lm::Model shared by the Python objects that
// view it (Vocab), with per-thread scratch space for the calls that need it.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "lm/model.hpp"
#include "lm/next_words.hpp"
#include "lm/scorer.hpp"
#include "lm/tokenizer.hpp"

namespace lm::py {

// What one call needs besides the model: a tokenizer (not thread-safe),
// token and batch buffers, a next-word predictor (one int per word).
struct Scratch {
  explicit Scratch(const Model& model) : tokenizer(model.info().text) {}
  Tokenizer tokenizer;
  std::vector<std::string_view> tokens;
  SentenceBatch batch;
  std::unique_ptr<NextWordPredictor> predictor;  // made on first use
};

class PyModel {
 public:
  // Opens path (lm::load_model: lm's binary format or ARPA, plain or .gz).
  explicit PyModel(const std::string& path);
  // A model built in memory; path is where it was written ("" for none).
  PyModel(Model model, std::string path);

  [[nodiscard]] const Model& model() const { return *model_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  // path() made absolute when the model was opened: what pickling reopens.
  [[nodiscard]] const std::string& reopen_path() const { return reopen_path_; }
  // After the model was saved there: it is the model's file from now on.
  void set_path(const std::string& path);

  // Scratch space for one call on any thread, returned to the model's pool
  // when the lease ends. Safe to take from several threads at once.
  class Lease {
   public:
    Lease(PyModel* owner, std::unique_ptr<Scratch> scratch) : owner_(owner), scratch_(std::move(scratch)) {}
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Scratch& operator*() const { return *scratch_; }
    Scratch* operator->() const { return scratch_.get(); }

   private:
    PyModel* owner_;
    std::unique_ptr<Scratch> scratch_;
  };
  [[nodiscard]] Lease lease();

 private:
  std::unique_ptr<Model> model_;
  std::string path_;
  std::string reopen_path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Scratch>> free_;
};

// Text as UTF-8 for the library: str (encoded) or bytes. The view points
// into the object, which must outlive its use. Raises TypeError otherwise,
// naming the text `what`, or `what[index]` when an index is given.
inline constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);
[[nodiscard]] std::string_view text_of(pybind11::handle text, const char* what, std::size_t index = kNoIndex);

// A word of the model as str (invalid UTF-8 bytes, which only an ARPA file
// can hold, come back as surrogates: surrogateescape).
[[nodiscard]] pybind11::str word_str(std::string_view word);

// The line's tokens as the model reads text, into scratch.tokens; raises
// ValueError naming the problem.
void tokenize_or_raise(Scratch& scratch, std::string_view text);

// The sentence's score, tokenized as the model reads text (score,
// perplexity, full_scores). Raises ValueError for a line it cannot read.
[[nodiscard]] SentenceScore score_text(PyModel& self, std::string_view text, SentenceEnds ends, bool keep_factors);

// One token's score after in (KenLM's BaseFullScore); the context after it
// goes to *out (may be &in). Raises ValueError for an in that is not a
// context of this model.
struct FullScore {
  double log_prob = 0;
  int ngram_length = 0;
  bool oov = false;
};
[[nodiscard]] FullScore full_score(const PyModel& self, const State& in, std::string_view word, State* out);

void bind_model(pybind11::module_& m);
void bind_state(pybind11::module_& m);
void bind_batch(pybind11::class_<PyModel, std::shared_ptr<PyModel>>& cls);
void bind_generate(pybind11::class_<PyModel, std::shared_ptr<PyModel>>& cls);
// score, perplexity, BaseScore, BaseFullScore and `in`: the calls made once
// per sentence or per word, as CPython methods (METH_FASTCALL) rather than
// through pybind11's dispatcher, which costs them a third of their time.
void bind_fast_calls(pybind11::class_<PyModel, std::shared_ptr<PyModel>>& cls);
void bind_train(pybind11::module_& m);

}  // namespace lm::py
