#!/usr/bin/env bash
# A training run killed part way (SIGINT, SIGTERM, SIGHUP, SIGKILL; early, in
# the middle, and while the model file is being written) leaves the previous
# model byte-identical and loadable, dies of the signal (never exit 0), and,
# for the signals it can catch, leaves no temporary or other stray file.
. "$(dirname "$0")/lib.bash"

need_file "$TOY"
need_file "$GUTENBERG"

# A corpus that takes `lm train --order 5` over a second: 10 copies of gutenberg.
for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$GUTENBERG"; done >"$TMP/big.txt"
BIG="$TMP/big.txt"

# The runs happen in work/, which holds only model.lm (an old, tiny model).
mkdir work && cd work || exit 1
train_model model.lm "$TOY" --order 2
cp model.lm "$TMP/model.lm.orig"
run "$LM" score -m model.lm "a b"
[ "$RC" -eq 0 ] || fatal "score with the old model" "command:  $LAST_CMD" "expected: exit 0" "got:      exit $RC: $(show "$ERR")"
cp "$OUT" "$TMP/score.orig"

# A sleep without a fork, for a tight polling loop: read from a FIFO that
# nobody writes times out after the given time.
mkfifo "$TMP/.never"
exec {NEVER}<>"$TMP/.never"
nap() { read -r -t "$1" -u "$NEVER" _ || true; }

# The signal numbers, and what the shell reports for a process killed by each.
signum() { kill -l "$1"; }
# Catchable signals are started at their default action, whatever this shell
# inherited (a background job of a non-interactive shell ignores SIGINT).
# (An array, not a function: $! must be lm's own process id.)
LAUNCH=()
if env --default-signal=INT true >/dev/null 2>&1; then
  # shellcheck disable=SC2054  # one argument, commas and all
  LAUNCH=(env --default-signal=INT,TERM,HUP)
fi

# Microseconds since the epoch, in US_NOW (no fork; any locale's decimal point).
now_us() { US_NOW=${EPOCHREALTIME//[.,]/}; }
# Seconds since $1 (a now_us value), as "S.ss".
since() {
  now_us
  local d=$(((US_NOW - $1) / 10000))
  printf '%d.%02d' $((d / 100)) $((d % 100))
}

# kill_train SIG WHEN [EXTRA TRAIN OPTIONS...] : starts lm train on big.txt into
# model.lm, sends SIG at WHEN (seconds, or "write" = as soon as model.lm.tmp.*
# exists, or "arpa" = as soon as out.arpa.tmp.* exists), waits, and checks.
WRITE_AT=""
kill_train() {
  local sig=$1 when=$2
  shift 2
  local desc="SIG$sig at $when" pid status start pattern hit="" killed_at
  [ "$when" = write ] && desc="SIG$sig while model.lm is being written"
  [ "$when" = arpa ] && desc="SIG$sig while out.arpa is being written"
  now_us
  start=$US_NOW
  LAST_CMD="lm train big.txt --order 5 -o model.lm $* & sleep $when; kill -$sig"
  "${LAUNCH[@]}" "$LM" train "$BIG" --order 5 -o model.lm "$@" >"$OUT" 2>"$ERR" &
  pid=$!
  case "$when" in
    write | arpa)
      [ "$when" = write ] && pattern="model.lm.tmp.*" || pattern="out.arpa.tmp.*"
      # Poll every 2 ms for the temporary file, for at most 60 s.
      local deadline=$((start + 60000000))
      while kill -0 "$pid" 2>/dev/null; do
        if compgen -G "$pattern" >/dev/null; then hit=1; break; fi
        now_us
        [ "$US_NOW" -lt "$deadline" ] || break
        nap 0.002
      done
      ;;
    *)
      nap "$when"
      kill -0 "$pid" 2>/dev/null && hit=1
      ;;
  esac
  killed_at=$(since "$start")
  # The run may end between the check above and the signal (and the shell
  # reaps it at once): then kill finds no process, and the signal came late.
  kill -"$sig" "$pid" 2>/dev/null || hit=""
  status=0
  { wait "$pid"; } 2>/dev/null || status=$?
  if [ -z "$hit" ]; then
    # The run ended (or never reached the write) before the signal: the test
    # could not do what it meant to; say so rather than check nonsense.
    if [ "$status" -eq 0 ]; then
      echo "note: $desc: the run finished (exit 0) after $killed_at s, before the signal; not checked"
      cp "$TMP/model.lm.orig" model.lm
    else
      fail "$desc: the run reached the point of the signal" "expected: lm still running at $when" \
        "got:      it ended with exit $status after $killed_at s; stderr: $(show "$ERR")"
    fi
    rm -f -- model.lm.tmp.* out.arpa out.arpa.tmp.*
    return
  fi
  [ "$when" = write ] && WRITE_AT=$killed_at
  local want=$((128 + $(signum "$sig")))
  if [ "$sig" = KILL ]; then
    check_eq "$status" "$want" "$desc (after $killed_at s): killed by the signal (exit status $want)"
  elif [ "$status" -eq "$want" ]; then
    ok "$desc (after $killed_at s): exit status $want (died of SIG$sig)"
  else
    fail "$desc (after $killed_at s): exit status" "expected: $want (died of SIG$sig), never 0" \
      "got:      $status; stderr: $(show "$ERR")"
  fi
  check_same model.lm "$TMP/model.lm.orig" "$desc: the old model.lm is byte-identical"
  run "$LM" score -m model.lm "a b"
  if [ "$RC" -eq 0 ] && cmp -s "$OUT" "$TMP/score.orig"; then
    ok "$desc: the old model.lm still loads and scores as before"
  else
    fail "$desc: the old model.lm still loads and scores as before" "command:  $LAST_CMD" \
      "expected: exit 0, stdout $(show "$TMP/score.orig")" "got:      exit $RC, stdout $(show "$OUT"), stderr $(show "$ERR")"
  fi
  local left
  left=$(ls -A | grep -vx 'model.lm' | tr '\n' ' ')
  if [ "$sig" = KILL ]; then
    # SIGKILL cannot be caught: a temporary file may remain, nothing else.
    local other
    other=$(ls -A | grep -vx 'model.lm' | grep -v '^model\.lm\.tmp\.......$' | grep -v '^out\.arpa\.tmp\.......$' | tr '\n' ' ')
    check_eq "$other" "" "$desc: nothing but (at most) a temporary file left beside model.lm"
  else
    check_eq "$left" "" "$desc: no temporary or stray file left in the directory"
  fi
  rm -f -- model.lm.tmp.* out.arpa out.arpa.tmp.*
  cp "$TMP/model.lm.orig" model.lm
}

# While the model file is written (the temporary file exists): first, so that
# the fixed delays below can be fitted to this machine's speed.
kill_train INT write
# The delays must fall inside the run, before the final write starts: 0.2 s,
# 1 s and 2 s, or less on a machine fast enough to get there sooner.
delays="0.2 1 2"
if [ -n "$WRITE_AT" ]; then
  delays=$(awk -v t="$WRITE_AT" 'function min(a, b) { return a < b ? a : b }
    BEGIN { printf "%.2f %.2f %.2f", min(0.2, t * 0.1), min(1, t * 0.4), min(2, t * 0.7) }')
  echo "note: training reaches the final write after $WRITE_AT s here; killing at $delays s"
fi
for d in $delays; do kill_train INT "$d"; done
for sig in TERM KILL; do
  for d in $delays; do kill_train "$sig" "$d"; done
  kill_train "$sig" write
done
kill_train HUP "$(echo "$delays" | cut -d' ' -f2)"

# Killed while the ARPA file (written before the model) is written: neither
# out.arpa nor a temporary file may remain, and the old model is untouched.
kill_train TERM arpa --arpa out.arpa

# And a run left alone replaces the model (so the checks above were meaningful).
run "$LM" train -q "$GUTENBERG" --order 5 -o model.lm
check_status "an uninterrupted run: exit 0" 0
if cmp -s model.lm "$TMP/model.lm.orig"; then
  fail "an uninterrupted run replaces model.lm" "expected: a new model.lm" "got:      the old one"
else
  ok "an uninterrupted run replaces model.lm"
fi
check_eq "$(ls -A | tr '\n' ' ')" "model.lm " "an uninterrupted run leaves only model.lm"

finish
