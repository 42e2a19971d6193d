#!/usr/bin/env bash
# ARPA files: lm train --arpa writes a well-formed ARPA file; lm score and
# lm next give the same numbers from it (plain or gzipped) as from the binary
# model; and a KenLM-made ARPA file of tests/data/toy.txt scores like lm's own
# model of that corpus.
. "$(dirname "$0")/lib.bash"

need_file "$GUTENBERG"
need_file "$TOY"

cat >sentences.txt <<'EOF'
the mouse ate the cheese
mouse the the cheese ate
a zzzqqq word

it was the best of times
and then he said that she would come
EOF

# ---- train --arpa
check_exit 0 "$LM" train -q --order 3 "$GUTENBERG" -o model.lm --arpa model.arpa
check_true "train --arpa writes the binary model" "got: $(ls -A)" test -s model.lm
check_true "and the ARPA file" "got: $(ls -A)" test -s model.arpa
# shellcheck disable=SC1003  # '\data\' is the literal ARPA marker
check_eq "$(head -n 1 model.arpa)" '# lm smoothing: mkn (interpolated modified Kneser-Ney)' "the ARPA file starts with lm's comment naming the method"
check_eq "$(grep -c '^# lm [123]-gram discounts: D1=[0-9.e-]* D2=[0-9.e-]* D3+=[0-9.e-]*$' model.arpa)" 3 "and the discounts of each order"
# shellcheck disable=SC1003
check_eq "$(grep -v '^#' model.arpa | head -n 1)" '\data\' "then \\data\\, as lmplz writes it"
"$LM" info model.arpa > info.arpa.txt
"$LM" info model.lm > info.lm.txt
check_eq "$(grep -E '^(smoothing|discounts)' info.arpa.txt)" "$(grep -E '^(smoothing|discounts)' info.lm.txt)" "the ARPA file's comments give lm info the method and discounts back"
# shellcheck disable=SC1003
check_eq "$(tail -n 1 model.arpa)" '\end\' "the ARPA file ends with \\end\\"
check_eq "$(grep -c '^ngram [0-9]*=[0-9]*$' model.arpa)" "3" "the header has 3 'ngram N=count' lines"
# Each section has as many entries as its header says, and the right shape.
bad=$(awk '
  /^ngram [0-9]+=[0-9]+$/ { split($2, a, "="); want[a[1]] = a[2]; next }
  /^\\[0-9]+-grams:$/ { n = substr($0, 2) + 0; next }
  /^\\end\\$/ { n = 0; next }
  n > 0 && NF > 0 {
    got[n]++
    f = split($0, t, "\t")
    if (f != (n < 3 ? 3 : 2)) print "line " NR ": " f " tab fields in a " n "-gram line"
    if (split(t[2], w, " ") != n) print "line " NR ": not " n " words"
  }
  END { for (k in want) if (got[k] != want[k]) print k "-grams: header says " want[k] ", section has " got[k] }
' model.arpa | head -n 5)
check_eq "$bad" "" "each section matches its header count; lines are 'log10p<TAB>words[<TAB>backoff]'"
sed -n '/^\\1-grams:$/,/^$/p' model.arpa | cut -f2 >unigrams.txt
for w in "<s>" "</s>" "<unk>"; do
  check_true "the ARPA 1-grams include $w" "got: no 1-gram line for $w" grep -qxF "$w" unigrams.txt
done

# ---- scoring from the ARPA file = scoring from the binary model
check_exit 0 "$LM" score -q -m model.lm --format tsv --tokens <sentences.txt
cp "$OUT" binary.tsv
check_exit 0 "$LM" score -q -m model.arpa --format tsv --tokens <sentences.txt
check_same "$OUT" binary.tsv "score -m model.arpa = score -m model.lm (tsv with --tokens, every digit)"

check_exit 0 "$LM" next -m model.lm -k 20 --format tsv "ate the" "it was" "zzzqqq"
cp "$OUT" binary-next.tsv
check_exit 0 "$LM" next -m model.arpa -k 20 --format tsv "ate the" "it was" "zzzqqq"
check_same "$OUT" binary-next.tsv "next -m model.arpa = next -m model.lm"

# ---- other orders, gzipped ARPA files, $LM_MODEL (on a slice of the corpus)
head -n 2000 "$GUTENBERG" >slice.txt
train_model o3.lm slice.txt --order 3 --arpa o3.arpa
run "$LM" score -q -m o3.lm --format tsv --tokens <sentences.txt
cp "$OUT" o3.tsv
gzip -c o3.arpa >o3.arpa.gz
check_exit 0 "$LM" score -q -m o3.arpa.gz --format tsv --tokens <sentences.txt
check_same "$OUT" o3.tsv "score -m x.arpa.gz = score -m x.lm"
cp o3.arpa.gz gzipped-arpa
check_exit 0 "$LM" score -q -m gzipped-arpa --format tsv --tokens <sentences.txt
check_same "$OUT" o3.tsv "a gzipped ARPA file without .gz in its name loads"
LM_MODEL="$TMP/o3.arpa" check_exit 0 "$LM" score -q --format tsv --tokens <sentences.txt
check_same "$OUT" o3.tsv "\$LM_MODEL may name an ARPA file"

for order in 1 5; do
  train_model o$order.lm slice.txt --order "$order" --arpa o$order.arpa
  check_eq "$(grep -c '^ngram [0-9]*=' o$order.arpa)" "$order" "order $order: the ARPA header has $order ngram lines"
  run "$LM" score -q -m o$order.lm --format tsv --tokens <sentences.txt
  cp "$OUT" o$order.tsv
  run "$LM" score -q -m o$order.arpa --format tsv --tokens <sentences.txt
  check_same "$OUT" o$order.tsv "order $order: score from the ARPA file = from the binary model"
done
check_exit 0 "$LM" train -q slice.txt --order 5 -o plain5.lm
check_same plain5.lm o5.lm "--arpa does not change the binary model"

# ---- KenLM's ARPA file of toy.txt scores like lm's model of toy.txt
# (KenLM was run with --discount_fallback, as lm's default fallback; ARPA holds
# 7-8 significant digits, hence the 1e-6 tolerance.)
cat >toy-sentences.txt <<'EOF'
the mouse ate the cheese
the cat chased a dog
zebra ate the mouse

a
the the the
cheese ate a cat
EOF
train_model toy.lm "$TOY" --order 3 --arpa toy.arpa
run "$LM" score -q -m toy.lm --format tsv --tokens <toy-sentences.txt
cp "$OUT" toy-lm.tsv

# compare_tsv FILE1 FILE2 DESCRIPTION : same sentences, tokens, OOVs and
# factor orders; log10 probabilities (sentence and factors) within 1e-6.
compare_tsv() {
  local diffs
  diffs=$(paste "$1" "$2" | awk -F'\t' '
    function far(a, b) { d = a - b; if (d < 0) d = -d; return d > 1e-6 }
    {
      if ($3 != $9 || $4 != $10 || $5 != $11) { print "line " NR ": tokens/oovs/sentence differ: " $0; next }
      if (far($1, $7)) print "line " NR ": log10 " $1 " vs " $7
      n = split($6, a, " "); m = split($12, b, " ")
      if (n != m) { print "line " NR ": " n " vs " m " factors"; next }
      for (i = 1; i <= n; i++) {
        split(a[i], x, "|"); split(b[i], y, "|")
        if (x[1] != y[1] || x[2] != y[2] || far(x[3], y[3])) print "line " NR ": factor " a[i] " vs " b[i]
      }
    }' | head -n 5)
  if [ -z "$diffs" ] && [ "$(wc -l <"$1")" -eq "$(wc -l <"$2")" ] && [ -s "$1" ]; then
    ok "$3"
  else
    fail "$3" "got: $diffs"
  fi
}

REFERENCES=("$LM_TEST_DATA/toy.o3.kenlm.arpa")
if [ -n "$LM_SHARED_DIR" ] && [ -f "$LM_SHARED_DIR/reference/toy.o3.arpa" ]; then
  REFERENCES+=("$LM_SHARED_DIR/reference/toy.o3.arpa")
else
  echo "note: ${LM_SHARED_DIR:-LM_SHARED_DIR}/reference/toy.o3.arpa not found; using tests/data only"
fi
for ref in "${REFERENCES[@]}"; do
  need_file "$ref"
  name=$(basename "$ref")
  check_exit 0 "$LM" score -q -m "$ref" --format tsv --tokens <toy-sentences.txt
  compare_tsv "$OUT" toy-lm.tsv "KenLM's $name scores like lm's model of toy.txt (within 1e-6)"
  # lm's own ARPA file has the same n-grams and numbers as KenLM's.
  diffs=$(awk -F'\t' '
    /^\\[0-9]-grams:$/ { sec = $0; next }
    sec != "" && NF >= 2 { key = sec " " $2; v = $1 "\t" (NF > 2 ? $3 : 0)
      if (FNR == NR) ref[key] = v; else { if (!(key in ref)) print "extra: " key; else {
        split(ref[key], r, "\t"); split(v, o, "\t")
        d1 = r[1] - o[1]; d2 = r[2] - o[2]; if (d1 < 0) d1 = -d1; if (d2 < 0) d2 = -d2
        if (d1 > 1e-6 || d2 > 1e-6) print "differs: " key ": " ref[key] " vs " v
        delete ref[key] } } }
    /^\\end\\$/ { sec = "" }
    END { for (k in ref) print "missing: " k }' "$ref" toy.arpa | head -n 5)
  check_eq "$diffs" "" "lm's toy.arpa has the n-grams, probabilities and backoffs of KenLM's $name"
done

finish
