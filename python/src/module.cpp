#include <pybind11/pybind11.h>
PYBIND11_MODULE(_lm, m) { m.doc() = "placeholder"; }
