#!/usr/bin/env bash
# lm score on a model of data/gutenberg.tok.txt: sentences as arguments and on
# stdin (one record per input line, in order), the model path ($LM_MODEL, -m,
# model.lm), the summary, and the arithmetic of the numbers it prints.
. "$(dirname "$0")/lib.bash"

need_file "$GUTENBERG"
train_model model.lm "$GUTENBERG" --order 3
MODEL="$TMP/model.lm"

# ---- the README example: a sensible sentence beats a scrambled one
check_exit 0 "$LM" score "the mouse ate the cheese" "mouse the the cheese ate"
check_lines "$OUT" 2 "two sentences give two lines"
good=$(sed -n 1p "$OUT" | cut -f1)
bad=$(sed -n 2p "$OUT" | cut -f1)
check_true "'the mouse ate the cheese' has a higher log10 probability than 'mouse the the cheese ate'" \
  "got: $good vs $bad" greater "$good" "$bad"
check_matches "$OUT" $'^-[0-9.]+\tppl=[0-9.]+\ttokens=6\toovs=0\tthe mouse ate the cheese$' \
  "text line: log10, ppl=, tokens= (words + </s>), oovs=, sentence"
check_contains "$ERR" "Perplexity including OOVs:" "the summary goes to stderr"
check_matches "$ERR" $'^Sentences:\t2$' "the summary counts 2 sentences"
check_matches "$ERR" $'^Tokens:\t12$' "the summary counts 12 tokens"
check_exit 0 "$LM" -q score "the mouse ate the cheese"
check_empty "$ERR" "lm -q score prints no summary"

# An unknown word is an OOV, not an error.
check_exit 0 "$LM" score -q "the zzzqqqxxx ate"
check_matches "$OUT" $'\ttokens=4\toovs=1\t' "an unknown word counts as one OOV"

# ---- stdin: one output line per input line, in order, blank lines included
printf 'a b\nc d\n\n' >three.txt
check_exit 0 "$LM" score -q <three.txt
check_lines "$OUT" 3 "3 input lines (one blank) give 3 output lines"
check_eq "$(cut -f5 "$OUT" | tr '\n' '|')" "a b|c d||" "the records are in input order, the blank line too"
check_eq "$(sed -n 3p "$OUT" | cut -f3)" "tokens=1" "a blank line is scored as </s> alone"

# Arguments and stdin give the same records.
check_exit 0 "$LM" score -q "a b" "c d" ""
check_same "$OUT" <("$LM" score -q <three.txt) "sentences as arguments = the same sentences on stdin"

# A last line without a newline, and a CRLF line, are scored like the plain line.
check_exit 0 "$LM" score -q "a b"
cp "$OUT" ab.txt
run "$LM" score -q < <(printf 'a b')
check_same "$OUT" ab.txt "a last line without a newline is scored"
run "$LM" score -q < <(printf 'a b\r\n')
check_same "$OUT" ab.txt "a CRLF line is scored like an LF line"

# Many lines (output larger than any buffer): count and order preserved.
head -n 3000 "$GUTENBERG" >many.txt
check_exit 0 "$LM" score -q --format tsv <many.txt
check_lines "$OUT" 3000 "3000 input lines give 3000 records"
check_same <(cut -f5 "$OUT") many.txt "the 3000 records echo the input lines in order"

# Empty input: no records, success.
check_exit 0 "$LM" score </dev/null
check_empty "$OUT" "empty stdin gives no output"

# ---- --summary: on stdout, after the records; nothing on stderr
check_exit 0 "$LM" score --summary <three.txt
check_lines "$OUT" 9 "--summary: 3 records + 6 summary lines on stdout"
check_empty "$ERR" "--summary: nothing on stderr"
check_matches "$OUT" $'^Sentences:\t3$' "--summary counts the sentences"
check_eq "$(sed -n 4p "$OUT" | cut -f1)" "Perplexity including OOVs:" "the summary follows the records"
summary=$(tail -n 6 "$OUT")
# ---- --summary-only: the same summary, no records (at 1 and 2 threads)
for t in 1 2; do
  check_exit 0 "$LM" score -t $t --summary-only <three.txt
  check_lines "$OUT" 6 "--summary-only -t $t: only the 6 summary lines"
  check_eq "$(cat "$OUT")" "$summary" "--summary-only -t $t: the summary --summary prints"
  check_empty "$ERR" "--summary-only -t $t: nothing on stderr"
done
run "$LM" score --summary-only --tokens <three.txt
check_error "--summary-only with --tokens" 2 "excludes" "--summary-only"

# ---- the numbers add up (tsv has full precision)
check_exit 0 "$LM" score -q --format tsv --tokens "the mouse ate the cheese" "a zzzqqq of the" "it was the best of times"
while IFS=$'\t' read -r lp ppl tokens _oovs sentence factors; do
  n=$(echo "$factors" | wc -w)
  check_eq "$n" "$tokens" "'$sentence': one factor per token"
  sum=$(echo "$factors" | tr ' ' '\n' | awk -F'|' '{ s += $3 } END { printf "%.12f", s }')
  check_near "$sum" "$lp" 1e-6 "'$sentence': log10 probability = sum of the factors"
  want=$(awk -v lp="$lp" -v n="$tokens" 'BEGIN { printf "%.12g", 10 ^ (-lp / n) }')
  check_near "$ppl" "$want" "$(awk -v p="$want" 'BEGIN { print p * 1e-9 }')" \
    "'$sentence': perplexity = 10^(-log10 / tokens)"
done <"$OUT"

# Corpus summary = the sentences' totals.
check_exit 0 "$LM" score --summary --format json <many.txt
tail -n 1 "$OUT" >summary.json
sum_tokens=$(head -n 3000 "$OUT" | sed 's/.*"tokens":\([0-9]*\).*/\1/' | awk '{ s += $1 } END { print s }')
check_contains summary.json "\"tokens\":$sum_tokens," "summary tokens = the sum of the sentences' tokens ($sum_tokens)"
check_contains summary.json '"sentences":3000,' "summary counts 3000 sentences"

# ---- which model: -m, $LM_MODEL, model.lm in the current directory
mkdir elsewhere && cd elsewhere || exit 1
run "$LM" score "the mouse"
check_error "no model.lm here and no \$LM_MODEL" 1 "model.lm"
LM_MODEL="$MODEL" check_exit 0 "$LM" score -q "the mouse ate the cheese"
check_eq "$(cut -f1 "$OUT")" "$good" "score reads the model named by \$LM_MODEL"
LM_MODEL="$TMP/missing.lm" check_exit 0 "$LM" score -q -m "$MODEL" "the mouse ate the cheese"
check_eq "$(cut -f1 "$OUT")" "$good" "-m wins over \$LM_MODEL"
run "$LM" score -q --model "$MODEL" "the mouse ate the cheese"
check_eq "$(cut -f1 "$OUT")" "$good" "--model works like -m"
cp "$MODEL" model.lm
check_exit 0 "$LM" score -q "the mouse ate the cheese"
check_eq "$(cut -f1 "$OUT")" "$good" "score reads model.lm in the current directory"
cd "$TMP" || exit 1

finish
