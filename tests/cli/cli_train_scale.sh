#!/usr/bin/env bash
# lm train at scale: the model is byte-identical whatever --memory and
# --threads are (small budgets spill sorted runs to --temp-dir), temp files
# never stay behind, bad budgets and temp directories are clear errors, and
# the vocabulary options (--min-count, --max-vocab, --vocab) and --prune do
# what they say.
. "$(dirname "$0")/lib.bash"

need_file "$GUTENBERG"
head -n 8000 "$GUTENBERG" >corpus.txt
mkdir tmp

# ---- identical models whatever the budget and thread count
train_model ref.lm corpus.txt --order 4 --memory 1G --threads 1
for threads in 1 2 4; do
  check_exit 0 "$LM" -v train corpus.txt --order 4 --memory 1M --threads "$threads" --temp-dir tmp -o "m$threads.lm"
  check_same "m$threads.lm" ref.lm "--memory 1M --threads $threads gives the same bytes as --memory 1G --threads 1"
  check_matches "$ERR" 'counts did not fit in --memory 1M: used [0-9]+ MB of temp disk in tmp' \
    "a spilling run says how much temp disk it used"
done
check_eq "$(ls -A tmp)" "" "no temp files are left in --temp-dir"
check_exit 0 "$LM" train -q corpus.txt --order 4 --memory 0.01% --threads 2 -o pct.lm -T tmp
check_same pct.lm ref.lm "--memory as a percentage of RAM"

# ---- the summary line
check_exit 0 "$LM" train corpus.txt --order 3 -o summary.lm
check_matches "$ERR" 'wrote summary.lm \([0-9]+ MB\): order 3, [0-9]+ tokens, vocabulary [0-9]+, n-grams [0-9]+ [0-9]+ [0-9]+, discounts .*, [0-9.]+ s, peak memory [0-9]+ MB' \
  "train ends with a summary line"
check_exit 0 "$LM" -q train corpus.txt --order 3 -o summary.lm
check_empty "$ERR" "-q silences it"
check_exit 0 "$LM" -v train corpus.txt --order 3 -o summary.lm
check_matches "$ERR" 'debug: counting: [0-9.]+ s' "-v reports the time of each phase"
check_matches "$ERR" 'debug: order 3: [0-9]+ n-grams, discounts' "-v reports each order"

# ---- Ctrl-C while spilling leaves nothing behind
big=tmp-big.txt
for _ in 1 2 3 4 5 6; do cat "$GUTENBERG"; done >"$big"
mkdir tmp2
"$LM" -q train "$big" --order 5 --memory 1M --temp-dir tmp2 -o never.lm 2>/dev/null &
pid=$!
sleep 1.5
kill -INT "$pid" 2>/dev/null
wait "$pid"
RC=$?
check_true "interrupted training exits 130 (or finished first)" "got: $RC" test "$RC" -eq 130 -o "$RC" -eq 0
check_eq "$(ls -A tmp2)" "" "no temp files are left after Ctrl-C"
rm -f "$big"

# ---- bad budgets and temp directories
for bad in abc 0 -1G 150% 12Q 1K; do
  run "$LM" train corpus.txt --memory "$bad" -o bad.lm
  check_error "--memory $bad" 2 "--memory"
done
check_true "no model written after a bad option" "" test ! -e bad.lm
run "$LM" train corpus.txt --memory 1M --temp-dir /nonexistent/dir -o bad.lm
check_error "a missing --temp-dir" 2 "/nonexistent/dir" "--temp-dir"
check_true "no model written" "" test ! -e bad.lm
run "$LM" train corpus.txt --threads 0 -o bad.lm
check_error "--threads 0" 2 "--threads"

# ---- --prune
train_model pruned.lm corpus.txt --order 3 --prune 0 1 1
train_model pruned2.lm corpus.txt --order 3 --prune 0,1
check_same pruned.lm pruned2.lm "--prune 0 1 1 and --prune 0,1 (last value repeats) are the same"
check_exit 0 "$LM" -q train --order 3 --prune 0 1 1 corpus.txt -o pruned3.lm
check_same pruned3.lm pruned.lm "--prune 0 1 1 before the corpus, as with lmplz"
run "$LM" train --order 3 --prune 0 x 1 corpus.txt -o bad.lm
check_error "a non-numeric --prune value" 2 "--prune x"
run "$LM" info -m ref.lm
full3=$("$LM" info -m summary.lm | awk '/3-grams/ {print $2}')
pruned3=$("$LM" info -m pruned.lm | awk '/3-grams/ {print $2}')
check_true "pruning drops trigrams ($pruned3 < $full3)" "" test "${pruned3:-0}" -lt "${full3:-0}"
run "$LM" train corpus.txt --order 3 --prune 0 2 1 -o bad.lm
check_error "decreasing --prune thresholds" 2 "non-decreasing"
run "$LM" train corpus.txt --order 3 --prune 1 -o bad.lm
check_error "a unigram threshold" 2 "--min-count"
run "$LM" train corpus.txt --order 2 --prune 0 1 1 -o bad.lm
check_error "more thresholds than orders" 2 "--prune"

# ---- --min-count: the same model as replacing rare words by <unk> in the text
train_model min2.lm corpus.txt --order 3 --min-count 2
awk 'NR == FNR { for (i = 1; i <= NF; i++) c[$i]++; next }
     { for (i = 1; i <= NF; i++) if (c[$i] < 2) $i = "<unk>"; print }' corpus.txt corpus.txt >unked.txt
train_model unked.lm unked.txt --order 3
check_same min2.lm unked.lm "--min-count 2 equals training on the text with rare words replaced by <unk>"
run "$LM" score -m min2.lm --summary "the zyzzyva ate"
check_contains "$OUT" "OOVs:	1" "an unseen word is still an OOV"

# ---- --max-vocab: the N most frequent words
train_model max.lm corpus.txt --order 2 --max-vocab 100
vocab=$("$LM" info -m max.lm | awk '/vocabulary/ {print $2; exit}')
check_eq "$vocab" "103" "--max-vocab 100 keeps 100 words plus <unk>, <s>, </s>"
for bad in 0 -3 x 1.5; do
  run "$LM" train corpus.txt --max-vocab "$bad" -o bad.lm
  check_error "--max-vocab $bad" 2 "--max-vocab" "at least 1"
done
run "$LM" train - --min-count 2 <corpus.txt
check_error "--min-count on stdin" 2 "standard input"

# ---- --vocab FILE: fixed vocabulary, in the file's order
printf 'the of and\nto a\nnever-in-corpus\n' >vocab.txt
train_model fixed.lm corpus.txt --order 2 --vocab vocab.txt
vocab=$("$LM" info -m fixed.lm | awk '/vocabulary/ {print $2; exit}')
check_eq "$vocab" "9" "--vocab: the 6 words of the file plus <unk>, <s>, </s>"
run "$LM" next -m fixed.lm -k 20 --all "the"
check_contains "$OUT" "never-in-corpus" "a vocabulary word missing from the corpus still gets a probability"
a=$("$LM" score -m fixed.lm "the cat" | cut -f1)
b=$("$LM" score -m fixed.lm "the <unk>" | cut -f1)
check_eq "$a" "$b" "a word outside the vocabulary scores as the trained <unk>"
run "$LM" train corpus.txt --vocab vocab.txt --min-count 2 -o bad.lm
check_error "--vocab with --min-count" 2 "--vocab"
run "$LM" train corpus.txt --vocab missing-vocab.txt -o bad.lm
check_error "a missing vocabulary file" 1 "missing-vocab.txt"
: >empty-vocab.txt
run "$LM" train corpus.txt --vocab empty-vocab.txt -o bad.lm
check_error "an empty vocabulary file" 1 "empty-vocab.txt" "no words"

# ---- --quantize while training (no second model in memory) equals quantizing afterwards
train_model q-train.lm corpus.txt --order 3 --quantize 8
check_exit 0 "$LM" -q convert --quantize 8 summary.lm q-convert.lm
check_same q-train.lm q-convert.lm "train --quantize 8 gives the bytes of convert --quantize 8 of the exact model"
train_model q-arpa.lm corpus.txt --order 3 --quantize 8 --arpa q.arpa
check_same q-arpa.lm q-train.lm "the same with --arpa (which stays exact)"

finish
