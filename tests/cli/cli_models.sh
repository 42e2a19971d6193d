#!/usr/bin/env bash
# Hostile model files for score and next: an old or future format version,
# hostile header fields, bit flips anywhere in the file, corrupt data behind a
# valid checksum, model paths that are not regular files, and malformed ARPA
# files. Every run ends with exit 0 or 1 (never a crash or a hang); an error is
# one 'lm: error:' line naming the file (and the line, for ARPA text). Opening
# a model checks the header and sizes only (docs/FORMAT.md), so a bit flip in
# the n-gram arrays may change numbers: 'lm info --verify' must catch every one.
. "$(dirname "$0")/lib.bash"

need_file "$TOY"
need_file "$GUTENBERG"
ARPA="$LM_TEST_DATA/toy.o3.kenlm.arpa"
need_file "$ARPA"

# A model of about 1.6 MB (3,000 lines of gutenberg, order 3), so that the
# offsets below land in every part of it.
head -n 3000 "$GUTENBERG" >corpus.txt
train_model m.lm corpus.txt
SIZE=$(wc -c <m.lm)
HEADER=960  # sizeof(FileHeader) in version 9, docs/FORMAT.md
{ sed -n '2990,3010p' "$GUTENBERG"; cat "$TOY"; echo "zzyzx the qqq"; } >sentences.txt
CONTEXT="of the"

# The outputs to compare against: score (with the summary on stdout) and next --all.
run "$LM" score --summary -m m.lm <sentences.txt
[ "$RC" -eq 0 ] || fatal "score with the intact model" "command:  $LAST_CMD" "got: exit $RC: $(show "$ERR")"
cp "$OUT" score.ref
run "$LM" next --all -m m.lm "$CONTEXT"
[ "$RC" -eq 0 ] || fatal "next with the intact model" "command:  $LAST_CMD" "got: exit $RC: $(show "$ERR")"
cp "$OUT" next.ref

# ------------------------------------------------------------ helpers

# put_le FILE OFFSET BYTES VALUE : writes VALUE (an integer; -1 = all ones) as
# a BYTES-byte little-endian number at OFFSET.
put_le() {
  local file=$1 off=$2 n=$3 v=$4 i esc=""
  for ((i = 0; i < n; i++)); do
    esc+=$(printf '\\%03o' $(((v >> (8 * i)) & 255)))
  done
  # shellcheck disable=SC2059
  printf "$esc" | dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}

# byte_at FILE OFFSET : the byte's value.
byte_at() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }

# flip_bit FILE OFFSET BIT
flip_bit() {
  put_le "$1" "$2" 1 $(($(byte_at "$1" "$2") ^ (1 << $3)))
}

# model_run DESC MODEL CMD : runs score or next on MODEL with a time limit;
# CMD is score or next. Sets RC, OUT, ERR. Returns 0 if the run ended
# normally, else records a failure (crash or hang) and returns 1.
model_run() {
  local desc=$1 model=$2 cmd=$3
  if [ "$cmd" = score ]; then
    run timeout 10 "$LM" score --summary -m "$model" <sentences.txt
  else
    run timeout 10 "$LM" next --all -m "$model" "$CONTEXT"
  fi
  if [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; then
    fail "$desc ($cmd): no hang" "command:  $LAST_CMD" "expected: an answer within 10 s" "got:      killed by timeout (exit $RC)"
    return 1
  fi
  if [ "$RC" -ge 128 ]; then
    fail "$desc ($cmd): no crash" "command:  $LAST_CMD" "expected: exit 0 or 1" \
      "got:      exit $RC (signal $((RC - 128))); stderr: $(show "$ERR")"
    return 1
  fi
  return 0
}

# rejected DESC MODEL [TEXT...] : score and next both fail with exit 1 and one
# 'lm: error:' line naming MODEL and each TEXT.
rejected() {
  local desc=$1 model=$2 cmd
  shift 2
  for cmd in score next; do
    model_run "$desc" "$model" "$cmd" || continue
    check_error "$cmd: $desc" 1 "$model" "$@"
  done
}

# harmless DESC MODEL [REF-PREFIX] : score and next either fail cleanly (exit 1,
# one error line naming MODEL) or succeed with exactly the output of the intact
# model (REF-PREFIXscore.ref and REF-PREFIXnext.ref; default: m.lm's).
# Sets HARMLESS_RCS to the two exit statuses.
harmless() {
  local desc=$1 model=$2 prefix=${3:-} cmd ref n
  HARMLESS_RCS=""
  for cmd in score next; do
    model_run "$desc" "$model" "$cmd" || { HARMLESS_RCS+="crash "; continue; }
    HARMLESS_RCS+="$RC "
    ref=$prefix$cmd.ref
    if [ "$RC" -eq 0 ]; then
      if cmp -s "$OUT" "$ref"; then
        ok "$desc ($cmd): exit 0 with the intact model's output"
      else
        fail "$desc ($cmd): an undetected corruption must not change the output" "command:  $LAST_CMD" \
          "expected: exit 1, or exit 0 with the intact model's output" \
          "got:      exit 0 and a different output: $(diff "$ref" "$OUT" | head -n 3 | tr '\n' ' ' | cut -c1-300)"
      fi
    elif [ "$RC" -eq 1 ]; then
      n=$(grep -c '^lm: error: ' "$ERR")
      if [ "$n" -eq 1 ] && tail -n 1 "$ERR" | grep -qF -- "$model"; then
        ok "$desc ($cmd): exit 1, one error line naming $model"
      else
        fail "$desc ($cmd): exit 1 with one error line naming $model" "command:  $LAST_CMD" "got:      $(show "$ERR")"
      fi
    else
      fail "$desc ($cmd): exit 0 or 1" "command:  $LAST_CMD" "got:      exit $RC: $(show "$ERR")"
    fi
  done
}

# ---------------------------------------- an old or future format version
for version in 1 2 3 4 5 6 7 10 99 4294967295; do
  cp m.lm v$version.lm
  put_le v$version.lm 8 4 $version
  rejected "a model of format version $version" v$version.lm "version"
done
# Version 8 is read, with its shorter header: a version 9 file that says 8
# does not fit its own sizes.
cp m.lm v8.lm
put_le v8.lm 8 4 8
rejected "a version 9 model marked version 8" v8.lm "truncated or corrupt"

# ---------------------------------------------- hostile header fields
# (The checksum covers the bytes after the header, so the loader must check
# each field: none may lead to a crash, a hang or a huge allocation.)
# header_case NAME OFFSET BYTES VALUE
header_case() {
  cp m.lm "hdr-$1.lm"
  put_le "hdr-$1.lm" "$2" "$3" "$4"
  rejected "a header with $1" "hdr-$1.lm"
}
header_case "order 0" 12 4 0
header_case "order 17" 12 4 17
header_case "order 2^32-1" 12 4 -1
header_case "vocab_size 0" 16 8 0
header_case "vocab_size 2^64-1" 16 8 -1
header_case "vocab_size 2^40" 16 8 $((1 << 40))
header_case "vocab_chars 2^64-1" 24 8 -1
header_case "vocab_chars 0" 24 8 0
header_case "vocab_slots 0" 32 8 0
header_case "vocab_slots 3 (not a power of two)" 32 8 3
header_case "vocab_slots 2^62" 32 8 $((1 << 62))
header_case "counts[0] 2^63" 40 8 $((1 << 63))
header_case "counts[1] 2^62" 48 8 $((1 << 62))
header_case "counts[1] 2^64-1" 48 8 -1
header_case "counts[2] 0" 56 8 0
header_case "file_size 2^63" 568 8 $((1 << 63))
header_case "file_size 0" 568 8 0
header_case "backoff_table_bits[0] 17 (over 16)" 880 1 17
header_case "backoff_table_bits[15] 8 (above the order)" 895 1 8
header_case "trigram_slots 2^62" 896 8 $((1 << 62))
# The text options (version 9): out of range, or options check_text_options refuses.
header_case "text_units 3" 904 1 3
header_case "text_normalize 3" 905 1 3
header_case "text_lowercase 2" 906 1 2
header_case "text_split_punct 255" 907 1 255
header_case "space_token_bytes 49" 908 4 49
header_case "space_token_bytes 2^32-1" 908 4 -1
text_case() {  # text_case NAME OFFSET:BYTES:VALUE... : several fields at once
  local name=$1 spec off n v
  shift
  cp m.lm "hdr-$name.lm"
  for spec in "$@"; do
    IFS=: read -r off n v <<<"$spec"
    put_le "hdr-$name.lm" "$off" "$n" "$v"
  done
  rejected "a header with $name" "hdr-$name.lm" "corrupt model header"
}
text_case "space token x without chars" 908:4:1 912:1:120
text_case "lowercase bytes" 904:1:2 906:1:1
text_case "split-punct chars" 904:1:1 907:1:1
text_case "a space token of invalid UTF-8" 904:1:1 908:4:1 912:1:255
text_case "a space token with a NUL inside" 904:1:1 908:4:2 913:1:120
text_case "a byte after the space token" 904:1:1 908:4:1 912:1:120 959:1:120
text_case "the reserved space token <s>" 904:1:1 908:4:3 912:1:60 913:1:115 914:1:62
# verify_rejected DESC MODEL : lm info --verify fails naming MODEL and the checksum.
verify_rejected() {
  run timeout 20 "$LM" info --verify -m "$2"
  check_error "info --verify: $1" 1 "$2" "checksum"
}
cp m.lm hdr-checksum.lm
flip_bit hdr-checksum.lm 580 3
harmless "a bit flip in the stored checksum" hdr-checksum.lm
verify_rejected "a bit flip in the stored checksum" hdr-checksum.lm
# Fields the scores do not depend on (discounts, training tokens) or that
# change what the scores mean (smoothing, flags): rejected, or no change.
for spec in "smoothing 7:552:4:7" "flags all ones:556:4:-1" "training_tokens 2^64-1:560:8:-1" \
  "discount D1 of order 1 = -DBL_MAX:168:8:-4503599627370497" "counts[3] (above the order) 5:64:8:5"; do
  IFS=: read -r name off n v <<<"$spec"
  cp m.lm hdr.lm
  put_le hdr.lm "$off" "$n" "$v"
  harmless "a header with $name" hdr.lm
done

# ---------------------------------------------- bit flips across the file
# 20 offsets, one in each twentieth of the file, at a random (but fixed:
# seeded) place and bit. Past the header, lm info --verify must catch every
# one, and score and next must not crash or hang (they may give other numbers).
RANDOM=20240611
flips=""
for ((k = 0; k < 20; k++)); do
  lo=$((SIZE * k / 20))
  hi=$((SIZE * (k + 1) / 20))
  off=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo)))
  bit=$((RANDOM % 8))
  flips+="$off:$bit "
done
# And one flip in the middle of every header field that matters less
# obviously (vocab_chars, a count, a discount, flags, training_tokens).
flips+="27:0 50:0 170:6 556:0 561:2"
for f in $flips; do
  off=${f%:*}
  bit=${f#*:}
  cp m.lm flip.lm
  flip_bit flip.lm "$off" "$bit"
  if [ "$off" -ge "$HEADER" ]; then
    verify_rejected "bit $bit flipped at offset $off of $SIZE (after the header)" flip.lm
    for cmd in score next; do
      model_run "bit $bit flipped at offset $off" flip.lm "$cmd" || continue
      if [ "$RC" -eq 0 ]; then
        ok "bit $bit flipped at offset $off ($cmd): no crash (exit 0)"
      else
        check_error "$cmd: bit $bit flipped at offset $off" 1 flip.lm
      fi
    done
  else
    harmless "bit $bit flipped at offset $off (in the header)" flip.lm
  fi
done

# ---------------------------------------------- corrupt data behind a valid checksum
# A hostile file can carry a checksum that matches: then the structural checks
# (word ids, child ranges, vocabulary offsets and hash slots) are all that
# stand between the file and an out-of-bounds read. Overwrite random 4-byte
# words with hostile values and fix the checksum (docs/FORMAT.md's algorithm,
# checked first on the intact file).
if have_python3; then
  # A smaller model (about 150 kB, 300 lines): the same arrays, more hits per array.
  head -n 300 "$GUTENBERG" >small.txt
  train_model small.lm small.txt
  cat >forge.py <<'EOF'
# forge.py MODEL check          : exit 0 if MODEL's stored checksum is the one computed here
# forge.py MODEL forge N PREFIX : writes PREFIX1.lm .. PREFIXN.lm, each with 1 to 8 random
#                                 4-byte words overwritten or bits flipped after the header,
#                                 and the checksum fixed; prints what each changed.
import random, struct, sys

M = (1 << 64) - 1
K = 0xff51afd7ed558ccd
HEADER, AT = 960, 576

def checksum(data):
    n = len(data)
    lane = [0x9E3779B97F4A7C15 ^ n, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5]
    words = struct.unpack_from('<%dQ' % (n // 8), data)
    i = 0
    while i + 32 <= n:
        for k in range(4):
            x = ((lane[k] ^ words[i // 8 + k]) * K) & M
            lane[k] = x ^ (x >> 29)
        i += 32
    h = (lane[0] ^ ((lane[1] * 3) & M) ^ ((lane[2] * 5) & M) ^ ((lane[3] * 7) & M)) & M
    while i < n:
        h = ((h ^ data[i]) * 0x100000001b3) & M
        i += 1
    h = ((h ^ (h >> 33)) * K) & M
    return h ^ (h >> 33)

def file_checksum(data):
    # detail::file_checksum: the header with its checksum field as 0, and the bytes after it.
    head = bytearray(data[:HEADER])
    struct.pack_into('<Q', head, AT, 0)
    return checksum(bytes(head)) ^ ((checksum(bytes(data[HEADER:])) * 0x9E3779B97F4A7C15) & M)

src, mode = sys.argv[1], sys.argv[2]
orig = open(src, 'rb').read()
if mode == 'check':
    sys.exit(0 if file_checksum(orig) == struct.unpack_from('<Q', orig, AT)[0] else 1)
count, prefix = int(sys.argv[3]), sys.argv[4]
f32 = lambda x: struct.unpack('<I', struct.pack('<f', x))[0]
for seed in range(1, count + 1):
    rng = random.Random(seed)
    data = bytearray(orig)
    what = []
    for _ in range(rng.choice([1, 1, 2, 8])):
        if rng.random() < 0.3:
            off, bit = rng.randrange(HEADER, len(data)), rng.randrange(8)
            data[off] ^= 1 << bit
            what.append('bit %d of byte %d' % (bit, off))
        else:
            off = HEADER + 4 * rng.randrange((len(data) - HEADER) // 4)
            value = rng.choice([0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0, 1, 3, rng.randrange(1 << 32),
                                f32(float('nan')), f32(float('inf')), f32(float('-inf')), f32(1e30)])
            struct.pack_into('<I', data, off, value)
            what.append('0x%08x at %d' % (value, off))
    struct.pack_into('<Q', data, AT, file_checksum(data))
    open('%s%d.lm' % (prefix, seed), 'wb').write(data)
    print('%s%d.lm: %s' % (prefix, seed, ', '.join(what)))
EOF
  if python3 forge.py small.lm check; then
    ok "forge.py computes a model's checksum as lm does"
    python3 forge.py small.lm forge 60 forged- >forged.txt
    bad=""
    for ((seed = 1; seed <= 60; seed++)); do
      for cmd in score next; do
        if [ "$cmd" = score ]; then
          RC=0; timeout 10 "$LM" score -m forged-$seed.lm <sentences.txt >"$OUT" 2>"$ERR" || RC=$?
        else
          RC=0; timeout 10 "$LM" next --all -m forged-$seed.lm "$CONTEXT" >"$OUT" 2>"$ERR" || RC=$?
        fi
        if [ "$RC" -gt 1 ]; then
          bad+=" $cmd:exit$RC:$(grep "^forged-$seed.lm:" forged.txt)"
        elif [ "$RC" -eq 1 ] && ! { [ "$(grep -c '^lm: error: ' "$ERR")" -eq 1 ] && grep -q "forged-$seed.lm" "$ERR"; }; then
          bad+=" $cmd:bad-message:$(grep "^forged-$seed.lm:" forged.txt)"
        fi
      done
      rm -f forged-$seed.lm
    done
    check_eq "${bad# }" "" "60 models with hostile values and a valid checksum: score and next exit 0 or 1 (one error line naming the file), never crash or hang"
  else
    echo "note: lm's checksum is no longer the one forge.py computes; the forged-checksum checks are not run"
  fi
else
  echo "note: python3 is not available; the forged-checksum checks are not run"
fi

# ---------------------------------------------- paths that are not model files
mkdir adir
LM_MODEL="$TMP/adir" run "$LM" score "a b"
check_error "score with \$LM_MODEL naming a directory" 1 "adir"
mkdir dflt && mkdir dflt/model.lm
cd dflt || exit 1
run "$LM" next "a"
cd "$TMP" || exit 1
LAST_CMD="cd dflt; lm next a   (model.lm is a directory)"
check_error "next with the default model.lm being a directory" 1 "model.lm"
rejected "/dev/null as the model" /dev/null
rejected "/dev/zero as the model" /dev/zero
rejected "/dev/urandom as the model" /dev/urandom
rejected "/proc/self/status as the model" /proc/self/status
run "$LM" score -m "" "a b"
check_no_crash
check_true "score -m '' : exit 1 or 2 with a message" "got: exit $RC: $(show "$ERR")" \
  test \( "$RC" -eq 1 -o "$RC" -eq 2 \) -a -s "$ERR"
ln -s m.lm link.lm
harmless "a symlink to the model" link.lm
check_eq "$HARMLESS_RCS" "0 0 " "a symlink to the model: loads (exit 0)"
ln -s no-such-target.lm dangling.lm
rejected "a dangling symlink" dangling.lm
# A FIFO nobody writes to: must not block forever.
mkfifo fifo.lm
rejected "a FIFO (nobody writing) as the model" fifo.lm
# A FIFO a writer fills with a valid model: exit 0 with the same output, or a
# clean refusal; never a hang.
for cmd in score next; do
  timeout 15 cp m.lm fifo.lm 2>/dev/null &
  writer=$!
  model_run "a FIFO fed with a valid model" fifo.lm "$cmd"
  if [ "$RC" -eq 0 ]; then
    check_same "$OUT" "$cmd.ref" "$cmd: a FIFO fed with a valid model: the intact model's output"
  elif [ "$RC" -eq 1 ]; then
    check_error "$cmd: a FIFO fed with a valid model: refused" 1 "fifo.lm"
  fi
  kill "$writer" 2>/dev/null
  { wait "$writer"; } 2>/dev/null
done

# ---------------------------------------------- malformed ARPA files
# arpa_rejected DESC FILE [TEXT...] : score and next exit 1, naming FILE (and
# each TEXT, e.g. FILE:LINE:).
arpa_rejected() { rejected "$@"; }
# edit NAME SED-SCRIPT : NAME.arpa = the toy ARPA file edited by sed.
edit() { sed "$2" "$ARPA" >"$1.arpa"; }

edit badcount1 's/^ngram 2=17$/ngram 2=seventeen/'
arpa_rejected "ARPA: a non-numeric count" badcount1.arpa "badcount1.arpa:3:"
edit badcount2 's/^ngram 2=17$/ngram 2 17/'
arpa_rejected "ARPA: a count line without '='" badcount2.arpa "badcount2.arpa:3:"
edit badcount3 's/^ngram 2=17$/ngram 2=-17/'
arpa_rejected "ARPA: a negative count" badcount3.arpa "badcount3.arpa:3:"
edit badcount4 's/^ngram 2=17$/ngram 3=17/'
arpa_rejected "ARPA: count lines out of order" badcount4.arpa "badcount4.arpa:3:"
edit hugecount 's/^ngram 3=20$/ngram 3=18446744073709551615/'
arpa_rejected "ARPA: a count of 2^64-1 3-grams (no huge allocation)" hugecount.arpa
edit hugecount2 's/^ngram 1=11$/ngram 1=99999999999999999999999/'
arpa_rejected "ARPA: a count that overflows 64 bits" hugecount2.arpa
edit fewer 's/^ngram 2=17$/ngram 2=16/'
arpa_rejected "ARPA: fewer 2-grams declared than listed" fewer.arpa "fewer.arpa:"
edit more3 's/^ngram 3=20$/ngram 3=21/'
arpa_rejected "ARPA: more 3-grams declared than listed" more3.arpa "more3.arpa:"
edit badprob 's/^-0.4144287\t/-0.41x\t/'
arpa_rejected "ARPA: a probability with trailing junk" badprob.arpa "badprob.arpa:39:"
edit badbackoff 's/\tthe mouse\t-0.30103$/\tthe mouse\tzero/'
arpa_rejected "ARPA: a non-numeric backoff" badbackoff.arpa "badbackoff.arpa:27:"
for v in nan NaN inf -inf +inf Infinity 1e999; do
  edit "p$v" "s/^-0.6872089\tthe mouse/$v\tthe mouse/"
  arpa_rejected "ARPA: probability $v" "p$v.arpa" "p$v.arpa:27:"
done
for v in nan -inf; do
  edit "b$v" "s/\tthe mouse\t-0.30103\$/\tthe mouse\t$v/"
  arpa_rejected "ARPA: backoff $v" "b$v.arpa" "b$v.arpa:27:"
done
edit noend '/^\\end\\$/d'
arpa_rejected "ARPA: no \\end\\" noend.arpa
edit no2 '/^\\2-grams:$/d'
arpa_rejected "ARPA: no \\2-grams: section header" no2.arpa "no2.arpa:"
edit no2sect '/^\\2-grams:$/,/^$/d'
arpa_rejected "ARPA: the whole 2-gram section missing" no2sect.arpa
edit nodata '/^\\data\\$/d'
arpa_rejected "ARPA: no \\data\\ line" nodata.arpa
: >empty.arpa
arpa_rejected "ARPA: an empty file" empty.arpa
awk '$0 == "ngram 2=17" { print "ngram 2=18"; next } { print } /^-0.6872089\tthe mouse/ { print "-0.5\tthe mouse\t-0.2" }' "$ARPA" >dup2.arpa
arpa_rejected "ARPA: a duplicated 2-gram (counts consistent)" dup2.arpa "dup2.arpa:28:"
awk '$0 == "ngram 3=20" { print "ngram 3=21"; next } { print } /^-0.4144287\tthe mouse <\/s>/ { print }' "$ARPA" >dup3.arpa
arpa_rejected "ARPA: a duplicated 3-gram (counts consistent)" dup3.arpa "dup3.arpa:40:"
awk '$0 == "ngram 1=11" { print "ngram 1=12"; next } { print } /^-0.8290484\tthe\t/ { print }' "$ARPA" >dup1.arpa
arpa_rejected "ARPA: a duplicated unigram (counts consistent)" dup1.arpa "dup1.arpa:11:"
edit unknown2 's/^-0.6872089\tthe mouse/-0.6872089\tthe moose/'
arpa_rejected "ARPA: a 2-gram with a word not in the unigrams" unknown2.arpa "unknown2.arpa:27:" "moose"
edit unknown3 's/^-0.4144287\tthe mouse <\/s>/-0.4144287\tthe zebra <\/s>/'
arpa_rejected "ARPA: a 3-gram with a word not in the unigrams" unknown3.arpa "unknown3.arpa:39:" "zebra"
edit fields 's/^-0.6872089\tthe mouse\t/-0.6872089\tthe mouse ate\t/'
arpa_rejected "ARPA: a 2-gram line with 3 words and a backoff" fields.arpa "fields.arpa:27:"
edit order17 's/^ngram 3=20$/ngram 3=20\nngram 17=1/'
arpa_rejected "ARPA: an order-17 count" order17.arpa "order17.arpa:"
edit badutf8 's/\tthe\t-0.30103/\tth\xff\t-0.30103/'
arpa_rejected "ARPA: invalid UTF-8 in a word" badutf8.arpa "badutf8.arpa:10:"
edit nul 's/\tthe mouse\t-0.30103$/\tthe mouse\t-0.3\x000103/'
arpa_rejected "ARPA: a NUL byte in a line" nul.arpa "nul.arpa:27:" "NUL"

# Gzipped ARPA files: truncated (small and large), and corrupted in the middle.
gzip -c "$ARPA" >toy.arpa.gz
head -c 400 toy.arpa.gz >trunc-small.arpa.gz
arpa_rejected "ARPA: a truncated .gz (400 bytes of the toy ARPA)" trunc-small.arpa.gz
head -c 20 toy.arpa.gz >trunc-header.arpa.gz
arpa_rejected "ARPA: a .gz cut inside its gzip header (20 bytes)" trunc-header.arpa.gz
run "$LM" train -q corpus.txt -o big.lm --arpa big.arpa
gzip -c big.arpa >big.arpa.gz
gzsize=$(wc -c <big.arpa.gz)
head -c $((gzsize / 2)) big.arpa.gz >trunc-big.arpa.gz
arpa_rejected "ARPA: a 3,000-line model's .gz cut in half" trunc-big.arpa.gz
head -c $((gzsize - 4)) big.arpa.gz >trunc-trailer.arpa.gz
arpa_rejected "ARPA: a .gz missing the last 4 bytes of its trailer" trunc-trailer.arpa.gz
cp big.arpa.gz crc.arpa.gz
put_le crc.arpa.gz $((gzsize - 8)) 4 $(($(od -An -tu4 -j $((gzsize - 8)) -N4 big.arpa.gz) ^ 1))
arpa_rejected "ARPA: a .gz whose CRC does not match" crc.arpa.gz
cp big.arpa.gz mid.arpa.gz
flip_bit mid.arpa.gz $((gzsize / 2)) 4
arpa_rejected "ARPA: a .gz with a bit flipped in the middle" mid.arpa.gz
run "$LM" score --summary -m big.arpa.gz <sentences.txt
cp "$OUT" big.score.ref
run "$LM" next --all -m big.arpa.gz "$CONTEXT"
cp "$OUT" big.next.ref
{ cat big.arpa.gz; printf 'trailing garbage'; } >garbage.arpa.gz
harmless "ARPA: a .gz followed by garbage" garbage.arpa.gz big.
rm -f big.arpa big.arpa.gz

finish
