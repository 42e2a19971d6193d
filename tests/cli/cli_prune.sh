#!/usr/bin/env bash
# lm prune: relative-entropy pruning as SRILM's ngram -prune.
#   - toy.txt (always): threshold 0 leaves the model byte-identical, an ARPA
#     input prunes as its binary does, --min-order 3 leaves the bigrams, a
#     per-order summary on stderr, pruned distributions sum to 1, bad inputs
#     are one-line errors and leave no output; SRILM 1.7.3's own output on
#     toy.o3.kenlm.arpa, and its counts on an order-5 model of data/gutenberg.tok.txt.
#   - kjv (when LM_SHARED_DIR/corpora/kjv exists): SRILM 1.7's n-gram counts
#     (within 0.5%) and perplexities (within 0.2%) at four thresholds for
#     modified Kneser-Ney order 3, at 1e-7 for Katz with a closed vocabulary
#     (SRILM: ngram -lm X -prune T on ngram-count's model of the same corpus),
#     SRILM's counts on lm's order-5 model, and 1,000 contexts of pruned
#     models that sum to 1 within 1e-6.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.bash source-path=SCRIPTDIR
. "$HERE/lib.bash"

need_file "$TOY"

# kept FILE ORDER : the n-grams kept at ORDER by the summary lines of stderr FILE.
kept() { sed -n "s/^lm: info: order $2: \([0-9]*\) n-grams kept.*/\1/p" "$1"; }
# ngrams ARPA ORDER : the count in an ARPA file's \data\ section.
ngrams() { sed -n "s/^ngram $2=//p" "$1"; }
# max_sum_error MODEL CONTEXTS : the largest |sum - 1| of lm next --all over the contexts of a file.
max_sum_error() {
  "$LM" next -m "$1" --all --format tsv -i "$2" |
    awk -F'\t' '$2 == 1 { if (n) { d = s - 1; if (d < 0) d = -d; if (d > m) m = d } s = 0; n++ }
                { s += $4 }
                END { d = s - 1; if (d < 0) d = -d; if (d > m) m = d; printf "%.3g %d\n", m, n }'
}

# check_rel GOT EXPECTED RELTOL DESCRIPTION : |GOT - EXPECTED| <= RELTOL * |EXPECTED|.
check_rel() {
  if [ -n "$1" ] && awk -v a="$1" -v b="$2" -v r="$3" \
    'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(d <= r * m) }'; then
    ok "$4 ($1 against $2)"
  else
    fail "$4" "expected: $2 (relative tolerance $3)" "got:      '$1'"
  fi
}
train_model toy.lm "$TOY" --order 3 --arpa toy.arpa

# ---- threshold 0: nothing removed, the same model
check_exit 0 "$LM" prune toy.lm --threshold 0 -o zero.lm --arpa zero.arpa
check_same zero.arpa toy.arpa "threshold 0: the ARPA output is byte-identical to the input's"
check_contains "$ERR" "order 3: $(ngrams toy.arpa 3) n-grams kept, 0 removed" "threshold 0: the summary says nothing was removed"
check_exit 0 "$LM" convert --arpa zero.lm zero.back.arpa
check_same zero.back.arpa toy.arpa "threshold 0: the binary output holds the same model"

# ---- an ARPA input prunes as its binary does; the summary counts what is written
check_exit 0 "$LM" prune toy.lm --threshold 0.02 --arpa from-binary.arpa
cp "$ERR" summary.txt
check_exit 0 "$LM" prune toy.arpa --threshold 0.02 -o from-arpa.lm
check_exit 0 "$LM" convert --arpa from-arpa.lm from-arpa.arpa
check_same from-arpa.arpa from-binary.arpa "an ARPA input gives the model its binary gives"
for n in 1 2 3; do
  check_eq "$(kept summary.txt $n)" "$(ngrams from-binary.arpa $n)" "the summary's order $n count is the written one's"
done
check_true "threshold 0.02 removes trigrams and bigrams from the toy model" \
  "got $(ngrams from-binary.arpa 2) bigrams, $(ngrams from-binary.arpa 3) trigrams" \
  test "$(ngrams from-binary.arpa 3)" -lt "$(ngrams toy.arpa 3)" -a "$(ngrams from-binary.arpa 2)" -lt "$(ngrams toy.arpa 2)"
check_matches summary.txt '^lm: info: order 2: [0-9]+ n-grams kept, [1-9][0-9]* removed \(of [0-9]+\)$' \
  "stderr has a summary line per order"
for context in "" "the" "ate the" "the cat" "<s> the"; do
  check_near "$("$LM" next -m from-arpa.lm --all --format tsv "$context" | awk -F'\t' '{ s += $4 } END { printf "%.9f", s }')" \
    1 1e-6 "pruned toy model: next after '$context' sums to 1"
done
check_exit 0 "$LM" prune toy.lm --threshold 0.02 -t 1 --arpa one-thread.arpa
check_same one-thread.arpa from-binary.arpa "the same model on 1 thread as on all"

# ---- SRILM's own output: SRILM 1.7.3's Ngram::pruneProbs(0.01, 2) (what ngram -lm
# toy.o3.kenlm.arpa -unk -prune 0.01 -write-lm does) on the same input file
COMPARE="$HERE/arpa_compare.awk"
need_file "$COMPARE"
need_file "$LM_TEST_DATA/toy.o3.kenlm.arpa"
cat >srilm.0.01.arpa <<'EOF'

\data\
ngram 1=11
ngram 2=12
ngram 3=2

\1-grams:
-0.6839063 </s>
0 <s> -0.39794
-1.266661 <unk>
-1.048605 a -0.30103
-1.109875 ate -0.1004485
-1.048605 cat -0.30103
-1.048605 chased -0.30103
-1.109875 cheese -0.30103
-1.048605 dog -0.30103
-1.109875 mouse -0.167046
-0.8290484 the -0.1548435

\2-grams:
-0.8672131 <s> a
-0.2523598 <s> the -0.08777452
-0.2685534 a mouse
-0.4892973 ate the
-0.4515745 cat </s>
-0.5393674 cat ate
-0.2409991 chased the -0.30103
-0.2193016 cheese </s>
-0.263838 dog chased
-0.429274 mouse ate
-0.6749514 the cat
-0.6872089 the mouse

\3-grams:
-0.4489329 <s> the cat
-0.2177522 chased the cat

\end\
EOF
check_exit 0 "$LM" prune "$LM_TEST_DATA/toy.o3.kenlm.arpa" --threshold 0.01 --arpa toy.0.01.arpa
run awk -v tol=1e-6 -v max=8 -f "$COMPARE" srilm.0.01.arpa toy.0.01.arpa
check_status "toy.o3.kenlm.arpa at 0.01: SRILM's n-grams, log10 p and backoffs within 1e-6" 0
check_empty "$OUT" "toy.o3.kenlm.arpa at 0.01: arpa_compare.awk finds no difference"

# ---- order 5 on data/gutenberg.tok.txt: SRILM 1.7.3's counts (pruneProbs on lm's ARPA
# file of this model). Without the rule that an n-gram stays while it is the suffix of
# a longer context still in use, lm kept 210381 trigrams at 1e-7 and 117160 bigrams at 1e-6.
train_model gutenberg5.lm "$GUTENBERG" --order 5
while read -r t counts; do
  check_exit 0 "$LM" prune gutenberg5.lm --threshold "$t" --arpa "gutenberg5.$t.arpa"
  i=1
  for want in $counts; do
    check_rel "$(ngrams "gutenberg5.$t.arpa" $i)" "$want" 0.0005 "gutenberg.tok order 5 at $t: SRILM's $i-gram count"
    i=$((i + 1))
  done
done <<'EOF'
1e-7 21349 177653 210737 32746 2122
1e-6 21349 117305 40106 3401 304
EOF

# A maximum likelihood model: a context whose n-grams take all the mass has backoff
# weight 0 (log10 -99, which SRILM reads as -infinity), and SRILM then keeps its
# n-grams (0 * infinity is NaN, never below the threshold). SRILM's counts:
train_model mle4.lm "$GUTENBERG" --order 4 --smoothing mle
check_exit 0 "$LM" prune mle4.lm --threshold 1e-6 --arpa mle4.1e-6.arpa
i=2
for want in 181045 376603 333527; do
  check_rel "$(ngrams mle4.1e-6.arpa $i)" "$want" 0.0005 "gutenberg.tok mle order 4 at 1e-6: SRILM's $i-gram count"
  i=$((i + 1))
done

# ---- --min-order 3 leaves the bigrams
check_exit 0 "$LM" prune toy.lm --threshold 1 --min-order 3 --arpa min3.arpa
check_eq "$(ngrams min3.arpa 2)" "$(ngrams toy.arpa 2)" "--min-order 3 leaves every bigram"
check_eq "$(ngrams min3.arpa 3)" "0" "--min-order 3 at threshold 1 removes every trigram"

# ---- --quantize
check_exit 0 "$LM" prune toy.lm --threshold 0.02 --quantize 8 -o q8.lm
check_exit 0 "$LM" info q8.lm
check_contains "$OUT" "8 bits" "--quantize 8: the output is quantized"

# ---- bad inputs: one-line errors, no output file
run "$LM" prune toy.lm --threshold -1e-8 -o bad.lm
check_error "negative threshold" 2 "--threshold"
run "$LM" prune toy.lm --threshold nan -o bad.lm
check_error "threshold nan" 2 "--threshold"
run "$LM" prune toy.lm --threshold abc -o bad.lm
check_status "threshold abc: exit 2" 2
run "$LM" prune toy.lm -o bad.lm
check_status "no threshold: exit 2" 2
check_contains "$ERR" "--threshold" "no threshold: the message names --threshold"
run "$LM" prune toy.lm --threshold 1e-8
check_error "no output" 2 "-o" "--arpa"
run "$LM" prune toy.lm --threshold 1e-8 -o same.out --arpa same.out
check_error "-o and --arpa the same file" 2 "same file"
run "$LM" prune missing.lm --threshold 1e-8 -o bad.lm
check_status "a missing model: exit 1" 1
run "$LM" prune toy.lm --threshold 1e-8 -o no-such-dir/bad.lm
check_error "an output in a missing directory" 1 "no-such-dir"
run "$LM" prune toy.lm --threshold 1e-8 --min-order 1 -o bad.lm
check_status "--min-order 1: exit 2" 2
train_model stupid.lm "$TOY" --order 3 --smoothing stupid
run "$LM" prune stupid.lm --threshold 1e-8 -o bad.lm
check_error "a stupid backoff model" 1 "not probabilities"
# A damaged model: the verification that runs beside the pruning reports it.
cp toy.lm damaged.lm
printf '\377\377\377\377\377\377\377\377' | dd of=damaged.lm bs=1 seek=600 conv=notrunc 2>/dev/null
run "$LM" prune damaged.lm --threshold 0.01 -o bad.lm
check_error "a damaged model" 1 "corrupt"
printf 'not a model\n' >garbage.arpa
run "$LM" prune garbage.arpa --threshold 1e-8 -o bad.lm
check_error "a file that is no model" 1 "garbage.arpa"
check_true "no output file after the errors" "found: $(ls bad.lm same.out 2>&1)" test ! -e bad.lm -a ! -e same.out

# ---- kjv against SRILM 1.7
KJV="${LM_SHARED_DIR:-}/corpora/kjv"
if [ -z "${LM_SHARED_DIR:-}" ] || [ ! -f "$KJV/kjv.tok.train.txt" ]; then
  echo "SKIP: kjv comparison with SRILM: ${LM_SHARED_DIR:-LM_SHARED_DIR}/corpora/kjv not found (toy part only)"
  finish
fi

perplexity() {
  "$LM" score -m "$1" --summary-only -i "$KJV/kjv.tok.test.txt" | awk -F'\t' -v k="$2:" '$1 == k { print $2 }'
}

train_model kjv.lm "$KJV/kjv.tok.train.txt" --order 3
check_rel "$(perplexity kjv.lm "Perplexity including OOVs")" 46.58788 0.002 "kjv mkn unpruned: SRILM's perplexity"
# threshold, SRILM's bigrams, trigrams and perplexity (OOVs as <unk>)
while read -r t bigrams trigrams ppl; do
  check_exit 0 "$LM" prune kjv.lm --threshold "$t" -o "kjv.$t.lm" --arpa "kjv.$t.arpa"
  check_rel "$(ngrams "kjv.$t.arpa" 2)" "$bigrams" 0.005 "kjv mkn -prune $t: SRILM's bigram count"
  check_rel "$(ngrams "kjv.$t.arpa" 3)" "$trigrams" 0.005 "kjv mkn -prune $t: SRILM's trigram count"
  check_eq "$(ngrams "kjv.$t.arpa" 1)" 12638 "kjv mkn -prune $t: every unigram stays"
  check_rel "$(perplexity "kjv.$t.lm" "Perplexity including OOVs")" "$ppl" 0.002 "kjv mkn -prune $t: SRILM's perplexity"
done <<'EOF'
1e-8 137234 369312 46.7766
1e-7 136808 276240 48.02701
1e-6 100268 82762 55.28124
1e-5 20471 8098 82.38542
EOF

# Order 5 (SRILM 1.7.3's Ngram::pruneProbs run on lm's own ARPA file of this model,
# kjv5.arpa below): the same counts. Without the rule that an n-gram stays while it
# is the suffix of a longer context still in use, lm kept 257903 trigrams at 1e-7.
train_model kjv5.lm "$KJV/kjv.tok.train.txt" --order 5
check_exit 0 "$LM" prune kjv5.lm --threshold 1e-7 --arpa kjv5.1e-7.arpa
i=2
for want in 136741 259556 104230 30872; do
  check_rel "$(ngrams kjv5.1e-7.arpa $i)" "$want" 0.001 "kjv mkn order 5 -prune 1e-7: SRILM's $i-gram count on the same model"
  i=$((i + 1))
done
check_exit 0 "$LM" prune kjv5.lm --threshold 1e-7 --min-order 3 --arpa kjv5.min3.arpa
check_eq "$(ngrams kjv5.min3.arpa 2)" 137938 "kjv order 5 -minprune 3: every bigram stays"
check_rel "$(ngrams kjv5.min3.arpa 3)" 259556 0.001 "kjv order 5 -minprune 3 -prune 1e-7: SRILM's trigram count"

train_model katz.lm "$KJV/kjv.tok.train.txt" --order 3 --smoothing katz --min-counts 1 1 1 --closed-vocab
check_rel "$(perplexity katz.lm "Perplexity excluding OOVs")" 48.56106 0.002 "kjv katz unpruned: SRILM's perplexity"
check_exit 0 "$LM" prune katz.lm --threshold 1e-7 -o katz.1e-7.lm --arpa katz.1e-7.arpa
check_rel "$(ngrams katz.1e-7.arpa 2)" 136347 0.005 "kjv katz -prune 1e-7: SRILM's bigram count"
check_rel "$(ngrams katz.1e-7.arpa 3)" 268585 0.005 "kjv katz -prune 1e-7: SRILM's trigram count"
check_rel "$(perplexity katz.1e-7.lm "Perplexity excluding OOVs")" 48.62951 0.002 "kjv katz -prune 1e-7: SRILM's perplexity"

# 1,000 contexts from the test text (one or two words, some after <s>).
awk 'NR <= 1000 { i = NR % NF + 1; print (i == 1 ? "<s> " $1 : (NR % 3 == 0 ? $i : $(i - 1) " " $i)) }' \
  "$KJV/kjv.tok.test.txt" >contexts.txt
for model in kjv.1e-6.lm katz.1e-7.lm; do
  read -r err n <<<"$(max_sum_error "$model" contexts.txt)"
  check_eq "$n" 1000 "$model: lm next --all answers the 1,000 contexts"
  check_true "$model: each of the 1,000 contexts sums to 1 within 1e-6" "largest |sum - 1|: $err" near "$err" 0 1e-6
done

finish
