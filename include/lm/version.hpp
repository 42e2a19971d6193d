// The version of lm (the program and library), independent of the model format version.
#pragma once

namespace lm {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace lm
