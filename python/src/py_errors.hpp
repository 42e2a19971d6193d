// lm's errors as Python exceptions: ConfigError -> ValueError; FormatError
// and Error from reading or writing files -> OSError (FileNotFoundError for
// a missing file); other lm::Error -> RuntimeError.
#pragma once

#include <pybind11/pybind11.h>

#include <string>

#include "lm/error.hpp"

namespace lm::py {

// Registers the translator of lm's exceptions (module init).
void register_errors();

// Calls f, turning lm::Error and lm::FormatError into OSError (a missing
// `path` into FileNotFoundError): for calls that read or write files.
template <class F>
auto file_call(const std::string& path, F&& f) -> decltype(f());

// Raises ValueError with message.
[[noreturn]] void value_error(const std::string& message);
// Raises OSError (FileNotFoundError when path does not exist) with message.
[[noreturn]] void os_error(const std::string& path, const std::string& message);

template <class F>
auto file_call(const std::string& path, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const ConfigError&) {
    throw;
  } catch (const Error& e) {
    os_error(path, e.what());
  }
}

}  // namespace lm::py
