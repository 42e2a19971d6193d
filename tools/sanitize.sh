#!/usr/bin/env bash
# Build with AddressSanitizer + UndefinedBehaviorSanitizer (gcc) in build-asan/
# and run the whole test suite there. Any sanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh -DLM_BUILD_TESTS=OFF > /dev/null  # installs the packages (and builds build/)
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLM_SANITIZE=ON -DLM_BUILD_TESTS=ON >&2
cmake --build build-asan -j "$(nproc)" >&2
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
cd build-asan
ctest --output-on-failure -j "$(nproc)"
