# Shared by tools/bench_core.sh and tools/bench_model.sh (sourced, not run).
# Needs $work (a scratch directory) and $repeats set by the caller.

# measure CMD...: the median wall seconds and peak RSS (MB) of $repeats runs
# of CMD (stdout discarded), as "WALL RSS"; on failure prints CMD's stderr.
measure() {
  local walls=() rss=()
  for _ in $(seq "$repeats"); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2> "$work/stderr" ||
      { cat "$work/stderr" >&2; return 1; }
    read -r w r < "$work/time"
    walls+=("$w"); rss+=("$r")
  done
  local mw mr
  mw=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mr=$(printf '%s\n' "${rss[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]/1024}')
  echo "$mw $mr"
}
