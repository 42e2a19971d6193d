# Compares two ARPA files, a reference and a candidate:
#
#   awk -v tol=1e-5 [-v max=10] -f arpa_compare.awk REFERENCE CANDIDATE
#
# Both must have the same "ngram N=count" header lines and the same set of
# n-grams; every log10 p and every backoff (a missing backoff is 0) must agree
# within tol (absolute). Lines before \data\ (lm's '# lm ...' comments) are
# ignored; fields may be separated by tabs or spaces (an n-gram is keyed by its
# words joined with single spaces). A section line has log10p, n words and an
# optional backoff. Prints the first `max` differences, then a line
# "N difference(s)"; exits 1 if there is any difference or a file is not a
# well-formed ARPA file, 0 (printing nothing) if they agree.

function problem(msg) {
  problems++
  if (problems <= max) print msg
}

function abs(x) { return x < 0 ? -x : x }

# Two numbers as written: equal strings agree (-99, -inf), else within tol.
function far(a, b) {
  if (a == b) return 0
  return abs((a + 0) - (b + 0)) > tol
}

BEGIN {
  if (tol == "") tol = 1e-5
  if (max == "") max = 10
  problems = 0
  if (ARGC != 3) { print "usage: awk -v tol=T -f arpa_compare.awk REFERENCE CANDIDATE"; bad_usage = 1; exit 2 }
  name[1] = "reference"; name[2] = "candidate"
}

# The file being read: 1 or 2 (by name, so that an empty reference is not
# taken for the candidate; by order when both arguments are the same file).
FNR == 1 { f = (!files_seen && FILENAME == ARGV[1]) ? 1 : 2; files_seen++; state = "head"; sec = 0 }

state == "head" {
  if ($0 == "\\data\\") { state = "data"; seen_data[f] = 1 }
  next
}

state == "data" {
  if ($1 == "ngram" && NF == 2 && $2 ~ /^[0-9]+=[0-9]+$/) {
    split($2, kv, "=")
    header[f, kv[1] + 0] = kv[2] + 0
    if (kv[1] + 0 > maxorder) maxorder = kv[1] + 0
    next
  }
  if (NF == 0) next
  if ($0 ~ /^\\[0-9]+-grams:$/) { state = "grams"; sec = substr($0, 2) + 0; next }
  problem(name[f] " line " FNR ": unexpected line in the header: " $0)
  next
}

state == "grams" {
  if (NF == 0) next
  if (substr($0, 1, 1) == "\\") {
    if ($0 ~ /^\\[0-9]+-grams:$/) { sec = substr($0, 2) + 0; next }
    if ($0 == "\\end\\") { state = "end"; seen_end[f] = 1; next }
  }
  if (NF != sec + 1 && NF != sec + 2) {
    problem(name[f] " line " FNR ": " NF " fields in a " sec "-gram line: " $0)
    next
  }
  # The key is the words alone: their number gives the order. One array entry
  # per reference n-gram, removed when the candidate has it (mawk is slow with
  # several large arrays).
  key = $2
  for (i = 3; i <= sec + 1; i++) key = key " " $i
  bo = (NF == sec + 2) ? $NF : "0"
  entries[f * 1000 + sec]++
  if (f == 1) {
    if (key in ref) { problem("reference: repeated " sec "-gram '" key "'"); next }
    ref[key] = $1 " " bo
  } else {
    if (!(key in ref)) { problem("candidate has an extra (or repeated) " sec "-gram '" key "'"); next }
    split(ref[key], r, " ")
    delete ref[key]
    if (far(r[1], $1)) problem(sec "-gram '" key "': log10 p " $1 ", reference " r[1])
    if (far(r[2], bo)) problem(sec "-gram '" key "': backoff " bo ", reference " r[2])
  }
  next
}

state == "end" {
  if (NF > 0) problem(name[f] " line " FNR ": text after \\end\\: " $0)
}

END {
  if (bad_usage) exit 2
  for (f = 1; f <= 2; f++) {
    if (!seen_data[f]) problem(name[f] ": no \\data\\ line")
    else if (!seen_end[f]) problem(name[f] ": no \\end\\ line")
  }
  if (maxorder == 0) problem("no 'ngram N=count' lines")
  for (n = 1; n <= maxorder; n++) {
    if (header[1, n] != header[2, n])
      problem("ngram " n "=: candidate " (header[2, n] + 0) ", reference " (header[1, n] + 0))
    for (f = 1; f <= 2; f++)
      if (entries[f * 1000 + n] + 0 != header[f, n] + 0)
        problem(name[f] ": header says ngram " n "=" (header[f, n] + 0) " but the section has " (entries[f * 1000 + n] + 0))
  }
  # What is left of the reference: n-grams the candidate lacks.
  missing = 0
  for (k in ref) {
    missing++
    if (missing <= 3) problem("candidate lacks the " split(k, parts, " ") "-gram '" k "'")
    else problems++
  }
  if (problems > 0) { print problems " difference(s)"; exit 1 }
  exit 0
}
