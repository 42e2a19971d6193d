#!/usr/bin/env bash
# Set up, build, then train on data/gutenberg.tok.txt and show score and next.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh -DLM_BUILD_TESTS=OFF
lm=build/lm
set -x
$lm train data/gutenberg.tok.txt --order 3 -o build/demo.lm
$lm score -m build/demo.lm "the mouse ate the cheese" "mouse the the cheese ate"
$lm next -m build/demo.lm "ate the"
