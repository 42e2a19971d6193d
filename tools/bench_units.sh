#!/usr/bin/env bash
# What reading text costs: `lm train` of gutenberg 100M at order 5 as plain
# words and with --lowercase --normalize nfkc --split-punct (the same run,
# interleaved), `lm score` of gutenberg.train.10M with each model, `lm tokenize`
# of the corpus with both (the tokenizer alone), and `lm train --units
# chars` / `lm score` of fortunes-zh (the issue's split);
# wall time and peak RSS (/usr/bin/time), medians of REPEATS runs.
#
# Usage: tools/bench_units.sh LM [REPEATS]   (default 3)
# Environment: SHARED [../shared]; BIG_DIR (where gutenberg.train.100M.txt
# already is; else it is decompressed into the scratch directory); THREADS
# [all]; TMPDIR. Needs /usr/bin/time and xz (unless BIG_DIR has the corpus).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,12p' "$0"; exit 2; }
lm=$(realpath "$1") repeats=${2:-3}
shared=${SHARED:-../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
big=${BIG_DIR:-$work}/gutenberg.train.100M.txt
[ -f "$big" ] || xz -dc "$shared/corpora/gutenberg/gutenberg.train.100M.txt.xz" > "$big"
threads=()
[ -z "${THREADS:-}" ] || threads=(-t "$THREADS")
test_text=$shared/corpora/gutenberg/gutenberg.train.10M.txt
zh=$shared/corpora/fortunes/fortunes-zh.txt
head -n 5000 "$zh" > "$work/zh.train"
sed -n '5001,5671p' "$zh" > "$work/zh.test"

. tools/bench_steps.sh

options=(--lowercase --normalize nfkc --split-punct)
for ((i = 0; i < repeats; i++)); do
  step train_words "$lm" -q train "$big" --order 5 "${threads[@]}" -o "$work/words.lm"
  step train_options "$lm" -q train "$big" --order 5 "${threads[@]}" "${options[@]}" -o "$work/options.lm"
  step score_words "$lm" -q score -m "$work/words.lm" "${threads[@]}" --summary-only -i "$test_text"
  step score_options "$lm" -q score -m "$work/options.lm" "${threads[@]}" --summary-only -i "$test_text"
  step tokenize_words "$lm" tokenize --units words -i "$big"
  step tokenize_options "$lm" tokenize "${options[@]}" -i "$big"
  step zh_train_chars "$lm" -q train "$work/zh.train" --order 5 --units chars -o "$work/zh.lm"
  step zh_score_chars "$lm" -q score -m "$work/zh.lm" --summary-only -i "$work/zh.test"
done
echo
echo "medians of $repeats runs:"
for key in train_words train_options score_words score_options tokenize_words tokenize_options zh_train_chars zh_score_chars; do
  printf '%-22s %8s s %8s MB\n' "$key" "$(median <<< "${times[$key]}")" "$(median <<< "${rss[$key]}")"
done
w=$(median <<< "${times[train_words]}") o=$(median <<< "${times[train_options]}")
awk -v w="$w" -v o="$o" 'BEGIN { printf "train with the options / plain words: %.3f\n", o / w }'
