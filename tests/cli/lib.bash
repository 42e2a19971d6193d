# Shared helpers for the command-line tests in tests/cli/*.sh.
#
# Source it first thing:   . "$(dirname "$0")/lib.bash"
#
# Environment (ctest sets it; see tests/CMakeLists.txt):
#   LM             the lm binary (required)
#   LM_TEST_DATA   tests/data
#   LM_DATA        the project's data/ (data/gutenberg.tok.txt)
#   LM_SHARED_DIR  ../shared (optional)
#
# After sourcing, the script runs in a fresh temporary directory $TMP (also the
# current directory), removed on exit. Standard input is /dev/null unless a
# check redirects it, and LM_MODEL is unset, so the caller's environment cannot
# change the results. Each check prints "ok - ..." or "FAIL - ..." with what was
# expected and what was got; `finish` exits 1 if any check failed.
#
# Running a command: `run CMD...` stores its stdout in $OUT (file), its stderr in
# $ERR (file) and its exit status in $RC, for the check_* helpers below.
# Redirect its input with `run CMD... < file`.

set -u

TEST_NAME=$(basename "$0" .sh)
FAILS=0
CHECKS=0

if [ -z "${LM:-}" ]; then
  echo "FAIL - $TEST_NAME: LM is not set; run through ctest, or set LM=path/to/lm" >&2
  exit 1
fi
case "$LM" in /*) ;; *) LM="$PWD/$LM" ;; esac
if [ ! -x "$LM" ]; then
  echo "FAIL - $TEST_NAME: LM=$LM is not an executable file" >&2
  exit 1
fi
LM_TEST_DATA=${LM_TEST_DATA:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)}
LM_DATA=${LM_DATA:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../data" && pwd)}
LM_SHARED_DIR=${LM_SHARED_DIR:-}
unset LM_MODEL

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lm-cli-$TEST_NAME.XXXXXX") || { echo "FAIL - cannot create a temporary directory" >&2; exit 1; }
trap 'cd /; rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$TMP" || exit 1
exec </dev/null

OUT="$TMP/.stdout"
ERR="$TMP/.stderr"
RC=0

# Fixtures (used by the scripts that source this file).
# shellcheck disable=SC2034
TOY="$LM_TEST_DATA/toy.txt"
# shellcheck disable=SC2034
GUTENBERG="$LM_DATA/gutenberg.tok.txt"

# ------------------------------------------------------------------ reporting

# Command line of "$@", shell-quoted, for messages.
quote() {
  local s
  s=$(printf '%q ' "$@")
  printf '%s' "${s% }"
}

ok() {
  CHECKS=$((CHECKS + 1))
  echo "ok - $1"
}

# fail DESCRIPTION [DETAIL LINES...]
fail() {
  CHECKS=$((CHECKS + 1))
  FAILS=$((FAILS + 1))
  echo "FAIL - $1"
  shift
  local line
  for line in "$@"; do echo "    $line"; done
}

# Up to 5 lines of a file, indented, for messages.
show() {
  if [ ! -s "$1" ]; then
    echo "(empty)"
  else
    head -n 5 "$1" | cut -c1-300 | sed '2,$s/^/              /'
  fi
}

# Runs after a failed step that later checks depend on.
fatal() {
  fail "$@"
  echo "$TEST_NAME: stopping after a failed prerequisite ($FAILS failure(s))"
  exit 1
}

skip() {
  echo "SKIPPED: $*"
  exit 77
}

finish() {
  if [ "$FAILS" -gt 0 ]; then
    echo "$TEST_NAME: $FAILS of $CHECKS checks FAILED"
    exit 1
  fi
  echo "$TEST_NAME: all $CHECKS checks passed"
  exit 0
}

# ------------------------------------------------------------------ running

# run CMD... : stdout -> $OUT, stderr -> $ERR, status -> $RC; remembers the command.
LAST_CMD=""
run() {
  LAST_CMD=$(quote "$@")
  RC=0
  "$@" >"$OUT" 2>"$ERR" || RC=$?
}

# check_exit CODE CMD... : runs CMD and checks its exit status.
check_exit() {
  local want=$1
  shift
  run "$@"
  if [ "$RC" -eq "$want" ]; then
    ok "exit $want: $LAST_CMD"
  else
    fail "exit status of: $LAST_CMD" "expected: $want" "got:      $RC" "stderr:   $(show "$ERR")" \
      "stdout:   $(show "$OUT")"
  fi
}

# check_status DESCRIPTION CODE : checks $RC of the last run.
check_status() {
  if [ "$RC" -eq "$2" ]; then
    ok "$1"
  else
    fail "$1" "command:  $LAST_CMD" "expected: exit $2" "got:      exit $RC" "stderr:   $(show "$ERR")"
  fi
}

# check_no_crash : the last run ended normally (no signal, no abort).
check_no_crash() {
  if [ "$RC" -lt 128 ]; then
    ok "no crash (exit $RC): $LAST_CMD"
  else
    fail "crash: $LAST_CMD" "expected: an exit status below 128" "got:      $RC (signal $((RC - 128)))" \
      "stderr:   $(show "$ERR")"
  fi
}

# check_contains FILE TEXT [DESCRIPTION] : FILE contains the fixed string TEXT.
check_contains() {
  local desc=${3:-"$(basename "$1") contains '$2'"}
  if grep -qF -- "$2" "$1"; then
    ok "$desc"
  else
    fail "$desc" "command:  $LAST_CMD" "expected: text containing '$2'" "got:      $(show "$1")"
  fi
}

# check_not_contains FILE TEXT [DESCRIPTION]
check_not_contains() {
  local desc=${3:-"$(basename "$1") does not contain '$2'"}
  if grep -qF -- "$2" "$1"; then
    fail "$desc" "command:  $LAST_CMD" "expected: no '$2'" "got:      $(show "$1")"
  else
    ok "$desc"
  fi
}

# check_matches FILE REGEX [DESCRIPTION] : some line of FILE matches the extended regex.
check_matches() {
  local desc=${3:-"$(basename "$1") matches /$2/"}
  if grep -qE -- "$2" "$1"; then
    ok "$desc"
  else
    fail "$desc" "command:  $LAST_CMD" "expected: a line matching /$2/" "got:      $(show "$1")"
  fi
}

# check_lines FILE N [DESCRIPTION] : FILE has exactly N lines.
check_lines() {
  local n desc=${3:-"$(basename "$1") has $2 lines"}
  n=$(wc -l <"$1")
  if [ "$n" -eq "$2" ]; then
    ok "$desc"
  else
    fail "$desc" "command:  $LAST_CMD" "expected: $2 lines" "got:      $n lines: $(show "$1")"
  fi
}

# check_empty FILE [DESCRIPTION]
check_empty() {
  local desc=${2:-"$(basename "$1") is empty"}
  if [ -s "$1" ]; then
    fail "$desc" "command:  $LAST_CMD" "expected: nothing" "got:      $(show "$1")"
  else
    ok "$desc"
  fi
}

# check_same FILE1 FILE2 DESCRIPTION : identical bytes. Either may be a
# process substitution, <(...), which can be read only once: copy them first.
check_same() {
  local a="$TMP/.same.1" b="$TMP/.same.2" name1 name2
  name1=$(case "$1" in /dev/fd/*|/proc/*) echo "(command output)" ;; *) basename "$1" ;; esac)
  name2=$(case "$2" in /dev/fd/*|/proc/*) echo "(command output)" ;; *) basename "$2" ;; esac)
  cat "$1" >"$a" 2>/dev/null
  cat "$2" >"$b" 2>/dev/null
  if cmp -s "$a" "$b"; then
    ok "$3"
  elif LC_ALL=C grep -q '[^[:print:][:space:]]' "$a" "$b" 2>/dev/null; then
    fail "$3" "expected: $name1 and $name2 to be identical" \
      "got:      $(cmp "$a" "$b" 2>&1 | head -n 1 | sed "s|$a|$name1|; s|$b|$name2|")"
  else
    fail "$3" "expected: $name1 and $name2 to be identical" \
      "got:      $(diff "$a" "$b" 2>&1 | head -n 5 | cut -c1-200 | sed '2,$s/^/              /')"
  fi
}

# check_eq GOT EXPECTED DESCRIPTION : string equality.
check_eq() {
  if [ "$1" = "$2" ]; then
    ok "$3"
  else
    fail "$3" "expected: '$2'" "got:      '$1'"
  fi
}

# check_true DESCRIPTION DETAIL CMD... : CMD succeeds.
check_true() {
  local desc=$1 detail=$2
  shift 2
  if "$@"; then ok "$desc"; else fail "$desc" "$detail"; fi
}

# check_error DESCRIPTION CODE [TEXT...] : the last run failed with status CODE
# and its stderr ends with exactly one line "lm: error: ..." (log lines such as
# "lm: info:" may come before it), which contains each TEXT.
check_error() {
  local desc=$1 code=$2 text
  shift 2
  check_status "$desc: exit $code" "$code"
  local n
  n=$(grep -c '^lm: error: ' "$ERR")
  tail -n 1 "$ERR" >"$TMP/.error"
  if [ "$n" -eq 1 ] && grep -q '^lm: error: ' "$TMP/.error"; then
    ok "$desc: one 'lm: error:' line, last on stderr"
  else
    fail "$desc: one 'lm: error:' line, last on stderr" "command:  $LAST_CMD" \
      "got:      $n such lines; stderr ends: $(tail -n 5 "$ERR" >"$TMP/.tail"; show "$TMP/.tail")"
  fi
  for text in "$@"; do
    check_contains "$TMP/.error" "$text" "$desc: the message names '$text'"
  done
}

# ------------------------------------------------------------------ numbers

# near A B TOL : |A - B| <= TOL.
near() {
  awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'
}

# check_near GOT EXPECTED TOL DESCRIPTION
check_near() {
  if near "$1" "$2" "$3"; then
    ok "$4"
  else
    fail "$4" "expected: $2 (within $3)" "got:      $1"
  fi
}

# greater A B : A > B numerically.
greater() {
  awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }'
}

have_python3() {
  command -v python3 >/dev/null 2>&1
}

# ------------------------------------------------------------------ models

# need_file PATH : the fixture must exist (a missing fixture is a failure, not a skip).
need_file() {
  [ -f "$1" ] || fatal "fixture $1 exists" "expected: a file" "got:      nothing there"
}

# train_model OUTPUT CORPUS [OPTIONS...] : quietly trains a model; stops the test if it fails.
train_model() {
  local output=$1 corpus=$2
  shift 2
  need_file "$corpus"
  run "$LM" train -q "$corpus" -o "$output" "$@"
  if [ "$RC" -ne 0 ] || [ ! -s "$output" ]; then
    fatal "train $output" "command:  $LAST_CMD" "expected: exit 0 and a model file" "got:      exit $RC: $(show "$ERR")"
  fi
}

# Runs CMD with SIGPIPE at its default action, whatever this shell inherited
# (a non-interactive bash cannot reset a signal ignored on entry; env can).
if env --default-signal=PIPE true >/dev/null 2>&1; then
  default_sigpipe() { env --default-signal=PIPE "$@"; }
else
  default_sigpipe() { "$@"; }
fi
