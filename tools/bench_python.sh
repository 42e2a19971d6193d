#!/usr/bin/env bash
# The Python module against the CLI and against KenLM's Python module, on one
# test file: lm score -t 1 and -t 2 (a line per sentence, to /dev/null) and
# --summary-only -t 1; Model.score_batch(lines, threads=1 and 2); a Python
# loop of Model.score(s, bos=True, eos=True); the same loop with KenLM's
# kenlm.Model on KenLM's binary of the same model. Every measurement is a
# fresh process, the kinds alternating within each repeat so that a slow
# spell of the shared machine hits all of them alike.
#
# Timing: CLI runs are the wall time of the whole process, model loading and
# tokenizing included (nothing subtracted). Python runs are timed inside
# Python (tools/bench_python.py: time.perf_counter around the scoring only,
# after loading the model and numpy and reading the file into a list). Peak
# RSS: the whole process's (wait4, as /usr/bin/time -v has it; tools/timed.cpp).
# Tokens are lm score's count (words + </s>); each kind's total log10 is
# checked against the CLI's.
#
# Usage: tools/bench_python.sh LM [REPEATS]   (default 5)
# Environment: MODEL (lm model; required), TEST [$SHARED/corpora/gutenberg/
#   gutenberg.test.txt], SHARED [../shared], PYTHON [/usr/bin/python3: a python
#   that imports lm], LM_PYTHONPATH (prepended to PYTHONPATH for $PYTHON, e.g.
#   build-py/python), KENLM_MODEL (KenLM binary of MODEL, e.g. build_binary
#   probing of lm convert --arpa; optional), KENLM_PYTHON (a python that
#   imports kenlm; optional). Parts whose inputs are missing are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] && [ -n "${MODEL:-}" ] || { sed -n '2,24p' "$0"; exit 2; }
lm=$(realpath "$1") repeats=${2:-5}
shared=${SHARED:-../shared}
test_file=${TEST:-$shared/corpora/gutenberg/gutenberg.test.txt}
python=${PYTHON:-/usr/bin/python3}
lm_pythonpath=${LM_PYTHONPATH:+$(realpath "$LM_PYTHONPATH")}
lm_pythonpath=$lm_pythonpath${lm_pythonpath:+${PYTHONPATH:+:}}${PYTHONPATH:-}
[ -f "$MODEL" ] || { echo "bench_python: no model $MODEL (MODEL)" >&2; exit 1; }
[ -f "$test_file" ] || { echo "bench_python: no test file $test_file (TEST or SHARED)" >&2; exit 1; }
model=$(realpath "$MODEL") test_file=$(realpath "$test_file")
helper=$(realpath tools/bench_python.py)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. tools/bench_lib.sh

# The kinds measured, each a command for timed; python kinds write
# "SECONDS SENTENCES TOTAL" to $work/out.KIND (bench_python.py's OUT).
declare -A cmd
kinds=(cli1 cli1sum cli2)
cmd[cli1]="'$lm' score -q -t 1 -m '$model' -i '$test_file'"
cmd[cli1sum]="'$lm' score -q -t 1 -m '$model' --summary-only -i '$test_file'"
cmd[cli2]="'$lm' score -q -t 2 -m '$model' -i '$test_file'"
py_lm="env PYTHONPATH='$lm_pythonpath' '$python' '$helper'"
if lm_module=$(env PYTHONPATH="$lm_pythonpath" "$python" -c 'import lm; lm.Model.score_batch; print(lm.__file__)' 2> "$work/err"); then
  kinds+=(batch1 batch2 lmloop)
  cmd[batch1]="$py_lm lm-batch '$model' '$test_file' '$work/out.batch1' 1"
  cmd[batch2]="$py_lm lm-batch '$model' '$test_file' '$work/out.batch2' 2"
  cmd[lmloop]="$py_lm lm-loop '$model' '$test_file' '$work/out.lmloop'"
else
  echo "SKIP the lm Python module: $python (PYTHONPATH=$lm_pythonpath) cannot import lm with Model.score_batch: $(tail -n 1 "$work/err")"
fi
if [ -z "${KENLM_MODEL:-}" ] || [ ! -f "$KENLM_MODEL" ]; then
  echo "SKIP KenLM: no KENLM_MODEL file (${KENLM_MODEL:-unset})"
elif [ -z "${KENLM_PYTHON:-}" ] || ! kenlm_module=$("$KENLM_PYTHON" -c 'import kenlm; print(kenlm.__file__)' 2> "$work/err"); then
  echo "SKIP KenLM: KENLM_PYTHON (${KENLM_PYTHON:-unset}) cannot import kenlm"
else
  kinds+=(kenloop)
  cmd[kenloop]="'$KENLM_PYTHON' '$helper' kenlm-loop '$(realpath "$KENLM_MODEL")' '$test_file' '$work/out.kenloop'"
fi

declare -A label=(
  [cli1]="lm score -t 1 (lines to /dev/null)" [cli1sum]="lm score -t 1 --summary-only"
  [cli2]="lm score -t 2 (lines to /dev/null)" [batch1]="score_batch(threads=1)"
  [batch2]="score_batch(threads=2)" [lmloop]="lm: for s: m.score(s)" [kenloop]="kenlm: for s: m.score(s)")

read -r tokens sentences < <("$lm" score -q -t 1 -m "$model" --summary-only -i "$test_file" |
  awk -F'\t' '/^Tokens/ { t = $2 } /^Sentences/ { s = $2 } END { print t, s }')
# The CLI's total log10 from its perplexity including OOVs: ppl = 10^(-total/tokens).
total=$("$lm" score -q -t 1 -m "$model" --summary-only -i "$test_file" |
  awk -F'\t' -v t="$tokens" '/^Perplexity including/ { printf "%.6f", -t * log($2) / log(10) }')
echo "$(basename "$test_file"): $sentences sentences, $tokens tokens (words + </s>), total log10 $total"
echo "model $model${KENLM_MODEL:+, KenLM $KENLM_MODEL}; $repeats repeats; lm $lm"
echo "python $python${lm_module:+ (lm: $lm_module)}${kenlm_module:+; KenLM python $KENLM_PYTHON ($kenlm_module)}"
echo

for k in "${kinds[@]}"; do : > "$work/t.$k"; done
t=""
for round in $(seq "$repeats"); do
  for k in "${kinds[@]}"; do
    eval "argv=(${cmd[$k]})"
    read -r w r < <(run_once "${argv[@]}") || { echo "bench_python: ${label[$k]} failed" >&2; exit 1; }
    if [ -f "$work/out.$k" ]; then
      read -r s n t < "$work/out.$k"
      [ "$n" = "$sentences" ] || { echo "bench_python: ${label[$k]} scored $n sentences, lm score $sentences" >&2; exit 1; }
      # lm's kinds must agree with the CLI closely; KenLM sums in float.
      awk -v a="$t" -v b="$total" -v k="$k" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= (k == "kenloop" ? 1e-2 : 1e-4)) }' ||
        echo "WARNING ${label[$k]}: total log10 $t, lm score $total"
      rm "$work/out.$k"
    else
      s=$w
    fi
    echo "$s $r $t" >> "$work/t.$k"
    printf '  round %d  %-38s %8.4f s %6.0f MB\n' "$round" "${label[$k]}" "$s" "$(echo "$r / 1024" | bc -l)"
    t=""
  done
done

# med KIND: the median seconds of KIND.
med() { cut -d' ' -f1 "$work/t.$1" | median_of; }
echo
printf '%-38s %9s %12s %8s %s\n' "medians of $repeats" seconds tokens/s "peak MB" "(min-max s)"
for k in "${kinds[@]}"; do
  m=$(med "$k")
  printf '%-38s %9.4f %12.0f %8s (%.4f-%.4f)\n' "${label[$k]}" "$m" "$(echo "$tokens / $m" | bc -l)" \
    "$(cut -d' ' -f2 "$work/t.$k" | median_mb)" "$(cut -d' ' -f1 "$work/t.$k" | sort -g | head -n 1)" \
    "$(cut -d' ' -f1 "$work/t.$k" | sort -g | tail -n 1)"
done
echo "(CLI: wall time of the process, loading included; Python: the scoring only, timed in Python)"
echo
# ratio A B TEXT: the tokens/s of A over B's (B's seconds over A's).
ratio() { [ -s "$work/t.$1" ] && [ -s "$work/t.$2" ] && printf '%-58s %6.2fx\n' "$3" "$(echo "$(med "$2") / $(med "$1")" | bc -l)"; return 0; }
if [ -n "${cmd[batch1]:-}" ]; then
  ratio batch1 cli1 "score_batch(threads=1) / lm score -t 1 (lines)"
  ratio batch1 cli1sum "score_batch(threads=1) / lm score -t 1 --summary-only"
  ratio batch2 cli2 "score_batch(threads=2) / lm score -t 2 (lines)"
  ratio batch2 batch1 "score_batch(threads=2) / score_batch(threads=1)"
  [ -n "${cmd[kenloop]:-}" ] && ratio lmloop kenloop "lm Python loop / KenLM Python loop"
fi
exit 0
