#!/usr/bin/env bash
# When the system gives fewer threads than asked (a process limit,
# RLIMIT_NPROC), lm runs on the threads it gets: the same output, a warning
# from score, no crash. (Before, score and train aborted: a thread pool was
# destroyed with its threads running.)
# Needs root, to run lm as the user nobody under `ulimit -u`: the limit counts
# all of a user's processes, and root is exempt from it.
. "$(dirname "$0")/lib.bash"

[ "$(id -u)" -eq 0 ] || skip "needs root, to run lm as nobody under a process limit"
command -v setpriv > /dev/null || skip "needs setpriv (util-linux)"
nobody_uid=$(id -u nobody 2> /dev/null) || skip "no user nobody"
nobody_gid=$(id -g nobody)

# as_nobody N CMD... : runs CMD as nobody, allowed N processes (threads count).
# In a sanitizer build the leak check is off there: LeakSanitizer needs a
# thread of its own at exit, which the limit refuses.
as_nobody() {
  local n=$1
  shift
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    setpriv --reuid="$nobody_uid" --regid="$nobody_gid" --clear-groups -- \
    bash -c 'ulimit -u "$0" && exec "$@"' "$n" "$@"
}
# A copy of lm that nobody can run wherever the build is (/root, say).
cp "$LM" lm
chmod 755 "$TMP" lm
as_nobody 1 test -x "$TMP/lm" || skip "nobody cannot run $TMP/lm"

need_file "$GUTENBERG"
head -n 4000 "$GUTENBERG" > corpus.txt
train_model m.lm corpus.txt --order 3
# More than one batch at -t 4 (1 MiB per batch).
for _ in 1 2 3; do cat corpus.txt; done > big.txt
"$LM" -q convert --arpa m.lm m.arpa
mkdir out
chmod 644 corpus.txt m.lm big.txt m.arpa
chmod 777 out

# ---- score: the threads it gets, the same numbers, a warning
run "$LM" score -t 1 -m m.lm < big.txt
cp "$OUT" one.out
for n in 1 2; do
  run as_nobody "$n" "$TMP/lm" score -t 4 -m m.lm < big.txt
  check_no_crash
  check_status "score -t 4 allowed $n process(es): exit 0" 0
  check_same "$OUT" one.out "score -t 4 allowed $n process(es): the output of -t 1"
  check_contains "$ERR" "the system gave only $n of the 4 threads" "score -t 4 allowed $n process(es): says so"
done

# ---- train: the same model, byte for byte (count sorting, adjusting, estimating)
run "$LM" -q train --threads 4 --memory 4M --order 3 -o ref.lm corpus.txt
check_status "train --threads 4 --memory 4M (several sorted chunks)" 0
run as_nobody 1 "$TMP/lm" -q train --threads 4 --memory 4M --order 3 -T out -o out/limited.lm corpus.txt
check_no_crash
check_status "train --threads 4 allowed 1 process: exit 0" 0
check_same out/limited.lm ref.lm "train --threads 4 allowed 1 process: the same model file"

# ---- convert: the layout's suffix-closure check runs inline
run as_nobody 1 "$TMP/lm" -q convert m.arpa out/c.lm
check_no_crash
check_status "convert allowed 1 process: exit 0" 0
run "$LM" -q convert m.arpa c.lm
check_same out/c.lm c.lm "convert allowed 1 process: the same model file (suffix-closure flag included)"

finish
