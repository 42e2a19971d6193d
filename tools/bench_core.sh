#!/usr/bin/env bash
# Train and score benchmark: lm against KenLM's lmplz and query when they are
# available (on PATH, or KENLM_BIN=/path/to/kenlm/build/bin).
#
# Usage: tools/bench_core.sh [REPEATS]     (default 3; medians are reported)
# Needs: build/lm (bash tools/setup.sh), a C++ compiler (for tools/timed.cpp),
# the corpora in ../shared/corpora (or SHARED=/path/to/shared).
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-3}
shared=${SHARED:-../shared}
lm=$PWD/build/lm
kenlm=${KENLM_BIN:-$(dirname "$(command -v lmplz 2>/dev/null || echo /nonexistent/x)")}
have_kenlm=0
[ -x "$kenlm/lmplz" ] && [ -x "$kenlm/query" ] && have_kenlm=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. tools/bench_lib.sh  # measure (the working directory is the repository)

printf '%-28s %-22s %10s %10s %12s\n' corpus step "wall s" "RSS MB" "tokens/s"
run() {  # corpus-name train-file test-file order
  local name=$1 train=$2 test=$3 order=$4
  local train_tokens test_tokens
  train_tokens=$(wc -lw < "$train" | awk '{print $1 + $2}')
  test_tokens=$(wc -lw < "$test" | awk '{print $1 + $2}')
  row() { printf '%-28s %-22s %10s %10s %12.0f\n' "$name" "$1" "$2" "$3" "$(echo "$4 / $2" | bc -l)"; }
  read -r w r < <(measure "$lm" -q train "$train" --order "$order" -o "$work/m.lm" --arpa "$work/m.arpa")
  read -r lw lr < <(measure "$lm" -q train "$train" --order "$order" -o "$work/m.lm")
  row "lm train" "$lw" "$lr" "$train_tokens"
  read -r sw sr < <(measure -i "$test" "$lm" -q score -m "$work/m.lm")
  row "lm score (binary)" "$sw" "$sr" "$test_tokens"
  read -r aw ar < <(measure -i "$test" "$lm" -q score -m "$work/m.arpa")
  row "lm score (ARPA)" "$aw" "$ar" "$test_tokens"
  if [ "$have_kenlm" = 1 ]; then
    read -r kw kr < <(measure "$kenlm/lmplz" -o "$order" -S 2G -T "$work" --text "$train" --arpa "$work/k.arpa")
    row "lmplz -S 2G" "$kw" "$kr" "$train_tokens"
    "$kenlm/build_binary" -s "$work/k.arpa" "$work/k.probing" > /dev/null 2>&1
    read -r qw qr < <(measure -i "$test" "$kenlm/query" -v summary "$work/k.probing")
    row "query (probing)" "$qw" "$qr" "$test_tokens"
    read -r qaw qar < <(measure -i "$test" "$kenlm/query" -v summary "$work/k.arpa")
    row "query (ARPA)" "$qaw" "$qar" "$test_tokens"
    printf '%-28s train wall lm/lmplz = %.2f, RSS lm/lmplz = %.2f; score wall lm/query-probing = %.2f\n' \
      "$name" "$(echo "$lw / $kw" | bc -l)" "$(echo "$lr / $kr" | bc -l)" "$(echo "$sw / $qw" | bc -l)"
  fi
}
run "kjv.tok o5" "$shared/corpora/kjv/kjv.tok.train.txt" "$shared/corpora/kjv/kjv.tok.test.txt" 5
run "gutenberg 10M o5" "$shared/corpora/gutenberg/gutenberg.train.10M.txt" \
  "$shared/corpora/gutenberg/gutenberg.test.txt" 5
[ "$have_kenlm" = 1 ] || echo "(KenLM not found: set KENLM_BIN or put lmplz/query on PATH for ratios)"
