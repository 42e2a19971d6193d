#!/usr/bin/env bash
# Limits and faults: huge lines and tokens, corpora with no words, NUL bytes,
# the extreme orders, a full disk or a file-size limit (for the model, the
# ARPA file and stdout), a reader that closes the pipe early, and memory that
# stays bounded on a long stdin. Never a crash (exit >= 128, except 141 for
# SIGPIPE), never a partial or corrupted file; memory that runs out (an
# address-space limit) is a clean error.
. "$(dirname "$0")/lib.bash"

need_file "$TOY"
need_file "$GUTENBERG"
train_model g3.lm "$GUTENBERG"
G3="$TMP/g3.lm"

# train_fails_clean DESCRIPTION CODE CORPUS [OPTIONS...] [-- TEXT...] : like
# cli_errors.sh's check, in the current directory: lm train (output model.lm,
# present beforehand) fails with CODE and each TEXT in its error line, and the
# directory is left exactly as it was.
train_fails_clean() {
  local desc=$1 code=$2 corpus=$3 opts=()
  shift 3
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  cp model.lm "$TMP/.model.before"
  local before after
  before=$(ls -A)
  run "$LM" train "$corpus" -o model.lm "${opts[@]}"
  if [ "$code" -eq 1 ]; then
    check_error "$desc" 1 "$@"
  else
    check_status "$desc: exit $code" "$code"
    local text
    for text in "$@"; do check_contains "$ERR" "$text" "$desc: the message names '$text'"; done
  fi
  check_no_crash
  after=$(ls -A)
  check_eq "$after" "$before" "$desc: no model or temporary file left behind"
  check_same model.lm "$TMP/.model.before" "$desc: the existing model.lm is intact"
  cp "$TMP/.model.before" model.lm
}

# =========================================================== (a) huge lines
# One 100 MB line: 100 distinct tokens of 1 MB each.
head -c $((1024 * 1024 - 4)) /dev/zero | tr '\0' 'x' >mb.txt
for i in $(seq -w 1 100); do
  printf 'w%s' "$i"
  cat mb.txt
  [ "$i" = 100 ] || printf ' '
done >huge.txt
printf '\n' >>huge.txt
run "$LM" train huge.txt --order 3 -o huge.lm
check_status "a single 100 MB line of 100 tokens of 1 MB: train exits 0" 0
check_no_crash
check_true "a single 100 MB line: a model is written" "expected: a non-empty huge.lm; got: $(ls -l huge.lm 2>&1)" test -s huge.lm
run "$LM" score -m huge.lm <huge.txt
check_status "scoring the 100 MB line from stdin: exit 0" 0
check_no_crash
check_lines "$OUT" 1 "scoring the 100 MB line prints one line"
check_matches "$OUT" "tokens=101[[:space:]]+oovs=0" "scoring the 100 MB line: 101 tokens (100 words + </s>), no OOV"
# The same line with one token changed: one OOV, still fine.
run "$LM" score -m huge.lm < <(sed 's/^w001/v001/' huge.txt)
check_status "scoring a 100 MB line with an unknown 1 MB token: exit 0" 0
check_matches "$OUT" "tokens=101[[:space:]]+oovs=1" "scoring a 100 MB line with an unknown 1 MB token: one OOV"
rm -f huge.txt huge.lm

# One 1 MB token, and one 100 kB token (small enough for a command-line
# argument), among ordinary lines.
BIGTOK="big$(cat mb.txt)"
MIDTOK="mid$(head -c 100000 mb.txt)"
{
  head -n 3000 "$GUTENBERG"
  printf 'the %s token\n' "$BIGTOK"
  sed -n '3001,4000p' "$GUTENBERG"
  printf 'a %s follows\n' "$MIDTOK"
  sed -n '4001,6000p' "$GUTENBERG"
} >mixed.txt
run "$LM" train mixed.txt -o mixed.lm --arpa mixed.arpa
check_status "a corpus with one 1 MB token among normal lines: train exits 0" 0
check_no_crash
printf 'the %s token\n' "$BIGTOK" >bigline.txt
run "$LM" score -m mixed.lm <bigline.txt
check_status "scoring the line with the 1 MB token: exit 0" 0
check_matches "$OUT" "tokens=4[[:space:]]+oovs=0" "scoring the line with the 1 MB token: the token is in the vocabulary"
cut -f1 "$OUT" >bigline.bin.txt
run "$LM" score -m mixed.arpa <bigline.txt
check_status "the ARPA file with the 1 MB token loads and scores: exit 0" 0
cut -f1 "$OUT" >bigline.arpa.txt
check_same bigline.bin.txt bigline.arpa.txt "the 1 MB token: the ARPA model scores the line as the binary model does"
run "$LM" next -m mixed.lm -k 1 "$MIDTOK"
check_status "next after a 100 kB token given as an argument: exit 0" 0
check_eq "$(cut -f1 "$OUT")" "follows" "next after the 100 kB token: the most probable word is the one that followed it"
rm -f mixed.txt mixed.lm mixed.arpa bigline*.txt mb.txt

# ============================================== (b) corpora with no words
mkdir nowords && cd nowords || exit 1
train_model model.lm "$TOY" --order 2
NOWORDS='blank|empty|no words|no sentences'
printf '\r\n\f\n\v\n \t \r\n' >controls.txt
train_fails_clean "a corpus of CR, FF, VT, tab and space only" 1 controls.txt -- "controls.txt"
check_matches "$ERR" "$NOWORDS" "a corpus of whitespace only: the message says there are no words"
yes '' | head -n 100000 >blank100k.txt
train_fails_clean "a corpus of 100,000 blank lines" 1 blank100k.txt -- "blank100k.txt"
check_matches "$ERR" "$NOWORDS" "100,000 blank lines: the message says there are no words"
printf '   ' >spaces.txt
train_fails_clean "a corpus of three spaces and no newline" 1 spaces.txt -- "spaces.txt"
printf '\357\273\277\n  \n' >bom.txt
train_fails_clean "a corpus of a UTF-8 BOM and blank lines" 1 bom.txt -- "bom.txt"
printf '\n\n \t\n' | gzip -c >blank.txt.gz
train_fails_clean "a gzipped corpus of blank lines" 1 blank.txt.gz -- "blank.txt.gz"
before=$(ls -A)
run "$LM" train - -o model.lm < <(printf '\n \n\t\n')
check_error "blank lines on stdin" 1 "<stdin>"
check_matches "$ERR" "$NOWORDS" "blank lines on stdin: the message says there are no words"
check_eq "$(ls -A)" "$before" "blank lines on stdin: nothing left behind"

# ==================================================== (c) NUL bytes
printf 'a good line\nthe cat \000 sat\nmore\n' >nul.txt
train_fails_clean "a NUL byte inside line 2" 1 nul.txt -- "nul.txt:2:" "NUL"
printf 'one\ntwo\n\000\n' >nul3.txt
train_fails_clean "a line 3 that is just a NUL byte" 1 nul3.txt -- "nul3.txt:3:" "NUL"
printf 'one\ntwo\nthree\000' >nul-eof.txt
train_fails_clean "a NUL byte at the end of the last line (no newline)" 1 nul-eof.txt -- "nul-eof.txt:3:" "NUL"
{ head -n 999 "$GUTENBERG"; printf 'x\000y\n'; } | gzip -c >nul.txt.gz
train_fails_clean "a NUL byte on line 1000 of a .gz corpus" 1 nul.txt.gz -- "nul.txt.gz:1000:" "NUL"
before=$(ls -A)
run "$LM" train - -o model.lm < <(printf 'ok\nok\nok\nbad\000\n')
check_error "a NUL byte on stdin line 4" 1 "<stdin>:4:" "NUL"
check_eq "$(ls -A)" "$before" "a NUL byte on stdin: nothing left behind"
cd "$TMP" || exit 1
run "$LM" score --strict -m "$G3" < <(printf 'the cat\nthe \000 dog\n')
check_error "score --strict: a NUL byte on stdin line 2" 1 "<stdin>:2:" "NUL"
check_no_crash

# ==================================================== (d) orders
for order in 1 16; do
  run "$LM" train -q "$TOY" --order "$order" -o "o$order.lm" --arpa "o$order.arpa"
  check_status "--order $order on the toy corpus: exit 0" 0
  run "$LM" score -m "o$order.lm" "the mouse ate the cheese" "a b c d e f g h i j k l m n o p q r s t"
  check_status "--order $order: score exits 0" 0
  check_lines "$OUT" 2 "--order $order: score prints one line per sentence"
  cut -f1 "$OUT" >"o$order.bin.scores"
  run "$LM" score -m "o$order.arpa" "the mouse ate the cheese" "a b c d e f g h i j k l m n o p q r s t"
  cut -f1 "$OUT" >"o$order.arpa.scores"
  check_same "o$order.bin.scores" "o$order.arpa.scores" "--order $order: the ARPA file scores as the binary model does"
  run "$LM" next -m "o$order.lm" --all "a b c d e f g h i j k l m n o p q r s t the mouse ate the"
  check_status "--order $order: next --all with a 20-word context exits 0" 0
  sum=$(awk -F'\t' '{ s += $2 } END { printf "%.6f", s }' "$OUT")
  check_near "$sum" 1 0.001 "--order $order: next --all sums to 1"
done
head -n 2000 "$GUTENBERG" >g2k.txt
run "$LM" train -q g2k.txt --order 16 -o g16.lm
check_status "--order 16 on 2,000 lines of gutenberg: exit 0" 0
run "$LM" score -m g16.lm <g2k.txt
check_status "--order 16 on 2,000 lines of gutenberg: scoring them exits 0" 0
check_lines "$OUT" 2000 "--order 16 on 2,000 lines of gutenberg: one line per sentence"
rm -f g16.lm g2k.txt
mkdir orders && cd orders || exit 1
train_model model.lm "$TOY" --order 2
for order in 17 0 50 -1 3.5 x; do
  train_fails_clean "--order $order" 2 "$TOY" --order "$order" -- "order"
done
cd "$TMP" || exit 1

# ============================================== (e) full disk, file-size limit
# limited KB CMD... : runs CMD with a file-size limit of KB kilobytes.
limited() {
  local kb=$1
  shift
  bash -c 'ulimit -f "$0" && exec "$@"' "$kb" "$@"
}
mkdir fsize && cd fsize || exit 1
train_model model.lm "$TOY" --order 2
# fsize_fails DESCRIPTION CMD... : CMD fails under a 50 kB file-size limit with
# a "File too large" error, and leaves the directory as it was.
fsize_fails() {
  local desc=$1
  shift
  cp model.lm "$TMP/.model.before"
  local before
  before=$(ls -A)
  LAST_CMD="(ulimit -f 50; $(quote "$@"))"
  RC=0
  limited 50 "$@" >"$OUT" 2>"$ERR" || RC=$?
  check_error "$desc" 1 "File too large"
  check_no_crash
  check_eq "$(ls -A)" "$before" "$desc: no model, ARPA or temporary file left behind"
  check_same model.lm "$TMP/.model.before" "$desc: the existing model.lm is intact"
  cp "$TMP/.model.before" model.lm
}
fsize_fails "train -o model.lm under a 50 kB file-size limit" "$LM" train "$GUTENBERG" -o model.lm
check_contains "$TMP/.error" "model.lm" "train under a 50 kB limit: the message names model.lm"
fsize_fails "train --arpa out.arpa under a 50 kB file-size limit" "$LM" train "$GUTENBERG" -o model.lm --arpa out.arpa
check_contains "$TMP/.error" "out.arpa" "train --arpa under a 50 kB limit: the message names out.arpa"
# shellcheck disable=SC2016
fsize_fails "next --all > file under a 50 kB file-size limit" bash -c '"$0" next -m "$1" --all the >next.out; rc=$?; rm -f next.out; exit $rc' "$LM" "$G3"
# shellcheck disable=SC2016
fsize_fails "score > file under a 50 kB file-size limit" bash -c '"$0" score -m "$1" <"$2" >score.out; rc=$?; rm -f score.out; exit $rc' "$LM" "$G3" "$GUTENBERG"
# shellcheck disable=SC2016
fsize_fails "score --format json > file under a 50 kB file-size limit" bash -c '"$0" score --format json -m "$1" <"$2" >score.out; rc=$?; rm -f score.out; exit $rc' "$LM" "$G3" "$GUTENBERG"
cd "$TMP" || exit 1

# An output path that is a FIFO must stay a FIFO: lm may write into it or
# refuse, but must not rename a regular file over it.
mkfifo out.fifo
timeout 20 cat out.fifo >fifo.got &
reader=$!
run timeout 10 "$LM" train -q "$TOY" -o out.fifo
check_no_crash
check_true "train -o FIFO: exit 0 or 1 (not a hang: 124)" "got: exit $RC; stderr: $(show "$ERR")" test "$RC" -le 1
check_true "train -o FIFO: out.fifo is still a FIFO (not replaced by a regular file)" \
  "got: $(ls -l out.fifo 2>&1)" test -p out.fifo
check_eq "$(compgen -G 'out.fifo.tmp.*')" "" "train -o FIFO: no temporary file left behind"
# The reader still waits if lm never opened the FIFO.
kill "$reader" 2>/dev/null
{ wait "$reader"; } 2>/dev/null
rm -f out.fifo fifo.got out.fifo.tmp.*

# A real full disk: a 200 kB tmpfs, if this user may mount one.
if [ "$(id -u)" -eq 0 ] && mkdir full && mount -t tmpfs -o size=200k tmpfs full 2>/dev/null; then
  trap 'cd /; umount "$TMP/full" 2>/dev/null; rm -rf "$TMP"' EXIT
  cd full || exit 1
  train_model model.lm "$TOY" --order 2
  train_fails_clean "train into a full 200 kB tmpfs" 1 "$GUTENBERG" -- "model.lm" "No space left on device"
  train_fails_clean "train --arpa into a full 200 kB tmpfs" 1 "$GUTENBERG" --arpa out.arpa -- "out.arpa" "No space left on device"
  cp model.lm "$TMP/toy2.lm"
  cd "$TMP" || exit 1
  cp toy2.lm model.lm
  before=$(ls -A full)
  run "$LM" train "$GUTENBERG" -o model.lm --arpa full/out.arpa
  check_error "train --arpa into a full tmpfs, model elsewhere" 1 "out.arpa" "No space left on device"
  check_same model.lm toy2.lm "train --arpa into a full tmpfs: the model elsewhere is not replaced"
  check_eq "$(ls -A full)" "$before" "train --arpa into a full tmpfs: nothing left behind"
  rm -f model.lm
  run bash -c '"$0" next -m "$1" --all the >full/next.out' "$LM" "$G3"
  check_error "next --all > a file on a full tmpfs" 1 "No space left on device"
  run bash -c '"$0" score -m "$1" <"$2" >full/score.out' "$LM" "$G3" "$GUTENBERG"
  check_error "score > a file on a full tmpfs" 1 "No space left on device"
  rm -f full/next.out full/score.out
  umount full || echo "note: could not unmount $TMP/full"
  trap 'cd /; rm -rf "$TMP"' EXIT
else
  echo "note: cannot mount a tmpfs here (not root, or not permitted); the no-space-left checks are not run"
fi

# ================================================= (f) a closed output pipe
# pipe_closed DESCRIPTION SIGPIPE(default|ignored) READER LM-ARGS... : runs
# lm LM-ARGS | READER, with stdin from $PIPE_IN; lm must exit 0 or 141 and say nothing.
PIPE_IN=/dev/null
pipe_closed() {
  local desc=$1 mode=$2 reader=$3
  shift 3
  local statuses
  LAST_CMD="lm $(quote "$@") | $reader  (SIGPIPE $mode)"
  if [ "$mode" = default ]; then
    statuses=$(default_sigpipe "$LM" "$@" <"$PIPE_IN" 2>"$ERR" | $reader >"$OUT"; echo "${PIPESTATUS[*]}")
  else
    statuses=$( (trap '' PIPE; "$LM" "$@" <"$PIPE_IN" 2>"$ERR" | $reader >"$OUT"; echo "${PIPESTATUS[*]}") )
  fi
  RC=${statuses%% *}
  case "$RC" in
    0 | 141) ok "$desc (SIGPIPE $mode): exit $RC" ;;
    *) fail "$desc (SIGPIPE $mode): exit status" "command:  $LAST_CMD" "expected: 0 or 141" "got:      $RC; stderr: $(show "$ERR")" ;;
  esac
  check_empty "$ERR" "$desc (SIGPIPE $mode): nothing on stderr"
}
for mode in default ignored; do
  pipe_closed "next --all the | head -1" "$mode" "head -n 1" next -m "$G3" --all the
  check_lines "$OUT" 1 "next --all the | head -1 ($mode): head got its line"
  pipe_closed "next --all the | true" "$mode" "true" next -m "$G3" --all the
  PIPE_IN=$GUTENBERG
  pipe_closed "score < 20,000 lines | head -1" "$mode" "head -n 1" score -m "$G3"
  check_lines "$OUT" 1 "score < 20,000 lines | head -1 ($mode): head got its line"
  pipe_closed "score --tokens < 20,000 lines | head -1" "$mode" "head -n 1" score --tokens -m "$G3"
  pipe_closed "score --format json < 20,000 lines | true" "$mode" "true" score --format json -m "$G3"
  pipe_closed "score --summary < 20,000 lines | head -1" "$mode" "head -n 1" score --summary -m "$G3"
  PIPE_IN=/dev/null
done

# ================================================= (g) bounded memory
for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$GUTENBERG"; done | head -n 200000 >lines200k.txt
head -n 1000 "$GUTENBERG" >lines1k.txt
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then
  # peak_rss LINES-FILE : peak RSS (kB) of lm score reading the file through a pipe.
  peak_rss() {
    # shellcheck disable=SC2002  # a pipe, not a file, on purpose
    cat "$1" | /usr/bin/time -f %M -o "$TMP/.rss" "$LM" score -m "$G3" >"$TMP/.rss.out" 2>/dev/null
    tail -n 1 "$TMP/.rss"
  }
  rss1k=$(peak_rss lines1k.txt)
  rss200k=$(peak_rss lines200k.txt)
  check_lines "$TMP/.rss.out" 200000 "scoring 200,000 lines from a pipe prints 200,000 lines"
  limit=$((3 * rss1k + 20 * 1024))
  if [ "$rss200k" -le "$limit" ]; then
    ok "scoring 200,000 lines from a pipe: peak RSS ${rss200k} kB <= 3 x ${rss1k} kB (1,000 lines) + 20 MB"
  else
    fail "scoring 200,000 lines from a pipe: bounded memory" "expected: peak RSS <= $limit kB (3 x $rss1k kB for 1,000 lines + 20 MB)" \
      "got:      $rss200k kB"
  fi
else
  echo "note: /usr/bin/time (GNU) is not available; the memory checks are not run"
  run "$LM" score -m "$G3" <lines200k.txt
  check_status "scoring 200,000 lines: exit 0" 0
  check_lines "$OUT" 200000 "scoring 200,000 lines prints 200,000 lines"
fi

# =========================================== (h) an address-space limit
# Memory that runs out is one error line that says what to do (and names the
# limit), with no file left behind; what it suggests, a smaller --memory,
# then works under the same limit. (100 MB: lm train's heap and its sort
# arrays for a 4G budget take more address space than that; a 50M budget
# does not.)
mkdir aslimit && cd aslimit || exit 1
# as_limited KB CMD... : runs CMD with an address-space limit of KB kilobytes.
as_limited() {
  local kb=$1
  shift
  bash -c 'ulimit -v "$0" && exec "$@"' "$kb" "$@"
}
if as_limited 100000 "$LM" --version >/dev/null 2>&1; then
  LAST_CMD="(ulimit -v 100000; lm train --threads 2 --memory 4G --order 5 gutenberg.tok.txt)"
  RC=0
  as_limited 100000 "$LM" train "$GUTENBERG" --threads 2 --memory 4G --order 5 >"$OUT" 2>"$ERR" || RC=$?
  check_error "train under a 100 MB address-space limit" 1 "out of memory" "smaller --memory" "ulimit -v"
  check_no_crash
  check_eq "$(ls -A)" "" "train out of memory: no model or temporary file left behind"
  LAST_CMD="(ulimit -v 100000; lm train --threads 2 --memory 50M --order 5 gutenberg.tok.txt)"
  RC=0
  as_limited 100000 "$LM" -q train "$GUTENBERG" --threads 2 --memory 50M --order 5 >"$OUT" 2>"$ERR" || RC=$?
  check_status "train under the same limit with --memory 50M, as the message suggests: exit 0" 0
  check_eq "$(ls -A)" "model.lm" "train --memory 50M under the limit: wrote model.lm"
else
  echo "note: lm does not start under an address-space limit (a sanitizer build reserves terabytes); the out-of-memory checks are not run"
fi
cd "$TMP" || exit 1

finish
