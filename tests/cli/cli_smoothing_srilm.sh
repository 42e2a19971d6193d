#!/usr/bin/env bash
# The classic smoothing methods (lm train --smoothing wb|kn|absolute|katz|add,
# --backoff, --discount, --min-counts, --closed-vocab) against SRILM 1.7.3's own
# models (../shared/reference/srilm, README.md there gives the SRILM commands):
# lm's ARPA file has the same n-gram counts, the same n-grams, and every log10 p
# and backoff within 1e-5 of SRILM's; lm score's "Perplexity excluding OOVs"
# equals SRILM's ppl, and the log10 total without the OOVs equals its logprob.
#   - toy.txt (always): SRILM's four files, copied into tests/data/srilm.
#   - kjv order 3 (when ../shared/reference/srilm exists): eight models.
# The ARPA comparison is tests/cli/arpa_compare.awk, checked first on altered
# copies of a reference file so that a difference cannot pass unnoticed.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.bash source-path=SCRIPTDIR
. "$HERE/lib.bash"

COMPARE="$HERE/arpa_compare.awk"
TOY_REFS="$LM_TEST_DATA/srilm"
need_file "$TOY"
need_file "$COMPARE"
need_file "$TOY_REFS/toy.o3.wbdiscountinterpolate.arpa"

# compare_arpa REFERENCE CANDIDATE DESCRIPTION : arpa_compare.awk finds no difference.
compare_arpa() {
  local rc=0
  awk -v tol=1e-5 -v max=8 -f "$COMPARE" "$1" "$2" >"$TMP/.compare" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ] && [ ! -s "$TMP/.compare" ]; then
    ok "$3"
  else
    local lines=()
    mapfile -t lines <"$TMP/.compare"
    fail "$3" "arpa_compare.awk exit $rc; first differences (reference $(basename "$1")):" "${lines[@]}"
  fi
}

# compare_arpa_fails REFERENCE CANDIDATE TEXT DESCRIPTION : the comparator
# exits 1 and its report contains TEXT.
compare_arpa_fails() {
  local rc=0
  awk -v tol=1e-5 -f "$COMPARE" "$1" "$2" >"$TMP/.compare" 2>&1 || rc=$?
  if [ "$rc" -eq 1 ] && grep -qF -- "$3" "$TMP/.compare"; then
    ok "$4"
  else
    fail "$4" "expected: exit 1 and a report naming '$3'" "got:      exit $rc: $(show "$TMP/.compare")"
  fi
}

# check_rel GOT EXPECTED RELTOL DESCRIPTION : |GOT - EXPECTED| <= RELTOL * |EXPECTED|.
check_rel() {
  if [ -n "$1" ] && awk -v a="$1" -v b="$2" -v r="$3" \
    'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(d <= r * m) }'; then
    ok "$4"
  else
    fail "$4" "expected: $2 (relative tolerance $3)" "got:      '$1'"
  fi
}

# summary_value FILE NAME : the value of the line "NAME:<TAB>value" of lm score's summary.
summary_value() {
  awk -F'\t' -v k="$2:" '$1 == k { print $2; exit }' "$1"
}

# ---- the comparator itself: it accepts what is equal and refuses any change
REF="$TOY_REFS/toy.o3.wbdiscountinterpolate.arpa"
compare_arpa "$REF" "$REF" "comparator: a file equals itself"
{ echo "# lm smoothing: a comment before \\data\\"; tr '\t' ' ' <"$REF"; } >spaces.arpa
compare_arpa "$REF" spaces.arpa "comparator: spaces for tabs and comment lines before \\data\\ make no difference"
awk -F'\t' -v OFS='\t' '/^\\2-grams:/ { s = 2 } s == 2 && NF == 2 { $0 = $0 "\t0" } { print }' "$REF" >zeros.arpa
check_true "comparator fixture: zeros.arpa has explicit 0 backoffs" "no line changed" \
  grep -q "ate </s>	0$" zeros.arpa
compare_arpa "$REF" zeros.arpa "comparator: a missing backoff equals a written 0"
awk -F'\t' -v OFS='\t' '$2 == "ate the" { $1 += 0.000005 } { print }' "$REF" >near.arpa
compare_arpa "$REF" near.arpa "comparator: log10 p 5e-6 away is within the tolerance"
awk -F'\t' -v OFS='\t' '$2 == "ate the" { $1 += 0.00002 } { print }' "$REF" >far-p.arpa
compare_arpa_fails "$REF" far-p.arpa "2-gram 'ate the': log10 p" "comparator: refuses a log10 p 2e-5 away"
awk -F'\t' -v OFS='\t' '$2 == "cheese" { $3 -= 0.00002 } { print }' "$REF" >far-bo.arpa
compare_arpa_fails "$REF" far-bo.arpa "1-gram 'cheese': backoff" "comparator: refuses a backoff 2e-5 away"
awk -F'\t' -v OFS='\t' '$2 == "ate </s>" { $0 = $0 "\t-0.1" } { print }' "$REF" >extra-bo.arpa
compare_arpa_fails "$REF" extra-bo.arpa "2-gram 'ate </s>': backoff" "comparator: refuses a backoff where the reference has none"
grep -v "	the mouse ate$" "$REF" | sed 's/^ngram 3=20$/ngram 3=19/' >missing.arpa
compare_arpa_fails "$REF" missing.arpa "candidate lacks the 3-gram 'the mouse ate'" "comparator: refuses a missing n-gram"
sed 's/	the mouse ate$/	the mouse eats/' "$REF" >renamed.arpa
compare_arpa_fails "$REF" renamed.arpa "extra (or repeated) 3-gram 'the mouse eats'" "comparator: refuses a different n-gram"
sed 's/^ngram 2=17$/ngram 2=18/' "$REF" >count.arpa
compare_arpa_fails "$REF" count.arpa "ngram 2=: candidate 18, reference 17" "comparator: refuses a different n-gram count"
compare_arpa_fails "$REF" /dev/null "candidate: no \\data\\ line" "comparator: refuses an empty candidate"
compare_arpa_fails "$TOY_REFS/toy.o3.wbdiscount.arpa" "$REF" "backoff" "comparator: refuses another method's file"

# check_model NAME CORPUS REFERENCE SENTENCES PPL PPL_RELTOL LOGPROB LOGPROB_TOL OOVS -- TRAIN_OPTIONS...
# Trains NAME.lm and NAME.arpa, compares the ARPA file with REFERENCE (skipped
# if REFERENCE is empty) and scores SENTENCES: "Perplexity excluding OOVs" = PPL,
# "OOVs:" = OOVS, and the sum of the in-vocabulary factors (SRILM's logprob, which
# leaves the OOVs out; an OOV's factor is -100 plus backoffs) = LOGPROB.
check_model() {
  local name=$1 corpus=$2 ref=$3 sentences=$4 ppl=$5 ppl_tol=$6 logprob=$7 logprob_tol=$8 oovs=$9
  shift 10
  train_model "$name.lm" "$corpus" --order 3 --closed-vocab "$@" --arpa "$name.arpa"
  if [ -n "$ref" ]; then
    compare_arpa "$ref" "$name.arpa" "$name: lm train $* writes SRILM's n-gram counts, n-grams, log10 p and backoffs (within 1e-5)"
  fi
  run "$LM" score -q -m "$name.lm" --summary-only -i "$sentences"
  check_status "$name: lm score --summary-only" 0
  check_rel "$(summary_value "$OUT" "Perplexity excluding OOVs")" "$ppl" "$ppl_tol" \
    "$name: Perplexity excluding OOVs = SRILM's ppl $ppl"
  check_eq "$(summary_value "$OUT" "OOVs")" "$oovs" "$name: OOVs: $oovs"
  run "$LM" score -q -m "$name.lm" --format tsv --tokens -i "$sentences"
  check_status "$name: lm score --format tsv --tokens" 0
  local sums
  sums=$(awk -F'\t' '
    { oovs += $4; total += $1
      n = split($6, factors, " ")
      for (i = 1; i <= n; i++) { m = split(factors[i], t, "|"); p = t[m] + 0
        if (p < -99.5) { oov_factors++; oov_logprob += p } } }
    END { printf "%.6f %d %d\n", total - oov_logprob, oovs, oov_factors }' "$OUT")
  read -r got_logprob got_oovs got_oov_factors <<<"$sums"
  check_eq "$got_oovs $got_oov_factors" "$oovs $oovs" "$name: the tsv lines count $oovs OOVs, each a factor of -100 plus backoffs"
  check_near "$got_logprob" "$logprob" "$logprob_tol" "$name: log10 total without the OOVs = SRILM's logprob $logprob"
}

# ---- toy.txt: SRILM's four models (-gt3min 1), scored on two sentences
printf '%s\n' "the mouse ate the cheese" "the dog ate the mouse" >toy-sentences.txt
# name                  ppl      logprob   options
while read -r name ppl logprob options; do
  # shellcheck disable=SC2086  # options is a list of words
  check_model "toy.$name" "$TOY" "$TOY_REFS/toy.o3.$name.arpa" toy-sentences.txt "$ppl" 1e-5 "$logprob" 1e-4 0 -- $options
done <<'EOF'
wbdiscountinterpolate   2.999656 -5.724857 --smoothing wb
wbdiscount              3.954584 -7.165209 --smoothing wb --backoff
cdiscount0.5interpolate 2.878918 -5.510752 --smoothing absolute --discount 0.5
addsmooth1              5.096405 -8.487167 --smoothing add --add 1
EOF

# ---- kjv order 3: SRILM's eight models (defaults: -gt3min 2), on kjv.tok.test.txt
SRILM="${LM_SHARED_DIR:-}/reference/srilm"
KJV="${LM_SHARED_DIR:-}/corpora/kjv"
if [ -z "${LM_SHARED_DIR:-}" ] || [ ! -d "$SRILM" ]; then
  echo "SKIPPED: kjv part: ${LM_SHARED_DIR:-LM_SHARED_DIR}/reference/srilm not found (toy part only)"
  finish
fi
need_file "$KJV/kjv.tok.train.txt"
need_file "$KJV/kjv.tok.test.txt"
for f in "$TOY_REFS"/toy.o3.*.arpa; do
  check_same "$f" "$SRILM/$(basename "$f")" "tests/data/srilm/$(basename "$f") is the copy of ../shared's"
done
have_xz=1
if ! command -v xz >/dev/null 2>&1; then
  have_xz=0
  echo "SKIPPED: kjv ARPA comparisons: xz is not installed (perplexities still checked)"
fi
# ppl and logprob as SRILM's ngram -ppl prints them (README.md), with tolerances
# suited to the printed digits.
#      name    ppl      ppl_tol logprob    lp_tol  options
while read -r name ppl ppl_tol logprob lp_tol options; do
  check_true "README.md lists ppl $ppl and logprob $logprob for kjv.o3.$name" \
    "no table row '| kjv.o3.$name |' with '| $logprob | $ppl |'" \
    grep -qE "^\\| kjv\\.o3\\.$name \\|.*\\| $logprob \\| $ppl \\|" "$SRILM/README.md"
  ref=""
  if [ "$have_xz" = 1 ]; then
    need_file "$SRILM/kjv.o3.$name.arpa.xz"
    run xz -dc "$SRILM/kjv.o3.$name.arpa.xz"
    check_status "xz -dc kjv.o3.$name.arpa.xz" 0
    mv "$OUT" "ref.$name.arpa"
    ref="ref.$name.arpa"
  fi
  # shellcheck disable=SC2086  # options is a list of words
  check_model "kjv.$name" "$KJV/kjv.tok.train.txt" "$ref" "$KJV/kjv.tok.test.txt" "$ppl" "$ppl_tol" \
    "$logprob" "$lp_tol" 214 -- --min-counts 1 1 2 $options
  check_eq "$(grep '^ngram [0-9]*=' "kjv.$name.arpa" | tr '\n' ' ')" "ngram 1=12637 ngram 2=137938 ngram 3=99647 " \
    "kjv.$name: n-gram counts 12637/137938/99647"
  rm -f "ref.$name.arpa" "kjv.$name.arpa" "kjv.$name.lm"
done <<'EOF'
wbint  49.91093 1e-5 -80557.31 0.01 --smoothing wb
wb     50.39394 1e-5 -80755.72 0.01 --smoothing wb --backoff
uknint 47.74945 1e-5 -79645.22 0.01 --smoothing kn
ukn    48.19266 1e-5 -79835.56 0.01 --smoothing kn --backoff
absint 52.45234 1e-5 -81580.49 0.01 --smoothing absolute --discount 0.75
abs    51.21742 1e-5 -81089.65 0.01 --smoothing absolute --backoff --discount 0.75
katz   50.74708 1e-5 -80899.59 0.01 --smoothing katz
add01  170.42   5e-5 -105856.6 0.1  --smoothing add --add 0.1
EOF

# Figures the reference README gives without a file (all trigrams kept: -gt3min 1):
# Katz, and SRILM's modified Kneser-Ney, which lm's mkn (lmplz's) equals there.
for spec in "48.56106 --smoothing katz" "44.47473 --smoothing mkn"; do
  read -r ppl options <<<"$spec"
  # shellcheck disable=SC2086
  train_model "kjv.all.lm" "$KJV/kjv.tok.train.txt" --order 3 --closed-vocab $options
  run "$LM" score -q -m kjv.all.lm --summary-only -i "$KJV/kjv.tok.test.txt"
  check_rel "$(summary_value "$OUT" "Perplexity excluding OOVs")" "$ppl" 1e-5 \
    "kjv, every trigram kept, $options: perplexity excluding OOVs = SRILM's $ppl"
done

finish
