#!/usr/bin/env bash
# Installs what lm needs on Debian 12 (as root, or with sudo) and builds it in build/.
# Usage: bash tools/setup.sh [extra cmake arguments]
# Environment: EXTRA_PACKAGES, more Debian packages to install (tools/test.sh: NLTK, which a test runs).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ make cmake libcli11-dev libfmt-dev libspdlog-dev catch2 zlib1g-dev libutf8proc-dev xz-utils pkg-config ${EXTRA_PACKAGES:-})
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >&2
cmake --build build -j "$(nproc)" >&2
