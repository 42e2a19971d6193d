#!/usr/bin/env bash
# Set up, build, and run the whole test suite: unit, KenLM parity when
# ../shared exists, and command-line tests (ctest); the installed C++ package
# (tools/test_package.sh); the Python module installed into a fresh venv
# (tools/test_python.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# python3-nltk: tests/cli/cli_nltk.sh runs NLTK itself beside lm (it skips that part without it).
EXTRA_PACKAGES="python3-nltk" bash tools/setup.sh -DLM_BUILD_TESTS=ON
(cd build && ctest --output-on-failure -j "$(nproc)")
bash tools/test_package.sh
bash tools/test_python.sh
