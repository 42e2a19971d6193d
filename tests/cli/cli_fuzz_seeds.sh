#!/usr/bin/env bash
# The fuzz_model seeds (tests/fuzz/seeds/fuzz_model) are in the model format
# version this lm writes, and all but the regress_* findings pass
# lm info --verify. A seed in an old version is refused at the version check,
# so mutating it fuzzes little else. When the format version changes, run
# tools/make_fuzz_seeds.sh and commit the seeds. The regress_* findings stay
# as they were found, in version 8 (which lm still reads: docs/FORMAT.md) or
# the current one.
. "$(dirname "$0")/lib.bash"

seeds=$(cd "$LM_TEST_DATA/../fuzz/seeds/fuzz_model" && pwd)
run "$LM" -q train --order 2 -o toy.lm "$LM_TEST_DATA/toy.txt"
[ "$RC" -eq 0 ] || fatal "train the toy model" "stderr: $(show "$ERR")"
want=$(od -An -tu4 -j8 -N4 toy.lm | tr -d ' ')
n=0
for f in "$seeds"/*.lm.bin; do
  [ -e "$f" ] || continue
  n=$((n + 1))
  name=$(basename "$f")
  got=$(od -An -tu4 -j8 -N4 "$f" | tr -d ' ')
  case "$name" in regress_*) [ "$got" = 8 ] && got=$want ;; esac
  if [ "$got" = "$want" ]; then
    ok "$name: format version $got"
  else
    fail "$name: format version" "expected: $want (what this lm writes)" "got:      $got" \
      "fix:      bash tools/make_fuzz_seeds.sh, then commit tests/fuzz/seeds/fuzz_model"
  fi
  case "$name" in regress_*) continue ;; esac
  size=$(stat -c %s "$f")
  if [ "$size" -le 20480 ]; then
    ok "$name: $size bytes, within fuzz_model's -max_len"
  else
    fail "$name: size" "expected: at most 20480 bytes (tools/fuzz.sh -max_len)" "got:      $size"
  fi
  check_exit 0 "$LM" info --verify -m "$f"
done
[ "$n" -ge 8 ] || fail "seed count" "expected: at least 8 seeds in $seeds" "got:      $n"
finish
