#!/usr/bin/env bash
# Installs the Python module into a fresh virtual environment, offline (Debian's
# setuptools, wheel, pybind11 and NumPy: a venv with the system's site
# packages, pip --no-build-isolation --no-index), and runs python/tests with
# pytest. Tests that compare with the lm command use build/lm (tools/setup.sh
# builds it); those that need ../shared say so when they skip.
# Usage: bash tools/test_python.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
EXTRA_PACKAGES="python3-dev python3-venv python3-pip python3-setuptools python3-wheel python3-numpy python3-pytest \
python3-pybind11 pybind11-dev" bash tools/setup.sh > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 -m venv --system-site-packages "$work/venv"
echo "test_python: installing the module into a fresh venv ($work/venv)" >&2
CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) "$work/venv/bin/pip" install --quiet --no-build-isolation --no-index "$repo/python" >&2
# From outside the repository, so that `import lm` is the installed package.
cd "$work"
LM_BIN="$repo/build/lm" LM_SHARED_DIR="${LM_SHARED_DIR:-$repo/../shared}" \
  "$work/venv/bin/python" -m pytest -q -rs -p no:cacheprovider "$repo/python/tests" "$@"
