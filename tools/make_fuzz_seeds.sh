#!/usr/bin/env bash
# Writes the model seeds of the fuzz_model target (tests/fuzz/seeds/fuzz_model)
# with the lm binary given, so that they are in its model format version.
# Run it, and commit the seeds, whenever the format version changes:
# tests/cli/cli_fuzz_seeds.sh fails until then, since fuzz_model's mutations
# of a seed in an old version mostly stop at the version check.
#
# Usage: tools/make_fuzz_seeds.sh [LM]     (default build/lm)
#
# The seeds are small (libFuzzer's -max_len for fuzz_model is 20480 bytes) and
# between them cover what the loader has to check:
#   toy_o2       tests/data/toy.txt, order 2
#   unk_o3       a corpus that contains <unk>, order 3
#   toplist_o3   a context with more than 64 successors (top-successor lists)
#   wide_o3      a two-word context with 120 successors, in more than
#                ModelLevel::kMaxLines key lines: its search takes two rounds
#                (the fuzz target scores "a b w1")
#   zipf_o1/_o2  33 words in 240 tokens, orders 1 and 2
#   q8_o3        toy.txt, order 3, probabilities and backoffs in 8 bits
#   open_o3      converted from an ARPA file whose n-grams are not
#                suffix-closed (the header's closure flag is clear)
#   chars_o3     toy.txt in characters, NFKC, case folded, space token ▁:
#                text options in the header (version 9)
# The regress_* seeds are fuzz findings, kept as they were found (the low byte
# of the checksum field is fuzz_model's control byte). This script leaves them
# alone: they are in format version 8, which lm still reads; rewriting their
# version field would shift their arrays, since version 9's header is longer.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
lm=${1:-build/lm}
case "$lm" in /*) ;; *) lm=$root/$lm ;; esac
[ -x "$lm" ] || { echo "make_fuzz_seeds: $lm is not an executable; build lm first (bash tools/setup.sh)" >&2; exit 1; }
out=$root/tests/fuzz/seeds/fuzz_model
work=$(mktemp -d "${TMPDIR:-/tmp}/lm-seeds.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

# Deterministic corpora (awk's own generator with a fixed seed).
printf '%s\n' "the <unk> ate the cheese" "<unk> <unk> chased the cat" "a mouse ate <unk>" \
  "the cat ate" "the <unk> cat" > unk.txt
awk 'BEGIN { for (i = 1; i <= 80; i++) print "the w" i " ran"; print "a the b"; print "the the w1" }' > toplist.txt
awk 'BEGIN { for (i = 1; i <= 120; i++) print "a b w" i }' > wide.txt
awk 'BEGIN { srand(7); for (l = 0; l < 30; l++) { s = ""; for (t = 0; t < 8; t++) s = s (t ? " " : "") "v" int(rand() * rand() * 40); print s } }' > zipf.txt
# "a </s>" is missing, so "<s> a </s>" has no suffix: lm convert clears the closure flag.
printf '%s\n' '\data\' 'ngram 1=5' 'ngram 2=3' 'ngram 3=1' '' '\1-grams:' '-1.2	<unk>	0' \
  '-99	<s>	-0.4' '-0.8	</s>	0' '-0.6	a	-0.3' '-0.7	b	-0.25' '' '\2-grams:' '-0.3	<s> a	-0.2' \
  '-0.4	a b	-0.15' '-0.5	b </s>	0' '' '\3-grams:' '-0.1	<s> a </s>' '' '\end\' > open.arpa

"$lm" -q train --threads 1 --order 2 -o toy_o2.lm "$root/tests/data/toy.txt"
"$lm" -q train --threads 1 --order 3 -o unk_o3.lm unk.txt
"$lm" -q train --threads 1 --order 3 -o toplist_o3.lm toplist.txt
"$lm" -q train --threads 1 --order 3 -o wide_o3.lm wide.txt
"$lm" -q train --threads 1 --order 1 -o zipf_o1.lm zipf.txt
"$lm" -q train --threads 1 --order 2 -o zipf_o2.lm zipf.txt
"$lm" -q train --threads 1 --order 3 --quantize 8 -o q8_o3.lm "$root/tests/data/toy.txt"
"$lm" -q convert open.arpa open_o3.lm
"$lm" -q train --threads 1 --order 3 --units chars --normalize nfkc --lowercase --space-token ▁ -o chars_o3.lm \
  "$root/tests/data/toy.txt"

# Seeds this script no longer writes go too.
find "$out" -name '*.lm.bin' ! -name 'regress_*' -delete
for f in *.lm; do
  size=$(stat -c %s "$f")
  [ "$size" -le 20480 ] || { echo "make_fuzz_seeds: $f is $size bytes, above fuzz_model's -max_len of 20480" >&2; exit 1; }
  cp "$f" "$out/$f.bin"
done

# The version the binary writes, from the seed just made.
version=$(od -An -tu4 -j8 -N4 toy_o2.lm | tr -d ' ')
echo "make_fuzz_seeds: wrote $(ls "$out" | wc -l) seeds, format version $version, in $out" >&2
