#!/usr/bin/env bash
# lm train: where the model goes (model.lm, -o, $LM_MODEL), logging (-q), and
# that every way of giving the same text (file, stdin, .gz, gzip on stdin,
# multi-member gzip, CRLF, BOM) gives a byte-identical model.
. "$(dirname "$0")/lib.bash"

need_file "$GUTENBERG"
need_file "$TOY"

# ---- default output: model.lm in the current directory; logs on stderr only
mkdir default && cd default || exit 1
check_exit 0 "$LM" train --order 3 "$GUTENBERG"
check_true "writes model.lm in the current directory" "got: $(ls -A)" test -s model.lm
check_empty "$OUT" "train prints nothing on stdout"
check_matches "$ERR" '^lm: info: read [0-9]+ sentences' "train logs what it read on stderr"
check_contains "$ERR" "wrote model.lm" "train logs the model it wrote"
check_eq "$(ls -A)" "model.lm" "train leaves only model.lm behind (no temporary files)"
cd "$TMP" || exit 1

# The score/next interface works on it (the full checks are in cli_score.sh).
run "$LM" score -q -m default/model.lm "the mouse ate the cheese"
check_status "the trained model loads" 0
check_lines "$OUT" 1 "and scores one sentence"

# A slice of the corpus (about 0.6 MB: more than one 256 KB read buffer) for
# the comparisons below, which train many times.
head -n 5000 "$GUTENBERG" >slice.txt
train_model slice.lm slice.txt --order 3

# ---- -q: nothing on stderr
check_exit 0 "$LM" -q train slice.txt -o quiet.lm
check_empty "$ERR" "lm -q train prints nothing on stderr"
check_exit 0 "$LM" train -q slice.txt -o quiet2.lm
check_empty "$ERR" "lm train -q prints nothing on stderr"
check_same quiet.lm slice.lm "training twice gives identical bytes"

# ---- -o writes there and nowhere else
mkdir out cwd && cd cwd || exit 1
check_exit 0 "$LM" train -q ../slice.txt -o ../out/m.lm
check_eq "$(ls -A)" "" "-o writes nothing in the current directory"
check_eq "$(ls -A ../out)" "m.lm" "-o writes the model file (and no temporary files)"
check_same ../out/m.lm ../slice.lm "-o writes the same model"
check_exit 0 "$LM" train -q ../slice.txt --output ../out/long.lm
check_same ../out/long.lm ../slice.lm "--output works like -o"
cd "$TMP" || exit 1

# ---- $LM_MODEL: the default model of score, never train's output (that is
# model.lm unless -o says otherwise; tests/cli/cli_outputs.sh has more)
mkdir envdir && cd envdir || exit 1
LM_MODEL="$TMP/envdir/env.lm" check_exit 0 "$LM" train -q "$TOY"
check_eq "$(ls -A)" "model.lm" "train writes model.lm, not \$LM_MODEL"
mv model.lm env.lm
LM_MODEL="$TMP/envdir/env.lm" check_exit 0 "$LM" train -q "$TOY" -o explicit.lm
check_true "-o wins over \$LM_MODEL" "got: $(ls -A)" test -s explicit.lm
LM_MODEL="" check_exit 0 "$LM" train -q "$TOY"
check_true "an empty \$LM_MODEL means model.lm" "got: $(ls -A)" test -s model.lm
cd "$TMP" || exit 1

# An existing model is replaced by a successful train.
cp "$TMP/envdir/model.lm" replace.lm
check_exit 0 "$LM" train -q slice.txt -o replace.lm
check_same replace.lm slice.lm "train replaces an existing model file"

# ---- the same text, given in other ways, gives the same bytes
check_exit 0 "$LM" train -q - -o stdin.lm <slice.txt
check_same stdin.lm slice.lm "train - (stdin redirected from the file) = train FILE"
run bash -c 'cat slice.txt | "$0" train -q - -o pipe.lm' "$LM"
check_status "cat FILE | lm train - exits 0" 0
check_same pipe.lm slice.lm "train - (stdin from a pipe) = train FILE"

gzip -c slice.txt >slice.txt.gz
check_exit 0 "$LM" train -q slice.txt.gz -o gz.lm
check_same gz.lm slice.lm "train FILE.gz = train FILE"
check_exit 0 "$LM" train -q - -o gzstdin.lm <slice.txt.gz
check_same gzstdin.lm slice.lm "gzip data on stdin = train FILE"

head -n 2000 slice.txt | gzip -c >multi.gz
tail -n +2001 slice.txt | gzip -c >>multi.gz
check_exit 0 "$LM" train -q multi.gz -o multi.lm
check_same multi.lm slice.lm "a multi-member gzip (zcat a.gz b.gz) = train FILE"

sed 's/$/\r/' slice.txt >crlf.txt
check_exit 0 "$LM" train -q crlf.txt -o crlf.lm
check_same crlf.lm slice.lm "CRLF line endings = LF line endings"

{ printf '\357\273\277'; cat slice.txt; } >bom.txt
check_exit 0 "$LM" train -q bom.txt -o bom.lm
check_same bom.lm slice.lm "a UTF-8 byte order mark is ignored"

head -c -1 slice.txt >nofinalnl.txt
check_exit 0 "$LM" train -q nofinalnl.txt -o nofinalnl.lm
check_same nofinalnl.lm slice.lm "a last line without a newline still counts"

sed 's/ /  \t /g; s/^/ /' slice.txt >spaces.txt
check_exit 0 "$LM" train -q spaces.txt -o spaces.lm
check_same spaces.lm slice.lm "runs of spaces and tabs are one separator"

# ---- orders: each loads; with order N the longest n-gram used is N
for order in 1 2 5; do
  train_model o$order.lm slice.txt --order "$order"
  run "$LM" score -q -m o$order.lm --format tsv --tokens "$(head -n 1 slice.txt)"
  check_status "order $order model scores" 0
  max=$(cut -f6 "$OUT" | tr ' ' '\n' | awk -F'|' '$2 > m { m = $2 } END { print m + 0 }')
  check_eq "$max" "$order" "order $order: a training sentence uses n-grams up to order $order"
done

finish
