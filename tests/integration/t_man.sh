#!/bin/bash
# The man page is lint-clean and documents every option --help lists, and
# every row of the option table (LIST_OPTIONS prints it): the option has an
# entry in OPTIONS, and its STEPDOWN_* twin one in ENVIRONMENT that names it;
# ENVIRONMENT describes no other STEPDOWN_* variable.
. "$(dirname "$0")/lib.sh"
command -v mandoc >/dev/null || skip "needs mandoc (tests/run installs it)"
: "${LIST_OPTIONS:?LIST_OPTIONS must point at tests/integration/list_options}"
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

# One section of the page, tabs expanded, without its heading.
section() {
  mandoc -Tutf8 "$page" | col -bx | awk -v s="$1" '$0 == s { on = 1; next } on && /^[A-Z]/ { exit } on'
}
options=$(section OPTIONS)
environment=$(section ENVIRONMENT)
# The first line of VAR's entry in ENVIRONMENT, without VAR.
env_entry() {
  printf '%s\n' "$environment" | awk -v v="$1" '
    found { sub(/^ +/, ""); print; exit }
    $1 == v { if (NF > 1) { sub(/^ +[^ ]+ +/, ""); print; exit } found = 1 }'
}

rows=$("$LIST_OPTIONS") || fail "list_options failed"
expect_match "the option table has rows" '^--' "$rows"
while read -r long short env; do
  if [ "$short" = - ]; then item=$long; names=$long; else item="$short, $long"; names="$short|$long"; fi
  printf '%s\n' "$options" | grep -qE -- "^     $item( |\\[|\$)" &&
    pass "OPTIONS has an entry for $item" || fail "OPTIONS has no entry '$item' in the man page"
  [ "$env" = - ] && continue
  entry=$(env_entry "$env")
  if [ -z "$entry" ]; then
    fail "ENVIRONMENT has no entry for $env, the twin of $long"
  else
    expect_match "ENVIRONMENT: $env stands for $long" "^($names)[.,:]" "$entry"
  fi
done <<< "$rows"
# And the other way: each variable ENVIRONMENT describes is one stepdown reads.
for var in $(printf '%s\n' "$environment" | grep -oE '^     STEPDOWN_[A-Z_]+'); do
  printf '%s\n' "$rows" | awk -v v="$var" '$3 == v { found = 1 } END { exit !found }' &&
    pass "$var is the twin of an option" || fail "the man page describes $var, which no option has as its twin"
done
finish
