#!/usr/bin/env bash
# Output formats of lm score and lm next: text, tsv (the documented columns),
# json (JSON Lines that parse), --tokens, --summary, and that the three formats
# carry the same numbers.
. "$(dirname "$0")/lib.bash"

need_file "$GUTENBERG"
train_model model.lm "$GUTENBERG" --order 3
export LM_MODEL="$TMP/model.lm"

cat >sentences.txt <<'EOF'
the mouse ate the cheese
mouse the the cheese ate
a zzzqqq word

it was the best of times
EOF
NSENT=5

# json_lines_ok FILE : every line is a JSON value (python3), or, when python3 is
# not installed, every line looks like one JSON object with no raw control
# characters (which JSON strings cannot hold).
# shellcheck disable=SC2317  # called through check_true
json_lines_ok() {
  if have_python3; then
    python3 -c 'import json, sys
for n, line in enumerate(sys.stdin, 1):
    try:
        json.loads(line)
    except ValueError as e:
        sys.exit("line %d: %s: %s" % (n, e, line.strip()[:200]))' <"$1"
  else
    ! grep -vqE '^\{.*\}$' "$1" && ! LC_ALL=C grep -q '[[:cntrl:]]' "$1"
  fi
}
# check_fields FILE N DESCRIPTION : every line of FILE has N tab-separated fields.
check_fields() {
  local got
  got=$(awk -F'\t' '{ print NF }' "$1" | sort -u | tr '\n' ' ')
  if [ "$got" = "$2 " ]; then
    ok "$3"
  else
    fail "$3" "command:  $LAST_CMD" "expected: $2 fields on every line" "got:      field counts: $got" \
      "output:   $(sed 's/\t/<TAB>/g' "$1" | head -n 3 | sed '2,$s/^/              /')"
  fi
}

JSON_HOW=$(have_python3 && echo "python3 json.loads" || echo "grep: python3 not installed")

# ---- score --format tsv: log10_prob, perplexity, tokens, oovs, sentence (the text columns' order)
check_exit 0 "$LM" score -q --format tsv <sentences.txt
check_lines "$OUT" $NSENT "tsv: one line per sentence"
check_fields "$OUT" 5 "tsv: every line has 5 fields"
bad=$(awk -F'\t' '$1 !~ /^-[0-9.e+-]+$/ || $2 !~ /^[0-9.e+]+$/ || $3 !~ /^[0-9]+$/ || $4 !~ /^[0-9]+$/' "$OUT")
check_eq "$bad" "" "tsv: fields 1-4 are log10_prob (negative), perplexity, tokens, oovs"
check_same <(cut -f5 "$OUT") sentences.txt "tsv: field 5 is the sentence"
check_eq "$(cut -f3,4 "$OUT" | tr '\t\n' ',|')" "6,0|6,0|4,1|1,0|7,0|" "tsv: tokens = words + </s>, oovs counted"
cp "$OUT" plain.tsv
run "$LM" score -q <sentences.txt
check_eq "$(sed -n 1p "$OUT" | cut -f1-4 | sed 's/ppl=//; s/tokens=//; s/oovs=//' | tr '\t' ' ')" \
  "$(sed -n 1p plain.tsv | awk -F'\t' '{ printf "%.4f %.2f %s %s", $1, $2, $3, $4 }')" \
  "text and tsv give the same columns in the same order"

# A tab inside an input line separates words; it must not add a tsv column.
run "$LM" score -q --format tsv < <(printf 'the\tmouse  ate\n')
check_status "tsv with a tab in the input line" 0
check_fields "$OUT" 5 "tsv: a tab inside the input line ('the<TAB>mouse  ate') does not add a column"

# --tokens adds field 6: token|order|log10_prob for each token, space separated.
check_exit 0 "$LM" score -q --format tsv --tokens <sentences.txt
check_fields "$OUT" 6 "tsv --tokens: every line has 6 fields"
check_same <(cut -f1-5 "$OUT") plain.tsv "tsv --tokens: fields 1-5 unchanged"
bad=$(awk -F'\t' '{ n = split($6, f, " "); if (n != $3) print "line " NR ": " n " factors for " $3 " tokens";
                    for (i = 1; i <= n; i++) if (f[i] !~ /^[^|]+\|[1-3]\|-?[0-9.e+-]+$/) print "line " NR ": " f[i] }' "$OUT")
check_eq "$bad" "" "tsv --tokens: one token|order|log10_prob per token, order 1..3"
check_eq "$(sed -n 1p "$OUT" | cut -f6 | tr ' ' '\n' | cut -d'|' -f1 | tr '\n' ' ')" "the mouse ate the cheese </s> " \
  "tsv --tokens: the factors are the words then </s>"

# ---- score --format json
check_exit 0 "$LM" score -q --format json <sentences.txt
check_lines "$OUT" $NSENT "json: one line per sentence"
check_true "json: every line parses ($JSON_HOW)" "got: $(show "$OUT")" json_lines_ok "$OUT"
for key in '"sentence":' '"log10_prob":' '"tokens":' '"oovs":' '"perplexity":'; do
  check_eq "$(grep -cF -- "$key" "$OUT")" "$NSENT" "json: every record has $key"
done
check_contains "$OUT" '"sentence":"a zzzqqq word"' "json: the sentence is a string"
check_exit 0 "$LM" score -q --format json --tokens <sentences.txt
check_true "json --tokens: every line parses ($JSON_HOW)" "got: $(show "$OUT")" json_lines_ok "$OUT"
check_eq "$(grep -c '"factors":\[{"token":' "$OUT")" "$NSENT" "json --tokens: every record has a factors list"
check_contains "$OUT" '{"token":"zzzqqq","log10_prob":' "json --tokens: each factor has token and log10_prob"
check_contains "$OUT" '"oov":true' "json --tokens: an unknown word is marked oov"
if have_python3; then
  check_true "json --tokens: len(factors) = tokens, sum of factors = log10_prob" "got: $(show "$OUT")" \
    python3 -c 'import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    assert len(r["factors"]) == r["tokens"], r
    assert abs(sum(f["log10_prob"] for f in r["factors"]) - r["log10_prob"]) < 1e-6, r
    assert all(f["order"] in (1, 2, 3) for f in r["factors"]), r' "$OUT"
fi

# Characters JSON must escape, and UTF-8, survive a round trip.
printf 'say "hi" \\ back\001slash \342\200\234quoted\342\200\235 caf\303\251\n' >special.txt
check_exit 0 "$LM" score -q --format json --tokens <special.txt
check_true "json: quotes, backslash, control character and UTF-8 give valid JSON ($JSON_HOW)" \
  "got: $(show "$OUT")" json_lines_ok "$OUT"
if have_python3; then
  check_true "json: the sentence string decodes to the input line" "got: $(show "$OUT")" \
    python3 -c 'import json, sys
r = json.loads(open(sys.argv[1]).readline())
want = open(sys.argv[2], encoding="utf-8").read().rstrip("\n")
assert r["sentence"] == want, (r["sentence"], want)' "$OUT" special.txt
fi

# ---- text --tokens: the record line, then one indented line per factor
check_exit 0 "$LM" score -q --tokens "the mouse ate the cheese"
check_lines "$OUT" 7 "text --tokens: 1 record + 6 factor lines"
check_eq "$(grep -cE '^  p\(.* \|.*\) = .*	log10 .*	[1-3]-gram' "$OUT")" "6" "text --tokens: factor lines read '  p(word | context) = P<tab>log10 L<tab>N-gram'"
run "$LM" score -q --tokens "the zzzqqq"
check_contains "$OUT" "1-gram	OOV" "text --tokens: an OOV is marked"

# ---- --summary in each format: on stdout, after the records
check_exit 0 "$LM" score --summary --format json <sentences.txt
check_lines "$OUT" $((NSENT + 1)) "json --summary: records + 1 summary line"
check_empty "$ERR" "json --summary: nothing on stderr"
check_true "json --summary: every line parses ($JSON_HOW)" "got: $(show "$OUT")" json_lines_ok "$OUT"
check_matches "$OUT" '^\{"summary":\{"sentences":5,"tokens":24,"oovs":1,' "json --summary: the last line is the summary"
for key in '"log10_prob":' '"perplexity":' '"perplexity_excluding_oovs":'; do
  check_contains <(tail -n 1 "$OUT") "$key" "json --summary has $key"
done
check_exit 0 "$LM" score --summary --format tsv <sentences.txt
check_same <(head -n $NSENT "$OUT") plain.tsv "tsv --summary: the records are unchanged"
check_lines "$OUT" $((NSENT + 6)) "tsv --summary: records + 6 summary lines"
check_exit 0 "$LM" score --summary <sentences.txt
check_eq "$(tail -n 6 "$OUT" | cut -f1 | tr '\n' '|')" \
  "Perplexity including OOVs:|Perplexity excluding OOVs:|OOVs:|Tokens:|Sentences:|Skipped lines:|" \
  "text --summary: the six summary lines"
check_empty "$ERR" "text --summary: nothing on stderr"

# ---- the formats agree
text_lp=$(sed -n 1p plain.tsv | cut -f1)
run "$LM" score -q --format json "the mouse ate the cheese"
json_lp=$(sed 's/.*"log10_prob":\([-0-9.e+]*\).*/\1/' "$OUT")
check_near "$json_lp" "$text_lp" 1e-12 "json and tsv give the same log10 probability"
run "$LM" score -q "the mouse ate the cheese"
check_near "$(cut -f1 "$OUT")" "$text_lp" 0.00005 "text gives it to 4 decimals"
check_exit 0 "$LM" score -q --format TSV "the mouse ate the cheese"
check_same "$OUT" <(sed -n 1p plain.tsv) "--format is case-insensitive"

# ---- next --format tsv: context, rank, word, probability, log10 probability
check_exit 0 "$LM" next -k 5 --format tsv "ate the" "the"
check_lines "$OUT" 10 "next tsv: 2 contexts x 5 lines, no headers or blank lines"
check_fields "$OUT" 5 "next tsv: every line has 5 fields"
check_eq "$(cut -f1,2 "$OUT" | tr '\t\n' ':|')" "ate the:1|ate the:2|ate the:3|ate the:4|ate the:5|the:1|the:2|the:3|the:4|the:5|" \
  "next tsv: fields 1-2 are the context and the rank"
bad=$(awk -F'\t' '{ d = $4 - 10 ^ $5; if (d < 0) d = -d; if (d > 1e-9 * $4) print }' "$OUT")
check_eq "$bad" "" "next tsv: probability = 10^log10 probability"
run "$LM" next -k 5 "ate the"
check_same <(cut -f1 "$OUT") <("$LM" next -k 5 --format tsv "ate the" | cut -f3) "next tsv and text list the same words"
run "$LM" next --format tsv < <(printf 'ate\tthe\n')
check_fields "$OUT" 5 "next tsv: a tab inside the input context ('ate<TAB>the') does not add a column"

# --all in tsv sums to 1.
check_exit 0 "$LM" next --all --format tsv "the"
check_near "$(awk -F'\t' '{ s += $4 } END { printf "%.12f", s }' "$OUT")" 1 1e-6 "next --all --format tsv: probabilities sum to 1"

# ---- next --format json: {"context":..., "next":[{"token","prob","log10_prob"}...]}
check_exit 0 "$LM" next -k 3 --format json "ate the" "the" "say \"hi\""
check_lines "$OUT" 3 "next json: one line per context"
check_true "next json: every line parses ($JSON_HOW)" "got: $(show "$OUT")" json_lines_ok "$OUT"
check_eq "$(grep -c '^{"context":"[^"]*.*","next":\[{"token":' "$OUT")" "3" "next json: context and next list"
check_eq "$(sed -n 1p "$OUT" | grep -o '"prob":' | wc -l | tr -d ' ')" "3" "next json: -k 3 gives 3 entries"
if have_python3; then
  check_true "next json: fields and values" "got: $(show "$OUT")" python3 -c 'import json, math, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["context"] for r in rows] == ["ate the", "the", "say \"hi\""], rows
for r in rows:
    assert len(r["next"]) == 3
    for e in r["next"]:
        assert set(e) == {"token", "prob", "log10_prob"}, e
        assert abs(e["prob"] - 10 ** e["log10_prob"]) < 1e-9, e' "$OUT"
fi

finish
