#include "py_errors.hpp"

#include <filesystem>
#include <system_error>

namespace lm::py {

void register_errors() {
  pybind11::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ConfigError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
}

void value_error(const std::string& message) { throw pybind11::value_error(message); }

void os_error(const std::string& path, const std::string& message) {
  std::error_code ec;
  const bool missing = !path.empty() && path != "-" && !std::filesystem::exists(path, ec) && !ec;
  PyErr_SetString(missing ? PyExc_FileNotFoundError : PyExc_OSError, message.c_str());
  throw pybind11::error_already_set();
}

}  // namespace lm::py
