#!/bin/bash
# A file name may hold any byte but '/' and NUL. One with a newline,
# "stepdown: error: forged" and terminal escape sequences in it, named in
# stepdown's messages, must not forge a log line nor reach the terminal raw:
# control bytes come out escaped (\n, \xHH) on stderr and in the dry-run plan.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
export NS_TIMEOUT=30

ESC=$'\033'
evil="a"$'\n'"stepdown: error: forged ${ESC}[2J${ESC}]0;title"$'\a'"z"
escaped='a\\nstepdown: error: forged \\x1b\[2J\\x1b\]0;title\\x07z'

# check WHAT FILE: no forged line, no raw ESC or BEL, the name escaped.
check_output() {
  local what=$1 file=$2
  expect_eq "$what: no line starts with 'stepdown: error: forged'" 0 \
    "$(grep -c '^stepdown: error: forged' "$file")"
  expect_eq "$what: no raw ESC or BEL byte" 0 "$(grep -c $'[\033\a]' "$file")"
  expect_match "$what: the name is there, escaped" "$escaped" "$(cat "$file")"
}

# Carrier 1: the classic hard link to a file outside, under the hostile
# name; the walk leaves it alone and names it in a warning.
W=$T/w
O=$T/outside
mkdir -p "$W/sub" "$O"
echo secret > "$O/file"
ln "$O/file" "$W/sub/$evil"
chown -R 0:0 "$W" "$O"
in_ns "$STEPDOWN" -u app -w "$W" -- true 2>"$T/err1"
expect_eq "hard link: exit 0" 0 "$?"
expect_match "hard link: reported" "hard link" "$(cat "$T/err1")"
check_output "hard link warning" "$T/err1"
expect_eq "hard link: the outside file untouched" 0:0 "$(stat -c %u:%g "$O/file")"

# Carrier 2: the hostile name is a symlink in a declared path, which is an
# error that names the path.
mkdir -p "$T/real"
ln -s real "$T/$evil"
in_ns "$STEPDOWN" -u app -w "$T/$evil/x" -- touch "$T/out/ran" 2>"$T/err2"
expect_eq "symlink component: exit 125" 125 "$?"
expect_eq "symlink component: nothing ran" absent "$([ -e "$T/out/ran" ] && echo present || echo absent)"
expect_match "symlink component: one error line names it" \
  "^stepdown: error: .*$escaped.*symlink" "$(grep '^stepdown: error:' "$T/err2")"
expect_eq "symlink component: stderr is one line" 1 "$(wc -l < "$T/err2")"
check_output "symlink error" "$T/err2"
expect_eq "symlink component: its target gained nothing" absent \
  "$([ -e "$T/real/x" ] && echo present || echo absent)"

# Carrier 3: the dry-run plan on stdout names the declared dir and the command.
in_ns "$STEPDOWN" --dry-run -u app -w "$T/w/$evil" -- "$evil" >"$T/plan" 2>"$T/err3"
expect_eq "dry run: exit 0" 0 "$?"
check_output "dry-run plan" "$T/plan"
expect_eq "dry run: no forged line on stderr either" 0 "$(grep -c '^stepdown: error: forged' "$T/err3")"
finish
