#include "py_model.hpp"

#include <pybind11/stl.h>

#include <cmath>
#include <filesystem>
#include <fmt/format.h>

#include "lm/model_io.hpp"
#include "lm/smoothing.hpp"
#include "py_errors.hpp"

namespace py = pybind11;

namespace lm::py {

namespace {

// path made absolute, so that a pickled model reopens the same file from
// another working directory ("" stays "").
std::string absolute_path(const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  const std::filesystem::path p = std::filesystem::absolute(path, ec);
  return ec ? path : p.string();
}

}  // namespace

PyModel::PyModel(const std::string& path) : path_(path), reopen_path_(absolute_path(path)) {
  model_ = file_call(path, [&] {
    pybind11::gil_scoped_release release;
    auto model = std::make_unique<Model>(load_model(path));
    // A Model is opened once and queried many times: map the file whole now
    // (as KenLM's module populates its mapping by default), not page fault
    // by page fault during the first queries. 7 ms for a cached 440 MB model;
    // skipped for files larger than half the memory (Buffer::prefault).
    model->buffer().prefault();
    return model;
  });
}

PyModel::PyModel(Model model, std::string path)
    : model_(std::make_unique<Model>(std::move(model))), path_(std::move(path)), reopen_path_(absolute_path(path_)) {}

void PyModel::set_path(const std::string& path) {
  path_ = path;
  reopen_path_ = absolute_path(path);
}

PyModel::Lease PyModel::lease() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!free_.empty()) {
      std::unique_ptr<Scratch> s = std::move(free_.back());
      free_.pop_back();
      return Lease(this, std::move(s));
    }
  }
  return Lease(this, std::make_unique<Scratch>(*model_));
}

PyModel::Lease::~Lease() {
  std::lock_guard<std::mutex> lock(owner_->mutex_);
  owner_->free_.push_back(std::move(scratch_));
}

std::string_view text_of(pybind11::handle text, const char* what, std::size_t index) {
  const auto name = [&] { return index == kNoIndex ? std::string(what) : fmt::format("{}[{}]", what, index); };
  if (PyUnicode_Check(text.ptr())) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(text.ptr(), &size);
    if (data == nullptr) {
      PyErr_Clear();
      value_error(fmt::format("{} is not valid Unicode text (it holds a lone surrogate)", name()));
    }
    return {data, static_cast<std::size_t>(size)};
  }
  if (PyBytes_Check(text.ptr())) {
    return {PyBytes_AS_STRING(text.ptr()), static_cast<std::size_t>(PyBytes_GET_SIZE(text.ptr()))};
  }
  throw pybind11::type_error(fmt::format("{} must be str or bytes, not {}", name(),
                                         std::string(pybind11::str(pybind11::type::handle_of(text).attr("__name__")))));
}

pybind11::str word_str(std::string_view word) {
  PyObject* s = PyUnicode_DecodeUTF8(word.data(), static_cast<Py_ssize_t>(word.size()), "surrogateescape");
  if (s == nullptr) throw pybind11::error_already_set();
  return pybind11::reinterpret_steal<pybind11::str>(s);
}

void tokenize_or_raise(Scratch& scratch, std::string_view text) {
  const LineCheck check = scratch.tokenizer.tokenize(text, &scratch.tokens);
  if (!check.ok()) value_error(describe_line_problem(text, check));
}

SentenceScore score_text(PyModel& self, std::string_view text, SentenceEnds ends, bool keep_factors) {
  PyModel::Lease scratch = self.lease();
  tokenize_or_raise(*scratch, text);
  if (!ends.bos || !ends.eos) return score_words(self.model(), scratch->tokens, ends, keep_factors);
  SentenceBatch& batch = scratch->batch;
  batch.clear();
  batch.add(scratch->tokens);
  batch.score(self.model());
  return batch.result(0, keep_factors);
}

namespace {

// A State made by hand (State.__setstate__) may hold anything: its nodes
// must be entries of this model's levels before score_word reads them.
void check_state(const Model& model, const State& s) {
  bool ok = s.length >= 0 && s.length < model.order();
  for (int i = 0; ok && i < s.length; ++i) ok = s.node[i] < model.ngram_count(i + 1);
  if (!ok) value_error("in_state is not a context of this model: make it with BeginSentenceWrite, NullContextWrite or BaseScore");
}

}  // namespace

FullScore full_score(const PyModel& self, const State& in, std::string_view word, State* out) {
  const Model& model = self.model();
  check_state(model, in);
  const WordId id = model.vocab().find(word);
  const WordScore s = score_word(model, in, id, out);
  const bool oov = is_oov(model, id, word);
  return {reported_log10_prob(s.log10_prob, oov), s.ngram_order, oov};
}

namespace {

std::string path_of(const pybind11::object& path) {
  return pybind11::str(pybind11::module_::import("os").attr("fsdecode")(path));
}

// The sequence of the model's words, by id: vocab[0] is "<unk>", then
// "<s>", "</s>" and the words in the model's order.
struct Vocab {
  std::shared_ptr<PyModel> owner;
  [[nodiscard]] std::size_t size() const { return owner->model().vocab().size(); }
};

struct VocabIterator {
  std::shared_ptr<PyModel> owner;
  std::size_t next = 0;
};

// The context's tokens: a str or bytes read as the model reads text (a
// leading <s> starts a sentence), or a sequence of tokens taken as they are.
State context_state(PyModel& self, Scratch& scratch, const pybind11::object& context, bool bos) {
  std::vector<std::string_view>& words = scratch.tokens;
  bool starts_sentence = bos;
  std::vector<pybind11::object> keep;
  if (PyUnicode_Check(context.ptr()) || PyBytes_Check(context.ptr())) {
    const std::string_view text = text_of(context, "context");
    bool leading_bos = false;
    const std::string why = scratch.tokenizer.read_prefix(text, &words, &leading_bos, "the context");
    if (!why.empty()) value_error(why);
    starts_sentence = starts_sentence || leading_bos;
  } else {
    words.clear();
    for (pybind11::handle item : context) {
      keep.push_back(pybind11::reinterpret_borrow<pybind11::object>(item));  // a generator's items die as it goes
      words.push_back(text_of(item, "each token of context"));
    }
    if (!words.empty() && words.front() == kBosWord) {
      starts_sentence = true;
      words.erase(words.begin());
    }
  }
  if (starts_sentence) words.insert(words.begin(), kBosWord);
  if (!scratch.predictor) scratch.predictor = std::make_unique<NextWordPredictor>(self.model());
  return scratch.predictor->context_state(words);
}

pybind11::dict model_info(const PyModel& self) {
  const Model& model = self.model();
  const ModelInfo& info = model.info();
  pybind11::dict d;
  d["order"] = model.order();
  d["vocab_size"] = model.vocab().size();
  pybind11::list ngrams;
  for (int n = 1; n <= model.order(); ++n) ngrams.append(model.ngram_count(n));
  d["ngrams"] = ngrams;
  d["smoothing"] = info.smoothing.method;
  pybind11::dict params;
  for (const SmoothingParam& p : info.smoothing.params) {
    params[pybind11::str(p.order > 0 ? fmt::format("{}_{}", p.name, p.order) : p.name)] = p.value;
  }
  d["smoothing_params"] = params;
  d["training_tokens"] = info.training_tokens;
  d["closed_vocab"] = info.closed_vocab;
  d["unk_is_word"] = info.unk_is_word;
  d["nltk_padding"] = info.nltk_padding;
  d["quantize_bits"] = info.quantize_bits;
  d["units"] = std::string(units_name(info.text.units));
  d["normalize"] = std::string(normalization_name(info.text.normalize));
  d["lowercase"] = info.text.lowercase;
  d["split_punct"] = info.text.split_punct;
  d["space_token"] = info.text.space_token;
  d["format_version"] = model.format_version();
  d["bytes"] = model.buffer().size();
  return d;
}

}  // namespace

void bind_model(pybind11::module_& m) {
  pybind11::class_<FullScore>(m, "FullScoreReturn", "One word's score, as KenLM's BaseFullScore gives it.")
      .def_readonly("log_prob", &FullScore::log_prob, "log10 p(word | context)")
      .def_readonly("ngram_length", &FullScore::ngram_length, "the order of the longest n-gram matched")
      .def_readonly("oov", &FullScore::oov, "the word is not in the vocabulary (scored as <unk>)")
      .def("__repr__", [](const FullScore& s) {
        return fmt::format("FullScoreReturn(log_prob={}, ngram_length={}, oov={})", s.log_prob, s.ngram_length,
                           s.oov ? "True" : "False");
      });

  pybind11::class_<Vocab>(m, "Vocab", "The model's words by id: vocab[0] is '<unk>', then '<s>', '</s>', ...")
      .def("__len__", &Vocab::size)
      .def("__getitem__",
           [](const Vocab& v, long long i) {
             const long long n = static_cast<long long>(v.size());
             if (i < 0) i += n;
             if (i < 0 || i >= n) throw pybind11::index_error("vocabulary index out of range");
             return word_str(v.owner->model().vocab().word(static_cast<WordId>(i)));
           })
      .def("__contains__",
           [](const Vocab& v, pybind11::handle word) {
             if (!PyUnicode_Check(word.ptr()) && !PyBytes_Check(word.ptr())) return false;
             const std::string_view w = text_of(word, "word");
             return w == kUnkWord || v.owner->model().vocab().find(w) != kUnkId;
           })
      .def(
          "index",
          [](const Vocab& v, pybind11::handle word) {
            const std::string_view w = text_of(word, "word");
            const WordId id = v.owner->model().vocab().find(w);
            if (id == kUnkId && w != kUnkWord) value_error(fmt::format("'{}' is not in the vocabulary", w));
            return id;
          },
          pybind11::arg("word"), "The id of word; ValueError when it is not in the vocabulary.")
      .def("__iter__", [](const Vocab& v) { return VocabIterator{v.owner, 0}; })
      .def("__repr__", [](const Vocab& v) { return fmt::format("<lm.Vocab of {} words>", v.size()); });
  pybind11::class_<VocabIterator>(m, "_VocabIterator")
      .def("__iter__", [](VocabIterator& it) -> VocabIterator& { return it; })
      .def("__next__", [](VocabIterator& it) {
        if (it.next >= it.owner->model().vocab().size()) throw pybind11::stop_iteration();
        return word_str(it.owner->model().vocab().word(static_cast<WordId>(it.next++)));
      });

  pybind11::class_<PyModel, std::shared_ptr<PyModel>> cls(m, "Model", R"(A language model, opened from a file.

Model(path): lm's binary format (memory-mapped: opening is instant and
processes share the pages) or an ARPA file, plain or .gz. Text given to
score, perplexity, full_scores, next and generate is tokenized as the model
was trained (its units, normalization, case folding; `lm tokenize`).
KenLM's `kenlm.Model` calls work unchanged: `import lm as kenlm`.)");
  cls.def(pybind11::init([](const pybind11::object& path, const pybind11::object& /*config*/) {
            return std::make_shared<PyModel>(path_of(path));
          }),
          pybind11::arg("path"), pybind11::arg("config") = pybind11::none(),
          "Opens a model file. config is accepted for KenLM compatibility and ignored.")
      .def_property_readonly("order", [](const PyModel& s) { return s.model().order(); }, "The model's order (n).")
      .def_property_readonly("path", &PyModel::path, "The file the model was read from or written to ('' for none).")
      .def_property_readonly("vocab", [](const std::shared_ptr<PyModel>& s) { return Vocab{s}; },
                             "The vocabulary: a sequence of str by word id, with len() and `in`.")
      .def_property_readonly("info", &model_info, "Facts about the model, as `lm info` shows them (a dict).")
      .def(
          "full_scores",
          [](PyModel& self, pybind11::handle sentence, bool bos, bool eos) {
            const SentenceScore s = score_text(self, text_of(sentence, "sentence"), SentenceEnds{bos, eos}, true);
            pybind11::list out;
            for (const TokenScore& t : s.factors) {
              out.append(pybind11::make_tuple(t.score.log10_prob, t.score.ngram_order, t.oov));
            }
            return pybind11::iter(out);
          },
          pybind11::arg("sentence"), pybind11::arg("bos") = true, pybind11::arg("eos") = true,
          "An iterator of (log10 p, ngram_length, oov) for each token, </s> last (with eos).")
      .def(
          "BeginSentenceWrite", [](const PyModel& self, State& out) { out = begin_sentence_state(self.model()); },
          pybind11::arg("state"), "Sets state to the start of a sentence (after <s>).")
      .def(
          "NullContextWrite", [](const PyModel&, State& out) { out = null_context_state(); }, pybind11::arg("state"),
          "Sets state to the empty context.")
      .def(
          "next",
          [](PyModel& self, const pybind11::object& context, std::size_t k, bool bos) {
            std::vector<Prediction> top;
            {
              PyModel::Lease scratch = self.lease();
              const State state = context_state(self, *scratch, context, bos);
              pybind11::gil_scoped_release release;
              top = scratch->predictor->top(state, k);
            }
            const pybind11::object prediction = pybind11::module_::import("lm").attr("Prediction");
            pybind11::list out;
            const VocabView vocab = self.model().vocab();
            for (const Prediction& p : top) {
              out.append(prediction(word_str(vocab.word(p.word)), std::pow(10.0, p.log10_prob), p.log10_prob));
            }
            return out;
          },
          pybind11::arg("context") = "", pybind11::arg("k") = 10, pybind11::arg("bos") = false,
          "The k most probable next tokens after context (k=0: all of them, summing to 1), most probable first: "
          "Prediction(word, prob, log10_prob) tuples. context is text (read as the model reads text; a leading "
          "<s> starts a sentence) or a sequence of tokens; bos=True starts a sentence. Only the last order-1 "
          "tokens matter.")
      .def(
          "save",
          [](PyModel& self, const pybind11::object& path) {
            const std::string p = path_of(path);
            file_call(p, [&] {
              pybind11::gil_scoped_release release;
              save_model(self.model(), p);
            });
            self.set_path(p);
          },
          pybind11::arg("path"), "Writes the model in lm's binary format (atomically); path becomes the model's path.")
      .def(
          "write_arpa",
          [](PyModel& self, const pybind11::object& path) {
            const std::string p = path_of(path);
            file_call(p, [&] {
              pybind11::gil_scoped_release release;
              write_arpa_file(self.model(), p);
            });
          },
          pybind11::arg("path"), "Writes the model as an ARPA file (gzip-compressed for a .gz name).")
      .def("__reduce__",
           [](const PyModel& self) {
             if (self.reopen_path().empty()) {
               throw pybind11::type_error(
                   "a model built in memory has no file to reopen: save() it, or give output= to lm.train, to pickle it");
             }
             return pybind11::make_tuple(pybind11::module_::import("lm").attr("Model"), pybind11::make_tuple(self.reopen_path()));
           })
      .def("__repr__", [](const PyModel& self) {
        return fmt::format("<lm.Model '{}' order {}, {} words>", self.path(), self.model().order(),
                           self.model().vocab().size());
      });
  bind_batch(cls);
  bind_generate(cls);
  bind_fast_calls(cls);
}

}  // namespace lm::py
