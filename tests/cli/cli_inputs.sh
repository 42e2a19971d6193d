#!/usr/bin/env bash
# Where score and next read their text: arguments, -i/--input FILE
# (repeatable, .gz, -), standard input ("-" or nothing). A path given as an
# argument is text, never silently a file: lm warns with the hint.
. "$(dirname "$0")/lib.bash"

train_model m.lm "$TOY"
printf 'the cat sat\nthe mouse ate the cheese\n' > a.txt
printf 'a dog\nthe \377 bad\nthe cat\n' > b.txt
gzip -c a.txt > a.txt.gz
cat a.txt b.txt > ab.txt

run "$LM" score -q --format tsv -m m.lm < ab.txt
cp "$OUT" ab.tsv

# ---- -i, repeated, in order; error records name each file's own line
run "$LM" score -q --format tsv -m m.lm -i a.txt -i b.txt
check_status "score -i a.txt -i b.txt: exit 3 (b.txt has a bad line)" 3
check_same "$OUT" <(sed 's/^ERROR\t<stdin>:4:/ERROR\tb.txt:2:/' ab.tsv) \
  "score -i a -i b = score < a+b, the error naming b.txt:2"
run "$LM" score -q --format tsv -m m.lm --input a.txt
check_same "$OUT" <(head -n 2 ab.tsv) "score --input a.txt"
run "$LM" score -q --format tsv -m m.lm -i a.txt.gz
check_same "$OUT" <(head -n 2 ab.tsv) "score -i a.txt.gz decompresses"
run "$LM" score -q --format tsv -m m.lm -i - < a.txt
check_same "$OUT" <(head -n 2 ab.tsv) "score -i - reads stdin"
run "$LM" score -q --format tsv -m m.lm - < a.txt
check_same "$OUT" <(head -n 2 ab.tsv) "score - reads stdin, as train - does"
run "$LM" score -q --format tsv -m m.lm -i a.txt -i - < b.txt
check_eq "$(grep -c . "$OUT")" "5" "score -i a.txt -i - : the file, then stdin"
check_contains "$OUT" "<stdin>:2:" "score -i - : stdin's lines are named <stdin>"
run "$LM" score -q -m m.lm -i missing.txt
check_error "score -i a missing file" 1 "missing.txt"
run "$LM" score -m m.lm -i a.txt "the cat"
check_error "score: arguments and -i together" 2 "not both"

# ---- a path given as text: scored as text, with a warning that says what to do
run "$LM" score -m m.lm a.txt
check_status "score a.txt (a file name as the sentence): exit 0" 0
check_lines "$OUT" 1 "score a.txt: one record, for the text 'a.txt'"
check_contains "$ERR" "'a.txt' is read as text" "score a.txt: warns that the argument is read as text"
check_contains "$ERR" "-i a.txt" "score a.txt: the warning gives the -i hint"
check_eq "$(grep -c 'is read as text' "$ERR")" "1" "the warning is given once"
run "$LM" score -m m.lm "the cat sat"
check_not_contains "$ERR" "is read as text" "no warning for a sentence that names no file"

# ---- next reads the same way
run "$LM" next -m m.lm -k 3 --format tsv "the cat" "the mouse"
cp "$OUT" next.tsv
printf 'the cat\nthe mouse\n' > contexts.txt
run "$LM" next -m m.lm -k 3 --format tsv -i contexts.txt
check_same "$OUT" next.tsv "next -i FILE = next with the contexts as arguments"
run "$LM" next -m m.lm -k 3 --format tsv - < contexts.txt
check_same "$OUT" next.tsv "next - reads stdin"
finish
