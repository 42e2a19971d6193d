#!/usr/bin/env bash
# Output paths (-o, --arpa, convert's output) never destroy anything:
# symbolic links are followed (the target is replaced, the link stays),
# standard output and devices are written in place, "-" is standard output,
# .gz names are compressed, bad paths are refused before any work, and
# LM_MODEL is never a file to write.
. "$(dirname "$0")/lib.bash"

train_model m.lm "$TOY"
run "$LM" convert --arpa m.lm expected.arpa
[ "$RC" -eq 0 ] || fatal "convert --arpa to a plain file" "stderr: $(show "$ERR")"

# link_intact LINK TARGET DESC : LINK is still a symbolic link to TARGET.
link_intact() {
  if [ -L "$1" ] && [ "$(readlink "$1")" = "$2" ]; then
    ok "$3: the link is still a link to $2"
  else
    fail "$3: the link is still a link to $2" "got: $(ls -l "$1" 2>&1)"
  fi
}

# ---- a symbolic link to a file: the target is replaced, the link stays
echo old > real.arpa
ln -s real.arpa link.arpa
check_exit 0 "$LM" convert --arpa m.lm link.arpa
link_intact link.arpa real.arpa "convert --arpa to a link"
check_same real.arpa expected.arpa "convert --arpa to a link: the target holds the ARPA"

# A relative link into another directory, through a chain of two links.
mkdir -p sub/deeper
echo old > sub/deeper/model.lm
ln -s deeper/model.lm sub/hop
ln -s sub/hop chain.lm
check_exit 0 "$LM" train -q "$TOY" -o chain.lm
link_intact chain.lm sub/hop "train -o through two links"
link_intact sub/hop deeper/model.lm "train -o through two links (second link)"
check_same sub/deeper/model.lm m.lm "train -o through two links: the final target is the model"
if ls sub/deeper | grep -q tmp; then fail "no temporary file left beside the target" "got: $(ls sub/deeper)"; else ok "no temporary file left beside the target"; fi

# A dangling link: its target is created.
ln -s made.arpa dangling.arpa
check_exit 0 "$LM" convert --arpa m.lm dangling.arpa
link_intact dangling.arpa made.arpa "convert --arpa to a dangling link"
check_same made.arpa expected.arpa "convert --arpa to a dangling link: the target is created"

# The replaced file keeps its permissions.
echo old > private.arpa
chmod 600 private.arpa
check_exit 0 "$LM" convert --arpa m.lm private.arpa
check_eq "$(stat -c %a private.arpa)" "600" "a replaced file keeps its mode (600)"

# ---- a stand-in for /dev/stdout (a link to /proc/self/fd/1): written in
# place, the link left alone (the old code renamed the model over it).
ln -s /proc/self/fd/1 stdout-link
RC=0
"$LM" convert --arpa m.lm stdout-link > via-link.arpa 2>"$ERR" || RC=$?
LAST_CMD="lm convert --arpa m.lm stdout-link > via-link.arpa"
check_status "convert --arpa to a link to /proc/self/fd/1" 0
link_intact stdout-link /proc/self/fd/1 "convert --arpa to a stand-in for /dev/stdout"
check_same via-link.arpa expected.arpa "convert --arpa to a stand-in for /dev/stdout: the ARPA reaches stdout"

# The real /dev/stdout, in a private mount namespace with its own /dev (as
# root, where unshare is allowed), so that a bug cannot harm the system's.
if [ "$(id -u)" -eq 0 ] && unshare -m --propagation private true 2>/dev/null; then
  RC=0
  unshare -m --propagation private bash -c '
    mount -t tmpfs none /dev && ln -s /proc/self/fd/1 /dev/stdout || exit 99
    "$1" convert --arpa m.lm /dev/stdout > dev-stdout.arpa 2>dev-stdout.err || exit $?
    [ -L /dev/stdout ] || exit 98
    [ "$(readlink /dev/stdout)" = /proc/self/fd/1 ] || exit 97' _ "$LM" || RC=$?
  LAST_CMD="(private /dev) lm convert --arpa m.lm /dev/stdout > f"
  check_status "convert --arpa /dev/stdout in a private /dev: exit 0 and /dev/stdout still a link" 0
  check_same dev-stdout.arpa expected.arpa "convert --arpa /dev/stdout: the ARPA reaches stdout"
else
  echo "note: the real /dev/stdout is tested only as root with unshare -m (the stand-in above covers the logic)"
fi

# /dev/fd/N: written through the descriptor.
RC=0
"$LM" convert --arpa m.lm /dev/fd/3 3> fd3.arpa 2>"$ERR" || RC=$?
LAST_CMD="lm convert --arpa m.lm /dev/fd/3 3> fd3.arpa"
check_status "convert --arpa /dev/fd/3" 0
check_same fd3.arpa expected.arpa "convert --arpa /dev/fd/3: the ARPA reaches descriptor 3"
# Appending through (a stand-in for) /dev/stdout keeps what was there. Never
# the real /dev/stdout outside a private /dev: a bug would replace the system's.
echo "first line" > appended.txt
"$LM" convert --arpa m.lm stdout-link >> appended.txt 2>"$ERR"
check_eq "$(head -n 1 appended.txt)" "first line" "convert --arpa stdout-link >> file appends"

# ---- "-" is standard output
run "$LM" convert --arpa m.lm -
check_same "$OUT" expected.arpa "convert --arpa m.lm - writes the ARPA to stdout"
if [ -e ./- ]; then fail "no file named - is created" "got: $(ls -l ./-)"; else ok "no file named - is created"; fi
run "$LM" train -q "$TOY" -o quiet.lm --arpa -
check_same "$OUT" expected.arpa "train --arpa - writes the ARPA to stdout"
run "$LM" train -q "$TOY" -o - --arpa -
check_error "train -o - --arpa -: both on stdout" 2 "same file"
run "$LM" convert m.lm -
check_same "$OUT" m.lm "convert m.lm - writes the binary model to stdout"

# ---- .gz names are gzip-compressed ARPA
check_exit 0 "$LM" convert --arpa m.lm out.arpa.gz
check_true "convert --arpa out.arpa.gz: a valid gzip file" "$(gzip -t out.arpa.gz 2>&1)" gzip -t out.arpa.gz
check_same <(gzip -dc out.arpa.gz) expected.arpa "convert --arpa out.arpa.gz: decompresses to the ARPA"
check_exit 0 "$LM" train -q "$TOY" -o gz.lm --arpa train.arpa.gz
check_same <(gzip -dc train.arpa.gz) expected.arpa "train --arpa x.arpa.gz: gzip ARPA"
check_exit 0 "$LM" convert train.arpa.gz back.lm
check_exit 0 "$LM" score -q -m back.lm "the cat sat"
cp "$OUT" back.txt
run "$LM" score -q -m m.lm "the cat sat"
check_same "$OUT" back.txt "the gzip ARPA reads back to the same scores"
run "$LM" train -q "$TOY" -o model.lm.gz
check_error "train -o model.lm.gz" 1 "model.lm.gz" "cannot be gzipped"

# ---- bad outputs are refused before training reads the corpus
for opt in -o --arpa; do
  run "$LM" train "$TOY" "$opt" /nonexistent-dir/out
  check_error "train $opt into a missing directory" 1 "/nonexistent-dir/out" "does not exist"
  check_not_contains "$ERR" "sentences" "train $opt into a missing directory: refused before reading the corpus"
  mkdir -p adir
  run "$LM" train "$TOY" "$opt" adir
  check_error "train $opt to a directory" 1 "adir" "is a directory"
  check_not_contains "$ERR" "sentences" "train $opt to a directory: refused before reading the corpus"
done
run "$LM" convert --arpa m.lm /nonexistent-dir/out.arpa
check_error "convert into a missing directory" 1 "/nonexistent-dir/out.arpa"
if [ "$(id -u)" -ne 0 ]; then
  mkdir ro && chmod 555 ro
  run "$LM" train "$TOY" -o ro/m.lm
  check_error "train -o into a read-only directory" 1 "ro/m.lm" "Permission denied"
  check_not_contains "$ERR" "sentences" "train -o into a read-only directory: refused before reading the corpus"
fi

# ---- LM_MODEL names the model to read, never one to write
echo "my precious model" > precious.lm
RC=0
LM_MODEL=precious.lm "$LM" train "$TOY" >"$OUT" 2>"$ERR" || RC=$?
LAST_CMD="LM_MODEL=precious.lm lm train toy.txt"
check_status "train with LM_MODEL set" 0
check_eq "$(cat precious.lm)" "my precious model" "train leaves the LM_MODEL file alone"
check_same model.lm m.lm "train with LM_MODEL set writes model.lm"
check_contains "$ERR" "LM_MODEL" "train says where LM_MODEL points and where it wrote"
finish
