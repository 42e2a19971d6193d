#!/usr/bin/env bash
# Training time against pruning time: `lm train` of gutenberg 100M at order 5
# (mkn), then `lm prune` of that model at each threshold; wall time and peak
# RSS (/usr/bin/time -v) of every run, medians of REPEATS runs, the n-grams
# kept and the perplexity of gutenberg.test before and after.
#
# Usage: tools/bench_prune.sh LM [REPEATS] [THRESHOLDS...]   (default 3; 1e-8)
# Environment: SHARED [../shared]; BIG_DIR (where gutenberg.train.100M.txt
# already is; else it is decompressed into the scratch directory); MODEL_DIR
# (keeps the trained model there, as gutenberg.100M.o5.lm, and trains only
# if it is missing: then the training time is not measured); THREADS [all];
# TMPDIR; CORPUS (another training text instead, for a quick try). Needs
# /usr/bin/time and xz (unless BIG_DIR has the corpus).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,14p' "$0"; exit 2; }
lm=$(realpath "$1") repeats=${2:-3}
shift $(($# >= 2 ? 2 : 1))
thresholds=("$@")
[ ${#thresholds[@]} -gt 0 ] || thresholds=(1e-8)
shared=${SHARED:-../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
big=${CORPUS:-${BIG_DIR:-$work}/gutenberg.train.100M.txt}
[ -f "$big" ] || xz -dc "$shared/corpora/gutenberg/gutenberg.train.100M.txt.xz" > "$big"
test_text=$shared/corpora/gutenberg/gutenberg.test.txt
threads=()
[ -z "${THREADS:-}" ] || threads=(-t "$THREADS")

. tools/bench_steps.sh

model=$work/gutenberg.100M.o5.lm
train_runs=$repeats
if [ -n "${MODEL_DIR:-}" ]; then
  model=$MODEL_DIR/gutenberg.100M.o5.lm
  [ -f "$model" ] && train_runs=0
fi
for ((i = 0; i < train_runs; i++)); do
  step train "$lm" -q train "$big" --order 5 "${threads[@]}" -o "$model"
done
for ((i = 0; i < repeats; i++)); do
  for t in "${thresholds[@]}"; do
    step "prune.$t" "$lm" prune "$model" --threshold "$t" "${threads[@]}" -o "$work/pruned.$t.lm"
  done
done

ngrams() { "$lm" info "$1" | awk -F'\t' '/^[0-9]+-grams/ { printf "%s%s", sep, $2; sep = "/" }'; }
ppl() { [ -f "$test_text" ] && "$lm" score -m "$1" --summary-only -i "$test_text" | awk -F'\t' 'NR == 1 { printf "%.4f", $2 }'; }
printf '\n%-14s %9s %9s %-48s %s\n' step "median s" "MB" "n-grams per order" "ppl gutenberg.test"
if [ "$train_runs" -gt 0 ]; then
  printf '%-14s %9s %9s %-48s %s\n' train "$(median <<< "${times[train]}")" "$(median <<< "${rss[train]}")" \
    "$(ngrams "$model")" "$(ppl "$model")"
else
  printf '%-14s %9s %9s %-48s %s\n' "(model kept)" - - "$(ngrams "$model")" "$(ppl "$model")"
fi
for t in "${thresholds[@]}"; do
  printf '%-14s %9s %9s %-48s %s\n' "prune $t" "$(median <<< "${times[prune.$t]}")" \
    "$(median <<< "${rss[prune.$t]}")" "$(ngrams "$work/pruned.$t.lm")" "$(ppl "$work/pruned.$t.lm")"
done
