#!/bin/bash
# stepdown as PID 1 exits with the workload's status: every code 0..255,
# 128+N for death by signal N, 125 for its own failures, 126 and 127 for a
# command that cannot run.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture

# All 256 exit codes, in one PID namespace each.
bad=""
for code in $(seq 0 255); do
  in_ns "$STEPDOWN" -q -u app -- /bin/sh -c "exit $code"
  got=$?
  [ "$got" = "$code" ] || bad="$bad $code->$got"
done
expect_eq "exit codes 0..255 passed through" "" "$bad"

# Death by signal: 128 + N.
for sig in HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM XCPU SYS; do
  n=$(kill -l "$sig")
  in_ns "$STEPDOWN" -q -u app -- /bin/sh -c "kill -s $sig \$\$; sleep 5" 2>/dev/null
  expect_eq "killed by SIG$sig" $((128 + n)) "$?"
done

# 127: not found, on PATH or by path; 126: found but not executable.
printf '#!/bin/sh\necho hi\n' > "$T/noexec"; chmod 0644 "$T/noexec"
mkdir -p "$T/adir"
run() { in_ns "$STEPDOWN" -u app -- "$@" 2>"$T/err"; echo $?; }
expect_eq "command not on PATH" 127 "$(run no-such-command-here)"
expect_match "  says which" "stepdown: error: cannot run 'no-such-command-here': No such file" "$(cat "$T/err")"
expect_eq "absolute path that does not exist" 127 "$(run /nonexistent/bin/x)"
expect_eq "file without the execute bit" 126 "$(run "$T/noexec")"
expect_match "  says why" "Permission denied" "$(cat "$T/err")"
expect_eq "a directory" 126 "$(run "$T/adir")"
printf '#!/nonexistent/interpreter\n' > "$T/badinterp"; chmod 0755 "$T/badinterp"
expect_eq "found, but its #! interpreter is missing" 126 "$(run "$T/badinterp")"
expect_match "  says so" "its #! interpreter or ELF loader does not" "$(cat "$T/err")"
printf 'exit 9\n' > "$T/noshebang"; chmod 0755 "$T/noshebang"
expect_eq "a script without #! runs with /bin/sh" 9 "$(run "$T/noshebang")"
# Executable by root but not by the target user: checked as the user.
printf '#!/bin/sh\nexit 0\n' > "$T/rootonly"; chmod 0700 "$T/rootonly"
expect_eq "executable only by root" 126 "$(run "$T/rootonly")"

# 125: stepdown's own failures, and the workload never runs.
expect_eq "unknown user" 125 "$(in_ns "$STEPDOWN" -u nosuch -- touch "$T/out/ran" 2>/dev/null; echo $?)"
expect_eq "target uid 0" 125 "$(in_ns "$STEPDOWN" -u root -- touch "$T/out/ran" 2>/dev/null; echo $?)"
expect_eq "bad option" 125 "$(in_ns "$STEPDOWN" --bogus -u app -- touch "$T/out/ran" 2>/dev/null; echo $?)"
[ ! -e "$T/out/ran" ] && pass "125: the workload never ran" || fail "the workload ran after a 125"
finish
