#!/usr/bin/env bash
# lm --help, the subcommands' --help, --version, and usage errors (exit 2).
. "$(dirname "$0")/lib.bash"

# ---- help: exit 0, on stdout, with examples
for flag in --help -h; do
  check_exit 0 "$LM" "$flag"
  check_contains "$OUT" "Examples:" "lm $flag shows examples"
  for sub in train score next; do
    check_matches "$OUT" "^ +$sub " "lm $flag lists the $sub subcommand"
  done
  check_empty "$ERR" "lm $flag prints nothing on stderr"
done

for sub in train score next; do
  check_exit 0 "$LM" "$sub" --help
  check_contains "$OUT" "Usage: lm $sub" "lm $sub --help shows the usage line"
  check_contains "$OUT" "Examples:" "lm $sub --help shows examples"
  check_matches "$OUT" "^ +lm $sub " "lm $sub --help has an example command line"
  check_empty "$ERR" "lm $sub --help prints nothing on stderr"
done

# Options the documented interface promises.
run "$LM" train --help
for opt in "-o,--output" "--order" "--arpa" "--strict-discounts" "LM_MODEL"; do
  check_contains "$OUT" "$opt" "lm train --help documents $opt"
done
run "$LM" score --help
for opt in "-m,--model" "--tokens" "--summary" "--format" "LM_MODEL"; do
  check_contains "$OUT" "$opt" "lm score --help documents $opt"
done
run "$LM" next --help
for opt in "-m,--model" "-k,--top" "--all" "--bos" "--format"; do
  check_contains "$OUT" "$opt" "lm next --help documents $opt"
done

# ---- version
check_exit 0 "$LM" --version
check_matches "$OUT" '^lm [0-9]+\.[0-9]+\.[0-9]+' "lm --version prints 'lm X.Y.Z'"
check_lines "$OUT" 1 "lm --version prints one line"
cp "$OUT" version.txt
check_exit 0 "$LM" -V
check_same "$OUT" version.txt "lm -V prints the same as lm --version"

# ---- usage errors: exit 2, a message on stderr, nothing on stdout
usage_error() {
  local desc=$1
  shift
  check_exit 2 "$LM" "$@"
  check_empty "$OUT" "$desc: nothing on stdout"
  if [ -s "$ERR" ]; then ok "$desc: a message on stderr"; else fail "$desc: a message on stderr" "got: nothing"; fi
}
usage_error "no subcommand"
usage_error "unknown subcommand" bogus
usage_error "unknown top-level option" --bogus
usage_error "unknown train option" train --bogus "$TOY"
check_contains "$ERR" "--bogus" "the unknown option is named"
usage_error "unknown score option" score --bogus
check_contains "$ERR" "--bogus" "the unknown option is named"
usage_error "unknown next option" next --bogus
usage_error "train without a corpus" train
check_contains "$ERR" "corpus" "the missing argument is named"
usage_error "train with two corpora" train "$TOY" "$TOY"
usage_error "--order 0" train --order 0 "$TOY"
check_contains "$ERR" "order" "the bad option is named"
usage_error "--order 99" train --order 99 "$TOY"
check_contains "$ERR" "order" "the bad option is named"
usage_error "--order abc" train --order abc "$TOY"
usage_error "--order without a value" train "$TOY" --order
usage_error "score --format xml" score --format xml "a b"
check_contains "$ERR" "format" "the bad option is named"
usage_error "next --format xml" next --format xml "a"
usage_error "next -k 0" next -k 0 "a"
usage_error "next -k -1" next -k -1 "a"
usage_error "next -k abc" next -k abc "a"
usage_error "score -m without a value" score -m

# Usage errors must not have written a model.
if [ -e model.lm ]; then fail "usage errors write no model.lm" "got: $(ls -l model.lm)"; else ok "usage errors write no model.lm"; fi

finish
