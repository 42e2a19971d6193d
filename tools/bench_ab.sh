#!/usr/bin/env bash
# A/B speed check of two lm binaries on the same work, alternating old and new
# in one run so that machine noise falls on both: `lm train` of gutenberg
# 100M at order 5, and `lm score` of gutenberg.test and of train.10M (as
# input) with that model. Prints each run's wall time and peak RSS, then the
# medians and new/old ratios.
#
# Usage: tools/bench_ab.sh OLD_LM NEW_LM [REPEATS]   (default 3)
# Environment: SHARED [../shared], TMPDIR [/tmp], BIG_DIR (where
# gutenberg.train.100M.txt already is; else it is decompressed into TMPDIR).
# Needs /usr/bin/time and xz.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n '2,12p' "$0"; exit 2; }
old=$(realpath "$1") new=$(realpath "$2") repeats=${3:-3}
shared=${SHARED:-../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
big=${BIG_DIR:-$work}/gutenberg.train.100M.txt
[ -f "$big" ] || xz -dc "$shared/corpora/gutenberg/gutenberg.train.100M.txt.xz" > "$big"
test_file=$shared/corpora/gutenberg/gutenberg.test.txt
input10m=$shared/corpora/gutenberg/gutenberg.train.10M.txt

measure() {  # command...: prints "wall_seconds peak_rss_mb"
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
  awk '{printf "%s %.0f\n", $1, $2 / 1024}' "$work/time"
}

declare -A times rss
step() {  # name which command...
  local name=$1 which=$2
  shift 2
  read -r w r < <(measure "$@")
  times[$name.$which]+="$w " rss[$name.$which]+="$r "
  printf '%-12s %-4s %8s s %8s MB\n' "$name" "$which" "$w" "$r"
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

"$old" -q train "$big" --order 5 -o "$work/model.lm"
for ((i = 0; i < repeats; i++)); do
  for which in old new; do
    bin=$old
    [ $which = new ] && bin=$new
    step train $which "$bin" -q train "$big" --order 5 -o "$work/$which.lm"
  done
  for which in old new; do
    bin=$old
    [ $which = new ] && bin=$new
    step score-test $which "$bin" score -m "$work/model.lm" -i "$test_file"
    step score-10M $which "$bin" score -m "$work/model.lm" -i "$input10m"
  done
done
cmp "$work/old.lm" "$work/new.lm" && echo "the two models are identical"
printf '\n%-12s %10s %10s %8s %10s %10s\n' step "old s" "new s" ratio "old MB" "new MB"
for name in train score-test score-10M; do
  o=$(median <<< "${times[$name.old]}") n=$(median <<< "${times[$name.new]}")
  printf '%-12s %10s %10s %8.3f %10s %10s\n' "$name" "$o" "$n" "$(echo "$n / $o" | bc -l)" \
    "$(median <<< "${rss[$name.old]}")" "$(median <<< "${rss[$name.new]}")"
done
