# Shared by tools/bench_core.sh and tools/bench_model.sh (sourced, not run).
# Needs $work (a scratch directory) and $repeats set by the caller.

# The timer (tools/timed.cpp): spawns a command without a shell and reports
# its wall time and peak RSS. Compiled once per run into $work.
"${CXX:-c++}" -O2 -o "$work/timed" tools/timed.cpp ||
  { echo "bench: cannot compile tools/timed.cpp (a C++ compiler is needed, as for lm)" >&2; exit 1; }

# run_once [-i INPUT] CMD...: runs CMD (stdin from INPUT, stdout discarded)
# and prints "WALL RSS": wall seconds to the millisecond and peak RSS in KB.
# On failure prints CMD's stderr.
run_once() {
  local input=()
  if [ "$1" = -i ]; then input=(-i "$2"); shift 2; fi
  local out
  out=$("$work/timed" "${input[@]}" -e "$work/stderr" "$@") || { cat "$work/stderr" >&2; return 1; }
  echo "$out" | awk '{printf "%.3f %s\n", $1, $2}'
}

# median_of: the median of the numbers on stdin.
median_of() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# median_mb: the median of the KB figures on stdin, in whole MB.
median_mb() { median_of | awk '{printf "%.0f", $1/1024}'; }

# measure [-i INPUT] CMD...: the median wall seconds and peak RSS (MB) of
# $repeats runs of CMD, as "WALL RSS".
measure() {
  local walls=() rss=() w r
  for _ in $(seq "$repeats"); do
    read -r w r < <(run_once "$@") || return 1
    walls+=("$w"); rss+=("$r")
  done
  echo "$(printf '%s\n' "${walls[@]}" | median_of) $(printf '%s\n' "${rss[@]}" | median_mb)"
}

# measure_alternating INPUT CMD...: each CMD is one string of shell words
# (quote paths inside it: "'$lm' -q score -m '$m'"), run with stdin from
# INPUT. Runs them in turn, $repeats rounds, so that a slow spell of a shared
# machine hits all of them alike; prints one "WALL RSS MIN MAX" line per
# command, in order: the medians (as measure), then the fastest and slowest
# wall times, which show how noisy the run was.
measure_alternating() {
  local input=$1 i round w r cmd
  shift
  for i in $(seq "$#"); do : > "$work/alt.$i"; done
  for round in $(seq "$repeats"); do
    i=0
    for cmd in "$@"; do
      i=$((i + 1))
      eval "local argv=($cmd)"
      read -r w r < <(run_once -i "$input" "${argv[@]}") || return 1
      echo "$w $r" >> "$work/alt.$i"
    done
  done
  for i in $(seq "$#"); do
    echo "$(cut -d' ' -f1 "$work/alt.$i" | median_of) $(cut -d' ' -f2 "$work/alt.$i" | median_mb)" \
      "$(cut -d' ' -f1 "$work/alt.$i" | sort -g | head -n 1) $(cut -d' ' -f1 "$work/alt.$i" | sort -g | tail -n 1)"
  done
}
