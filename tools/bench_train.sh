#!/usr/bin/env bash
# Training benchmark: `lm train` against KenLM's `lmplz` (when available) on the same corpora,
# orders, memory budget and temp directory, in the same run. Reports wall time, CPU time
# (user + sys), peak RSS, peak temp disk and tokens/s, the lm/lmplz ratios, and lm's time per
# token at order 5 from 10M to 100M to 1G.
#
# Usage: tools/bench_train.sh [REPEATS]     (default 3; medians are reported)
# Environment (defaults in brackets):
#   SHARED     directory holding corpora/kjv and corpora/gutenberg [../shared]
#   KENLM_BIN  directory holding lmplz [the one on PATH; without lmplz only lm is run]
#   LM         the lm binary [build/lm]
#   MEMORY     memory budget: lm --memory, lmplz -S [4G]
#   THREADS    lm --threads [nproc]
#   CORPORA    any of: kjv 10M 100M 1G [kjv 10M 100M]. 1G is the scale run: the 100M slice
#              concatenated 10 times (1 GB, about 180M tokens), order 5 only, lm run once
#              (lmplz too, once, if SCALE_KENLM=1); needs about 10 GB free where it is built.
#              Every n-gram in 10 copies occurs at least 10 times, so the top-order Kneser-Ney
#              discounts cannot be estimated: both tools fall back to 0.5 1 1.5 (lmplz only with
#              --discount_fallback, which is always passed). It measures speed and memory only.
#   ORDERS     [3 5] (not used by 1G, which is always order 5)
#   BIG_DIR    where gutenberg.train.100M.txt already is (else it is decompressed from the .xz
#              into the temp dir), and where the 1G file is built and kept for later runs (else it
#              is built in the temp dir and deleted at the end)
#   TMPDIR     temp files: lm --temp-dir, lmplz -T, decompressed corpora, models [/tmp]
#   LM_QUIET   1: run lm with -q; 0: let lm print its info lines (a line mentioning temp space
#              is then reported under the table) [1]
# Needs: build/lm (bash tools/setup.sh), /usr/bin/time (Debian package "time"), xz (for 100M),
# the corpora (../shared/corpora, or SHARED=/path/to/shared).
#
# Flags the lm binary does not know (--memory, --threads, --temp-dir, -q) are left out, so older
# binaries can be compared; the flags used are printed. Temp disk is sampled every 0.5 s: du of
# the temp dir plus the size of deleted-but-open files in it (lmplz unlinks its temp files as soon
# as it creates them), so short peaks can be missed.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "bench_train: $*" >&2; exit 1; }
note() { echo "bench_train: $*" >&2; }

repeats=${1:-3}
[[ $repeats =~ ^[1-9][0-9]*$ ]] || die "REPEATS must be a positive integer, got '$repeats'"
shared=${SHARED:-../shared}
lm=${LM:-$PWD/build/lm}
memory=${MEMORY:-4G}
threads=${THREADS:-$(nproc)}
corpora=${CORPORA:-kjv 10M 100M}
orders=${ORDERS:-3 5}
big_dir=${BIG_DIR:-}
scale_kenlm=${SCALE_KENLM:-0}
lm_quiet=${LM_QUIET:-1}

[ -x /usr/bin/time ] || die "needs /usr/bin/time (apt-get install time)"
[ -x "$lm" ] || die "no lm binary at $lm (build it: bash tools/setup.sh, or set LM=/path/to/lm)"
[ -d "$shared/corpora" ] || die "no corpora in $shared/corpora (set SHARED=/path/to/shared)"
for c in $corpora; do
  case $c in kjv|10M|100M|1G) ;; *) die "unknown corpus '$c' in CORPORA (use kjv 10M 100M 1G)" ;; esac
done
for o in $orders; do [[ $o =~ ^[1-9][0-9]*$ ]] || die "bad order '$o' in ORDERS"; done
if [ -n "$big_dir" ]; then [ -d "$big_dir" ] || die "BIG_DIR=$big_dir is not a directory"; fi

kenlm=${KENLM_BIN:-$(dirname "$(command -v lmplz 2>/dev/null || echo /nonexistent/x)")}
have_kenlm=0
[ -x "$kenlm/lmplz" ] && have_kenlm=1
if [ -n "${KENLM_BIN:-}" ] && [ "$have_kenlm" = 0 ]; then die "no lmplz in KENLM_BIN=$KENLM_BIN"; fi

# lm flags this binary supports
train_help=$("$lm" train --help 2>&1 || true)
main_help=$("$lm" --help 2>&1 || true)
has() { grep -qE -- "$1([^-a-zA-Z_]|\$)" <<< "$2"; }
lm_pre=() lm_flags=() skipped=()
if has --memory "$train_help"; then lm_flags+=(--memory "$memory"); else skipped+=(--memory); fi
if has --threads "$train_help"; then lm_flags+=(--threads "$threads"); else skipped+=(--threads); fi
use_temp_dir=0
if has --temp-dir "$train_help"; then use_temp_dir=1; else skipped+=(--temp-dir); fi
if [ "$lm_quiet" = 1 ]; then
  if has --quiet "$train_help"; then lm_flags+=(-q)
  elif has --quiet "$main_help"; then lm_pre+=(-q)
  else skipped+=(-q); fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/bench_train.XXXXXX")
sampler_pid=
cleanup() {
  if [ -n "$sampler_pid" ]; then kill "$sampler_pid" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
work=$(realpath "$work")
mkdir "$work/lm-tmp" "$work/kenlm-tmp"

# ---- corpora ----------------------------------------------------------------------------------
corpus_file() {  # name -> path (preparing it if needed)
  local g=$shared/corpora/gutenberg
  case $1 in
    kjv) echo "$shared/corpora/kjv/kjv.tok.train.txt" ;;
    10M) echo "$g/gutenberg.train.10M.txt" ;;
    100M)
      if [ -n "$big_dir" ] && [ -s "$big_dir/gutenberg.train.100M.txt" ]; then
        echo "$big_dir/gutenberg.train.100M.txt"
      else
        if [ ! -s "$work/gutenberg.train.100M.txt" ]; then
          [ -r "$g/gutenberg.train.100M.txt.xz" ] || die "missing $g/gutenberg.train.100M.txt.xz (set SHARED)"
          command -v xz > /dev/null || die "needs xz to decompress the 100M corpus (apt-get install xz-utils)"
          note "decompressing gutenberg.train.100M.txt.xz into $work"
          xz -dc "$g/gutenberg.train.100M.txt.xz" > "$work/gutenberg.train.100M.txt.part"
          mv "$work/gutenberg.train.100M.txt.part" "$work/gutenberg.train.100M.txt"
        fi
        echo "$work/gutenberg.train.100M.txt"
      fi ;;
    1G)
      local src dir out
      src=$(corpus_file 100M)
      dir=${big_dir:-$work}
      out=$dir/gutenberg.train.1G.txt
      if [ ! -s "$out" ] || [ "$(stat -c %s "$out")" != "$(( 10 * $(stat -c %s "$src") ))" ]; then
        note "building $out (gutenberg.train.100M.txt 10 times)"
        for _ in $(seq 10); do cat "$src"; done > "$out.part"
        mv "$out.part" "$out"
      fi
      echo "$out" ;;
  esac
}

declare -A token_count
count_tokens() {  # name file: sets tokens (words plus one </s> per line), counted once per corpus
  if [ -z "${token_count[$1]:-}" ]; then
    if [ "$1" = 1G ] && [ -n "${token_count[100M]:-}" ] && [ -z "$(tail -c1 "$(corpus_file 100M)")" ]; then
      token_count[1G]=$(( 10 * token_count[100M] ))  # 10 copies of a newline-terminated file
    else
      token_count[$1]=$(wc -lw < "$2" | awk '{print $1 + $2}')
    fi
  fi
  tokens=${token_count[$1]}
}

# ---- measuring --------------------------------------------------------------------------------
# Peak bytes in DIR while PID's process tree runs: du of DIR plus deleted-but-open files in it.
sample_temp() {  # pid dir outfile
  set +e
  local pid=$1 dir=$2 out=$3 max=0 base cur p f l size
  base=$(du -sb "$dir" 2> /dev/null | cut -f1)
  while kill -0 "$pid" 2> /dev/null; do
    cur=$(du -sb "$dir" 2> /dev/null | cut -f1)
    cur=$(( ${cur:-$base} - base ))
    for p in $(pids_under "$pid"); do
      for f in /proc/"$p"/fd/*; do
        l=$(readlink "$f" 2> /dev/null) || continue
        if [[ $l == "$dir"/*" (deleted)" ]]; then
          size=$(stat -L -c %s "$f" 2> /dev/null) && cur=$(( cur + size ))
        fi
      done
    done
    if (( cur > max )); then max=$cur; echo "$max" > "$out"; fi
    sleep 0.5
  done
}
pids_under() {  # pid and its descendants
  local c kids=()
  echo "$1"
  read -ra kids < <(cat /proc/"$1"/task/*/children 2> /dev/null) || true
  for c in "${kids[@]}"; do pids_under "$c"; done
}

median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# measure RUNS TEMPDIR LOGNAME cmd...: sets m_wall (s), m_cpu (user+sys s), m_rss (KB), m_temp
# (bytes, max over runs), medians over RUNS runs; exits with lm's/lmplz's stderr on failure.
measure() {
  local runs=$1 tdir=$2 log=$3 walls=() cpus=() rsss=() w u s r t tpid rc
  shift 3
  m_temp=0
  for i in $(seq "$runs"); do
    note "  $log run $i/$runs"
    rm -rf "${tdir:?}"/* "$work/out".*
    echo 0 > "$work/temp.max"
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > /dev/null 2> "$work/$log.stderr" &
    tpid=$!
    sample_temp "$tpid" "$tdir" "$work/temp.max" &
    sampler_pid=$!
    rc=0
    wait "$tpid" || rc=$?
    kill "$sampler_pid" 2> /dev/null || true
    wait "$sampler_pid" 2> /dev/null || true
    sampler_pid=
    if [ "$rc" != 0 ]; then
      cat "$work/$log.stderr" >&2
      die "failed (exit $rc): $*"
    fi
    read -r w u s r < <(tail -n1 "$work/time")
    read -r t < "$work/temp.max"
    walls+=("$w"); cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')"); rsss+=("$r")
    if (( t > m_temp )); then m_temp=$t; fi
  done
  rm -rf "${tdir:?}"/* "$work/out".*
  m_wall=$(printf '%s\n' "${walls[@]}" | median)
  m_cpu=$(printf '%s\n' "${cpus[@]}" | median)
  m_rss=$(printf '%s\n' "${rsss[@]}" | median)
}

fmt() { awk -v x="$2" "BEGIN {printf \"$1\", x}"; }
mb() { awk -v x="$1" -v d="$2" 'BEGIN {printf "%.0f", x / d}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}'; }

# ---- run --------------------------------------------------------------------------------------
lm_shown=("${lm_pre[@]}" train "${lm_flags[@]}")
if [ "$use_temp_dir" = 1 ]; then lm_shown+=(--temp-dir DIR); fi
echo "# lm train benchmark"
echo
echo "- $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM; lm $("$lm" --version 2>&1 | head -n1 | sed 's/^lm //') ($lm, commit $(git rev-parse --short HEAD 2> /dev/null || echo '?'))"
echo "- lm: \`lm ${lm_shown[*]} --order N -o OUT corpus\`${skipped[0]:+ (this binary lacks: ${skipped[*]})}"
if [ "$have_kenlm" = 1 ]; then
  echo "- lmplz: \`$kenlm/lmplz -o N -S $memory -T DIR --discount_fallback --text corpus --arpa OUT\`"
  echo "- lm writes its binary model, lmplz writes ARPA text (lm's ARPA output is not timed)"
else
  echo "- lmplz not found (set KENLM_BIN or put lmplz on PATH for the comparison)"
fi
echo "- medians of $repeats run$([ "$repeats" = 1 ] || echo s) (1G: one run); CPU = user + sys; tokens = words + one </s> per line;"
echo "  temp = peak bytes in the temp dir, sampled every 0.5 s; temp dir and models in $work"
echo
echo "| corpus | order | tokens | lm wall s | lm CPU s | lm RSS MB | lm temp MB | lm tokens/s | lmplz wall s | lmplz CPU s | lmplz RSS MB | lmplz temp MB | wall lm/lmplz | RSS lm/lmplz |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"

declare -A us_lm us_kenlm
notes=()
for name in $corpora; do
  file=$(corpus_file "$name")
  [ -r "$file" ] || die "missing corpus $file (set SHARED=/path/to/shared)"
  count_tokens "$name" "$file"
  runs=$repeats run_orders=$orders run_kenlm=$have_kenlm
  if [ "$name" = 1G ]; then
    runs=1 run_orders=5
    [ "$scale_kenlm" = 1 ] || run_kenlm=0
    avail=$(df -Pk "$work" | awk 'NR == 2 {print $4}')
    (( avail > 10 * 1024 * 1024 )) || note "warning: less than 10 GB free in $work for the 1G run"
  fi
  case $name in
    kjv) label=kjv.tok ;;
    1G) label="gutenberg 1G (100M x10)" ;;
    *) label="gutenberg $name" ;;
  esac
  for order in $run_orders; do
    note "$label order $order ($tokens tokens)"
    cmd=(env TMPDIR="$work/lm-tmp" "$lm" "${lm_pre[@]}" train "${lm_flags[@]}")
    if [ "$use_temp_dir" = 1 ]; then cmd+=(--temp-dir "$work/lm-tmp"); fi
    measure "$runs" "$work/lm-tmp" lm "${cmd[@]}" --order "$order" -o "$work/out.lm" "$file"
    lw=$m_wall lc=$m_cpu lr=$m_rss lt=$m_temp
    if line=$(grep -i 'temp' "$work/lm.stderr" | tail -n1); then notes+=("$label o$order lm: $line"); fi
    row="| $label | $order | $tokens | $lw | $(fmt %.2f "$lc") | $(mb "$lr" 1024) | $(mb "$lt" 1048576) | $(fmt %.0f "$(awk -v t="$tokens" -v w="$lw" 'BEGIN {print (w > 0 ? t / w : 0)}')")"
    if [ "$order" = 5 ]; then us_lm[$name]=$(awk -v t="$tokens" -v w="$lw" 'BEGIN {printf "%.3f", w * 1e6 / t}'); fi
    if [ "$run_kenlm" = 1 ]; then
      measure "$runs" "$work/kenlm-tmp" lmplz "$kenlm/lmplz" -o "$order" -S "$memory" -T "$work/kenlm-tmp/" \
        --discount_fallback --text "$file" --arpa "$work/out.arpa"
      kw=$m_wall kc=$m_cpu kr=$m_rss kt=$m_temp
      if [ "$order" = 5 ]; then us_kenlm[$name]=$(awk -v t="$tokens" -v w="$kw" 'BEGIN {printf "%.3f", w * 1e6 / t}'); fi
      row+=" | $kw | $(fmt %.2f "$kc") | $(mb "$kr" 1024) | $(mb "$kt" 1048576) | $(ratio "$lw" "$kw") | $(ratio "$lr" "$kr") |"
    else
      row+=" | - | - | - | - | - | - |"
    fi
    echo "$row"
  done
done

echo
for n in "${notes[@]}"; do echo "- $n"; done
flat() {  # label, µs/token for 10M, 100M, 1G (empty when not run)
  local label=$1 names=(10M 100M 1G) vals=("${@:2}") parts=() first='' last='' i line
  for i in 0 1 2; do
    if [ -n "${vals[i]}" ]; then
      parts+=("${names[i]} ${vals[i]}")
      [ -n "$first" ] || first=${vals[i]}
      last=${vals[i]}
    fi
  done
  [ "${#parts[@]}" -gt 0 ] || return 0
  line="- $label time per token, order 5 (wall µs/token): $(printf '%s, ' "${parts[@]}")"
  line=${line%, }
  if [ "${#parts[@]}" -gt 1 ]; then line+=" (largest/smallest corpus: $(ratio "$last" "$first"))"; fi
  echo "$line"
}
flat lm "${us_lm[10M]:-}" "${us_lm[100M]:-}" "${us_lm[1G]:-}"
flat lmplz "${us_kenlm[10M]:-}" "${us_kenlm[100M]:-}" "${us_kenlm[1G]:-}"
if [ -z "${us_lm[10M]:-}${us_lm[100M]:-}${us_lm[1G]:-}" ]; then
  echo "- (time per token from 10M to 100M to 1G is reported when order 5 runs on those corpora)"
fi
