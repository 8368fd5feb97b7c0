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
      echo "$HOME|$USER|$LOGNAME|$(env | grep -c ^STEPDOWN_)" > "$0/env"; pwd > "$0/cwd"
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
  expect_eq "$1: HOME/USER/LOGNAME set, no STEPDOWN_* left" "/home/app|app|app|0" "$(cat "$T/out/env" 2>/dev/null)"
  expect_eq "$1: the workload keeps the starting directory" "$T/home" "$(cat "$T/out/cwd" 2>/dev/null)"
}

# Starts what follows with SIGHUP and SIGUSR1 ignored (kept across exec).
ignoring=(/bin/sh -c 'trap "" HUP USR1; exec "$0" "$@"')

(cd "$T/home" && in_ns_t "${ignoring[@]}" "$STEPDOWN" --exec -u app -- /bin/sh -c "$snap" "$T/out")
check_exec "--exec" "$?"
rm -f "$T/out"/*

(cd "$T/home" && STEPDOWN_EXEC=1 in_ns_t "${ignoring[@]}" "$STEPDOWN" -u app -- /bin/sh -c "$snap" "$T/out")
check_exec "STEPDOWN_EXEC=1" "$?"
rm -f "$T/out"/*

# The signal mask and ignored signals are the ones stepdown was started
# with, not stepdown's own blocked set. Read by cat from its own status (a
# shell reading its status through a child would see the mask it sets while
# waiting), compared with cat started the same way without stepdown.
sigs() { awk '/^Sig(Blk|Ign):/ { print $2 }' | xargs; }
base=$(in_ns_t "${ignoring[@]}" /bin/cat /proc/self/status | sigs)
read -r _ base_ign <<< "$base"
if [ -n "$base_ign" ] && (( (0x$base_ign & 0x201) == 0x201 )); then
  pass "baseline: HUP and USR1 ignored at the start ($base)"
else
  fail "baseline: could not start with HUP and USR1 ignored: [$base]"
fi
expect_eq "--exec: SigBlk SigIgn as stepdown was started" "$base" \
  "$(in_ns_t "${ignoring[@]}" "$STEPDOWN" --exec -u app -- /bin/cat /proc/self/status | sigs)"
expect_eq "STEPDOWN_EXEC=1: SigBlk SigIgn as stepdown was started" "$base" \
  "$(STEPDOWN_EXEC=1 in_ns_t "${ignoring[@]}" "$STEPDOWN" -u app -- /bin/cat /proc/self/status | sigs)"

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
