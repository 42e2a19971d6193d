#!/usr/bin/env bash
# lm train --smoothing: every method trains, is named by lm info and by the
# ARPA file's comment, survives ARPA -> model -> ARPA unchanged, and gives a
# normalized next-word distribution (stupid backoff excepted); stupid
# backoff's numbers are labelled as scores; mle's zero probabilities are
# reported as such; --closed-vocab leaves <unk> out; options that do not
# fit the method, and values out of range, are one-line errors.
. "$(dirname "$0")/lib.bash"

need_file "$TOY"

# sum_next MODEL CONTEXT : the sum of lm next --all's probabilities.
sum_next() { "$LM" next -m "$1" --all --format tsv "$2" | awk -F'\t' '{ s += $4 } END { printf "%.9f\n", s }'; }

for spec in mkn kn "kn --backoff" wb "wb --backoff" absolute "absolute --backoff --discount 0.5" katz \
  "add --add 0.5" mle stupid; do
  name=${spec// /_}
  # shellcheck disable=SC2086
  train_model "$name.lm" "$TOY" --order 3 --smoothing $spec --arpa "$name.arpa"
  method=$(sed -n 's/^# lm smoothing: \([^ ]*\) .*/\1/p' "$name.arpa")
  case $spec in
    *--backoff*) want=${spec%% *}-backoff ;;
    *) want=${spec%% *} ;;
  esac
  check_eq "$method" "$want" "$spec: the ARPA file names the method"
  check_exit 0 "$LM" info "$name.lm"
  check_contains "$OUT" "smoothing" "$spec: lm info names the smoothing"
  check_exit 0 "$LM" convert "$name.arpa" "$name.back.lm"
  check_exit 0 "$LM" convert "$name.back.lm" --arpa "$name.back.arpa"
  check_same "$name.back.arpa" "$name.arpa" "$spec: ARPA -> model -> ARPA is identical"
  if [ "$want" != stupid ] && [ "$want" != mle ]; then
    for context in "" "the" "ate the" "the cat"; do
      check_near "$(sum_next "$name.lm" "$context")" 1 1e-5 "$spec: next after '$context' sums to 1"
    done
  fi
done

# Stupid backoff: scores, not probabilities.
check_exit 0 "$LM" score -m stupid.lm "the cat ate the mouse"
check_contains "$OUT" "ppl=n/a" "stupid: the text record has no perplexity"
check_exit 0 "$LM" score -m stupid.lm --format json --tokens --summary "the cat ate the mouse"
check_contains "$OUT" '"log10_score":' "stupid: JSON says log10_score"
check_not_contains "$OUT" '"log10_prob"' "stupid: JSON has no log10_prob"
check_contains "$OUT" '"perplexity":null' "stupid: JSON perplexity is null"
check_exit 0 "$LM" score -m stupid.lm --summary-only -i "$TOY"
check_contains "$OUT" "n/a (the model gives scores, not probabilities)" "stupid: the summary prints no perplexity"
check_exit 0 "$LM" score -m stupid.lm --tokens "the cat"
check_contains "$OUT" "S(cat | <s> the)" "stupid: --tokens shows scores S(w | h)"
check_near "$(sum_next stupid.lm "the")" 1 0.5 "stupid: scores after 'the' sum near, not at, 1"
check_exit 0 "$LM" next -m stupid.lm --format json -k 3 "the"
check_contains "$OUT" '"log10_score":' "stupid: lm next's JSON says score"

# mle: an unseen event has probability 0, reported as such.
check_exit 0 "$LM" score -m mle.lm --tokens --summary "the cheese ate"
check_contains "$OUT" "log10 -inf" "mle: a zero probability is log10 -inf"
check_contains "$OUT" "Zero probabilities:	2" "mle: the summary counts zero probabilities"
check_contains "$OUT" "Perplexity including OOVs:	inf" "mle: the perplexity is infinite"
check_exit 0 "$LM" score -m mle.lm --format json "the cheese ate"
check_contains "$OUT" '"log10_prob":null' "mle: JSON gives null, not -inf"
check_contains "$OUT" '"zero_probs":2' "mle: JSON counts zero probabilities"
check_exit 0 "$LM" score -m mle.lm "the mouse ate the cheese"
check_not_contains "$OUT" "inf" "mle: a seen sentence has a finite score"

# --closed-vocab: no <unk> in the model or its ARPA file; OOVs get log10 p(<unk>) = -100.
train_model closed.lm "$TOY" --order 3 --smoothing wb --closed-vocab --arpa closed.arpa
check_not_contains closed.arpa "<unk>" "closed: the ARPA file has no <unk>"
check_contains closed.arpa "ngram 1=10" "closed: 10 unigrams (9 words and </s>, <s>)"
check_exit 0 "$LM" info closed.lm
check_contains "$OUT" "closed vocabulary" "closed: lm info says so"
check_exit 0 "$LM" score -m closed.lm --tokens "the zebra"
check_matches "$OUT" 'log10 -10[01]\.[0-9]+	1-gram	OOV' "closed: an OOV gets log10 -100 (and the context's backoff), as KenLM gives it"
check_exit 0 "$LM" convert closed.arpa closed.back.lm
check_exit 0 "$LM" info closed.back.lm
check_contains "$OUT" "closed vocabulary" "closed: an ARPA file without <unk> reads as a closed vocabulary"

# --min-counts: trigrams seen once leave the model.
train_model min.lm "$TOY" --order 3 --smoothing wb --min-counts 1 1 2 --arpa min.arpa
check_contains min.arpa "ngram 3=2" "min-counts 1 1 2: two trigrams were seen twice"

# Errors: one line, naming the option and what to do.
printf 'the <unk> cat\n' >unk.txt
check_exit 2 "$LM" train "$TOY" --smoothing foo -o x.lm
check_error "unknown method" 2 "--smoothing foo" "mkn, kn, wb"
check_exit 2 "$LM" train "$TOY" --alpha 0.5 -o x.lm
check_error "--alpha without stupid" 2 "--alpha" "stupid"
check_exit 2 "$LM" train "$TOY" --smoothing katz --backoff -o x.lm
check_error "--backoff with katz" 2 "--backoff"
check_exit 2 "$LM" train "$TOY" --smoothing absolute --discount 1.5 -o x.lm
check_error "discount out of range" 2 "--discount" "1.5"
check_exit 2 "$LM" train "$TOY" --smoothing add --add 0 -o x.lm
check_error "add 0" 2 "--add"
check_exit 2 "$LM" train "$TOY" --smoothing stupid --alpha 2 -o x.lm
check_error "alpha 2" 2 "--alpha"
check_exit 2 "$LM" train "$TOY" --smoothing katz --gt-max 9 -o x.lm
check_error "gt-max 9" 2 "--gt-max"
check_exit 2 "$LM" train "$TOY" --min-counts 2 1 -o x.lm
check_error "unigram min count" 2 "--min-counts" "--min-count"
check_exit 2 "$LM" train "$TOY" --order 2 --min-counts 1 1 2 -o x.lm
check_error "too many min counts" 2 "--min-counts"
check_exit 2 "$LM" train unk.txt --closed-vocab --smoothing wb -o x.lm
check_error "closed vocabulary with <unk>" 2 "--closed-vocab" "<unk>"
check_true "no model is left by a failed training" "" test ! -e x.lm

finish
