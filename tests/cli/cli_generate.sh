#!/usr/bin/env bash
# lm generate: a fixed seed gives fixed output on any --threads; --top-k 1 is
# the greedy path of lm next -k 1; the first word drawn after a prefix fits
# lm next --all's distribution (chi-square, for one model and a mixture;
# with ../shared on kjv order 5); prefixes (<s>, unknown words); --max-len;
# --no-unk; JSON totals; one-line errors for bad options.
. "$(dirname "$0")/lib.bash"

need_file "$TOY"
train_model toy3.lm "$TOY" --order 3
train_model toy2.lm "$TOY" --order 2
export LM_MODEL="$TMP/toy3.lm"

# chi_square_ok COUNTS NEXT_TSV DRAWS : Pearson's test of the first tokens
# drawn (COUNTS: "count word" lines) against lm next --format tsv --all's
# probabilities (normalized: a stupid backoff model's scores are not), cells
# expected fewer than 5 times pooled; passes when the Wilson-Hilferty z of
# the statistic is below 3.09 (p > 0.001). Prints the statistic, the degrees
# of freedom and z.
chi_square_ok() {
  awk -v n="$3" -F'\t' '
    NR == FNR { split($0, f, " "); seen[f[2]] = f[1]; next }
    { word[++rows] = $3; p[rows] = $4; sum += $4 }
    END { for (i = 1; i <= rows; i++) {
            e = p[i] / sum * n; o = (word[i] in seen) ? seen[word[i]] : 0
            if (e >= 5) { x += (o - e) ^ 2 / e; cells++ } else { pe += e; po += o } }
          if (pe > 0) { x += (po - pe) ^ 2 / pe; cells++ }
          d = cells - 1; z = ((x / d) ^ (1 / 3) - (1 - 2 / (9 * d))) / sqrt(2 / (9 * d))
          printf "chi2 %.1f, %d degrees of freedom, z %.2f\n", x, d, z; exit !(z < 3.09 && d >= 2) }' "$1" "$2"
}
# chi_check DESCRIPTION COUNTS NEXT_TSV DRAWS : a check that chi_square_ok passes.
chi_check() {
  local result rc
  result=$(chi_square_ok "$2" "$3" "$4")
  rc=$?
  check_true "$1 ($result)" "" test "$rc" -eq 0
}
# first_tokens JSON_FILE : "count word" of each sentence's first drawn token.
first_tokens() { sed 's/.*"tokens":\[{"token":"\(\([^"\\]\|\\.\)*\)".*/\1/' "$1" | sort | uniq -c | sed 's/^ *//'; }

# ---- fixed seeds
check_exit 0 "$LM" generate -n 200 --seed 7 -t 1
check_lines "$OUT" 200 "-n 200 prints 200 lines"
check_empty "$ERR" "nothing on stderr"
cp "$OUT" seed7.txt
check_true "no <s> or </s> in text output" "got: $(grep -m1 -E '<s>|</s>' seed7.txt)" bash -c "! grep -qE '<s>|</s>' seed7.txt"
check_exit 0 "$LM" generate -n 200 --seed 7 -t 2
check_same seed7.txt "$OUT" "--threads 2 gives the same sentences as --threads 1"
check_exit 0 "$LM" generate -n 200 --seed 7
check_same seed7.txt "$OUT" "a second run gives the same sentences"
check_exit 0 "$LM" generate -n 100 --seed 7
check_same <(head -n 100 seed7.txt) "$OUT" "-n 100 gives the first 100 of -n 200"
check_exit 0 "$LM" generate -n 200 --seed 8
check_true "another seed gives other sentences" "got: the same" bash -c "! cmp -s seed7.txt '$OUT'"
check_exit 0 "$LM" generate -n 3 -v
check_matches "$ERR" "seed [0-9]+" "-v shows the random seed used"

# ---- --top-k 1 is the greedy path of lm next -k 1
check_exit 0 "$LM" generate -n 2 --seed 1 --top-k 1 --max-len 12
greedy=$(head -n 1 "$OUT")
check_eq "$(sed -n 2p "$OUT")" "$greedy" "--top-k 1 draws the same sentence every time"
context="<s>"
path=""
for _ in $(seq 12); do
  word=$("$LM" next -k 1 --format tsv "$context" | cut -f3)
  [ "$word" = "</s>" ] && break
  context="$context $word"
  path="${path:+$path }$word"
done
check_eq "$greedy" "$path" "--top-k 1 follows lm next -k 1 word by word"

# ---- prefixes: printed, used as context; a leading <s> changes nothing; unknown words
check_exit 0 "$LM" generate -n 50 --seed 3 the cat
cp "$OUT" prefix.txt
check_true "every line starts with the prefix" "got: $(grep -m1 -v '^the cat' prefix.txt)" bash -c "! grep -qv '^the cat' prefix.txt"
check_exit 0 "$LM" generate -n 50 --seed 3 "<s> the cat"
check_same prefix.txt "$OUT" "'<s> the cat' is the same prefix as 'the cat'"
check_exit 0 "$LM" generate -n 1 --top-k 1 --max-len 1 the cat
check_eq "$(cut -d' ' -f3 "$OUT")" "$("$LM" next -k 1 --format tsv "<s> the cat" | cut -f3 | sed 's|</s>||')" \
  "the first word after a prefix is next's after <s> and the prefix"
check_exit 0 "$LM" generate -n 20 --seed 4 zyzzyva ate
check_true "an unknown prefix word is printed as written" "got: $(head -n 1 "$OUT")" grep -q '^zyzzyva ate' "$OUT"
sed 's/^zyzzyva/<unk>/' "$OUT" >unknown.txt
check_exit 0 "$LM" generate -n 20 --seed 4 "<unk>" ate
check_same unknown.txt "$OUT" "an unknown prefix word is the context <unk>"

# ---- --max-len, JSON
check_exit 0 "$LM" generate -n 300 --seed 5 --max-len 3 --format json
cp "$OUT" short.json
check_lines short.json 300 "JSON: one object per sentence"
# shellcheck disable=SC2016
bad=$(awk '{ n = gsub(/"token":/, "&"); if (n > 3 || (/"ended":false/ && n != 3) || (/"ended":true/ && !/"token":"<\/s>","log10_prob":[^}]*}\],/)) print }' short.json | head -n 1)
check_eq "$bad" "" "--max-len 3: at most 3 tokens; a sentence cut short has exactly 3, an ended one ends with </s>"
check_true "--max-len 3 cuts some sentences" "got: none cut" grep -q '"ended":false' short.json
# shellcheck disable=SC2016
bad=$(awk '{ s = 0; line = $0; while (match(line, /"log10_prob":-?[0-9.e+-]+}/)) { v = substr(line, RSTART + 13, RLENGTH - 14); s += v; line = substr(line, RSTART + RLENGTH) }
             match($0, /\],"log10_prob":-?[0-9.e+-]+/); t = substr($0, RSTART + 15, RLENGTH - 15); d = s - t; if (d < 0) d = -d; if (d > 1e-9) print }' short.json | head -n 1)
check_eq "$bad" "" "JSON log10_prob is the sum of the tokens' log10_prob"
check_exit 0 "$LM" generate -n 1 --seed 12 --format json
total=$(sed 's/.*\],"log10_prob":\([^,]*\),"ended":true}/\1/' "$OUT")
text=$(sed 's/^{"text":"\([^"]*\)".*/\1/' "$OUT")
check_true "an ended sentence's JSON log10_prob is lm score's ($total)" "lm score: $("$LM" score --format tsv "$text" 2>/dev/null | head -n 1)" \
  near "$total" "$("$LM" score --format tsv "$text" 2>/dev/null | head -n 1 | cut -f1)" 1e-9

# ---- --no-unk
check_exit 0 "$LM" generate -n 3000 --seed 6
check_true "<unk> is drawn without --no-unk (toy.txt's model gives it mass)" "got: none" grep -qw '<unk>' "$OUT"
check_exit 0 "$LM" generate -n 3000 --seed 6 --no-unk
check_true "--no-unk never draws <unk>" "got: $(grep -m1 -w '<unk>' "$OUT")" bash -c "! grep -qw '<unk>' '$OUT'"
check_exit 0 "$LM" generate -n 3000 --seed 6 --no-unk --top-k 3 --temperature 2 --top-p 0.9
check_true "--no-unk with the other cuts never draws <unk>" "got: $(grep -m1 -w '<unk>' "$OUT")" bash -c "! grep -qw '<unk>' '$OUT'"

# ---- the first word drawn fits lm next --all (chi-square)
check_exit 0 "$LM" generate -n 20000 --seed 9 --max-len 1 --format json the
first_tokens "$OUT" >counts.txt
"$LM" next --all --format tsv "<s> the" >next.tsv
chi_check "20000 first words after 'the' fit lm next --all" counts.txt next.tsv 20000
check_exit 0 "$LM" generate -n 20000 --seed 9 --max-len 1 --format json -m toy3.lm -m toy2.lm --weights 0.3,0.7 the
first_tokens "$OUT" >counts.txt
"$LM" next --all --format tsv -m toy3.lm -m toy2.lm --weights 0.3,0.7 "<s> the" >next.tsv
chi_check "a mixture's 20000 first words fit its lm next --all" counts.txt next.tsv 20000
# Other smoothing methods: stupid backoff's scores are sampled normalized;
# mle's zero probabilities are never drawn.
for method in stupid mle katz; do
  train_model "toy_$method.lm" "$TOY" --order 3 --smoothing "$method"
  check_exit 0 "$LM" generate -m "toy_$method.lm" -n 20000 --seed 10 --max-len 1 --format json the
  first_tokens "$OUT" >counts.txt
  "$LM" next -m "toy_$method.lm" --all --format tsv "<s> the" >next.tsv
  chi_check "--smoothing $method: 20000 first words after 'the' fit lm next --all" counts.txt next.tsv 20000
done
check_exit 0 "$LM" generate -n 50 --seed 2 -m toy3.lm -m toy2.lm -t 1
cp "$OUT" mix.txt
check_exit 0 "$LM" generate -n 50 --seed 2 -m toy3.lm -m toy2.lm -t 2
check_same mix.txt "$OUT" "a mixture: --threads 2 gives the same sentences"

# ---- errors: one line, naming the flag
run "$LM" generate --temperature 0
check_error "--temperature 0" 2 "--temperature" "--top-k 1"
run "$LM" generate --temperature -1
check_error "--temperature -1" 2 "--temperature"
run "$LM" generate --top-p 0
check_error "--top-p 0" 2 "--top-p" "(0, 1]"
run "$LM" generate --top-p 1.5
check_error "--top-p 1.5" 2 "--top-p"
run "$LM" generate --top-k 0
check_error "--top-k 0" 2 "--top-k"
run "$LM" generate --max-len 0
check_error "--max-len 0" 2 "--max-len"
run "$LM" generate the "</s>"
check_error "a prefix that ends with </s>" 2 "</s>"
run "$LM" generate the "<s>" cat
check_error "<s> inside a prefix" 2 "<s>"
run "$LM" generate -m missing.lm
check_error "a missing model" 1 "missing.lm"
run "$LM" generate --weights 0.5,0.5
check_error "--weights with one model" 2 "--weights"
check_empty "$OUT" "no output after an error"

# ---- with ../shared: kjv order 5, 10^5 first words after an order-4 context
if [ -n "$LM_SHARED_DIR" ] && [ -f "$LM_SHARED_DIR/corpora/kjv/kjv.tok.train.txt" ]; then
  train_model kjv5.lm "$LM_SHARED_DIR/corpora/kjv/kjv.tok.train.txt" --order 5
  for ctx in "" "the" "in the land of"; do
    check_exit 0 "$LM" generate -m kjv5.lm -n 100000 --seed 27 --max-len 1 --format json $ctx
    first_tokens "$OUT" >counts.txt
    "$LM" next -m kjv5.lm --all --format tsv "<s> $ctx" >next.tsv
    chi_check "kjv o5: 10^5 first words after '<s> $ctx' fit lm next --all" counts.txt next.tsv 100000
  done
else
  echo "SKIP: kjv chi-square checks: LM_SHARED_DIR/corpora/kjv not found"
fi
finish
