# Shared by tools/bench_smoothing.sh, bench_mix.sh, bench_prune.sh and
# bench_generate.sh (sourced, not run): runs timed with /usr/bin/time, their
# wall times and peak RSS kept per key, and medians. Needs $work (a scratch
# directory) set by the caller.

# measure CMD...: runs CMD (stdout discarded) and prints "WALL_SECONDS PEAK_RSS_MB";
# on failure prints CMD's stderr and exits.
measure() {
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
  awk '{printf "%s %.0f\n", $1, $2 / 1024}' "$work/time"
}

# step KEY CMD...: measure, adding the figures to times[KEY] and rss[KEY] and
# printing them.
declare -A times rss
step() {
  local key=$1 w r
  shift
  read -r w r < <(measure "$@")
  times[$key]+="$w " rss[$key]+="$r "
  printf '%-22s %8s s %8s MB\n' "$key" "$w" "$r"
}

# median: the median of the numbers on stdin (space- or line-separated; the
# mean of the middle two for an even count).
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
