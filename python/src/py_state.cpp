// KenLM's State: a scoring context, copyable, hashable and ordered, so that
// decoders can keep beams of them in sets and dicts.
#include <pybind11/operators.h>

#include <fmt/format.h>

#include "py_model.hpp"

namespace lm::py {

namespace {

// Orders states by length, then by their n-gram nodes: equal states are the
// same context of the same model.
int compare(const State& a, const State& b) {
  if (a.length != b.length) return a.length < b.length ? -1 : 1;
  for (int i = 0; i < a.length; ++i) {
    if (a.node[i] != b.node[i]) return a.node[i] < b.node[i] ? -1 : 1;
  }
  return 0;
}

Py_hash_t hash(const State& s) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ static_cast<std::uint64_t>(s.length);
  for (int i = 0; i < s.length; ++i) h = (h ^ s.node[i]) * 0x100000001b3ULL;
  const auto out = static_cast<Py_hash_t>(h >> 1);
  return out == -1 ? -2 : out;  // -1 means an error to Python
}

}  // namespace

void bind_state(pybind11::module_& m) {
  pybind11::class_<State>(m, "State",
                          "A scoring context (KenLM's State): the last words that matter. A value: copy it to branch.")
      .def(pybind11::init<>())
      .def_property_readonly("length", [](const State& s) { return s.length; },
                             "How many words of context the state holds (at most order - 1).")
      .def("__eq__", [](const State& a, const State& b) { return compare(a, b) == 0; }, pybind11::is_operator())
      .def("__ne__", [](const State& a, const State& b) { return compare(a, b) != 0; }, pybind11::is_operator())
      .def("__lt__", [](const State& a, const State& b) { return compare(a, b) < 0; }, pybind11::is_operator())
      .def("__le__", [](const State& a, const State& b) { return compare(a, b) <= 0; }, pybind11::is_operator())
      .def("__gt__", [](const State& a, const State& b) { return compare(a, b) > 0; }, pybind11::is_operator())
      .def("__ge__", [](const State& a, const State& b) { return compare(a, b) >= 0; }, pybind11::is_operator())
      .def("__hash__", &hash)
      .def("__copy__", [](const State& s) { return State(s); })
      .def("__deepcopy__", [](const State& s, const pybind11::object&) { return State(s); }, pybind11::arg("memo"))
      .def(pybind11::pickle(
          [](const State& s) {
            pybind11::tuple t(static_cast<std::size_t>(s.length));
            for (int i = 0; i < s.length; ++i) t[static_cast<std::size_t>(i)] = s.node[i];
            return t;
          },
          [](const pybind11::tuple& t) {
            if (t.size() > static_cast<std::size_t>(kMaxOrder - 1)) throw pybind11::value_error("not a State");
            State s;
            s.length = static_cast<int>(t.size());
            for (std::size_t i = 0; i < t.size(); ++i) s.node[i] = t[i].cast<std::uint32_t>();
            return s;
          }))
      .def("__repr__", [](const State& s) { return fmt::format("<lm.State of {} words>", s.length); });
}

}  // namespace lm::py
