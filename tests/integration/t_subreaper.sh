#!/bin/bash
# Not PID 1 (no PID namespace): stepdown makes itself a child subreaper, so
# orphans of the workload are reparented to it and reaped; when the workload
# ends, leftovers get TERM, the grace period, then KILL, and stepdown exits
# with the workload's status only once none is left. Processes of the same
# uid that do not descend from stepdown are never touched.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture

# in_mnt CMD...: like in_ns, but a private mount namespace only: CMD (exec'd,
# by the shell) is not PID 1. A timeout guards against a hang.
in_mnt() {
  timeout 40 unshare -m -- /bin/sh -c '
    mount --bind "$0/etc/passwd" /etc/passwd &&
    mount --bind "$0/etc/group" /etc/group &&
    exec "$@"' "$T" "$@"
}

now() { date +%s.%N; }
# elapsed_ge START END SECONDS: END - START >= SECONDS
elapsed_ge() { awk -v a="$1" -v b="$2" -v s="$3" 'BEGIN { exit !(b - a >= s) }'; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# Every process started below carries IT_MARK=$T in its environment (stepdown
# passes the environment on), so leftovers can be found from the host
# without confusing them with other tests' processes.
leftovers() {
  local e p out=
  for e in /proc/[0-9]*/environ; do
    p=${e#/proc/}; p=${p%/environ}
    [ "$p" = "$$" ] || [ "$p" = "$BASHPID" ] && continue
    if { tr '\0' '\n' < "$e"; } 2>/dev/null | grep -qxF "IT_MARK=$T"; then
      out="$out $p($({ tr '\0' ' ' < "/proc/$p/cmdline"; } 2>/dev/null))"
    fi
  done
  printf '%s' "${out# }"
}
# On failure, take down whatever the run left behind.
kill_marked() {
  local p
  for p in $(leftovers | grep -oE '(^| )[0-9]+\(' | tr -d '( '); do kill -KILL "$p" 2>/dev/null; done
}

# Workload: $1 out dir, $2 orphan's script. Records stepdown's pid (its own
# parent), starts the orphan from a subshell that exits at once, then records
# the orphan's pid and its parent after the reparenting, and exits 5 once the
# orphan has said it is ready (touched orphan_ready).
cat > "$T/workload.sh" <<'EOF'
out=$1
echo "$PPID" > "$out/stepdown_pid"
( sh -c "$2" & echo $! > "$out/orphan_pid" )
orphan=$(cat "$out/orphan_pid")
# Do not end before the orphan has set its traps.
i=0; while [ ! -e "$out/orphan_ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
read -r line < "/proc/$orphan/stat"; rest=${line##*)}; set -- $rest
echo "$2" > "$out/orphan_ppid"
exit 5
EOF
chmod 0644 "$T/workload.sh"

# An unrelated process of the same uid, not descended from stepdown.
setpriv --reuid 1000 --regid 1000 --clear-groups sleep 900 &
bystander=$!
trap 'kill $bystander 2>/dev/null; kill_marked; rm -rf "$T"' EXIT

run_case() { # NAME GRACE ORPHAN_SCRIPT: sets rc, t0, t1, spid
  rm -f "$T/out"/*
  t0=$(now)
  IT_MARK=$T in_mnt "$STEPDOWN" -q -u app --grace "$2" -- /bin/sh "$T/workload.sh" "$T/out" "$3" &
  spid=$!
  wait $spid
  rc=$?
  t1=$(now)
}

check_common() { # NAME
  expect_eq "$1: exit status is the workload's" 5 "$rc"
  local sd orphan ppid
  sd=$(cat "$T/out/stepdown_pid" 2>/dev/null)
  orphan=$(cat "$T/out/orphan_pid" 2>/dev/null)
  ppid=$(cat "$T/out/orphan_ppid" 2>/dev/null)
  expect_match "$1: the workload recorded stepdown's pid" '^[0-9]+$' "$sd"
  expect_match "$1: the workload recorded the orphan's pid" '^[0-9]+$' "$orphan"
  [ "$sd" != 1 ] || fail "$1: stepdown was PID 1; this test needs it not to be"
  expect_eq "$1: the orphan was reparented to stepdown (subreaper)" "$sd" "$ppid"
  if [ -n "$orphan" ] && [ -d "/proc/$orphan" ]; then
    fail "$1: the orphan $orphan is still there after stepdown returned: $(tr '\0' ' ' < "/proc/$orphan/cmdline")"
  else
    pass "$1: the orphan's pid is gone after stepdown returned"
  fi
  expect_eq "$1: no process of the run is left" "" "$(leftovers)"
  if kill -0 "$bystander" 2>/dev/null && [ "$(awk '{print $3}' /proc/$bystander/stat)" != Z ]; then
    pass "$1: an unrelated uid 1000 process is untouched"
  else
    fail "$1: the unrelated uid 1000 process $bystander was killed"
  fi
}

# 1. The orphan ignores TERM but finishes in 2 s: --grace 10 waits for it.
run_case "grace 10" 10 "trap '' TERM; touch $T/out/orphan_ready; sleep 2; echo done > $T/out/done"
check_common "grace 10"
expect_eq "grace 10: the orphan ran to completion" "done" "$(cat "$T/out/done" 2>/dev/null)"
if elapsed_ge "$t0" "$t1" 2; then pass "grace 10: stepdown waited for the orphan ($(elapsed "$t0" "$t1") s)"
else fail "grace 10: stepdown returned after $(elapsed "$t0" "$t1") s, before the orphan's 2 s"; fi
if elapsed_ge "$t0" "$t1" 9; then fail "grace 10: took $(elapsed "$t0" "$t1") s; it should end when the orphan does"
else pass "grace 10: stepdown returned as soon as the orphan ended"; fi

# 2. A plain orphan gets TERM when the workload ends, and dies of it at once.
run_case "TERM" 10 "touch $T/out/orphan_ready; sleep 3; echo done > $T/out/done"
check_common "TERM"
expect_eq "TERM: the orphan was terminated before writing" absent "$( [ -e "$T/out/done" ] && echo present || echo absent)"
if elapsed_ge "$t0" "$t1" 2.5; then fail "TERM: took $(elapsed "$t0" "$t1") s; the orphan should have died of TERM"
else pass "TERM: the orphan was terminated at once ($(elapsed "$t0" "$t1") s)"; fi

# 3. An orphan that ignores TERM for 30 s: --grace 1, then KILL.
run_case "grace 1" 1 "trap '' TERM; touch $T/out/orphan_ready; sleep 30; echo done > $T/out/done"
check_common "grace 1"
expect_eq "grace 1: the orphan was killed before writing" absent "$( [ -e "$T/out/done" ] && echo present || echo absent)"
if elapsed_ge "$t0" "$t1" 0.9 && ! elapsed_ge "$t0" "$t1" 5; then
  pass "grace 1: stepdown returned after the grace period ($(elapsed "$t0" "$t1") s)"
else
  fail "grace 1: stepdown returned after $(elapsed "$t0" "$t1") s, expected 1 to 5 s"
fi

# 4. A runtime that refuses PR_SET_CHILD_SUBREAPER (seccomp): stepdown says
# so once, with what it means, and runs the workload all the same.
: "${DENY_SYSCALL:?DENY_SYSCALL must point at the test helper}"
IT_MARK=$T in_mnt "$DENY_SYSCALL" subreaper EPERM "$STEPDOWN" -u app -- sh -c 'exit 6' 2>"$T/err"
expect_eq "subreaper refused: the workload ran, its status passed on" 6 "$?"
expect_eq "subreaper refused: one warning" 1 "$(grep -c "cannot become a child subreaper (Operation not permitted)" "$T/err")"
expect_match "  saying what it means" "orphans of the workload go to the real PID 1" "$(cat "$T/err")"
IT_MARK=$T in_mnt "$STEPDOWN" -u app -- true 2>"$T/err"
expect_eq "subreaper allowed: no warning" 0 "$(grep -c subreaper "$T/err")"

kill "$bystander" 2>/dev/null
wait "$bystander" 2>/dev/null
finish
