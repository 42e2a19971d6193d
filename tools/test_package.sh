#!/usr/bin/env bash
# Tests `cmake --install` (README: C++ library): installs build/ into a
# temporary prefix, checks the files, compiles each installed header on its
# own, builds examples/cpp against the prefix with CMake (find_package(lm))
# and with pkg-config, trains a model with the installed lm, and checks that
# the example's score and next words are those of lm score and lm next -k 5.
# Run after tools/setup.sh (which builds build/ and installs g++, cmake and
# pkg-config). Prints one line and exits 1 at the first failure.
# Environment: LM_BUILD_DIR, the build directory to install (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${LM_BUILD_DIR:-build}
tmp=$(mktemp -d)
fail() {
  echo "test_package: FAIL: $* (files kept in $tmp)" >&2
  trap - EXIT
  exit 1
}
trap 'rm -rf "$tmp"' EXIT

[ -f "$build/CMakeCache.txt" ] || fail "no $build/: run tools/setup.sh first"
# Up to date (the completion is written at build time).
cmake --build "$build" -j "$(nproc)" > "$tmp/build.log" 2>&1 || fail "building $build/ failed, see $tmp/build.log"
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" 2>&1 || fail "cmake --install failed, see $tmp/install.log"

cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
libdir=$(cache_value CMAKE_INSTALL_LIBDIR)
for f in bin/lm "$libdir/liblm.a" "$libdir/cmake/lm/lmConfig.cmake" "$libdir/cmake/lm/lmConfigVersion.cmake" \
         "$libdir/cmake/lm/lmTargets.cmake" "$libdir/pkgconfig/lm.pc" share/man/man1/lm.1 \
         share/bash-completion/completions/lm; do
  [ -f "$prefix/$f" ] || fail "cmake --install did not install $f"
done
cmp -s docs/lm.1 "$prefix/share/man/man1/lm.1" || fail "the installed man page differs from docs/lm.1"
bash -c "source '$prefix/share/bash-completion/completions/lm' && complete -p lm" > /dev/null 2>&1 ||
  fail "the installed bash completion does not register a completion for lm"

# Every public header is installed and compiles on its own.
for h in include/lm/*.hpp; do
  [ -f "$prefix/$h" ] || fail "$h is not installed"
  echo "#include \"lm/$(basename "$h")\"" > "$tmp/header.cpp"
  g++ -std=c++20 -fsyntax-only -I"$prefix/include" "$tmp/header.cpp" > "$tmp/header.log" 2>&1 ||
    fail "the installed $h does not compile on its own, see $tmp/header.log"
done

# The example, with CMake and with pkg-config.
cmake -S examples/cpp -B "$tmp/example" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  > "$tmp/example.log" 2>&1 || fail "configuring examples/cpp against $prefix failed, see $tmp/example.log"
found=$(sed -n 's/^lm_DIR:[A-Z]*=//p' "$tmp/example/CMakeCache.txt")
[ "$found" = "$prefix/$libdir/cmake/lm" ] || fail "find_package(lm) found $found, not the installed package"
cmake --build "$tmp/example" -j "$(nproc)" >> "$tmp/example.log" 2>&1 ||
  fail "building examples/cpp against $prefix failed, see $tmp/example.log"
# shellcheck disable=SC2046  # pkg-config's flags are separate words
PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig" g++ -std=c++20 -O2 examples/cpp/main.cpp \
  $(PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig" pkg-config --cflags --libs lm) -o "$tmp/example_pc" \
  > "$tmp/pkg-config.log" 2>&1 || fail "building examples/cpp with pkg-config lm failed, see $tmp/pkg-config.log"

# The example against lm score and lm next, on tools/demo.sh's model and sentences (and one with an OOV).
lm=$prefix/bin/lm
model=$tmp/demo.lm
"$lm" train data/gutenberg.tok.txt --order 3 -o "$model" 2> "$tmp/train.log" || fail "the installed lm train failed, see $tmp/train.log"
for sentence in "the mouse ate the cheese" "mouse the the cheese ate" "the mouse ate the qwxzzy"; do
  "$tmp/example/lm_example" "$model" "$sentence" > "$tmp/out" 2> "$tmp/err" || fail "lm_example failed on '$sentence': $(head -c 300 "$tmp/err")"
  "$tmp/example_pc" "$model" "$sentence" > "$tmp/out_pc" 2>&1 || fail "the pkg-config build of lm_example failed on '$sentence'"
  cmp -s "$tmp/out" "$tmp/out_pc" || fail "the CMake and pkg-config builds of lm_example answer '$sentence' differently"
  # log10 p, perplexity, tokens and OOVs, in lm score's columns.
  got=$(awk -F': ' '/^log10 p: /{l=$2} /^tokens: /{t=$2} /^OOVs: /{o=$2} /^perplexity: /{p=$2}
                     END{printf "%s\tppl=%s\ttokens=%s\toovs=%s", l, p, t, o}' "$tmp/out")
  want=$("$lm" score -m "$model" "$sentence" 2> /dev/null | cut -f1-4) || fail "the installed lm score failed on '$sentence'"
  [ "$got" = "$want" ] || fail "lm_example scores '$sentence' as '$got', lm score as '$want'"
  got=$(sed -n '/^next words:$/,$p' "$tmp/out" | tail -n +2)
  want=$("$lm" next -m "$model" -k 5 "$sentence" | cut -f1-2) || fail "the installed lm next failed on '$sentence'"
  [ "$(grep -c . <<< "$want")" -eq 5 ] || fail "lm next -k 5 '$sentence' did not give 5 words"
  [ "$got" = "$want" ] || fail "lm_example's next words after '$sentence' are $(tr '\n\t' '| ' <<< "$got"), lm next's $(tr '\n\t' '| ' <<< "$want")"
done
echo "test_package: OK: cmake --install, find_package(lm), pkg-config lm, examples/cpp agrees with lm score and lm next" >&2
