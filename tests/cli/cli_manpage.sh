#!/usr/bin/env bash
# docs/lm.1 and the commands' --help agree: every option a subcommand's help
# lists is described in its section of the manual, and every option the
# manual describes there exists. The exit statuses are documented.
. "$(dirname "$0")/lib.bash"

MAN="$LM_DATA/../docs/lm.1"
need_file "$MAN"

# section NAME : the lines of the manual from '.SS "lm NAME' (or '.SH NAME') to the next heading.
section() {
  awk -v name="$1" '
    /^\.S[SH] / { on = (index($0, ".SS \"lm " name " ") == 1 || $0 == ".SH " name) ; next }
    on' "$MAN"
}
# help_options SUB : the option names its --help lists (-x and --xyz), not -h/--help.
help_options() {
  "$LM" "$@" --help | grep -E '^  -' | grep -oE -- '(^|[ ,])--?[A-Za-z][A-Za-z-]*' | tr -d ' ,' |
    grep -vxE -- '-h|--help' | sort -u
}
# man_options SUB : the option names in the .TP headers of its section.
man_options() {
  section "$1" | awk 'prev == ".TP" { print } { prev = $0 }' | sed 's/\\-/-/g' |
    grep -oE -- '(^|[ "])--?[A-Za-z][A-Za-z-]*' | tr -d ' "' | sort -u
}

for sub in train score next info convert mix generate prune tokenize; do
  missing=$(comm -23 <(help_options "$sub") <(man_options "$sub") | tr '\n' ' ')
  check_eq "$missing" "" "docs/lm.1 describes every option of lm $sub --help"
  extra=$(comm -13 <(help_options "$sub") <(man_options "$sub") | tr '\n' ' ')
  check_eq "$extra" "" "every option docs/lm.1 describes for lm $sub exists"
done
missing=$(comm -23 <(help_options) <(man_options "GLOBAL OPTIONS") | tr '\n' ' ')
check_eq "$missing" "" "docs/lm.1 describes every top-level option"
for sub in train score next info convert mix generate prune tokenize completion; do
  check_true "docs/lm.1 has a section for lm $sub" "no '.SS \"lm $sub' heading" grep -q "^\.SS \"lm $sub" "$MAN"
done
for status in 0 1 2 3 128+N; do
  check_true "docs/lm.1 documents exit status $status" "" bash -c "section() { :; }; awk '/^\\.SH EXIT STATUS/{on=1;next} /^\\.SH/{on=0} on' \"$MAN\" | grep -qx '.B $status'"
done
check_contains "$MAN" "lm $( "$LM" --version | cut -d' ' -f2)" "docs/lm.1 names this version of lm"
if command -v groff >/dev/null 2>&1; then
  check_true "docs/lm.1 formats without warnings (groff -ww)" "$(groff -man -Tutf8 -ww -z "$MAN" 2>&1 | head -3)" \
    bash -c '[ -z "$(groff -man -Tutf8 -ww -z "$1" 2>&1)" ]' _ "$MAN"
else
  echo "note: groff is not installed; docs/lm.1 is checked against --help but not formatted"
fi
finish
