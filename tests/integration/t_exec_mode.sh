#!/bin/bash
# --exec (and STEPDOWN_EXEC): no supervision. stepdown drops privileges and
# replaces itself with the workload, which is then PID 1 itself, as the
# target user for good, and whose exit status is the container's.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture

# in_ns under a timeout, in case a run hangs.
in_ns_t() { timeout 20 bash -c "$(declare -f in_ns); T='$T'; in_ns \"\$@\"" _ "$@"; }

# The workload, as PID 1: its own pid from $$ and from /proc/<$$>/stat (read
# by the shell's builtin, so it is the workload's own), its status, exit 42.
snap='echo "$$" > "$0/dollar"
      read -r line < "/proc/$$/stat"; echo "${line%% *}" > "$0/statpid"
      cat "/proc/$$/status" > "$0/work.status"
      exit 42'

check_exec() { # WHAT RC
  expect_eq "$1: exit status is the workload's" 42 "$2"
  expect_eq "$1: the workload is PID 1 (\$\$)" 1 "$(cat "$T/out/dollar" 2>/dev/null)"
  expect_eq "$1: the workload is PID 1 (/proc/<pid>/stat)" 1 "$(cat "$T/out/statpid" 2>/dev/null)"
  local f="$T/out/work.status"
  expect_eq "$1: Name of PID 1 is the workload's" sh "$(status_field "$f" Name)"
  expect_eq "$1: Uid (real, effective, saved, fs)" "1000 1000 1000 1000" "$(status_field "$f" Uid | tr -s '\t ' ' ')"
  expect_eq "$1: Gid (real, effective, saved, fs)" "1000 1000 1000 1000" "$(status_field "$f" Gid | tr -s '\t ' ' ')"
  expect_eq "$1: Groups" "29 44 1000" "$(status_field "$f" Groups | xargs)"
  expect_eq "$1: CapEff" 0000000000000000 "$(status_field "$f" CapEff)"
  expect_eq "$1: CapBnd" 0000000000000000 "$(status_field "$f" CapBnd)"
  expect_eq "$1: NoNewPrivs" 1 "$(status_field "$f" NoNewPrivs)"
}

in_ns_t "$STEPDOWN" --exec -u app -- /bin/sh -c "$snap" "$T/out"
check_exec "--exec" "$?"
rm -f "$T/out"/*

STEPDOWN_EXEC=1 in_ns_t "$STEPDOWN" -u app -- /bin/sh -c "$snap" "$T/out"
check_exec "STEPDOWN_EXEC=1" "$?"
rm -f "$T/out"/*

# Command not found: 127, and the message names it.
for how in option env; do
  if [ $how = option ]; then
    err=$(in_ns_t "$STEPDOWN" --exec -u app -- stepdown-no-such-command-xyz 2>&1 >/dev/null)
  else
    err=$(STEPDOWN_EXEC=1 in_ns_t "$STEPDOWN" -u app -- stepdown-no-such-command-xyz 2>&1 >/dev/null)
  fi
  expect_eq "$how: missing command exits 127" 127 "$?"
  expect_match "$how: the message names the missing command" 'stepdown-no-such-command-xyz' "$err"
done

# A file that is there but not executable: 126.
printf '#!/bin/sh\ntouch "%s"\n' "$T/out/ran" > "$T/notexec"
chmod 0644 "$T/notexec"
for how in option env; do
  if [ $how = option ]; then
    err=$(in_ns_t "$STEPDOWN" --exec -u app -- "$T/notexec" 2>&1 >/dev/null)
  else
    err=$(STEPDOWN_EXEC=1 in_ns_t "$STEPDOWN" -u app -- "$T/notexec" 2>&1 >/dev/null)
  fi
  expect_eq "$how: non-executable command exits 126" 126 "$?"
  expect_match "$how: the message names the non-executable command" "$T/notexec" "$err"
  expect_eq "$how: the non-executable file did not run" absent "$([ -e "$T/out/ran" ] && echo present || echo absent)"
done
finish
