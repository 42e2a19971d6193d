#!/usr/bin/env bash
# A consistent CLI that teaches: info takes the model as an argument, -t
# wherever there are threads, usage errors name the subcommand's help and
# suggest what a typo meant, help without CLI11 internals, no colour under
# NO_COLOR or off a terminal, a reader that stops early is not a failure,
# and bash completion made from the commands themselves.
. "$(dirname "$0")/lib.bash"

train_model m.lm "$TOY"

# ---- lm info MODEL, like lm score -m MODEL
check_exit 0 "$LM" info m.lm
check_contains "$OUT" $'model\tm.lm' "info m.lm describes m.lm"
cp "$OUT" positional.txt
check_exit 0 "$LM" info -m m.lm
check_same <(grep -v '^load time' "$OUT") <(grep -v '^load time' positional.txt) "info -m m.lm = info m.lm"
check_exit 0 "$LM" info --verify m.lm
check_contains "$OUT" "checksum and structure verified" "info --verify m.lm"

# ---- -t/--threads wherever there are threads
check_exit 0 "$LM" train -q -t 1 "$TOY" -o t1.lm
check_same t1.lm m.lm "train -t 1 gives the same model"
check_exit 0 "$LM" score -q -t 1 -m m.lm "the cat"

# ---- usage errors name the subcommand's help; typos get a suggestion
run "$LM" train --ordr 3 "$TOY"
check_error "train --ordr" 2 "unknown option '--ordr'" "did you mean --order?" "see lm train --help"
run "$LM" score --tokns "the cat"
check_error "score --tokns" 2 "did you mean --tokens?" "see lm score --help"
run "$LM" next --top=3 --formt json "the"
check_error "next --formt" 2 "did you mean --format?" "see lm next --help"
run "$LM" score --order 3 "the cat"
check_error "score --order (an option of train)" 2 "it is an option of lm train" "see lm score --help"
run "$LM" trian "$TOY"
check_error "lm trian" 2 "unknown command 'trian'" "did you mean train?" "see lm --help"
run "$LM" frobnicate
check_error "lm frobnicate" 2 "unknown command 'frobnicate'" "train, score, next, info, convert"
run "$LM" train --order 0 "$TOY"
check_error "train --order 0" 2 "--order" "see lm train --help"
run "$LM" score --format xml "the cat"
check_error "score --format xml" 2 "give text, tsv or json" "see lm score --help"
run "$LM" score -m m.lm -- --tokens
check_status "score -- --tokens: text after -- is never an option" 0

# ---- help shows value names, never CLI11's internals
for sub in train score next info convert completion; do
  run "$LM" "$sub" --help
  if grep -qE -- '[a-z]->[0-9]' "$OUT"; then fail "lm $sub --help: no enum maps" "got: $(grep -E -- '->' "$OUT")"; else ok "lm $sub --help: no enum maps"; fi
  check_not_contains "$OUT" " in [" "lm $sub --help: no validator ranges"
  check_not_contains "$OUT" "ENUM" "lm $sub --help: no ENUM"
done
run "$LM" score --help
check_contains "$OUT" "--format FORMAT" "score --help: --format FORMAT"
check_contains "$OUT" "text (default), tsv, or json" "score --help: the formats named in words"

# ---- colours: never off a terminal, never with NO_COLOR (a terminal made by script(1))
printf 'a\n\377\n' > bad.txt
run "$LM" score -m m.lm -i bad.txt
check_not_contains "$ERR" $'\033' "stderr not a terminal: no escape sequences"
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
  # A terminal that has colours, whatever TERM this test inherited.
  export TERM=xterm
  script -qec "$(quote "$LM" score -m m.lm -i bad.txt)" /dev/null > tty.txt 2>&1 < /dev/null
  check_contains tty.txt $'\033[' "at a terminal (TERM=xterm), warnings are coloured"
  NO_COLOR=1 script -qec "$(quote "$LM" score -m m.lm -i bad.txt)" /dev/null > tty-nocolor.txt 2>&1 < /dev/null
  check_contains tty-nocolor.txt "lm: warning:" "NO_COLOR at a terminal: the warning is there"
  if grep -q $'\033\\[[0-9;]*m' tty-nocolor.txt; then
    fail "NO_COLOR at a terminal: no colour codes" "got: $(cat -v tty-nocolor.txt | head -n 3)"
  else
    ok "NO_COLOR at a terminal: no colour codes"
  fi
  # Training at a terminal draws progress bars; TERM=dumb cannot erase a line.
  for _ in $(seq 10); do cat "$GUTENBERG"; done > train10.txt
  script -qec "$(quote "$LM" train --order 4 train10.txt -o tty.lm)" /dev/null > tty-train.txt 2>&1 < /dev/null
  check_contains tty-train.txt "wrote tty.lm" "train at a terminal: the summary line"
  check_contains tty-train.txt $'\033[K' "train at a terminal: progress bars"
  TERM=dumb script -qec "$(quote "$LM" train --order 4 train10.txt -o tty.lm)" /dev/null > tty-dumb.txt 2>&1 < /dev/null
  check_not_contains tty-dumb.txt $'\033[K' "train at a TERM=dumb terminal: no progress bar escapes"
else
  echo "note: script(1) cannot make a terminal here; the NO_COLOR checks at a terminal are skipped"
fi

# ---- a reader that stops early: exit 0, nothing on stderr (SIGPIPE at its
# default, as in an interactive shell: the old lm died of it, status 141)
for _ in $(seq 20); do cat "$GUTENBERG"; done > big.txt
# early_reader DESCRIPTION LM-ARGS... : lm LM-ARGS | head -c 10
early_reader() {
  local desc=$1 status
  shift
  status=$(default_sigpipe "$LM" "$@" 2>pipe.err | head -c 10 > /dev/null; echo "${PIPESTATUS[0]}")
  check_eq "$status" "0" "$desc: exit 0"
  check_empty pipe.err "$desc: nothing on stderr"
}
train_model g.lm "$GUTENBERG"  # outputs larger than a pipe's buffer
early_reader "lm next --all the | head -1" next -m g.lm --all the
early_reader "lm score -i big.txt | head -1" score -m g.lm -i big.txt
early_reader "lm convert --arpa g.lm - | head -1" convert -q --arpa g.lm -

# ---- bash completion, from the commands themselves
check_exit 0 "$LM" completion bash
cp "$OUT" completion.bash
check_true "the completion script is valid bash" "$(bash -n completion.bash 2>&1)" bash -n completion.bash
# complete WORDS... : the candidates for the last word (COMPREPLY, one line).
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _lm; echo "${COMPREPLY[*]}"' _ \
    completion.bash "$@"
}
check_eq "$(complete_words lm tr)" "train" "complete 'lm tr' -> train"
check_eq "$(complete_words lm train --or)" "--order" "complete 'lm train --or' -> --order"
check_eq "$(complete_words lm score --format j)" "json" "complete 'lm score --format j' -> json"
check_eq "$(complete_words lm score --sum)" "--summary --summary-only" "complete 'lm score --sum'"
touch model-one.lm
check_eq "$(complete_words lm score -m model-o)" "model-one.lm" "complete a file after -m"
check_eq "$(complete_words lm completion b)" "bash" "complete 'lm completion b' -> bash"
# Every option of every subcommand's --help is offered.
for sub in train score next info convert; do
  run "$LM" "$sub" --help
  missing=""
  for opt in $(grep -oE -- '(^|[ ,])--[a-z][a-z-]*' "$OUT" | tr -d ' ,' | sort -u); do
    case " $(complete_words lm "$sub" --) " in *" $opt "*) ;; *) missing="$missing $opt" ;; esac
  done
  check_eq "$missing" "" "completion offers every option of lm $sub --help"
done
run "$LM" completion zsh
check_error "completion zsh" 2 "zsh"
finish
