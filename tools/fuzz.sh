#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, ASan + UBSan) in
# build-fuzz/ and runs each for a while on a copy of its seed corpus.
#
# Usage: tools/fuzz.sh [SECONDS_PER_TARGET]      (default 20)
# Environment:
#   LM_FUZZ_TARGETS="fuzz_arpa ..."  run only these targets
#   LM_FUZZ_IGNORELIST=/path/file    sanitizer ignorelist for lm_core (to fuzz
#                                    past a known, reported bug; see
#                                    tests/fuzz/CMakeLists.txt)
#   LM_FUZZ_KEEP=1                   keep the work directory even on success
# Needs clang with libFuzzer (installed here with apt-get when clang++ is
# missing) and lm's own dependencies (bash tools/setup.sh installs them).
# Exits non-zero when a target crashes, hangs (> 10 s on one input), runs out
# of memory (> 2 GB) or trips a sanitizer; the reproducer is in the work
# directory whose path is printed. Replay one with: build-fuzz/tests/fuzz/<target> <file>
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds=${1:-20}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: tools/fuzz.sh [SECONDS_PER_TARGET]  (a positive number of seconds; got '$seconds')" >&2
  exit 2
fi
targets=(${LM_FUZZ_TARGETS:-fuzz_corpus fuzz_arpa fuzz_model})

# --- clang and libFuzzer
need_install=0
command -v clang++ > /dev/null 2>&1 || need_install=1
if [ $need_install -eq 0 ]; then
  rtdir=$(clang++ -print-runtime-dir 2>/dev/null || true)
  [ -n "$rtdir" ] && [ -f "$rtdir/libclang_rt.fuzzer-$(uname -m).a" ] || need_install=1
fi
if [ $need_install -eq 1 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "fuzz: installing clang and libFuzzer (clang libclang-rt-14-dev)" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    clang libclang-rt-14-dev >&2
fi

# --- build
build=$root/build-fuzz
echo "fuzz: building in $build" >&2
CC=clang CXX=clang++ cmake -S . -B "$build" -DLM_FUZZ=ON -DLM_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLM_FUZZ_IGNORELIST="${LM_FUZZ_IGNORELIST:-}" > "$build.configure.log" 2>&1 ||
  { cat "$build.configure.log" >&2; echo "fuzz: cmake configure failed (missing dependencies? run bash tools/setup.sh)" >&2; exit 1; }
rm -f "$build.configure.log"
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}" >&2

# --- run
work=$(mktemp -d "${TMPDIR:-/tmp}/lm-fuzz.XXXXXX")
echo "fuzz: work directory (corpora, logs, crash artifacts): $work" >&2
passed=0
failed=0
failed_names=()
for t in "${targets[@]}"; do
  exe=$build/tests/fuzz/$t
  seeds=$root/tests/fuzz/seeds/$t
  [ -x "$exe" ] || { echo "fuzz: $exe was not built" >&2; exit 1; }
  [ -d "$seeds" ] || { echo "fuzz: no seed corpus $seeds" >&2; exit 1; }
  # Model seeds are binary models of a few KB; the text formats stay small.
  case $t in
    fuzz_model) max_len=20480 ;;
    *) max_len=4096 ;;
  esac
  mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
  cp -r "$seeds/." "$work/corpus/$t/"
  chmod -R u+w "$work/corpus/$t"
  log=$work/$t.log
  echo "fuzz: $t for ${seconds}s (log $log)" >&2
  status=0
  (cd "$work" &&
    ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
      -print_final_stats=1 -artifact_prefix="$work/artifacts/$t/" "$work/corpus/$t") > "$log" 2>&1 || status=$?
  runs=$(sed -n 's/^Done \([0-9][0-9]*\) runs in \([0-9][0-9]*\) second.*/\1 \2/p' "$log" | tail -1)
  if [ -z "$runs" ]; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9][0-9]*\).*/\1 ?/p' "$log" | tail -1)
  fi
  read -r n secs <<< "${runs:-? ?}"
  corpus_size=$(find "$work/corpus/$t" -type f | wc -l)
  artifacts=$(find "$work/artifacts/$t" -type f | sort)
  if [ "$status" -eq 0 ] && [ -z "$artifacts" ]; then
    passed=$((passed + 1))
    rate=""
    [[ $n =~ ^[0-9]+$ && $secs =~ ^[1-9][0-9]*$ ]] && rate=" ($((n / secs))/s)"
    echo "fuzz: $t: ok, $n executions in ${secs}s$rate, corpus $corpus_size inputs"
  else
    failed=$((failed + 1))
    failed_names+=("$t")
    echo "fuzz: $t: FAILED (exit $status) after $n executions; libFuzzer's report:"
    # The first report: its headline, up to 12 stack frames, summary, input.
    awk '
      !seen && /^==[0-9]+==ERROR|runtime error:|INVARIANT VIOLATED|ALARM: working on the last Unit|out-of-memory|deadly signal|uncaught exception|terminate called|^re-reading/ { seen = 1 }
      !seen { next }
      /^ *#[0-9]+ / { if (++frames > 12) next; sub(/ \(BuildId: [0-9a-f]+\)/, "") }
      /^(SUMMARY|MS:|0x|artifact_prefix|stat::)/ { next }
      /^Base64:/ { print; exit }
      { print }' "$log" | head -50 | sed 's/^/  | /'
    for a in $artifacts; do
      echo "fuzz: $t: reproducer $a ($(stat -c %s "$a") bytes); replay: $exe $a"
    done
  fi
done

echo "fuzz: $passed passed, $failed failed${failed_names:+ (${failed_names[*]})}"
if [ $failed -ne 0 ]; then
  echo "fuzz: crash artifacts and logs are in $work" >&2
  exit 1
fi
if [ "${LM_FUZZ_KEEP:-0}" = 1 ]; then
  echo "fuzz: kept $work" >&2
else
  rm -rf "$work"
fi
