#!/bin/bash
# The release binary under valgrind's memcheck: no error in any of its
# processes (the supervisor and the child up to its exec), in the ways it is
# started: plain, as PID 1 with a walk, as a subreaper, --exec, --dry-run.
# Every process writes its own log (-q: errors only), so any line in any log
# is a failure; the workload itself runs natively (no --trace-children).
# Landlock is left out: valgrind 3.19 does not know its syscalls (ENOSYS),
# which t_confine_fallback covers; nor openat2, so the walk here takes its
# path for kernels without it.
. "$TEST_SRC/tests/integration/lib.sh"
require_root
command -v valgrind >/dev/null || skip "needs valgrind (tests/run installs it)"
make_fixture

n=0
# vg WHAT EXPECTED-STATUS STEPDOWN-ARGS...: run under memcheck in a fresh
# PID namespace, as PID 1 unless UNDER is set (then a shell is PID 1); with
# PLAIN set, on the host as it is, the way a user would first try it.
vg() {
  local what=$1 want=$2; shift 2
  n=$((n + 1))
  local logs="$T/vg$n" rc=0
  mkdir -m 1777 "$logs" # the processes after the drop write theirs too
  local vgcmd=(valgrind -q --vgdb=no --error-exitcode=99 "--log-file=$logs/%p" "$STEPDOWN" "$@")
  if [ -n "${PLAIN:-}" ]; then
    "${vgcmd[@]}" >"$logs.out" 2>&1 || rc=$?
  elif [ -n "${UNDER:-}" ]; then
    in_ns /bin/sh -c '"$@"; echo "status $?" > "'"$logs"'.status"' sh "${vgcmd[@]}" >"$logs.out" 2>&1 || true
    rc=$(sed -n 's/^status //p' "$logs.status" 2>/dev/null)
  else
    in_ns "${vgcmd[@]}" >"$logs.out" 2>&1 || rc=$?
  fi
  expect_eq "$what: exit status" "$want" "$rc"
  [ "$rc" = "$want" ] || sed 's/^/  | /' "$logs.out"
  local count errors
  count=$(find "$logs" -type f | wc -l)
  # Lines of memcheck's own (==PID==) or valgrind's failures count; its
  # --PID-- notes (a syscall it does not know, such as openat2 in 3.19,
  # which the code then meets as ENOSYS) do not.
  errors=$(cat "$logs"/* 2>/dev/null | grep -Ev '^--[0-9]+-- ' || true)
  if [ "$count" -ge 1 ] && [ -z "$errors" ]; then
    pass "$what: memcheck clean in $count process(es)"
  else
    fail "$what: memcheck (logs: $count): $errors"
  fi
}

PLAIN=1 vg "--user nobody -- ls / (on the host)" 0 --user nobody -- ls /
mkdir -p "$T/out/cache/a/b" "$T/out/models"
touch "$T/out/cache/a/b/f1" "$T/out/cache/a/f2" "$T/out/models/m"
vg "PID 1, walk, workload status" 3 --user app --writable "$T/out/cache" \
  --writable "$T/out/models" --jobs 2 -- /bin/sh -c 'test -O "$0/cache/a/b/f1" && exit 3' "$T/out"
expect_eq "the walk re-owned the tree" "1000" "$(stat -c %u "$T/out/cache/a/b/f1")"
vg "--remap-exit, --term-delay, --grace" 0 --user app --remap-exit 143 --term-delay 1 \
  --grace 1 -- /bin/sh -c 'kill -TERM $$'
vg "--exec" 7 --exec --user app -- /bin/sh -c 'exit 7'
vg "--dry-run" 0 --dry-run --user app --writable "$T/out/new" -- /bin/true
UNDER=1 vg "subreaper (not PID 1)" 5 --user app -- /bin/sh -c 'exit 5'
vg "bad input refused" 125 --user app --remap-exit 300 -- /bin/true
finish
