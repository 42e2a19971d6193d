#!/usr/bin/env bash
# Text units: lm train --units/--lowercase/--normalize/--split-punct/
# --space-token are stored in the model and applied by score, next,
# generate, tokenize and convert; raw text scores as its tokenized form does;
# a model trained without them is today's, byte for byte; a text that does
# not look like the model's gets a warning; options that cannot go together
# are one-line errors. With ../shared: KenLM's perplexities of a chars model
# (fortunes-zh, orders 3 and 5) and of a bytes model (shakespeare, order 5)
# within 1e-6 relative.
. "$(dirname "$0")/lib.bash"

need_file "$TOY"
ML="$LM_TEST_DATA/multilingual.txt"
need_file "$ML"

# field NAME : the value of "NAME:<TAB>value" in $OUT (score --summary-only).
field() { awk -F'\t' -v k="$1:" '$1 == k { print $2 }' "$OUT"; }

# check_rel GOT EXPECTED DESCRIPTION : within 1e-6 relative.
check_rel() { check_near "$1" "$2" "$(awk -v e="$2" 'BEGIN { printf "%.12g", e * 1e-6 }')" "$3"; }

# --- A model trained without the options is today's, byte for byte.
train_model plain.lm "$TOY" --order 3 --arpa plain.arpa
train_model explicit.lm "$TOY" --order 3 --units words --normalize none --arpa explicit.arpa
check_same plain.lm explicit.lm "--units words --normalize none: the same model file as no options"
check_same plain.arpa explicit.arpa "--units words --normalize none: the same ARPA file as no options"
check_not_contains plain.arpa "# lm text" "a default model's ARPA has no text comment"

# --- Lowercased, punctuation-split words: raw text scores as its tokenized form.
printf 'The Mouse ate the cheese.\nThe cat ate the mouse!\nA dog chased the cat, and the cat ate.\n' >raw.txt
train_model lp.lm raw.txt --order 3 --lowercase --split-punct --normalize nfkc --arpa lp.arpa
run "$LM" tokenize -m lp.lm "The Mouse ate the cheese."
check_eq "$(cat "$OUT")" "the mouse ate the cheese ." "tokenize -m shows the model's tokens"
run "$LM" score -m lp.lm --format tsv "The Mouse ate the cheese." "the mouse ate the cheese ."
check_eq "$(cut -f1-4 "$OUT" | sed -n 1p)" "$(cut -f1-4 "$OUT" | sed -n 2p)" \
  "raw and tokenized text: the same log10 p, perplexity, tokens and OOVs"
check_eq "$(cut -f3,4 "$OUT" | sed -n 1p)" "$(printf '7\t0')" "'The Mouse ate the cheese.' is 6 known tokens + </s>"
run "$LM" next -m lp.lm -k 1 --format tsv "A DOG"
check_eq "$(cut -f3 "$OUT")" "chased" "next folds its context too"
run "$LM" generate -m lp.lm -n 1 --seed 1 --top-k 1 --max-len 6 "A DOG"
check_eq "$(cat "$OUT")" "a dog chased the cat ate the mouse" "generate reads its prefix as the model does"

# --- Every reader keeps the options: ARPA comment, convert, info.
check_contains lp.arpa "# lm text: --normalize nfkc --lowercase --split-punct" "the ARPA file records the options"
run "$LM" convert lp.arpa lp2.lm
check_status "convert the ARPA file" 0
run "$LM" score -m lp2.lm --format tsv "The Mouse ate the cheese."
check_eq "$(cut -f1-4 "$OUT")" "$(cut -f1-4 <("$LM" score -m lp.lm --format tsv "The Mouse ate the cheese." 2>/dev/null))" \
  "a model converted from the ARPA file scores raw text as the original"
run "$LM" info lp2.lm
check_contains "$OUT" "--lowercase" "info shows the options of the converted model"

# --- Chars of several scripts, with a space token; bytes of any encoding.
train_model ch.lm "$ML" --order 4 --units chars --normalize nfc --space-token "<sp>"
run "$LM" tokenize -m ch.lm "床前 明月"
check_eq "$(cat "$OUT")" "床 前 <sp> 明 月" "chars: each character, <sp> between words"
run "$LM" next -m ch.lm -k 1 --format tsv "床前明月"
check_eq "$(cut -f3 "$OUT")" "光" "next on a chars model: 床前明月 -> 光"
run "$LM" next -m ch.lm -k 1 --format tsv "The Mouse ate "
check_eq "$(cut -f3 "$OUT")" "t" "a context that ends with a space continues after <sp>"
run "$LM" generate -m ch.lm -n 1 --seed 1 --top-k 1 "举头望"
check_eq "$(cat "$OUT")" "举头望明月，低头思故乡。" "generate on chars joins the characters back into text"
run "$LM" generate -m ch.lm -n 1 --seed 1 --top-k 1 "<s> 举头望"
check_eq "$(cat "$OUT")" "举头望明月，低头思故乡。" "a leading <s> in a chars prefix changes nothing"
run "$LM" score -m ch.lm --format tsv "$(printf 'caf\x65\xcc\x81')" "café"
check_eq "$(cut -f1 "$OUT" | sed -n 1p)" "$(cut -f1 "$OUT" | sed -n 2p)" "NFC: a decomposed é scores as the composed one"

printf 'na\xefve caf\xe9\nplain ascii\n' >latin1.txt
train_model by.lm latin1.txt --order 3 --units bytes
run "$LM" score -m by.lm --summary-only -i latin1.txt
check_eq "$(field OOVs)" "0" "bytes: Latin-1 text trains and scores with no OOVs"
run "$LM" tokenize -m by.lm "$(printf 'caf\xe9')"
check_eq "$(cat "$OUT")" "<0x63> <0x61> <0x66> <0xE9>" "bytes: tokenize shows <0xHH> tokens"
run "$LM" train -q latin1.txt -o words.lm
check_error "words: invalid UTF-8 is still an error" 1 "latin1.txt:1" "invalid UTF-8"

# --- A text that does not look like the model's: one warning.
printf 'the mouse ate the cheese .\nthe cat ate the mouse .\n' >tok.txt
for i in 1 2 3 4 5; do cat tok.txt; done >tok5.txt
train_model tok.lm tok5.txt --order 3
for i in 1 2 3 4 5; do cat raw.txt; done >raw5.txt
run "$LM" score -m tok.lm --summary-only -i raw5.txt
check_contains "$ERR" "tokenized differently" "raw text on a tokenized model: a warning"
check_eq "$(grep -c warning "$ERR")" "1" "the warning comes once"
run "$LM" score -m tok.lm --summary-only <raw5.txt
check_contains "$ERR" "tokens of standard input" "the warning names standard input"
run "$LM" score -m tok.lm --summary-only -i tok5.txt
check_not_contains "$ERR" "warning" "tokenized text on a tokenized model: no warning"

# --- Options that cannot go together, and mixing models that read differently.
run "$LM" train -q "$TOY" -o x.lm --units chars --split-punct
check_error "--split-punct with chars" 2 "--split-punct"
run "$LM" train -q "$TOY" -o x.lm --space-token _
check_error "--space-token without chars" 2 "--space-token" "--units chars"
run "$LM" train -q "$TOY" -o x.lm --units bytes --lowercase
check_error "--lowercase with bytes" 2 "--lowercase"
run "$LM" train -q "$TOY" -o x.lm --units chars --space-token "<s>"
check_error "a reserved word as the space token" 2 "--space-token"
run "$LM" train -q "$TOY" -o x.lm --units letters
check_status "an unknown unit: exit 2 (usage)" 2
check_true "no model file after an error" "x.lm exists" test ! -e x.lm
run "$LM" score -m plain.lm -m ch.lm "the cat"
check_error "a mixture of words and chars models" 2 "reads text differently"
run "$LM" tokenize -m plain.lm --lowercase "x"
check_status "tokenize: -m and text flags exclude each other (usage)" 2

# --- With ../shared: KenLM's figures on the issue's splits.
if [ -z "$LM_SHARED_DIR" ] || [ ! -d "$LM_SHARED_DIR/corpora" ]; then
  skip "../shared is not there (LM_SHARED_DIR): the fortunes-zh and shakespeare figures are not checked"
  finish
fi
ZH="$LM_SHARED_DIR/corpora/fortunes/fortunes-zh.txt"
need_file "$ZH"
head -n 5000 "$ZH" >zh.train
sed -n '5001,5671p' "$ZH" >zh.test
# order  ppl with OOVs  ppl without  (KenLM on the text split by hand)
while read -r order with without; do
  train_model zh$order.lm zh.train --order "$order" --units chars
  run "$LM" score -m zh$order.lm --summary-only -i zh.test
  check_rel "$(field 'Perplexity including OOVs')" "$with" "fortunes-zh chars order $order: perplexity = KenLM's"
  check_rel "$(field 'Perplexity excluding OOVs')" "$without" "fortunes-zh chars order $order: excluding OOVs = KenLM's"
  check_eq "$(field OOVs) $(field Tokens)" "903 47740" "fortunes-zh chars order $order: 903 OOVs of 47,740 tokens"
done <<'EOF'
3 464.57285184539535 415.9004937365879
5 419.2506702395709 374.95996201201115
EOF

SH="$LM_SHARED_DIR/corpora/shakespeare"
need_file "$SH/shakespeare.train.txt"
run "$LM" train "$SH/shakespeare.train.txt" -o sh.lm --order 5 --units bytes
check_status "shakespeare bytes order 5: trains" 0
check_contains "$ERR" "using D1=0.5 D2=1 D3+=1.5" "the unigram discounts fall back to 0.5/1/1.5, with a warning"
run "$LM" score -m sh.lm --summary-only -i "$SH/shakespeare.valid.txt"
check_rel "$(field 'Perplexity including OOVs')" 4.933839533421237 "shakespeare bytes order 5: perplexity = KenLM's"
check_eq "$(field OOVs) $(field Tokens)" "0 99152" "shakespeare bytes order 5: 99,152 tokens, no OOV"
finish
