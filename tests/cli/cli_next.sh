#!/usr/bin/env bash
# lm next on a model of data/gutenberg.tok.txt: top-k lists, --all (a whole
# distribution summing to 1), --bos, several contexts, agreement with
# lm score --tokens, and a quiet exit when the reader of a pipe goes away.
. "$(dirname "$0")/lib.bash"

need_file "$GUTENBERG"
train_model model.lm "$GUTENBERG" --order 3
export LM_MODEL="$TMP/model.lm"

# ---- top-k
check_exit 0 "$LM" next "ate the"
check_lines "$OUT" 10 "lm next 'ate the' prints 10 lines"
check_empty "$ERR" "lm next prints nothing on stderr"
bad=$(awk -F'\t' 'NF != 3 || $2 !~ /^[0-9.]+$/ || $3 !~ /^-[0-9.]+$/ || $2 <= 0 || $2 > 1' "$OUT" | head -n 1)
check_eq "$bad" "" "each line is: word TAB probability TAB log10 probability"
# shellcheck disable=SC2016  # awk program
check_true "the list is sorted by probability, highest first" "got: $(show "$OUT")" \
  awk -F'\t' 'NR > 1 && $2 > prev { exit 1 } { prev = $2 }' "$OUT"
cp "$OUT" top10.txt

check_exit 0 "$LM" next -k 3 "ate the"
check_lines "$OUT" 3 "-k 3 prints 3 lines"
check_same "$OUT" <(head -n 3 top10.txt) "-k 3 is the head of the top 10"
check_exit 0 "$LM" next --top 3 "ate the"
check_lines "$OUT" 3 "--top 3 prints 3 lines"

# ---- --all: the whole distribution; sums to 1; </s> in, <s> out
check_exit 0 "$LM" next --all "ate the"
check_same <(head -n 10 "$OUT") top10.txt "--all starts with the top 10"
vocab=$(wc -l <"$OUT")
check_true "--all lists many words" "got: $vocab lines" test "$vocab" -gt 10000
check_true "--all includes </s>" "got: no </s> line" grep -q $'^</s>\t' "$OUT"
check_true "--all never includes <s>" "got: $(grep $'^<s>\t' "$OUT")" bash -c "! grep -q $'^<s>\t' '$OUT'"
# shellcheck disable=SC2016
check_true "--all is sorted by probability" "got: a line out of order" \
  awk -F'\t' 'NR > 1 && $2 > prev { exit 1 } { prev = $2 }' "$OUT"

check_exit 0 "$LM" next -k 1000000 "ate the"
check_lines "$OUT" "$vocab" "-k larger than the vocabulary lists every word once"

for context in "the" "ate the" "it was" "zzzqqq unknown" "of the zzzqqq"; do
  run "$LM" next --all --format tsv "$context"
  check_status "next --all --format tsv '$context'" 0
  sum=$(awk -F'\t' '{ s += $4 } END { printf "%.12f", s }' "$OUT")
  check_near "$sum" 1 1e-6 "p(w | '$context') sums to 1 over --all"
  check_lines "$OUT" "$vocab" "--all '$context' lists the same number of words"
done
run "$LM" next --all --bos --format tsv ""
sum=$(awk -F'\t' '{ s += $4 } END { printf "%.12f", s }' "$OUT")
check_near "$sum" 1 1e-6 "p(w | <s>) sums to 1 over --all"

# ---- --bos = "<s> ..."
check_exit 0 "$LM" next --bos -k 5 "the"
cp "$OUT" bos.txt
check_exit 0 "$LM" next -k 5 "<s> the"
check_same "$OUT" bos.txt "--bos 'the' = '<s> the'"
check_exit 0 "$LM" next -k 5 "the"
if cmp -s "$OUT" bos.txt; then
  fail "'<s> the' differs from 'the'" "got: the same list"
else
  ok "'<s> the' differs from 'the'"
fi

# Only the last order-1 words matter (order 3).
check_exit 0 "$LM" next "far away from ate the"
check_same "$OUT" top10.txt "with order 3 only the last 2 words of the context matter"

# ---- several contexts: '# context' headers, a blank line between lists
check_exit 0 "$LM" next -k 2 "ate the" "the"
check_lines "$OUT" 7 "2 contexts, -k 2: header + 2 lines, blank line, header + 2 lines"
check_eq "$(sed -n '1p;4p;5p' "$OUT" | tr '\n' '|')" "# ate the||# the|" "headers and separator are in place"
printf 'ate the\nthe\n' >contexts.txt
cp "$OUT" args.txt
check_exit 0 "$LM" next -k 2 <contexts.txt
check_same "$OUT" args.txt "contexts on stdin = contexts as arguments"
run "$LM" next -k 2 --format tsv <contexts.txt
check_eq "$(cut -f1,2 "$OUT" | tr '\t\n' ':|')" "ate the:1|ate the:2|the:1|the:2|" \
  "tsv records keep the input order"

# ---- agreement with lm score --tokens: p(w | <s> the mouse) both ways
run "$LM" score -q --format tsv --tokens "the mouse ate"
factor=$(cut -f6 "$OUT" | tr ' ' '\n' | sed -n 3p)
word=${factor%%|*}
score_lp=${factor##*|}
check_eq "$word" "ate" "score --tokens lists 'ate' third"
run "$LM" next --bos --all --format tsv "the mouse"
next_lp=$(awk -F'\t' -v w="ate" '$3 == w { print $5 }' "$OUT")
check_near "$next_lp" "$score_lp" 1e-6 "next --bos 'the mouse' gives 'ate' the log10 probability score --tokens gives"
end_lp=$(awk -F'\t' '$3 == "</s>" { print $5 }' "$OUT")
run "$LM" score -q --format tsv --tokens "the mouse"
score_end=$(cut -f6 "$OUT" | tr ' ' '\n' | sed -n 3p)
check_near "$end_lp" "${score_end##*|}" 1e-6 "and the same p(</s> | <s> the mouse)"

# ---- a pipe closed early: quiet exit (0, or 141 = killed by SIGPIPE)
pipe_test() {
  local desc=$1
  shift
  rm -f pipe.err
  local status
  status=$(default_sigpipe "$LM" "$@" 2>pipe.err | head -n 1 >/dev/null; echo "${PIPESTATUS[0]}")
  if [ "$status" -eq 0 ] || [ "$status" -eq 141 ]; then
    ok "$desc: exit status $status"
  else
    fail "$desc: exit status" "expected: 0 or 141" "got:      $status"
  fi
  if [ -s pipe.err ]; then
    fail "$desc: nothing on stderr" "got: $(show pipe.err)"
  else
    ok "$desc: nothing on stderr"
  fi
}
pipe_test "lm next 'the' | head -1" next "the"
pipe_test "lm next --all 'the' | head -1" next --all "the"
head -n 5000 "$GUTENBERG" >many.txt
pipe_test "lm score -q < 5000 lines | head -1" score -q --format tsv --tokens <many.txt

finish
