#!/usr/bin/env bash
# Training time and peak RSS of each smoothing method against mkn's, in one
# run: `lm train` of gutenberg 100M at order 5, the methods in turn within
# each repeat so that machine noise falls on all of them; then scoring
# gutenberg.train.10M (as input text) with each method's model (one model
# format: the same speed is expected). Prints every run, then medians and the ratio to mkn.
#
# Usage: tools/bench_smoothing.sh LM [REPEATS] [METHODS...]   (default 3; all methods)
# Environment: SHARED [../shared], TMPDIR [/tmp], BIG_DIR (where
# gutenberg.train.100M.txt already is; else it is decompressed into TMPDIR).
# Needs /usr/bin/time and xz.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,12p' "$0"; exit 2; }
lm=$(realpath "$1") repeats=${2:-3}
shift $(($# >= 2 ? 2 : 1))
methods=("$@")
[ ${#methods[@]} -gt 0 ] || methods=(mkn kn wb absolute katz add mle stupid)
[ "${methods[0]}" = mkn ] || methods=(mkn "${methods[@]}")
shared=${SHARED:-../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
big=${BIG_DIR:-$work}/gutenberg.train.100M.txt
[ -f "$big" ] || xz -dc "$shared/corpora/gutenberg/gutenberg.train.100M.txt.xz" > "$big"
. tools/bench_steps.sh

for ((i = 0; i < repeats; i++)); do
  for m in "${methods[@]}"; do
    step "train.$m" "$lm" -q train "$big" --order 5 --smoothing "$m" -o "$work/$m.lm"
  done
  for m in "${methods[@]}"; do
    step "score.$m" "$lm" score -m "$work/$m.lm" -i "$big"
  done
done
printf '\n%-10s %9s %7s %8s %9s %7s\n' method "train s" "/mkn" "MB" "score s" "/mkn"
t0=$(median <<< "${times[train.mkn]}") s0=$(median <<< "${times[score.mkn]}")
for m in "${methods[@]}"; do
  t=$(median <<< "${times[train.$m]}") s=$(median <<< "${times[score.$m]}")
  printf '%-10s %9s %7.3f %8s %9s %7.3f\n' "$m" "$t" "$(echo "$t / $t0" | bc -l)" \
    "$(median <<< "${rss[train.$m]}")" "$s" "$(echo "$s / $s0" | bc -l)"
done
