#!/usr/bin/env bash
# One bad line never stops a pipeline: lm score and lm next answer every
# input line, a line they cannot use with an error record in its place (one
# warning per kind on stderr, a count in the summary, exit status 3); --strict
# stops at the first instead. <s> and </s> at the ends of a line are ignored,
# in training and scoring. lm train rejects bad lines unless --skip-bad-lines.
. "$(dirname "$0")/lib.bash"

train_model g.lm "$GUTENBERG"

# ---- 100,000 lines with 10 bad ones scattered in
# clean.txt: 100,000 - 10 lines of the demo corpus; mixed.txt: the same with
# 10 bad lines (4 Latin-1, 2 NUL bytes, 4 <s>/</s> inside) at fixed places.
for _ in 1 2 3 4 5; do cat "$GUTENBERG"; done | head -n 99990 > clean.txt
awk 'BEGIN { split("7 1000 2500 13001 40000 55555 70001 88888 99000 99999", at, " ");
             for (i in at) bad[at[i]] = i + 0 }
     { while ((n + 1) in bad) { n++; k = bad[n]
         if (k <= 4) printf "caf\351 number %d\n", k
         else if (k <= 6) printf "nul %d @NUL@ here\n", k
         else if (k <= 8) printf "a <s> inside %d\n", k
         else printf "</s> at the start %d\n", k }
       print; n++ }' clean.txt | sed 's/@NUL@/\x00/' > mixed.txt  # (mawk's printf cannot write NUL)
check_eq "$(wc -l < mixed.txt | tr -d ' ')" "100000" "the mixed input has 100,000 lines"
BAD_LINES="7 1000 2500 13001 40000 55555 70001 88888 99000 99999"

for threads in 1 2; do
  run "$LM" score -q -t "$threads" --format tsv -m g.lm -i clean.txt
  cp "$OUT" clean.tsv
  run "$LM" score -t "$threads" --format tsv -m g.lm -i mixed.txt
  check_status "score -t $threads of 100,000 lines with 10 bad: exit 3" 3
  check_lines "$OUT" 100000 "score -t $threads: 100,000 records, one per input line"
  check_eq "$(grep -n '^ERROR	' "$OUT" | cut -d: -f1 | tr '\n' ' ')" "$BAD_LINES " \
    "score -t $threads: the 10 bad lines are marked, in their places"
  check_eq "$(grep -c '^ERROR	mixed.txt:[0-9]*: ' "$OUT")" "10" "score -t $threads: each error record names file:line"
  check_same <(grep -v '^ERROR	' "$OUT") clean.tsv "score -t $threads: the other records equal scoring the clean lines"
  check_eq "$(grep -c '^lm: warning: mixed.txt:' "$ERR")" "3" "score -t $threads: one warning per kind of problem (3 kinds)"
  check_contains "$ERR" "10 of 100000 input lines could not be scored" "score -t $threads: the count at the end"
  check_contains "$ERR" "invalid UTF-8: 4, NUL byte: 2, <s> or </s> inside a line: 4" "score -t $threads: counts by kind"
  check_matches "$ERR" $'^Skipped lines:\t10$' "score -t $threads: the summary counts the skipped lines"
  check_matches "$ERR" $'^Sentences:\t99990$' "score -t $threads: the summary sums the scored lines only"
done

# JSON: every line a valid object, the bad ones with "error" (and the text,
# bytes that are not UTF-8 shown as U+FFFD).
run "$LM" score -q --format json -m g.lm -i mixed.txt
check_status "score --format json of the mixed input: exit 3" 3
check_lines "$OUT" 100000 "json: 100,000 records"
check_eq "$(grep -n '"error":' "$OUT" | cut -d: -f1 | tr '\n' ' ')" "$BAD_LINES " "json: the bad lines carry \"error\""
if have_python3; then
  check_true "json: every record parses, the bad ones hold sentence and error" "$(show "$OUT")" python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if "error" in r:
        n += 1
        assert r["error"].startswith("mixed.txt:"), r
        assert "sentence" in r and "log10_prob" not in r, r
assert n == 10, n' "$OUT"
  run "$LM" score -q --format json -m g.lm $'caf\xe9 au lait'
  check_true "json: a Latin-1 byte becomes U+FFFD in the echoed sentence" "$(show "$OUT")" python3 -c '
import json, sys
r = json.loads(open(sys.argv[1], encoding="utf-8").read())
assert r["sentence"] == "caf\ufffd au lait", r' "$OUT"
fi

# --strict: today's behaviour, stop at the first (exit 1, records before it).
run "$LM" score --strict -q -m g.lm -i mixed.txt
check_error "score --strict stops at the first bad line" 1 "mixed.txt:7:" "invalid UTF-8"
check_lines "$OUT" 6 "score --strict: the 6 lines before it are answered"

# ---- next answers every context too
printf 'ate the\nthe \377 cat\nit was </s>\n<s> the\n' > contexts.txt
run "$LM" next -m g.lm -k 2 --format tsv -i contexts.txt
check_status "next with 2 bad contexts of 4: exit 3" 3
check_eq "$(cut -f1 "$OUT" | tr '\n' '|')" "ate the|ate the|ERROR|ERROR|<s> the|<s> the|" \
  "next tsv: the bad contexts are answered with ERROR, in order"
check_contains "$OUT" "contexts.txt:3: '</s>' ends the context" "next: a context ending with </s> says why"
run "$LM" next -m g.lm -k 2 --format json -i contexts.txt
check_lines "$OUT" 4 "next json: one record per context"
check_eq "$(grep -c '"error":' "$OUT")" "2" "next json: the bad contexts carry \"error\""

# ---- <s> and </s> at the ends of a line are ignored
run "$LM" score -q -m g.lm "the man said" "<s> the man said" "the man said </s>" "  <s> the man said </s>  "
check_status "score: <s>/</s> at the ends of a line: exit 0" 0
check_eq "$(cut -f1-4 "$OUT" | sort -u | wc -l | tr -d ' ')" "1" "score: <s>/</s> at the ends change nothing"
head -n 2000 "$GUTENBERG" > plain.txt
sed 's/^/<s> /; s/$/ <\/s>/' plain.txt > marked.txt
train_model plain.lm plain.txt
train_model marked.lm marked.txt
check_same marked.lm plain.lm "train: a corpus with <s> ... </s> on every line gives the same model"
printf 'a b\n<s> <s> a b\n' > twice.txt
run "$LM" train twice.txt -o twice.lm
check_error "train: a second <s> is inside the line" 1 "twice.txt:2:" "'<s>' inside"

# ---- train: bad lines are errors (naming --skip-bad-lines), or skipped and counted
run "$LM" train mixed.txt -o mixed.lm
check_error "train on the mixed input" 1 "mixed.txt:7:" "--skip-bad-lines"
run "$LM" train --skip-bad-lines mixed.txt -o mixed.lm
check_status "train --skip-bad-lines: exit 0" 0
check_contains "$ERR" "skipped 10 lines" "train --skip-bad-lines counts the lines it left out"
check_contains "$ERR" "the first: mixed.txt:7:" "train --skip-bad-lines names the first"
train_model clean.lm clean.txt
check_same mixed.lm clean.lm "train --skip-bad-lines: the model of the clean lines"
run "$LM" train --skip-bad-lines --min-count 2 mixed.txt -o mixed2.lm
train_model clean2.lm clean.txt --min-count 2
check_same mixed2.lm clean2.lm "train --skip-bad-lines --min-count 2: the same lines left out of both passes"

# ---- --format json --summary of empty input: valid JSON (null, not nan)
run "$LM" score -m g.lm --format json --summary < /dev/null
check_status "empty input, json summary: exit 0" 0
check_eq "$(cat "$OUT")" \
  '{"summary":{"sentences":0,"tokens":0,"oovs":0,"log10_prob":0,"perplexity":null,"perplexity_excluding_oovs":null,"skipped":0}}' \
  "empty input: the JSON summary has null perplexities"
if have_python3; then
  check_true "empty input: the summary parses as JSON" "$(show "$OUT")" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$OUT"
fi
run "$LM" score -m g.lm --summary < /dev/null
check_matches "$OUT" $'^Perplexity including OOVs:\tnan$' "empty input, text summary: nan, never -nan"
finish
