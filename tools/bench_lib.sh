# Shared by tools/bench_core.sh and tools/bench_model.sh (sourced, not run).
# Needs $work (a scratch directory) and $repeats set by the caller.

# run_once CMD...: runs CMD (stdout discarded) and prints "WALL RSS": wall
# seconds to the millisecond (date, around /usr/bin/time, whose own %e has
# only centiseconds) and peak RSS in KB. On failure prints CMD's stderr.
run_once() {
  local start end w r
  start=$(date +%s%N)
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2> "$work/stderr" ||
    { cat "$work/stderr" >&2; return 1; }
  end=$(date +%s%N)
  read -r w r < "$work/time"
  echo "$(( (end - start) / 1000000 )) $r" | awk '{printf "%.3f %s\n", $1 / 1000, $2}'
}

# median_of: the median of the numbers on stdin.
median_of() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# median_mb: the median of the KB figures on stdin, in whole MB.
median_mb() { median_of | awk '{printf "%.0f", $1/1024}'; }

# measure CMD...: the median wall seconds and peak RSS (MB) of $repeats runs
# of CMD, as "WALL RSS".
measure() {
  local walls=() rss=() w r
  for _ in $(seq "$repeats"); do
    read -r w r < <(run_once "$@") || return 1
    walls+=("$w"); rss+=("$r")
  done
  echo "$(printf '%s\n' "${walls[@]}" | median_of) $(printf '%s\n' "${rss[@]}" | median_mb)"
}

# measure_alternating CMD...: each argument is a shell command (run with
# sh -c). Runs them in turn, $repeats rounds, so that a slow spell of a shared
# machine hits all of them alike; prints one "WALL RSS MIN MAX" line per
# command, in order: the medians (as measure), then the fastest and slowest
# wall times, which show how noisy the run was.
measure_alternating() {
  local i round w r
  for i in $(seq "$#"); do : > "$work/alt.$i"; done
  for round in $(seq "$repeats"); do
    i=0
    for cmd in "$@"; do
      i=$((i + 1))
      read -r w r < <(run_once sh -c "$cmd") || return 1
      echo "$w $r" >> "$work/alt.$i"
    done
  done
  for i in $(seq "$#"); do
    echo "$(cut -d' ' -f1 "$work/alt.$i" | median_of) $(cut -d' ' -f2 "$work/alt.$i" | median_mb)" \
      "$(cut -d' ' -f1 "$work/alt.$i" | sort -g | head -n 1) $(cut -d' ' -f1 "$work/alt.$i" | sort -g | tail -n 1)"
  done
}
