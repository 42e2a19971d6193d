#!/usr/bin/env bash
# lm score and lm next at a terminal answer each line as it is typed, before
# the next one comes (a pseudo-terminal from util-linux's script, which
# Debian always has; the lines come from a FIFO this test writes a line at a
# time). Standard input that is not a terminal is read in large blocks.
. "$(dirname "$0")/lib.bash"

if ! command -v script >/dev/null 2>&1; then
  echo "note: script (util-linux) is not available; the terminal checks are not run"
  finish
fi
if ! script -qec true /dev/null </dev/null >/dev/null 2>&1; then
  echo "note: script cannot open a pseudo-terminal here (no /dev/pts?); the terminal checks are not run"
  finish
fi
need_file "$GUTENBERG"
train_model model.lm "$GUTENBERG" --order 3

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

# The same lines through a pipe give the same answers (the terminal adds CRs).
printf '%s\n' "the cat sat on the mat" "a dog ran" | "$LM" -q score -m model.lm >pipe.out
tr -d '\r' <score.out | grep $'\tppl=' >terminal.out
check_same terminal.out pipe.out "score at a terminal: the same records as through a pipe"

finish
