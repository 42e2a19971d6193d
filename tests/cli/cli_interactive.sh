#!/usr/bin/env bash
# lm score and lm next answer each line before the next one comes: at a
# terminal (a pseudo-terminal from util-linux's script, which Debian always
# has; the lines come from a FIFO this test writes a line at a time), and
# with --line-buffered for a program that talks to lm through pipes (a bash
# coprocess). Otherwise standard input is read in large blocks.
. "$(dirname "$0")/lib.bash"

need_file "$GUTENBERG"
train_model model.lm "$GUTENBERG" --order 3

# ---- --line-buffered: a coprocess gets each answer before it writes the next line
# (bash unsets a coprocess's variables once it has ended: its pid and file
# descriptors are copied at once.)
# ask LINE : writes LINE to the coprocess (fds TO, FROM) and reads one line of
# its answer into ANSWER (empty after 20 s without one).
ask() {
  ANSWER=
  printf '%s\n' "$1" >&"$TO"
  IFS= read -r -t 20 ANSWER <&"$FROM" || ANSWER=
}
# end_input : closes the coprocess's input and waits for it (RC).
end_input() {
  exec {TO}>&-
  RC=0
  wait "$PID" || RC=$?
}
LAST_CMD="coproc lm -q score --line-buffered -m model.lm"
coproc SCORE { exec "$LM" -q score --line-buffered -m model.lm 2>"$TMP/score.err"; }
PID=$SCORE_PID TO=${SCORE[1]} FROM=${SCORE[0]}
ask "the cat sat on the mat"
check_true "score --line-buffered: the first line's record comes before the second line is written" \
  "got: '$ANSWER'" grep -q $'\tppl=.*\tthe cat sat on the mat$' <<<"$ANSWER"
ask "a dog ran"
check_true "score --line-buffered: then the second line's" "got: '$ANSWER'" grep -q $'\ta dog ran$' <<<"$ANSWER"
end_input
check_status "score --line-buffered: exit 0 at the end of the input" 0

LAST_CMD="coproc lm -q next -k 3 --format json --line-buffered -m model.lm"
coproc NEXT { exec "$LM" -q next -k 3 --format json --line-buffered -m model.lm 2>"$TMP/next.err"; }
PID=$NEXT_PID TO=${NEXT[1]} FROM=${NEXT[0]}
ask "the cat"
check_true "next --line-buffered --format json: one line answers the first context at once" \
  "got: '$ANSWER'" grep -q '^{"context":"the cat",.*}$' <<<"$ANSWER"
ask "of the"
check_true "next --line-buffered: then the second" "got: '$ANSWER'" grep -q '^{"context":"of the",' <<<"$ANSWER"
end_input
check_status "next --line-buffered: exit 0 at the end of the input" 0

# In text format an answer is several lines: with --line-buffered each ends
# with a blank line, so that the reader knows it has all of it.
# ask_text LINE : writes LINE and reads the lines of one answer, up to the
# blank line that ends it, into ANSWER (as far as it got after 20 s).
ask_text() {
  local got
  ANSWER=
  printf '%s\n' "$1" >&"$TO"
  while IFS= read -r -t 20 got <&"$FROM"; do
    if [ -z "$got" ]; then
      ANSWER=${ANSWER%$'\n'}
      return 0
    fi
    ANSWER+="$got"$'\n'
  done
  ANSWER+="(no blank line after 20 s)"
}
LAST_CMD="coproc lm -q next -k 3 --line-buffered -m model.lm"
coproc NEXTTEXT { exec "$LM" -q next -k 3 --line-buffered -m model.lm 2>"$TMP/next.err"; }
PID=$NEXTTEXT_PID TO=${NEXTTEXT[1]} FROM=${NEXTTEXT[0]}
ask_text "the cat"
check_true "next --line-buffered (text): the first answer, a header and 3 words, ends with a blank line" \
  "got: '$ANSWER'" bash -c '[ "$(grep -c "" <<<"$1")" = 4 ] && head -n 1 <<<"$1" | grep -qx "# the cat"' _ "$ANSWER"
ask_text "of the"
check_true "next --line-buffered (text): then the second" \
  "got: '$ANSWER'" bash -c '[ "$(grep -c "" <<<"$1")" = 4 ] && head -n 1 <<<"$1" | grep -qx "# of the"' _ "$ANSWER"
end_input
check_status "next --line-buffered (text): exit 0 at the end of the input" 0
printf '%s\n' "the cat" "of the" >contexts.txt
run "$LM" -q next -k 3 -m model.lm <contexts.txt
{ cat "$OUT"; echo; } >blocks.out
run "$LM" -q next -k 3 --line-buffered -m model.lm <contexts.txt
check_same "$OUT" blocks.out "next --line-buffered (text): the answers read in blocks, each followed by a blank line"

# The same answers as without the flag; gzip cannot be read line by line.
printf '%s\n' "the cat sat on the mat" "a dog ran" >two.txt
run "$LM" -q score -m model.lm <two.txt
mv "$OUT" blocks.out
run "$LM" -q score --line-buffered -m model.lm <two.txt
check_same "$OUT" blocks.out "score --line-buffered: the same records as read in blocks"
gzip -c two.txt >two.txt.gz
run "$LM" -q score --line-buffered -m model.lm <two.txt.gz
check_error "score --line-buffered < gzip data" 1 "<stdin>" "gzip" "zcat"
run "$LM" -q score -m model.lm <two.txt.gz
check_same "$OUT" blocks.out "score without --line-buffered reads gzip on stdin"

# ---- at a terminal
if ! command -v script >/dev/null 2>&1; then
  echo "note: script (util-linux) is not available; the terminal checks are not run"
  finish
fi
if ! script -qec true /dev/null </dev/null >/dev/null 2>&1; then
  echo "note: script cannot open a pseudo-terminal here (no /dev/pts?); the terminal checks are not run"
  finish
fi

# wait_for FILE PATTERN COUNT : waits up to 20 s until FILE has COUNT lines
# matching PATTERN; true if it does.
wait_for() {
  local i
  for ((i = 0; i < 200; i++)); do
    [ "$(grep -c -E -- "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
    sleep 0.1
  done
  return 1
}

# at_terminal NAME PATTERN LINE1 LINE2 CMD... : runs CMD at a terminal, types
# LINE1, checks that its answer (a line matching PATTERN) comes before LINE2 is
# typed, then types LINE2 and ends the input; the run must end with both
# answers, exit 0.
at_terminal() {
  local name=$1 pattern=$2 line1=$3 line2=$4
  shift 4
  local cmd
  cmd=$(quote "$@")
  LAST_CMD="(at a terminal) $cmd"
  rm -f in.fifo "$name.out"
  mkfifo in.fifo
  script -qfec "$cmd" /dev/null <in.fifo >"$name.out" 2>&1 &
  local pid=$!
  exec 3>in.fifo
  printf '%s\n' "$line1" >&3
  if wait_for "$name.out" "$pattern" 1; then
    ok "$name at a terminal: the first line is answered while the input is still open"
  else
    fail "$name at a terminal: the first line is answered while the input is still open" \
      "command:  $LAST_CMD" "expected: a line matching '$pattern' within 20 s" "got:      $(show "$name.out")"
  fi
  printf '%s\n' "$line2" >&3
  exec 3>&-
  RC=0
  wait "$pid" || RC=$?
  check_status "$name at a terminal: exit 0 at the end of the input" 0
  check_eq "$(grep -c -E -- "$pattern" "$name.out")" 2 "$name at a terminal: both lines answered"
}

at_terminal score $'\tppl=' "the cat sat on the mat" "a dog ran" "$LM" -q score -m model.lm
at_terminal next '^# ' "the cat" "of the" "$LM" -q next -k 3 -m model.lm

# The same answers as read in blocks (the terminal adds CRs).
tr -d '\r' <score.out | grep $'\tppl=' >terminal.out
check_same terminal.out blocks.out "score at a terminal: the same records as read in blocks"

finish
