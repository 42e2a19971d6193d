#!/usr/bin/env bash
# lm generate's speed: tokens per second (sampled tokens, </s> included,
# divided by the whole run's wall time, process start and model loading
# included) and peak RSS, the median of REPEATS runs of 1,000 sentences with
# a fixed seed, for each way of drawing: exact (temperature 1) on one and
# two threads, temperature 0.8 (exact too), --top-k 10 and 40, a mixture of
# the model with itself (exact, by model choice), and --top-p 0.5 and 0.9
# (100 and 20 sentences: they can take a pass over the vocabulary per
# token). Also the time of -n 0 (start and load alone).
#
# Usage: tools/bench_generate.sh LM MODEL [REPEATS]   (default 5)
#   e.g. tools/bench_generate.sh build/lm /tmp/big/gutenberg100M.o5.lm
# Environment: SEED [2027], SENTENCES [1000]. Needs bash 5 (EPOCHREALTIME), bc
# and /usr/bin/time.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,14p' "$0"; exit 2; }
lm=$(realpath "$1") model=$(realpath "$2") repeats=${3:-5}
seed=${SEED:-2027} sentences=${SENTENCES:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. "$(dirname "$0")/bench_steps.sh"  # median

# bench NAME N ARGS... : runs lm generate -n N ARGS REPEATS times.
bench() {
  local name=$1 n=$2 times="" rss="" tokens i
  shift 2
  tokens=$("$lm" generate -m "$model" -n "$n" --seed "$seed" --format json "$@" | { grep -o '"token":' || true; } | wc -l)
  for ((i = 0; i < repeats; i++)); do
    # Wall time from bash's clock (microseconds; /usr/bin/time's %e has 10 ms steps), RSS from time.
    local start=$EPOCHREALTIME
    /usr/bin/time -f '%M' -o "$work/time" "$lm" generate -m "$model" -n "$n" --seed "$seed" "$@" > "$work/out"
    local end=$EPOCHREALTIME
    times+="$(echo "$end - $start" | bc -l | awk '{printf "%.3f", $1}') " rss+="$(cat "$work/time") "
  done
  local t
  t=$(median <<< "$times")
  printf '%-28s %6d sentences %8d tokens %7.3f s %10.0f tokens/s %6.0f MB   (runs: %s)\n' "$name" "$n" "$tokens" "$t" \
    "$(echo "$tokens / $t" | bc -l)" "$(echo "$(median <<< "$rss") / 1024" | bc -l)" "$times"
}

printf 'model %s (%s), %s run(s) each, seed %s\n' "$model" "$(du -h "$model" | cut -f1)" "$repeats" "$seed"
bench "start only (-n 0)" 0 -t 1
bench "exact, 1 thread" "$sentences" -t 1
bench "exact, 2 threads" "$sentences" -t 2
bench "temperature 0.8" "$sentences" -t 1 --temperature 0.8
bench "top-k 10" "$sentences" -t 1 --top-k 10
bench "top-k 40" "$sentences" -t 1 --top-k 40
bench "mixture (model twice)" "$sentences" -t 1 -m "$model"
bench "top-p 0.5" 100 -t 1 --top-p 0.5
bench "top-p 0.9" 20 -t 1 --top-p 0.9
