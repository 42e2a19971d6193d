#!/usr/bin/env bash
# lm info: model description for lm binaries and ARPA files.
. "$(dirname "$0")/lib.bash"

run "$LM" -q train --order 3 -o toy.lm "$LM_TEST_DATA/toy.txt"
check_exit 0 "$LM" info -m toy.lm
check_contains "$OUT" "order	3" "info: order"
check_contains "$OUT" "vocabulary	11 " "info: vocabulary size"
check_contains "$OUT" "2-grams	17" "info: bigram count"
check_contains "$OUT" "3-grams	20" "info: trigram count"
check_contains "$OUT" "discounts 1	D1=0.4 D2=1.6 D3+=1.4" "info: hand-worked unigram discounts"
check_contains "$OUT" "not verified" "info: says the checksum was not checked"
check_contains "$OUT" "suffix closure	yes" "info: a trained model is suffix-closed"
# Unigram backoffs 0, -0.39794 (<s>), -0.30103; bigram ones 0 and -0.30103.
check_contains "$OUT" "backoff bits	2, 1 (orders 1-2;" "info: backoffs as indices into tables of 3 and 2 values"
check_contains "$OUT" "text	words (as given, split at white space)" "info: a model trained without text flags reads words"
check_contains "$OUT" "format	lm binary, format version 9" "info: the format version lm writes"
check_exit 0 "$LM" info --verify -m toy.lm
check_contains "$OUT" "checksum and structure verified" "info --verify: checksum verified"
check_contains "$OUT" "bytes per n-gram" "info: bytes per n-gram"
check_exit 0 env LM_MODEL=toy.lm "$LM" info
check_contains "$OUT" "3-grams	20" "info: LM_MODEL"
check_exit 0 "$LM" info -m "$LM_TEST_DATA/toy.o3.kenlm.arpa"
check_contains "$OUT" "ARPA text" "info: ARPA model"
check_contains "$OUT" "suffix closure	yes" "info: KenLM's ARPA is suffix-closed"
# "a b c" without "b c": the model says so.
printf '\\data\\\nngram 1=6\nngram 2=1\nngram 3=1\n\n\\1-grams:\n-1\t<unk>\n-99\t<s>\n-0.6\t</s>\n-0.6\ta\t-0.1\n-0.7\tb\t-0.1\n-0.9\tc\n\n\\2-grams:\n-0.4\ta b\t-0.2\n\n\\3-grams:\n-0.1\ta b c\n\n\\end\\\n' > open.arpa
check_exit 0 "$LM" info -m open.arpa
check_contains "$OUT" "suffix closure	no" "info: an ARPA file without suffix closure"
# How a model reads text: in words and as lm train's flags, from the binary
# and from its ARPA file (the '# lm text:' comment).
run "$LM" -q train --order 3 --units chars --normalize nfkc --lowercase --space-token ▁ -o chars.lm "$LM_TEST_DATA/toy.txt"
check_exit 0 "$LM" info -m chars.lm
TEXT_LINE="text	chars, NFKC normalized, case folded, space token ▁ (lm train --units chars --normalize nfkc --lowercase --space-token ▁)"
check_contains "$OUT" "$TEXT_LINE" "info: the text options of a chars model"
check_exit 0 "$LM" convert --arpa chars.lm chars.arpa
check_eq "$(sed -n '/^\\data\\$/q; /^# lm text:/p' chars.arpa)" "# lm text: --units chars --normalize nfkc --lowercase --space-token ▁" \
  "the ARPA file records them in a comment before \\data\\"
check_exit 0 "$LM" info -m chars.arpa
check_contains "$OUT" "$TEXT_LINE" "info: the text options read back from the ARPA comment"
run "$LM" -q train --order 2 --split-punct -o punct.lm "$LM_TEST_DATA/toy.txt"
check_exit 0 "$LM" info -m punct.lm
check_contains "$OUT" "text	words, punctuation split off (lm train --split-punct)" "info: --split-punct"
run "$LM" -q train --order 2 --units bytes -o bytes.lm "$LM_TEST_DATA/toy.txt"
check_exit 0 "$LM" info -m bytes.lm
check_contains "$OUT" "text	bytes, each a token spelled <0xHH> (lm train --units bytes)" "info: --units bytes"
# A version 8 model (written before the text options) loads and reads words.
check_exit 0 "$LM" info --verify -m "$LM_TEST_DATA/toy.o3.v8.lm"
check_contains "$OUT" "format	lm binary, format version 8 (lm convert writes it again in version 9)" "info: a version 8 model"
check_contains "$OUT" "text	words (as given, split at white space)" "info: a version 8 model reads words"
check_contains "$OUT" "3-grams	20" "info: a version 8 model's counts"
printf 'x' | dd of=toy.lm bs=1 seek=2000 conv=notrunc status=none
run "$LM" info --verify -m toy.lm
check_error "info --verify on a damaged model" 1 "checksum" "toy.lm"
finish
