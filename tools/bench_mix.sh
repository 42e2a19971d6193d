#!/usr/bin/env bash
# Mixing: the speed of scoring with two models against one, in one run, and
# the time of lm mix --tune and of writing the static mixture. Two setups:
#  - kjv: the issue's split (A = the first 22,000 lines of kjv.tok.train.txt,
#    B = the rest, order 3, one vocabulary), scoring kjv.tok.train.txt;
#  - gutenberg (when BIG_DIR holds gutenberg.train.100M.txt): order 5 models of
#    its first and second halves, scoring the 10M slice.
# Single and mixed runs alternate within each repeat so that machine noise
# falls on both; prints every run, then medians, tokens/s and the ratio.
#
# Usage: tools/bench_mix.sh LM [REPEATS]   (default 5)
# Environment: SHARED [../shared], BIG_DIR (optional), THREADS [1].
# Needs /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,14p' "$0"; exit 2; }
lm=$(realpath "$1") repeats=${2:-5} threads=${THREADS:-1}
shared=${SHARED:-../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. tools/bench_steps.sh

# bench NAME A B TEXT DEV
bench() {
  local name=$1 a=$2 b=$3 text=$4 dev=$5 tokens
  tokens=$("$lm" score -q -m "$a" --summary-only -i "$text" | awk -F'\t' '/^Tokens/ { print $2 }')
  for ((i = 0; i < repeats; i++)); do
    step "$name.one" "$lm" score -t "$threads" -m "$a" --summary-only -i "$text"
    step "$name.two" "$lm" score -t "$threads" -m "$a" -m "$b" --summary-only -i "$text"
    step "$name.tune" "$lm" mix -m "$a" -m "$b" --tune "$dev"
    step "$name.static" "$lm" mix -t "$threads" -m "$a" -m "$b" -o "$work/mixed.lm"
  done
  local one two
  one=$(median <<< "${times[$name.one]}") two=$(median <<< "${times[$name.two]}")
  printf '\n%s: %s tokens scored on %s thread(s)\n' "$name" "$tokens" "$threads"
  printf '  one model   %6s s  %10.0f tokens/s  %5s MB\n' "$one" "$(echo "$tokens / $one" | bc -l)" "$(median <<< "${rss[$name.one]}")"
  printf '  two models  %6s s  %10.0f tokens/s  %5s MB  (%.2fx the speed of one)\n' "$two" \
    "$(echo "$tokens / $two" | bc -l)" "$(median <<< "${rss[$name.two]}")" "$(echo "$one / $two" | bc -l)"
  printf '  mix --tune  %6s s   static mix -o %6s s, %s MB\n\n' "$(median <<< "${times[$name.tune]}")" \
    "$(median <<< "${times[$name.static]}")" "$(median <<< "${rss[$name.static]}")"
}

kjv=$shared/corpora/kjv
head -n 22000 "$kjv/kjv.tok.train.txt" > "$work/a.txt"
tail -n +22001 "$kjv/kjv.tok.train.txt" > "$work/b.txt"
tr ' ' '\n' < "$kjv/kjv.tok.train.txt" | grep -v '^$' | sort -u > "$work/vocab.txt"
"$lm" train -q "$work/a.txt" --order 3 --vocab "$work/vocab.txt" -o "$work/kjv.a.lm"
"$lm" train -q "$work/b.txt" --order 3 --vocab "$work/vocab.txt" -o "$work/kjv.b.lm"
bench kjv "$work/kjv.a.lm" "$work/kjv.b.lm" "$kjv/kjv.tok.train.txt" "$kjv/kjv.tok.test.txt"

big=${BIG_DIR:-}/gutenberg.train.100M.txt
if [ -n "${BIG_DIR:-}" ] && [ -f "$big" ]; then
  lines=$(wc -l < "$big")
  head -n $((lines / 2)) "$big" > "$work/ga.txt"
  tail -n +$((lines / 2 + 1)) "$big" > "$work/gb.txt"
  "$lm" train -q "$work/ga.txt" --order 5 -o "$work/g.a.lm"
  "$lm" train -q "$work/gb.txt" --order 5 -o "$work/g.b.lm"
  rm -f "$work/ga.txt" "$work/gb.txt"
  bench gutenberg "$work/g.a.lm" "$work/g.b.lm" "$shared/corpora/gutenberg/gutenberg.train.10M.txt" \
    "$shared/corpora/gutenberg/gutenberg.test.txt"
fi
