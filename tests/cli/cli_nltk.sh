#!/usr/bin/env bash
# lm train --nltk: NLTK's nltk.lm counts (padded_everygram_pipeline), formulas
# and perplexities. On toy.txt at order 3, the perplexities of two test
# sentences equal NLTK 3.8's (WittenBellInterpolated, Lidstone(0.1), Laplace,
# AbsoluteDiscountingInterpolated) and MLE's p(the | <s> <s>) is 0.8; when
# /usr/bin/python3 has nltk, NLTK itself is run on the same data too. A model
# file stores log10 probabilities as floats, so lm's figures agree with
# NLTK's to 1e-7 (float precision; tests/estimate/test_nltk.cpp checks the
# formulas in double to 1e-9). ARPA output converted back scores the same.
. "$(dirname "$0")/lib.bash"

need_file "$TOY"
TOL=1e-7  # relative: a log10 p stored as a float is within 6e-8 of its value

printf 'the mouse ate the cheese\nthe dog ate the mouse\n' >test.txt

# close A B : |A - B| <= TOL * |B|
close() { awk -v a="$1" -v b="$2" -v t="$TOL" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(a != "" && d <= t * m) }'; }
# perplexity MODEL : lm's perplexity of test.txt (full precision)
perplexity() { "$LM" score -m "$1" -i test.txt --summary-only | awk -F'\t' '/^Perplexity including OOVs:/ { print $2 }'; }

# name | lm options | NLTK's perplexity | NLTK's model (for the check against NLTK itself)
CASES='wb|--smoothing wb|2.6632338017498|WittenBellInterpolated(order=3)
lidstone|--smoothing add --add 0.1|3.1735837959357402|Lidstone(0.1, order=3)
laplace|--smoothing add --add 1|6.24626717880475|Laplace(order=3)
absolute|--smoothing absolute|2.8838374359116354|AbsoluteDiscountingInterpolated(order=3)
absolute5|--smoothing absolute --discount 0.5||AbsoluteDiscountingInterpolated(order=3, discount=0.5)'

while IFS='|' read -r name options expected _; do
  # shellcheck disable=SC2086
  check_exit 0 "$LM" -q train --order 3 --nltk $options "$TOY" -o "$name.lm" --arpa "$name.arpa"
  got=$(perplexity "$name.lm")
  echo "$name $got" >>lm_figures.txt
  if [ -n "$expected" ]; then
    check_true "$name: perplexity $got equals NLTK's $expected (relative $TOL)" "" close "$got" "$expected"
  fi
  # The ARPA file keeps the padding: converted back, the model scores the same.
  check_contains "$name.arpa" "# lm padding: nltk" "$name: the ARPA file records NLTK's padding"
  check_exit 0 "$LM" convert "$name.arpa" "$name.back.lm"
  check_eq "$(perplexity "$name.back.lm")" "$got" "$name: ARPA -> lm convert scores the same"
  check_eq "$("$LM" score -m "$name.arpa" -i test.txt --summary-only | awk -F'\t' '/^Perplexity incl/ { print $2 }')" \
    "$got" "$name: the ARPA file itself scores the same"
done <<<"$CASES"

# Per-sentence records: 5 words + 2 </s> (order-1) tokens.
run "$LM" score -m wb.lm --format tsv --tokens "the mouse ate the cheese"
check_status "score --tokens on an NLTK model" 0
check_eq "$(cut -f3 "$OUT")" "7" "a sentence has its words and order-1 </s> as tokens"
check_matches "$OUT" ' </s>\|3\|[^ ]+ </s>\|3\|' "the last </s> is scored as the trigram 'cheese </s> </s>'"

check_exit 0 "$LM" info -m wb.lm
check_contains "$OUT" "NLTK's WittenBellInterpolated" "lm info names NLTK's method"
check_contains "$OUT" "padding	NLTK's" "lm info shows NLTK's padding"

# MLE: p(the | <s> <s>) = 0.8; unseen events have probability 0.
check_exit 0 "$LM" -q train --order 3 --nltk --smoothing mle "$TOY" -o mle.lm
run "$LM" score -m mle.lm --format tsv --tokens "the"
p_the=$(tr ' \t' '\n\n' <"$OUT" | awk -F'|' 'NF == 3 && $1 == "the" { printf "%.12f", 10 ^ $3 }')
check_true "mle: p(the | <s> <s>) = $p_the is 0.8" "" close "$p_the" 0.8
run "$LM" next -m mle.lm -k 1 "<s>"
check_matches "$OUT" '^the	0\.80*	' "mle: lm next after <s> gives the with 0.8"

# Options NLTK does not have are refused, each with one line.
run "$LM" train --nltk "$TOY" -o x.lm
check_error "--nltk needs one of NLTK's methods" 2 "--nltk" "wb" "mle"
run "$LM" train --nltk --smoothing kn "$TOY" -o x.lm
check_error "--nltk --smoothing kn is refused" 2 "--smoothing kn"
run "$LM" train --nltk --smoothing wb --prune 0 1 "$TOY" -o x.lm
check_error "--nltk with --prune is refused" 2 "--prune" "--nltk"
run "$LM" train --nltk --smoothing wb --min-count 2 "$TOY" -o x.lm
check_error "--nltk with --min-count is refused" 2 "--min-count"
run "$LM" train --nltk --smoothing wb --closed-vocab "$TOY" -o x.lm
check_error "--nltk with --closed-vocab is refused" 2 "--closed-vocab"
run "$LM" train --nltk --smoothing wb --backoff "$TOY" -o x.lm
check_error "--nltk with --backoff is refused" 2 "--backoff"
run "$LM" train --nltk --smoothing absolute --discount 0.5 0.7 "$TOY" -o x.lm
check_error "--nltk takes one discount" 2 "--discount"

# NLTK itself, when it is installed: the same figures from the same files.
if /usr/bin/python3 -c 'import nltk.lm' 2>/dev/null; then
  cat >nltk_ref.py <<'EOF'
import sys
from nltk.lm import MLE, Laplace, Lidstone, WittenBellInterpolated, AbsoluteDiscountingInterpolated
from nltk.lm.preprocessing import padded_everygram_pipeline, pad_both_ends
from nltk.util import ngrams
train = [l.split() for l in open(sys.argv[1])]
test = [g for l in open(sys.argv[2]) for g in ngrams(pad_both_ends(l.split(), n=3), 3)]
for line in sys.argv[3].splitlines():
    name, _, _, ctor = line.split('|')
    tr, v = padded_everygram_pipeline(3, train)
    m = eval(ctor)
    m.fit(tr, v)
    print(name, repr(m.perplexity(test)))
tr, v = padded_everygram_pipeline(3, train)
m = MLE(order=3)
m.fit(tr, v)
print("mle_the", repr(m.score('the', ['<s>', '<s>'])))
EOF
  if /usr/bin/python3 nltk_ref.py "$TOY" test.txt "$CASES" >nltk_figures.txt 2>nltk.err; then
    while read -r name want; do
      if [ "$name" = mle_the ]; then
        check_true "NLTK's MLE p(the | <s> <s>) = $want, lm's $p_the" "" close "$p_the" "$want"
        continue
      fi
      got=$(awk -v n="$name" '$1 == n { print $2 }' lm_figures.txt)
      check_true "$name: lm's perplexity $got equals NLTK's own $want (relative $TOL)" "" close "$got" "$want"
    done <nltk_figures.txt
  else
    fail "NLTK ran on the same data" "$(show nltk.err)"
  fi
else
  echo "note: /usr/bin/python3 cannot import nltk: lm's figures were checked against NLTK 3.8's recorded ones only"
fi

# NLTK's order-1 model predicts no </s>, which every lm sentence ends with.
check_exit 2 "$LM" train --order 1 --nltk --smoothing wb "$TOY" -o order1.lm
check_error "--nltk --order 1" 2 "--nltk" "order 2 or more"

finish
