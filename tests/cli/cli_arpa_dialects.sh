#!/usr/bin/env bash
# ARPA files as IRSTLM and SRILM write them: lm score, lm convert and the
# errors for the IRSTLM formats lm does not read. The fixtures and IRSTLM's
# own figures are described in tests/test_model_io.cpp ("ARPA dialects"):
#   toy.o3.irstlm.arpa            compile-lm --text=yes of build-lm.sh's model of toy.txt
#   toy.o3.irstlm.ilm             that model as build-lm.sh wrote it (iARPA)
#   toy.o3.srilm.wbdiscount.arpa  SRILM's ngram-count -wbdiscount model of toy.txt
. "$(dirname "$0")/lib.bash"

IRST_ARPA="$LM_TEST_DATA/toy.o3.irstlm.arpa"
IRST_ILM="$LM_TEST_DATA/toy.o3.irstlm.ilm"
SRILM="$LM_TEST_DATA/toy.o3.srilm.wbdiscount.arpa"
KENLM="$LM_TEST_DATA/toy.o3.kenlm.arpa"
for f in "$IRST_ARPA" "$IRST_ILM" "$SRILM" "$KENLM"; do need_file "$f"; done

printf '%s\n' "the mouse ate the cheese" "the cat chased a dog" "a dog ate the mouse" \
  "zebra ate the mouse" "the the the" >sentences.txt

# IRSTLM's score-lm -dub=12 on "<s> SENTENCE </s>", minus its log10 p(<s>)
# (-1.38917 in the ARPA file, -1.389166 in the iARPA file).
IRST_ARPA_FIGURES="-3.29465 -7.31852 -5.93982 -3.65985 -3.80150"
IRST_ILM_FIGURES="-3.294644 -7.318514 -5.939814 -3.659844 -3.801494"

# check_figures TSV "FIGURES" TOLERANCE DESCRIPTION : column 1 of each line of
# TSV is within TOLERANCE of the matching figure.
check_figures() {
  local diffs
  diffs=$(cut -f1 "$1" | awk -v want="$2" -v tol="$3" '
    BEGIN { n = split(want, w, " ") }
    { d = $1 - w[NR]; if (d < 0) d = -d; if (d > tol) print "line " NR ": " $1 " vs " w[NR] }
    END { if (NR != n) print NR " lines, expected " n }')
  check_eq "$diffs" "" "$4"
}

# ---- IRSTLM's ARPA file ("ngram  1=        11", a blank first line, <unk> with a probability)
check_exit 0 "$LM" score -q -m "$IRST_ARPA" --format tsv <sentences.txt
cp "$OUT" irst-arpa.tsv
check_figures irst-arpa.tsv "$IRST_ARPA_FIGURES" 2e-5 "IRSTLM ARPA: each sentence as IRSTLM's score-lm scores it"
check_exit 0 "$LM" score -m "$IRST_ARPA" --summary-only <sentences.txt
check_matches "$OUT" "Perplexity including OOVs:	7\.75" "IRSTLM ARPA: perplexity 7.75, as compile-lm --eval reports it"

# ---- IRSTLM's iARPA file (build-lm.sh's output), plain and gzipped as build-lm.sh writes it
check_exit 0 "$LM" score -q -m "$IRST_ILM" --format tsv <sentences.txt
cp "$OUT" irst-ilm.tsv
check_figures irst-ilm.tsv "$IRST_ILM_FIGURES" 2e-5 "IRSTLM iARPA: each sentence as IRSTLM's score-lm scores it"
gzip -c "$IRST_ILM" >toy.ilm.gz
check_exit 0 "$LM" score -q -m toy.ilm.gz --format tsv <sentences.txt
check_lines "$OUT" 5 "IRSTLM iARPA, gzipped: one record per sentence"
check_same "$OUT" irst-ilm.tsv "IRSTLM iARPA: gzipped (x.ilm.gz) = plain"
# lm convert --arpa writes what compile-lm --text=yes writes, to its six digits.
check_exit 0 "$LM" convert --arpa "$IRST_ILM" completed.arpa
diffs=$(awk '
  /^\\[0-9]-grams:$/ { sec = $0; next }
  /^\\end\\$/ { sec = ""; next }
  sec != "" && NF >= 2 { n = substr(sec, 2) + 0; key = sec; for (k = 2; k <= n + 1; k++) key = key " " $k
    p = $1; b = (NF > n + 1 ? $(n + 2) : 0)
    if (FNR == NR) { ref[key] = p " " b; next }
    if (!(key in ref)) { print "extra: " key; next }
    split(ref[key], r, " "); d1 = r[1] - p; d2 = r[2] - b; if (d1 < 0) d1 = -d1; if (d2 < 0) d2 = -d2
    if (d1 > 1e-5 || d2 > 1e-5) print "differs: " key ": " ref[key] " vs " p " " b
    delete ref[key]; compared++ }
  END { for (k in ref) print "missing: " k; if (compared != 51) print compared + 0 " n-grams compared, not 51" }' \
  "$IRST_ARPA" completed.arpa 2>&1 | head -n 5)
check_eq "$diffs" "" "IRSTLM iARPA: convert --arpa has compile-lm's n-grams, probabilities and backoffs (within 1e-5)"

# ---- IRSTLM's header spacing on KenLM's file changes nothing
check_exit 0 "$LM" score -q -m "$KENLM" --format tsv --tokens <sentences.txt
cp "$OUT" kenlm.tsv
{ echo; sed 's/^ngram \([0-9]*\)=\([0-9]*\)$/ngram  \1=\t    \2 /' "$KENLM"; } >spaced.arpa
check_eq "$(grep -c '^ngram  [0-9]=	    [0-9]* $' spaced.arpa)" "3" "the spaced copy has 3 count lines 'ngram  N=<tab>    count '"
check_exit 0 "$LM" score -q -m spaced.arpa --format tsv --tokens <sentences.txt
check_same "$OUT" kenlm.tsv "count lines with spaces and tabs score exactly as KenLM's own"

# ---- SRILM: p(<s>) = -99, no <unk>
check_exit 0 "$LM" score -q -m "$SRILM" --format tsv --tokens <sentences.txt
cp "$OUT" srilm.tsv
# SRILM's ngram -ppl on "the mouse ate the cheese" and "the dog ate the mouse"
printf '%s\n' "the mouse ate the cheese" "the dog ate the mouse" >srilm-sentences.txt
run "$LM" score -q -m "$SRILM" --format tsv <srilm-sentences.txt
sum=$(awk -F'\t' '{ s += $1 } END { printf "%.7f", s }' "$OUT")
check_near "$sum" -7.165209 2e-6 "SRILM: log10 of its two test sentences as SRILM's ngram -ppl gives it"
zebra=$(awk -F'\t' '$5 == "zebra ate the mouse" { split($6, t, " "); split(t[1], f, "|"); print f[3] }' srilm.tsv)
check_near "$zebra" -100.4027389 1e-6 "SRILM: the OOV is <unk> at -100 plus the backoff of <s> (-0.4027389)"

# ---- convert to lm's format: identical scores
for model in "$IRST_ARPA" "$IRST_ILM" "$SRILM"; do
  name=$(basename "$model")
  check_exit 0 "$LM" convert "$model" converted.lm
  run "$LM" score -q -m "$model" --format tsv --tokens <sentences.txt
  cp "$OUT" direct.tsv
  check_lines direct.tsv 5 "$name: one record per sentence"
  check_exit 0 "$LM" score -q -m converted.lm --format tsv --tokens <sentences.txt
  check_same "$OUT" direct.tsv "$name: convert -> binary scores every token exactly as the file"
done

# ---- IRSTLM formats lm does not read: one error line that says what to do
printf 'blmt 3         11         18          3\n11\n<s> 0\n\0\0\0\212<\n' >model.blm
run "$LM" score -m model.blm "the cat"
check_error "IRSTLM binary model" 1 "model.blm:1: this is an IRSTLM binary model (blmt)" \
  "compile-lm --text=yes model.blm model.arpa"
printf 'qARPA 3 256 256 256\n\n\\data\\\nngram 1= 11\nngram 2= 18\nngram 3= 22\n' >model.qarpa
run "$LM" convert model.qarpa out.lm
check_error "IRSTLM quantized model" 1 "model.qarpa:1: this is an IRSTLM quantized model (qARPA" "quantize-lm"
check_true "no output is left behind by a refused model" "got: $(ls -A)" test ! -e out.lm
sed 's/^\(-1.255273	a	\)-0.2498775$/\1-inf/' "$SRILM" >inf.arpa
check_eq "$(grep -c -- '-inf$' inf.arpa)" "1" "inf.arpa has one backoff of -inf"
run "$LM" score -m inf.arpa "the cat"
check_error "a backoff of -inf (IRSTLM's ShiftOne)" 1 "inf.arpa:10: backoff '-inf' is infinite" "another smoothing"

finish
