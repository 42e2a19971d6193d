#!/usr/bin/env bash
# A model changed by another process while lm scores with it.
# - Truncated (cp onto a model in use does that): lm's next read of a page
#   that is gone raises SIGBUS. lm must exit 1 with one error line naming the
#   model and what to do, not die of the signal.
# - Replaced by renaming a new file over it (what that message advises, and
#   what lm train and lm convert do): lm goes on with the model it opened.
. "$(dirname "$0")/lib.bash"

run "$LM" -q train --order 3 -o model.lm "$LM_TEST_DATA/toy.txt"
[ "$RC" -eq 0 ] || fatal "train the toy model" "stderr: $(show "$ERR")"
run "$LM" -q train --order 2 -o other.lm "$LM_TEST_DATA/toy.txt"
[ "$RC" -eq 0 ] || fatal "train a second model" "stderr: $(show "$ERR")"
SENTENCE="the mouse ate the cheese"
run "$LM" score -m model.lm "$SENTENCE"
cp "$OUT" expected.txt

# start_scoring: lm score -m model.lm reading the FIFO `in`, in the
# background ($pid); returns once lm has mapped the model, with the FIFO's
# write end open on $writer (lm waits for lines).
mkfifo in
start_scoring() {
  "$LM" score -m model.lm <in >"$OUT" 2>"$ERR" &
  pid=$!
  exec {writer}>in
  local _
  for _ in $(seq 100); do
    grep -q "model.lm" "/proc/$pid/maps" 2>/dev/null && return 0
    sleep 0.05
  done
  kill "$pid" 2>/dev/null
  fatal "lm score maps model.lm within 5 s" "stderr: $(show "$ERR")"
}
# finish_scoring: sends the sentence, closes the FIFO and waits: $RC.
finish_scoring() {
  # lm may already have stopped (a page of the truncated model read while it
  # starts): the write then meets a closed FIFO, which must not kill this script.
  (trap '' PIPE; echo "$SENTENCE" >&"$writer") 2>/dev/null || true
  exec {writer}>&-
  RC=0
  wait "$pid" || RC=$?
}

start_scoring
cp model.lm model.lm.orig && mv other.lm model.lm
finish_scoring
LAST_CMD="lm score -m model.lm (another model renamed over it while in use)"
check_status "model replaced by rename while in use: exit 0" 0
if cmp -s "$OUT" expected.txt; then
  ok "model replaced by rename while in use: the scores of the model lm opened"
else
  fail "model replaced by rename while in use: scores" "expected: $(show expected.txt)" "got:      $(show "$OUT")"
fi

mv model.lm.orig model.lm
start_scoring
truncate -s 0 model.lm
finish_scoring
LAST_CMD="lm score -m model.lm (model truncated while in use)"
check_error "model truncated while in use" 1 "model.lm" "SIGBUS" "rename it over the old one"
finish
