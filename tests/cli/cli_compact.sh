#!/usr/bin/env bash
# Issue 3 features: score --threads keeps input order and output identical to
# one thread (also when a line in the middle is an error), --quantize on train
# and convert (smaller, perplexity close), info --verify, old format refused.
. "$(dirname "$0")/lib.bash"

need_file "$GUTENBERG"
head -n 4000 "$GUTENBERG" > corpus.txt
train_model m.lm corpus.txt --order 4
# Enough text for several batches per thread (batches are about 1 MB per thread).
for _ in 1 2 3; do cat "$GUTENBERG"; done > big.txt

# ---- --threads: same bytes as one thread, in input order
for fmt in text json; do
  run "$LM" score -q -t 1 --format "$fmt" --summary -m m.lm < big.txt
  cp "$OUT" one.out
  for t in 2 3 8; do
    run "$LM" score -q -t "$t" --format "$fmt" --summary -m m.lm < big.txt
    check_same "$OUT" one.out "score -t $t --format $fmt: identical to -t 1 (order and summary)"
  done
done
# A large input (several batches: the model is mapped whole before the
# first) gives each line the score it gets alone, in a small input.
run "$LM" score -q -t 1 -m m.lm < big.txt
tail -n 300 "$OUT" > big_tail.out
tail -n 300 big.txt > small.txt
run "$LM" score -q -t 1 -m m.lm < small.txt
check_same "$OUT" big_tail.out "score: the last 300 lines of a large input score as they do alone"
run "$LM" score -q -t 2 --tokens -m m.lm "the cat sat" "a dog ran"
check_lines "$OUT" 10 "score -t 2 with sentences as arguments and --tokens"
# An invalid line in the middle, with --strict: the lines before it are
# printed, then one error naming its line.
{ head -n 30000 big.txt; printf 'bad \xff line\n'; tail -n 100 big.txt; } > bad.txt
run "$LM" score -q -t 1 --strict -m m.lm < bad.txt
cp "$OUT" bad1.out
cp "$ERR" bad1.err
run "$LM" score -q -t 2 --strict -m m.lm < bad.txt
check_error "score -t 2 --strict: invalid UTF-8 in line 30001" 1 "30001"
check_same "$OUT" bad1.out "score -t 2 --strict: the lines before the error are printed, as with -t 1"
check_lines "$OUT" 30000 "score -t 2 --strict: 30000 lines before the error"
# Without --strict every line is answered, the same on 1 and 2 threads.
run "$LM" score -q -t 1 -m m.lm < bad.txt
check_status "score -t 1: a bad line among 30101: exit 3" 3
cp "$OUT" bad1.out
run "$LM" score -q -t 2 -m m.lm < bad.txt
check_status "score -t 2: a bad line among 30101: exit 3" 3
check_lines "$OUT" 30101 "score -t 2: one record per line, the bad one included"
check_same "$OUT" bad1.out "score -t 2: the same records as -t 1"
run "$LM" score -t 0 -q -m m.lm "a b"
check_status "score -t 0 means every CPU" 0
run "$LM" score -t -1 -m m.lm "a b"
check_status "score -t -1 is a usage error" 2

# ---- --quantize: train and convert
run "$LM" -q train --order 4 --quantize 8 -o q8.lm corpus.txt
check_status "train --quantize 8" 0
check_exit 0 "$LM" convert --quantize 8 m.lm q8c.lm
check_same q8.lm q8c.lm "train --quantize 8 and convert --quantize 8 write the same bytes"
check_exit 0 "$LM" info --verify -m q8.lm
check_contains "$OUT" "quantization	8 bits" "info: shows the quantization"
check_true "a quantized model is smaller" "$(stat -c %s q8.lm) vs $(stat -c %s m.lm)" \
  test "$(stat -c %s q8.lm)" -lt "$(stat -c %s m.lm)"
exact=$("$LM" score -q --summary -m m.lm < "$GUTENBERG" | awk -F'\t' '/^Perplexity including/ {print $2}')
quant=$("$LM" score -q --summary -m q8.lm < "$GUTENBERG" | awk -F'\t' '/^Perplexity including/ {print $2}')
check_true "8-bit quantization changes perplexity by less than 1% ($exact vs $quant)" "" \
  awk -v a="$exact" -v b="$quant" 'BEGIN { d = b / a - 1; exit !(d < 0.01 && d > -0.01) }'
check_exit 0 "$LM" convert q8.lm back.lm
check_same back.lm q8.lm "convert without --quantize keeps a quantized model as it is"
run "$LM" convert --quantize 1 m.lm x.lm
check_error "convert --quantize 1 is a usage error" 2 "2 to 16"
run "$LM" convert --quantize 17 m.lm x.lm
check_status "convert --quantize 17 is a usage error" 2
run "$LM" convert --arpa --quantize 8 m.lm x.arpa
check_status "convert --arpa --quantize is a usage error" 2

# ---- next through the top-successor lists equals the head of --all
printf 'the\nof the\n<s>\nand\nit was\nzzyzx\n' > contexts.txt
for model in m.lm q8.lm; do
  run "$LM" next -k 10 --format tsv -m "$model" < contexts.txt
  cp "$OUT" top.tsv
  run "$LM" next --all --format tsv -m "$model" < contexts.txt
  awk -F'\t' '$2 <= 10' "$OUT" > head.tsv
  check_same top.tsv head.tsv "next -k 10 on $model: the first 10 of --all"
done

# ---- info --verify and a version-1 file
check_exit 0 "$LM" info --verify -m m.lm
check_contains "$OUT" "checksum and structure verified" "info --verify on an intact model"
cp m.lm v1.lm
printf '\001' | dd of=v1.lm bs=1 seek=8 conv=notrunc status=none
run "$LM" score -m v1.lm "a b"
check_error "a version-1 model" 1 "v1.lm" "version 1 is not supported"
finish
