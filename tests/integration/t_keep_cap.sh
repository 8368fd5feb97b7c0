#!/bin/bash
# --keep-cap NET_BIND_SERVICE: the non-root workload binds port 80 on
# loopback in a new network namespace, and holds that one capability and
# nothing else (ambient, bounding, permitted, effective, inheritable).
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
# Debian's python3, readable by the unprivileged workload (not a per-user install).
PY=/usr/bin/python3
[ -x "$PY" ] || skip "needs Debian's python3 for the bind test (tests/run installs it)"
unshare -n true 2>/dev/null || skip "cannot create a network namespace here"

bind80='import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", 80)); s.listen(1); print("bound")
except OSError as e:
    print("refused", e.errno)'
snap='cat /proc/self/status > "$0/work.status"; cat /proc/1/status > "$0/pid1.status"; exec "$1" -c "$2"'

out=$(UNSHARE_FLAGS=-n in_ns /bin/sh -c 'ip link set lo up && exec "$@"' sh \
      "$STEPDOWN" -u app --keep-cap NET_BIND_SERVICE -- /bin/sh -c "$snap" "$T/out" "$PY" "$bind80")
expect_eq "bind to port 80 as uid 1000 with NET_BIND_SERVICE kept" bound "$out"
expect_eq "workload uid" "1000 1000 1000 1000" "$(status_field "$T/out/work.status" Uid | tr -s '\t ' ' ')"
for cap in CapInh CapPrm CapEff CapBnd CapAmb; do
  expect_eq "workload $cap holds only NET_BIND_SERVICE" 0000000000000400 "$(status_field "$T/out/work.status" $cap)"
done
# PID 1 keeps the same single capability (it never re-gains anything).
expect_eq "PID 1 CapBnd" 0000000000000400 "$(status_field "$T/out/pid1.status" CapBnd)"
expect_eq "PID 1 Uid" "1000 1000 1000 1000" "$(status_field "$T/out/pid1.status" Uid | tr -s '\t ' ' ')"

# Without --keep-cap the same bind is refused (EACCES = 13).
out=$(UNSHARE_FLAGS=-n in_ns /bin/sh -c 'ip link set lo up && exec "$@"' sh \
      "$STEPDOWN" -u app -- "$PY" -c "$bind80")
expect_eq "bind to port 80 refused without --keep-cap" "refused 13" "$out"

# The environment twin, two capabilities, CAP_ prefix and lower case.
rm -f "$T/out"/*
STEPDOWN_KEEP_CAPS=cap_net_bind_service,KILL in_ns "$STEPDOWN" -u app -- \
  /bin/sh -c 'cat /proc/self/status > "$0/work.status"' "$T/out"
expect_eq "STEPDOWN_KEEP_CAPS=cap_net_bind_service,KILL (bits 10 and 5)" 0000000000000420 \
  "$(status_field "$T/out/work.status" CapAmb)"
finish
