// The calls made once per sentence or per word (score, perplexity,
// BaseScore, BaseFullScore, `in`) as CPython methods with the vectorcall
// convention (METH_FASTCALL): pybind11's dispatcher, with its argument
// loaders and keyword matching, took half a microsecond of each, as much as
// scoring a word. Arguments and errors behave as pybind11's would.
#include <cstring>
#include <initializer_list>

#include "lm/error.hpp"
#include "py_model.hpp"

namespace lm::py {

namespace {

// The arguments of a METH_FASTCALL | METH_KEYWORDS call in parameter order
// (positional ones, then keywords by name) into out; null where not given.
// Sets TypeError and returns false for a call that does not fit.
bool parse_args(const char* function, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames,
                std::initializer_list<const char*> names, std::size_t required, PyObject** out) {
  const auto n = static_cast<Py_ssize_t>(names.size());
  if (nargs > n) {
    PyErr_Format(PyExc_TypeError, "%s() takes at most %zd arguments (%zd given)", function, n, nargs);
    return false;
  }
  for (Py_ssize_t i = 0; i < n; ++i) out[i] = i < nargs ? args[i] : nullptr;
  const Py_ssize_t keywords = kwnames == nullptr ? 0 : PyTuple_GET_SIZE(kwnames);
  for (Py_ssize_t k = 0; k < keywords; ++k) {
    PyObject* key = PyTuple_GET_ITEM(kwnames, k);
    Py_ssize_t i = 0;
    for (const char* name : names) {
      if (PyUnicode_CompareWithASCIIString(key, name) == 0) break;
      ++i;
    }
    if (i == n) {
      PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", function, key);
      return false;
    }
    if (out[i] != nullptr) {
      PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%U'", function, key);
      return false;
    }
    out[i] = args[nargs + k];
  }
  std::size_t i = 0;
  for (const char* name : names) {
    if (i < required && out[i] == nullptr) {
      PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s'", function, name);
      return false;
    }
    ++i;
  }
  return true;
}

// f(), with C++ exceptions turned into Python's as the module's translator
// turns them (lm::ConfigError: ValueError, other lm::Error: RuntimeError).
template <class F>
PyObject* guarded(F&& f) {
  try {
    return f();
  } catch (pybind11::error_already_set& e) {
    e.restore();
  } catch (const pybind11::cast_error& e) {
    PyErr_SetString(PyExc_TypeError, e.what());
  } catch (const pybind11::builtin_exception& e) {
    e.set_error();
  } catch (const ConfigError& e) {
    PyErr_SetString(PyExc_ValueError, e.what());
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
  return nullptr;
}

bool truth(PyObject* value, bool missing) {
  if (value == nullptr) return missing;
  const int t = PyObject_IsTrue(value);
  if (t < 0) throw pybind11::error_already_set();
  return t != 0;
}

PyModel& model_of(PyObject* self) { return pybind11::handle(self).cast<PyModel&>(); }

State& state_of(PyObject* object, const char* name) {
  try {
    return pybind11::handle(object).cast<State&>();
  } catch (const pybind11::cast_error&) {
    throw pybind11::type_error(std::string(name) + " must be an lm.State");
  }
}

PyObject* score(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  return guarded([&]() -> PyObject* {
    PyObject* a[3];
    if (!parse_args("score", args, nargs, kwnames, {"sentence", "bos", "eos"}, 1, a)) return nullptr;
    const SentenceEnds ends{truth(a[1], true), truth(a[2], true)};
    return PyFloat_FromDouble(score_text(model_of(self), text_of(a[0], "sentence"), ends, false).log10_prob);
  });
}

PyObject* perplexity(PyObject* self, PyObject* sentence) {
  return guarded([&]() -> PyObject* {
    return PyFloat_FromDouble(score_text(model_of(self), text_of(sentence, "sentence"), SentenceEnds{}, false).perplexity());
  });
}

// BaseScore and BaseFullScore: in_state, word, out_state.
FullScore token_score(const char* function, PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                          PyObject* kwnames, bool* ok) {
  PyObject* a[3];
  *ok = parse_args(function, args, nargs, kwnames, {"in_state", "word", "out_state"}, 3, a);
  if (!*ok) return {};
  const State& in = state_of(a[0], "in_state");
  State& out = state_of(a[2], "out_state");
  return full_score(model_of(self), in, text_of(a[1], "word"), &out);
}

PyObject* base_score(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  return guarded([&]() -> PyObject* {
    bool ok = false;
    const FullScore s = token_score("BaseScore", self, args, nargs, kwnames, &ok);
    return ok ? PyFloat_FromDouble(s.log_prob) : nullptr;
  });
}

PyObject* base_full_score(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  return guarded([&]() -> PyObject* {
    bool ok = false;
    const FullScore s = token_score("BaseFullScore", self, args, nargs, kwnames, &ok);
    return ok ? pybind11::cast(s).release().ptr() : nullptr;
  });
}

PyObject* contains(PyObject* self, PyObject* word) {
  return guarded([&]() -> PyObject* {
    if (!PyUnicode_Check(word) && !PyBytes_Check(word)) Py_RETURN_FALSE;
    return PyBool_FromLong(model_of(self).model().vocab().find(text_of(word, "word")) != kUnkId);
  });
}

template <class F>
PyCFunction function_cast(F f) {
  return reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(f));
}

PyMethodDef kMethods[] = {
    {"score", function_cast(&score), METH_FASTCALL | METH_KEYWORDS,
     "score($self, /, sentence, bos=True, eos=True)\n--\n\n"
     "log10 p(sentence): from <s> (bos) to </s> (eos). OOVs are scored as <unk>."},
    {"perplexity", function_cast(&perplexity), METH_O,
     "perplexity($self, sentence, /)\n--\n\n"
     "10^(-log10 p(sentence) / tokens), tokens counting the words and </s>."},
    {"BaseScore", function_cast(&base_score), METH_FASTCALL | METH_KEYWORDS,
     "BaseScore($self, /, in_state, word, out_state)\n--\n\n"
     "log10 p(word | in_state); writes the context after word to out_state (may be in_state). word is one "
     "token as the vocabulary holds it."},
    {"BaseFullScore", function_cast(&base_full_score), METH_FASTCALL | METH_KEYWORDS,
     "BaseFullScore($self, /, in_state, word, out_state)\n--\n\n"
     "BaseScore with the n-gram length and whether word is an OOV (a FullScoreReturn)."},
    {"__contains__", function_cast(&contains), METH_O,
     "__contains__($self, word, /)\n--\n\n"
     "True when word is in the vocabulary ('<unk>' is not, as in KenLM)."},
};

}  // namespace

void bind_fast_calls(pybind11::class_<PyModel, std::shared_ptr<PyModel>>& cls) {
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  for (PyMethodDef& def : kMethods) {
    PyObject* method = PyDescr_NewMethod(type, &def);
    if (method == nullptr) throw pybind11::error_already_set();
    const int failed = PyObject_SetAttrString(cls.ptr(), def.ml_name, method);
    Py_DECREF(method);
    if (failed != 0) throw pybind11::error_already_set();
  }
}

}  // namespace lm::py
