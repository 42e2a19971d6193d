#!/usr/bin/env bash
# Model benchmark: size, load time, scoring throughput (one thread and all),
# `next` top-10 speed and peak RSS of lm's binary model, and of KenLM's probing
# and trie binaries built from the same corpus when KenLM is available (on
# PATH, or KENLM_BIN=/path/to/kenlm/build/bin).
#
# Usage: tools/bench_model.sh [CORPUS...]   (default: gutenberg 10M and 100M)
#   REPEATS=3        runs per measurement; medians are reported
#   SHARED=../shared the corpora (gutenberg.train.100M.txt.xz is unpacked once)
#   BENCH_DIR=dir    keep models here and reuse them on the next run (default:
#                    a temporary directory, removed at the end); a model already
#                    there (NAME.lm, NAME.arpa) is not trained again
#   TEST_FILES="a b" files to score (default: gutenberg.test.txt and gutenberg.train.10M.txt)
# Needs: build/lm (bash tools/setup.sh) and a C++ compiler (for tools/timed.cpp). Training the 100M
# model takes about 3 minutes and 2.6 GB with lm, 2 minutes with lmplz.
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${REPEATS:-3}
shared=${SHARED:-../shared}
gut=$shared/corpora/gutenberg
lm=$PWD/build/lm
kenlm=${KENLM_BIN:-$(dirname "$(command -v query 2>/dev/null || echo /nonexistent/x)")}
have_kenlm=0
[ -x "$kenlm/lmplz" ] && [ -x "$kenlm/query" ] && [ -x "$kenlm/build_binary" ] && have_kenlm=1
[ -x "$lm" ] || { echo "bench: build lm first (bash tools/setup.sh)" >&2; exit 1; }
if [ -n "${BENCH_DIR:-}" ]; then
  work=$BENCH_DIR
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
threads=$(nproc)

corpora=("$@")
if [ ${#corpora[@]} -eq 0 ]; then
  if [ ! -f "$work/gutenberg.train.100M.txt" ]; then
    xz -dc "$gut/gutenberg.train.100M.txt.xz" > "$work/gutenberg.train.100M.txt"
  fi
  corpora=("$gut/gutenberg.train.10M.txt" "$work/gutenberg.train.100M.txt")
fi
read -r -a tests <<< "${TEST_FILES:-$gut/gutenberg.test.txt $gut/gutenberg.train.10M.txt}"

. tools/bench_lib.sh  # measure (the working directory is the repository)
tokens() { wc -lw < "$1" | awk '{print $1 + $2}'; }
row() { printf '%-14s %-34s %12s %9s %s\n' "$@"; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }

# settle INPUT: before each measurement every model file of the corpus being
# measured ($m, $name) is dropped from the page cache and read back by its
# own tool (lm scoring INPUT), as a user's first run reads it: lm maps its
# model asking for huge pages, and for a large input maps it whole, so the
# file is read in 2 MiB folios; KenLM's query reads its file with
# MAP_POPULATE. How a file sits in the page cache persists from run to run
# and matters to both tools: in small folios (a file copied with cp, or
# read page by page) the same file scored gutenberg.test 1.5-1.7x slower,
# with lm and with KenLM alike (docs/BENCHMARKS.md, run 14).
settle() {
  local f
  for f in "$m" "$work/$name.q8.lm"; do
    dd if="$f" iflag=nocache count=0 status=none 2> /dev/null || true
    "$lm" -q score -t 1 --summary-only -m "$f" < "$1" > /dev/null
  done
  if [ "$have_kenlm" = 1 ]; then
    for f in "$work/$name.probing" "$work/$name.trie" "$work/$name.trieq8"; do
      dd if="$f" iflag=nocache count=0 status=none 2> /dev/null || true
      "$kenlm/query" -v summary "$f" < /dev/null > /dev/null 2>&1
    done
  fi
}

# 20,000 contexts of 1 to 4 words drawn (seeded) from the first test file.
awk 'BEGIN { srand(1) } NF { line[n++] = $0 } END {
  for (i = 0; i < 20000; i++) {
    m = split(line[int(rand() * n)], w, " "); e = 1 + int(rand() * m); k = 1 + int(rand() * 4)
    s = ""; for (j = (e - k + 1 < 1 ? 1 : e - k + 1); j <= e; j++) s = s (s == "" ? "" : " ") w[j]
    print s } }' "${tests[0]}" > "$work/contexts.txt"
head -n 300 "$work/contexts.txt" > "$work/contexts300.txt"
sentence="it was the best of times , it was the worst of times"
echo "$sentence" > "$work/sentence.txt"

row corpus measurement value "RSS MB" ""
for corpus in "${corpora[@]}"; do
  name=$(basename "$corpus" .txt)
  m=$work/$name.lm
  if [ ! -f "$m" ]; then
    read -r w r < <(repeats=1 measure "$lm" -q train "$corpus" --order 5 -o "$m")
    row "$name" "lm train --order 5 (s)" "$w" "$r"
  fi
  [ -f "$work/$name.q8.lm" ] || "$lm" -q convert --quantize 8 "$m" "$work/$name.q8.lm"
  ngrams=$("$lm" info -m "$m" | awk -F'\t' '$1 == "n-grams" { print $2 }')
  size() { local b; b=$(stat -L -c %s "$1"); row "$name" "size $2 (MB, B/n-gram)" "$(awk -v b="$b" 'BEGIN{printf "%.1f", b/1e6}')" "" "$(awk -v b="$b" -v n="$ngrams" 'BEGIN{printf "%.2f B/n-gram", b/n}')"; }
  size "$m" "lm"
  size "$work/$name.q8.lm" "lm --quantize 8"
  if [ "$have_kenlm" = 1 ]; then
    [ -f "$work/$name.arpa" ] || "$kenlm/lmplz" -o 5 -S 30% -T "$work" --text "$corpus" --arpa "$work/$name.arpa" 2> /dev/null
    [ -f "$work/$name.probing" ] || "$kenlm/build_binary" probing "$work/$name.arpa" "$work/$name.probing" > /dev/null 2>&1
    [ -f "$work/$name.trie" ] || "$kenlm/build_binary" trie "$work/$name.arpa" "$work/$name.trie" > /dev/null 2>&1
    [ -f "$work/$name.trieq8" ] || "$kenlm/build_binary" -q 8 -b 8 trie "$work/$name.arpa" "$work/$name.trieq8" > /dev/null 2>&1
    size "$work/$name.probing" "KenLM probing"
    size "$work/$name.trie" "KenLM trie"
    size "$work/$name.trieq8" "KenLM trie -q 8 -b 8"
  fi
  settle "${tests[0]}"
  # Open the model and score one sentence (warm page cache: one run first).
  "$lm" -q score -m "$m" "$sentence" > /dev/null
  read -r ow or < <(measure "$lm" -q score -t 1 -m "$m" "$sentence")
  row "$name" "lm open + 1 sentence (s)" "$ow" "$or"
  if [ "$have_kenlm" = 1 ]; then
    for k in probing trie; do
      read -r kw kr < <(measure -i "$work/sentence.txt" "$kenlm/query" -v summary "$work/$name.$k")
      row "$name" "query $k open + 1 sentence (s)" "$kw" "$kr"
    done
  fi
  for t in "${tests[@]}"; do
    tn=$(basename "$t" .txt)
    n=$(tokens "$t")
    settle "$t"
    # lm and KenLM alternate, run by run (measure_alternating).
    # --summary-only: like query -v summary, no line per sentence.
    cmds=("'$lm' -q score -t 1 --summary-only -m '$m'"
          "'$lm' -q score -t $threads --summary-only -m '$m'"
          "'$lm' -q score -t 1 --summary-only -m '$work/$name.q8.lm'")
    if [ "$have_kenlm" = 1 ]; then
      for k in probing trie; do cmds+=("'$kenlm/query' -v summary '$work/$name.$k'"); done
    fi
    mapfile -t results < <(measure_alternating "$t" "${cmds[@]}")
    read -r w1 r1 lo1 hi1 <<< "${results[0]}"
    read -r wa ra loa hia <<< "${results[1]}"
    read -r wq rq loq hiq <<< "${results[2]}"
    row "$name" "lm score -t 1 $tn (tok/s)" "$(rate "$n" "$w1")" "$r1" "${w1} s ($lo1-$hi1)"
    row "$name" "lm score -t $threads $tn (tok/s)" "$(rate "$n" "$wa")" "$ra" "${wa} s ($loa-$hia)"
    row "$name" "lm q8 score -t 1 $tn (tok/s)" "$(rate "$n" "$wq")" "$rq" "${wq} s ($loq-$hiq)"
    if [ "$have_kenlm" = 1 ]; then
      read -r pw pr lop hip <<< "${results[3]}"
      read -r tw tr lot hit <<< "${results[4]}"
      row "$name" "query probing $tn (tok/s)" "$(rate "$n" "$pw")" "$pr" "${pw} s ($lop-$hip)"
      row "$name" "query trie $tn (tok/s)" "$(rate "$n" "$tw")" "$tr" "${tw} s ($lot-$hit)"
      row "$name" "ratio $tn: lm -t 1 / probing" "$(awk -v a="$w1" -v b="$pw" 'BEGIN{printf "%.2fx", b/a}')" "" "(>1: lm faster)"
      row "$name" "ratio $tn: lm -t $threads / probing" "$(awk -v a="$wa" -v b="$pw" 'BEGIN{printf "%.2fx", b/a}')" "" ""
    fi
    lp=$("$lm" -q score -t 1 --summary-only -m "$m" < "$t" | awk -F'\t' '/^Perplexity including/ {print $2}')
    qp=$("$lm" -q score -t 1 --summary-only -m "$work/$name.q8.lm" < "$t" | awk -F'\t' '/^Perplexity including/ {print $2}')
    row "$name" "perplexity $tn: exact, q8" "$lp" "" "$qp ($(awk -v a="$lp" -v b="$qp" 'BEGIN{printf "%+.3f%%", (b/a-1)*100}'))"
  done
  read -r nw nr < <(measure -i "$work/contexts.txt" "$lm" -q next -k 10 -m "$m")
  row "$name" "lm next -k 10 (contexts/s)" "$(rate 20000 "$nw")" "$nr" "${nw} s for 20000"
  # Exact: the top 10 equal the first 10 of the whole distribution.
  "$lm" -q next -k 10 --format tsv -m "$m" < "$work/contexts300.txt" > "$work/top.tsv"
  "$lm" -q next --all --format tsv -m "$m" < "$work/contexts300.txt" | awk -F'\t' '$2 <= 10' > "$work/all.tsv"
  if cmp -s "$work/top.tsv" "$work/all.tsv"; then exact=yes; else exact=NO; fi
  row "$name" "next top-10 == --all head (300)" "$exact" "" ""
done
[ "$have_kenlm" = 1 ] || echo "(KenLM not found: set KENLM_BIN or put query/build_binary/lmplz on PATH for ratios)"
