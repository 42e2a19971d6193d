#!/usr/bin/env bash
# Bad input: each error exits 1 (2 for usage errors) with one 'lm: error:'
# line that names the file (and line), never crashes, and a failed train
# leaves no model or temporary file behind and an existing model intact.
. "$(dirname "$0")/lib.bash"

need_file "$TOY"
need_file "$GUTENBERG"
train_model toy.lm "$TOY"
MODEL="$TMP/toy.lm"

# Every failing train below runs in the directory fail/, which holds only the
# corpus files and a model.lm from an earlier run (an order-2 model, so that
# overwriting it with any model trained here would show): afterwards the
# directory must hold exactly the same files, and model.lm the same bytes.
mkdir fail && cd fail || exit 1
train_model model.lm "$TOY" --order 2
cp model.lm ../model.lm.orig

# train_fails DESCRIPTION CODE CORPUS [OPTIONS...] [-- TEXT...] : lm train fails
# with status CODE and a message containing each TEXT; nothing is left behind.
train_fails() {
  local desc=$1 code=$2 corpus=$3 texts=() opts=()
  shift 3
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  texts=("$@")
  local before after
  before=$(ls -A)
  run "$LM" train "$corpus" "${opts[@]}"
  if [ "$code" -eq 1 ]; then
    check_error "$desc" 1 "${texts[@]}"
  else
    check_status "$desc: exit $code" "$code"
  fi
  check_no_crash
  after=$(ls -A)
  if [ "$before" = "$after" ]; then
    ok "$desc: no model or temporary file left behind"
  else
    fail "$desc: no model or temporary file left behind" "before: $(echo "$before" | tr '\n' ' ')" "after:  $(echo "$after" | tr '\n' ' ')"
  fi
  check_same model.lm ../model.lm.orig "$desc: the existing model.lm is intact"
  cp ../model.lm.orig model.lm  # so that one failure does not fail the next checks too
}

# ---- corpus errors
train_fails "missing corpus" 1 no-such-corpus.txt -- "no-such-corpus.txt"
mkdir corpus-dir
train_fails "a directory as corpus" 1 corpus-dir -- "corpus-dir" "directory"
: >empty.txt
train_fails "empty corpus" 1 empty.txt -- "empty.txt" "empty"
printf '\n   \n\t\n\n' >blank.txt
train_fails "corpus of blank lines" 1 blank.txt -- "blank.txt"
printf 'a good line\n\377\376 bad\nanother line\n' >latin1.txt
train_fails "invalid UTF-8 on line 2" 1 latin1.txt -- "latin1.txt:2:" "UTF-8"
printf 'one\ntwo\nthree \300\257 overlong\n' >overlong.txt
train_fails "overlong UTF-8 encoding on line 3" 1 overlong.txt -- "overlong.txt:3:" "UTF-8"
printf 'a b\nc d\nthe <s> inside\n' >bos.txt
train_fails "<s> inside line 3" 1 bos.txt -- "bos.txt:3:" "<s>"
printf 'a </s> b\n' >eos.txt
train_fails "</s> inside line 1" 1 eos.txt -- "eos.txt:1:" "</s>"
printf 'a good line\n\377 bad\n' | gzip -c >latin1.txt.gz
train_fails "invalid UTF-8 inside a .gz" 1 latin1.txt.gz -- "latin1.txt.gz:2:"

# A truncated gzip file must not train on the part that was read.
head -n 5000 "$GUTENBERG" | gzip -c >whole.gz
head -c 60000 whole.gz >truncated.txt.gz
train_fails "truncated .gz corpus" 1 truncated.txt.gz -- "truncated.txt.gz"
head -c 60000 whole.gz >truncated-stdin.gz
before=$(ls -A)
run "$LM" train - <truncated-stdin.gz
check_error "truncated gzip data on stdin" 1 "<stdin>"
check_eq "$(ls -A)" "$before" "truncated gzip data on stdin: nothing left behind"
check_same model.lm ../model.lm.orig "truncated gzip data on stdin: the existing model.lm is intact"
cp ../model.lm.orig model.lm
rm -f whole.gz truncated.txt.gz truncated-stdin.gz

# Errors on stdin name <stdin> and the line.
before=$(ls -A)
run "$LM" train - < <(printf 'ok\nok\n\377\n')
check_error "invalid UTF-8 on stdin line 3" 1 "<stdin>:3:"
check_eq "$(ls -A)" "$before" "invalid UTF-8 on stdin: nothing left behind"

# Estimation and output errors, after the corpus was read.
train_fails "--strict-discounts on a tiny corpus" 1 "$TOY" --strict-discounts -- "discount"
train_fails "--arpa into a missing directory" 1 "$TOY" --arpa "$TMP/no/such/dir/x.arpa" -- "$TMP/no/such/dir/x.arpa"
train_fails "-o into a missing directory" 1 "$TOY" -o "$TMP/no/such/dir/x.lm" -- "$TMP/no/such/dir/x.lm"
mkdir out-dir
train_fails "-o naming a directory" 1 "$TOY" -o out-dir -- "out-dir"

# Usage errors.
train_fails "--order 0" 2 "$TOY" --order 0
train_fails "--order 99" 2 "$TOY" --order 99
check_contains "$ERR" "order" "--order 99: the message names the option"

# -q keeps error messages.
run "$LM" -q train no-such-corpus.txt
check_error "lm -q with a missing corpus" 1 "no-such-corpus.txt"
cd "$TMP" || exit 1

# ---- model errors, for score and next
model_fails() {
  local desc=$1 model=$2
  shift 2
  local cmd
  for cmd in score next; do
    run "$LM" "$cmd" -m "$model" "the mouse"
    check_error "$cmd: $desc" 1 "$model" "$@"
    check_no_crash
  done
}
model_fails "missing model file" no-such-model.lm
mkdir model-dir
model_fails "a directory as model" model-dir "directory"
printf 'this is just some text\nnot a model\n' >text.lm
model_fails "a text file that is not a model" text.lm
: >empty.lm
model_fails "an empty model file" empty.lm
head -c 1000 "$MODEL" >truncated.lm
model_fails "a truncated model (first 1000 bytes)" truncated.lm "truncated"
size=$(wc -c <"$MODEL")
for n in 8 64; do
  head -c "$n" "$MODEL" >trunc$n.lm
  model_fails "a model cut inside its header ($n of $size bytes)" trunc$n.lm
done
for n in $((size / 2)) $((size - 1)); do
  head -c "$n" "$MODEL" >trunc$n.lm
  model_fails "a model truncated to $n of $size bytes" trunc$n.lm "truncated"
done
{ cat "$MODEL"; printf 'extra'; } >long.lm
run "$LM" score -m long.lm "the mouse"
check_no_crash
check_true "a model with trailing bytes: exit 0 or 1, never a crash" "got: exit $RC" test "$RC" -le 1

# LM_MODEL naming a missing file: the message names it.
LM_MODEL="$TMP/env-missing.lm" run "$LM" score "the mouse"
check_error "score: \$LM_MODEL names a missing file" 1 "env-missing.lm"

# Corrupt bytes anywhere in the model: a message or a (wrong) answer, never a crash.
crashes=""
for off in 0 9 17 33 65 129 300 600 1200 2400 $((size - 200)) $((size - 8)); do
  [ "$off" -lt "$size" ] || continue
  cp "$MODEL" corrupt.lm
  printf '\377\377\377\177' | dd of=corrupt.lm bs=1 seek="$off" conv=notrunc 2>/dev/null
  for cmd in "score" "next --all"; do
    # shellcheck disable=SC2086
    run "$LM" $cmd -m corrupt.lm "the mouse ate"
    [ "$RC" -lt 128 ] || crashes="$crashes $cmd@$off:exit$RC"
  done
done
check_eq "$crashes" "" "models with corrupt bytes at 12 offsets: no crash in score or next"

# Malformed ARPA files name the file and line.
ARPA="$LM_TEST_DATA/toy.o3.kenlm.arpa"
need_file "$ARPA"
head -n 20 "$ARPA" >cut.arpa
run "$LM" score -m cut.arpa "the mouse"
check_error "an ARPA file cut inside the 2-grams" 1 "cut.arpa:"
check_no_crash
sed 's/^-0.6872089\tthe mouse/abc\tthe mouse/' "$ARPA" >badnum.arpa
run "$LM" score -m badnum.arpa "the mouse"
check_error "an ARPA file with a bad number" 1 "badnum.arpa:" "abc"
sed 's/^ngram 2=17$/ngram 2=18/' "$ARPA" >badcount.arpa
run "$LM" next -m badcount.arpa "the"
check_error "an ARPA file whose header count is wrong" 1 "badcount.arpa"

# ---- sentence errors in score and next, with --strict (stop at the first;
# without it every line is answered: tests/cli/cli_bad_lines.sh)
run "$LM" score --strict -m "$MODEL" < <(printf 'the mouse\nthe \377 cat\n')
check_error "score --strict: invalid UTF-8 on stdin line 2" 1 "<stdin>:2:"
run "$LM" score --strict -m "$MODEL" "the mouse" "a <s> b"
check_error "score --strict: <s> inside the 2nd argument" 1 ":2:" "<s>"
run "$LM" score --strict -m "$MODEL" < <(printf 'ok\nthe </s> cat\n')
check_error "score --strict: </s> inside stdin line 2" 1 "<stdin>:2:" "</s>"
run "$LM" next --strict -m "$MODEL" "the <s>"
check_error "next --strict: <s> after the start of the context" 1 "<s>"
run "$LM" next --strict -m "$MODEL" "the cat </s>"
check_error "next --strict: a context that ends with </s>" 1 "</s>" "nothing follows"

# ---- a full disk on stdout is an error, not a silent success
if [ -w /dev/full ]; then
  for cmd in score next; do
    LAST_CMD="lm $cmd -m toy.lm 'the mouse' >/dev/full"
    RC=0
    "$LM" "$cmd" -m "$MODEL" "the mouse" >/dev/full 2>"$ERR" || RC=$?
    check_error "$cmd writing to a full disk (/dev/full)" 1 "write"
  done
else
  echo "note: /dev/full is not available; write-error checks not run"
fi

finish
