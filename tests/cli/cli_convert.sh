#!/usr/bin/env bash
# lm convert: ARPA -> binary and binary -> ARPA keep every score.
. "$(dirname "$0")/lib.bash"

SENTENCES="$TMP/sentences.txt"
printf 'the mouse ate the cheese\nmouse the the cheese ate\na dog chased a zebra\n\n' > "$SENTENCES"

# KenLM's ARPA -> lm binary: same per-sentence numbers as scoring the ARPA directly.
check_exit 0 "$LM" convert "$LM_TEST_DATA/toy.o3.kenlm.arpa" kenlm.lm
run "$LM" score -q --format tsv -m "$LM_TEST_DATA/toy.o3.kenlm.arpa" < "$SENTENCES"
cp "$OUT" from_arpa.tsv
run "$LM" score -q --format tsv -m kenlm.lm < "$SENTENCES"
check_eq "$(wc -l < "$OUT")" "4" "convert: one record per sentence"
check_true "convert: the binary scores exactly as the ARPA file" "$(diff from_arpa.tsv "$OUT" | head -5)" \
  cmp -s from_arpa.tsv "$OUT"
check_exit 0 "$LM" info -m kenlm.lm
check_contains "$OUT" "3-grams	20" "convert: n-gram counts kept"

# lm binary -> ARPA -> binary: the ARPA text is identical to what train --arpa writes.
run "$LM" -q train --order 3 -o toy.lm --arpa toy.arpa "$LM_TEST_DATA/toy.txt"
check_exit 0 "$LM" convert --arpa toy.lm toy2.arpa
check_true "convert --arpa: same ARPA as train --arpa" "$(diff toy.arpa toy2.arpa | head -5)" \
  cmp -s toy.arpa toy2.arpa

# A version 8 model (tests/data/toy.o3.v8.lm, written before the text
# options) converts to the version 9 file that training writes now, byte for
# byte, and scores as it does; a damaged one is refused, nothing written.
check_exit 0 "$LM" convert "$LM_TEST_DATA/toy.o3.v8.lm" up.lm
check_same toy.lm up.lm "convert: a version 8 model in version 9 is the model trained now"
run "$LM" score -q --format tsv -m "$LM_TEST_DATA/toy.o3.v8.lm" < "$SENTENCES"
cp "$OUT" v8.tsv
run "$LM" score -q --format tsv -m toy.lm < "$SENTENCES"
check_same v8.tsv "$OUT" "score: a version 8 model scores as the model trained now"
cp "$LM_TEST_DATA/toy.o3.v8.lm" bad8.lm
printf 'x' | dd of=bad8.lm bs=1 seek=3000 conv=notrunc status=none
run "$LM" convert bad8.lm bad9.lm
check_error "convert: a damaged version 8 model" 1 "bad9.lm" "checksum"
check_true "convert: nothing written for a damaged model" "bad9.lm exists" test ! -e bad9.lm

# Errors: missing input, unwritable output (old file intact).
run "$LM" convert missing.arpa out.lm
check_error "convert: missing input" 1 "missing.arpa"
run "$LM" convert toy.lm /nonexistent-dir/out.lm
check_error "convert: unwritable output" 1 "/nonexistent-dir/out.lm"
run "$LM" convert toy.lm
check_status "convert: output is required (usage error)" 2
finish
