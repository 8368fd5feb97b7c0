#!/bin/bash
# The man page is lint-clean and documents every option --help lists.
. "$(dirname "$0")/lib.sh"
command -v mandoc >/dev/null || skip "needs mandoc (tests/run installs it)"
page="$TEST_SRC/man/stepdown.1"

lint=$(mandoc -Tlint -W warning "$page" 2>&1); rc=$?
expect_eq "mandoc -Tlint -W warning is clean" "0:" "$rc:$lint"

text=$(mandoc -Tutf8 "$page" | col -b)
for sec in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT "EXIT STATUS" EXAMPLES "SECURITY CONSIDERATIONS" "SEE ALSO"; do
  printf '%s\n' "$text" | grep -qx "$sec" && pass "section $sec" || fail "section $sec missing"
done
for opt in $("$STEPDOWN" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
  printf '%s\n' "$text" | grep -qF -- "$opt" && pass "man page documents $opt" || fail "$opt missing from the man page"
done
for var in $(grep -oE 'STEPDOWN_[A-Z_]+' "$TEST_SRC/src/config.c" | sort -u); do
  printf '%s\n' "$text" | grep -qF -- "$var" && pass "man page documents $var" || fail "$var missing from the man page"
done
finish
