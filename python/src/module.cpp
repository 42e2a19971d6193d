// The Python module lm._lm: lm's models, scoring, next-word distributions,
// sampling and training, over the same library as the lm command. The
// package lm (python/lm/__init__.py) re-exports it.
#include <pybind11/pybind11.h>

#include "lm/version.hpp"
#include "py_errors.hpp"
#include "py_model.hpp"

PYBIND11_MODULE(_lm, m) {
  m.doc() = "lm: n-gram language models (the compiled part of the lm package)";
  lm::py::register_errors();
  lm::py::bind_state(m);
  lm::py::bind_model(m);
  lm::py::bind_train(m);
  m.attr("__version__") = lm::kVersion;
}
