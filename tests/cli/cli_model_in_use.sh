#!/usr/bin/env bash
# A model truncated by another process while lm scores with it (cp onto a
# model in use does that): lm's next read of a page that is gone raises
# SIGBUS. lm must exit 1 with one error line naming the model and what to
# do, not die of the signal.
. "$(dirname "$0")/lib.bash"

run "$LM" -q train --order 3 -o model.lm "$LM_TEST_DATA/toy.txt"
[ "$RC" -eq 0 ] || fatal "train the toy model" "stderr: $(show "$ERR")"
mkfifo in
"$LM" score -m model.lm <in >"$OUT" 2>"$ERR" &
pid=$!
exec {writer}>in  # lm opened the model before reading its input; it waits for lines now
mapped=0
for _ in $(seq 100); do
  if grep -q "model.lm" "/proc/$pid/maps" 2>/dev/null; then
    mapped=1
    break
  fi
  sleep 0.05
done
[ "$mapped" -eq 1 ] || { kill "$pid" 2>/dev/null; fatal "lm score maps model.lm within 5 s" "stderr: $(show "$ERR")"; }
truncate -s 0 model.lm
echo "the mouse ate the cheese" >&"$writer"
exec {writer}>&-
RC=0
wait "$pid" || RC=$?
LAST_CMD="lm score -m model.lm (model truncated while in use)"
check_error "model truncated while in use" 1 "model.lm" "SIGBUS" "rename it over the old one"
finish
