#!/usr/bin/env bash
# compare_builds.sh: show that a refactoring changed no output of `lm`.
#
# Builds two versions of lm (git worktrees under a work dir in ${TMPDIR:-/tmp},
# Release, lm target only) and, on the corpora in <repo>/../shared/corpora,
# trains the same models with both and compares, per case:
#   arpa        ARPA files from the \data\ line on (comments above it may differ)
#   score       lm score --tokens --format json of the test set (per-token records; json
#               is the same in 3b62619 and later, TSV's columns were reordered), binary model
#   score-arpa  the same with the ARPA model
#   next        lm next --all --format tsv for a few contexts (with and without --bos)
#   info        lm info: every number the same (wording differences are shown, not failed)
#   model       the binary model files byte for byte; if they differ, everything after
#               the header (its size from each side's docs/FORMAT.md, "Header (N bytes)",
#               or --header-bytes N) must be identical, and the NEW binary must load
#               the OLD model and score it as the OLD binary does (new-loads-old)
# One PASS/FAIL line per check, timing per case, a summary; exit 1 if any FAIL.
#
# Usage: bash tools/compare_builds.sh [--old REV] [--new REV | --new-tree]
#          [--old-bin PATH] [--new-bin PATH] [--quick] [--keep] [--header-bytes N]
#          [--score-format json|tsv|text]
#   --old REV       old commit (default 3b62619)        --new REV  new commit (default HEAD)
#   --new-tree      NEW = the current checkout with uncommitted changes (a snapshot of the
#                   tracked and untracked, not ignored, files is built)
#   --old-bin/--new-bin PATH   use this lm binary instead of building (for reruns)
#   --quick         kjv cases only                      --keep     keep the work dir
# Examples: bash tools/compare_builds.sh --old c813993 --new-tree
#           bash tools/compare_builds.sh --quick --keep --old-bin /tmp/lmcmp.X/old-build/lm --new-tree
set -euo pipefail

OLD=3b62619 NEW=HEAD NEW_TREE=0 OLD_BIN= NEW_BIN= QUICK=0 KEEP=0 HEADER_BYTES= SCORE_FORMAT=json
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --old) OLD=$2; shift ;;                 --new) NEW=$2; shift ;;
    --new-tree) NEW_TREE=1 ;;               --quick) QUICK=1 ;;
    --old-bin) OLD_BIN=$(realpath "$2"); shift ;;
    --new-bin) NEW_BIN=$(realpath "$2"); shift ;;
    --keep) KEEP=1 ;;                       --header-bytes) HEADER_BYTES=$2; shift ;;
    --score-format) SCORE_FORMAT=$2; shift ;;
    -h|--help) usage 0 ;;
    *) echo "compare_builds.sh: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
  shift
done

ROOT=$(git rev-parse --show-toplevel)
CORPORA=$ROOT/../shared/corpora
if [[ ! -d $CORPORA ]]; then echo "corpora not found at $CORPORA: skipped"; exit 0; fi
CORPORA=$(realpath "$CORPORA")
unset LM_MODEL
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lmcmp.XXXX")
WORKTREES=()
cleanup() {
  for wt in "${WORKTREES[@]}"; do git -C "$ROOT" worktree remove --force "$wt" 2>/dev/null || true; done
  git -C "$ROOT" worktree prune 2>/dev/null || true
  if [[ $KEEP == 1 ]]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# build SIDE REV|--tree: builds lm in $WORK/SIDE-build; sets BUILT to its path.
build() {
  local side=$1 rev=$2 src=$WORK/$1
  if [[ $rev == --tree ]]; then   # snapshot, so that edits during the build do not mix in
    mkdir -p "$src"
    (cd "$ROOT" && git ls-files -z -co --exclude-standard |
       tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$src"
  else
    git -C "$ROOT" worktree add -q --detach "$src" "$rev" >&2
    WORKTREES+=("$src")
  fi
  echo "building $side ($rev) in $WORK/$side-build ..." >&2
  { cmake -S "$src" -B "$WORK/$side-build" -DCMAKE_BUILD_TYPE=Release -DLM_BUILD_TESTS=OFF &&
    cmake --build "$WORK/$side-build" --target lm -j2; } > "$WORK/$side-build.log" 2>&1 ||
    { tail -30 "$WORK/$side-build.log" >&2; echo "build of $side ($rev) failed" >&2; exit 1; }
  BUILT=$WORK/$side-build/lm
}
# header_bytes SIDE REV|--tree|"": the model header's size as that side's docs/FORMAT.md gives it.
header_bytes() {
  if [[ -n $HEADER_BYTES ]]; then echo "$HEADER_BYTES"; return; fi
  local doc
  if [[ -f $WORK/$1/docs/FORMAT.md ]]; then doc=$(cat "$WORK/$1/docs/FORMAT.md")
  elif [[ $2 == --tree || -z $2 ]]; then doc=$(cat "$ROOT/docs/FORMAT.md")
  else doc=$(git -C "$ROOT" show "$2:docs/FORMAT.md"); fi
  grep -m1 -oE '^#+ Header \(([0-9]+) bytes\)' <<<"$doc" | grep -oE '[0-9]+' || echo 0
}

OLD_DESC=$OLD NEW_DESC=$NEW
[[ $NEW_TREE == 1 ]] && NEW=--tree NEW_DESC="working tree ($(git -C "$ROOT" rev-parse --short HEAD) + changes)"
if [[ -n $OLD_BIN ]]; then OLD_DESC=$OLD_BIN; else build old "$OLD"; OLD_BIN=$BUILT; fi
if [[ -n $NEW_BIN ]]; then NEW_DESC=$NEW_BIN
elif [[ $NEW != --tree && $OLD_BIN == "$WORK/old-build/lm" &&
        $(git -C "$ROOT" rev-parse "$OLD^{commit}") == $(git -C "$ROOT" rev-parse "$NEW^{commit}") ]]; then
  NEW_BIN=$OLD_BIN; echo "OLD and NEW are the same commit: built once" >&2
else build new "$NEW"; NEW_BIN=$BUILT; fi
HDR_OLD=$(header_bytes old "$OLD") HDR_NEW=$(header_bytes new "$NEW")
echo "OLD: $OLD_DESC -> $OLD_BIN"
echo "NEW: $NEW_DESC -> $NEW_BIN"
echo "model header bytes: old $HDR_OLD, new $HDR_NEW; work dir $WORK"

PASSES=0 FAILS=0 FAILED=()
pass() { echo "PASS  $CASE  $*"; PASSES=$((PASSES + 1)); }
fail() { echo "FAIL  $CASE  $*"; FAILS=$((FAILS + 1)); FAILED+=("$CASE $1"); }
show_diff() { diff "$1" "$2" | head -"${3:-6}" | cut -c1-160 | sed 's/^/      /' || true; }
# same NAME FILE_OLD FILE_NEW [NOTE]: PASS when the files are identical, else FAIL with a diff.
same() {
  if cmp -s "$2" "$3"; then pass "$1${4:+ ($4)}"
  else fail "$1" "differs: $(cmp "$2" "$3" 2>&1 | sed 's/.*differ: //' | head -1)"; show_diff "$2" "$3"; fi
}
# run SIDE OUT CMD...: CMD in $WORK/$CASE/SIDE, stdout to OUT, stderr appended to SIDE.log;
# a nonzero exit status is written into OUT as well, so that it is compared.
run() {
  local side=$1 out=$2; shift 2
  (cd "$WORK/$CASE/$side" && "$@") > "$out" 2>> "$WORK/$CASE/$side.log" || echo "exit status $?" >> "$out"
}
u32_at() { od -An -tu4 -j"$2" -N4 "$1" | tr -d ' '; }

# one_case NAME CORPUS TEST ORDER [TRAIN FLAGS...]
one_case() {
  CASE=$1; local corpus=$CORPORA/$2 test=$CORPORA/$3 order=$4; shift 4
  local d=$WORK/$CASE start=$SECONDS side bin
  mkdir -p "$d/old" "$d/new"
  for side in old new; do
    [[ $side == old ]] && bin=$OLD_BIN || bin=$NEW_BIN
    if ! (cd "$d/$side" && "$bin" train --order "$order" "$@" -o m.lm --arpa m.arpa "$corpus") 2>> "$d/$side.log"; then
      fail train "$side binary failed: $(tail -1 "$d/$side.log")"; return
    fi
  done
  pass "train (order $order${1:+ $*}; $((SECONDS - start)) s)"
  for side in old new; do sed -n '/^\\data\\$/,$p' "$d/$side/m.arpa" > "$d/$side.arpa-data"; done
  if [[ ! -s $d/new.arpa-data ]]; then fail arpa "no \\data\\ section in the new ARPA file"
  else same arpa "$d/old.arpa-data" "$d/new.arpa-data" "$(wc -l < "$d/new.arpa-data") lines"; fi
  for side in old new; do
    [[ $side == old ]] && bin=$OLD_BIN || bin=$NEW_BIN
    run $side "$d/$side.score" "$bin" score -m m.lm --tokens --format "$SCORE_FORMAT" < "$test"
    run $side "$d/$side.score-arpa" "$bin" score -m m.arpa --tokens --format "$SCORE_FORMAT" < "$test"
    { run $side "$d/$side.tmp" "$bin" next -m m.lm --all --format tsv --bos "" "the"; cat "$d/$side.tmp"
      run $side "$d/$side.tmp" "$bin" next -m m.lm --all --format tsv "the" "of the" "and the lord" "zzqx_unknown_word"
      cat "$d/$side.tmp"; } > "$d/$side.next"
    run $side "$d/$side.info" "$bin" info -m m.lm
    grep -v '^load time' "$d/$side.info" > "$d/$side.info-text" || true
    grep -oE '[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?' "$d/$side.info-text" > "$d/$side.info-numbers" || true
  done
  same score "$d/old.score" "$d/new.score" "$(wc -l < "$d/new.score") lines"
  same score-arpa "$d/old.score-arpa" "$d/new.score-arpa"
  same next "$d/old.next" "$d/new.next" "$(wc -l < "$d/new.next") lines"
  if cmp -s "$d/old.info-text" "$d/new.info-text"; then pass info
  elif cmp -s "$d/old.info-numbers" "$d/new.info-numbers"; then
    pass "info (same numbers; info wording differs:)"; show_diff "$d/old.info-text" "$d/new.info-text" 20
  else fail info "numbers differ"; show_diff "$d/old.info-text" "$d/new.info-text" 20; fi
  local om=$d/old/m.lm nm=$d/new/m.lm
  if cmp -s "$om" "$nm"; then pass "model (byte-identical, $(stat -c %s "$nm") bytes)"
  else
    local first vo vn
    first=$(cmp "$om" "$nm" 2>&1 || true)   # "... differ: byte N, line L" or "EOF on F after byte N"
    if [[ $first =~ after\ byte\ ([0-9]+) ]]; then first=${BASH_REMATCH[1]}   # 0-based offset
    elif [[ $first =~ byte\ ([0-9]+) ]]; then first=$((BASH_REMATCH[1] - 1)); else first=0; fi
    vo=$(u32_at "$om" 8) vn=$(u32_at "$nm" 8)
    if [[ $HDR_OLD -le 0 || $HDR_NEW -le 0 ]]; then
      fail model "files differ from offset $first; header size unknown (give --header-bytes N)"
    elif [[ $first -ge $HDR_NEW ]]; then
      fail model "files differ from offset $first, after the $HDR_NEW-byte header"
    elif cmp -s <(tail -c +$((HDR_OLD + 1)) "$om") <(tail -c +$((HDR_NEW + 1)) "$nm"); then
      pass "model (header differs from offset $first; format version $vo -> $vn; arrays after it identical)"
    else
      fail model "header differs from offset $first (version $vo -> $vn) and the arrays after it too"
    fi
    # The files differ: the NEW binary must read the OLD model and score it alike.
    run new "$d/old-by-new.score" "$NEW_BIN" score -m ../old/m.lm --tokens --format "$SCORE_FORMAT" < "$test"
    same new-loads-old "$d/old.score" "$d/old-by-new.score" "old model scored by the new binary"
  fi
  echo "      $CASE: $((SECONDS - start)) s"
}

K=kjv/kjv.tok.train.txt KT=kjv/kjv.tok.test.txt
G=gutenberg/gutenberg.train.10M.txt GT=gutenberg/gutenberg.test.txt
TOTAL_START=$SECONDS
one_case kjv-o3 $K $KT 3
one_case kjv-o3-q8 $K $KT 3 --quantize 8
one_case kjv-o3-prune $K $KT 3 --prune 0 1 1
one_case kjv-o5 $K $KT 5
if [[ $QUICK == 0 ]]; then
  one_case shakespeare-o3 shakespeare/shakespeare.train.txt shakespeare/shakespeare.valid.txt 3
  one_case gutenberg10M-o5 $G $GT 5
  one_case gutenberg10M-o5-q8 $G $GT 5 --quantize 8
  one_case gutenberg10M-o5-prune $G $GT 5 --prune 0 1 1
fi
echo "summary: $PASSES passed, $FAILS failed ($((SECONDS - TOTAL_START)) s of cases; OLD $OLD_DESC, NEW $NEW_DESC)"
if [[ $FAILS -gt 0 ]]; then printf '  failed: %s\n' "${FAILED[@]}"; exit 1; fi
