#!/bin/bash
# Signals sent to PID 1 reach the workload (TERM INT HUP USR1 USR2 QUIT),
# its whole process group with --signal-group, rewritten with --rewrite;
# and the workload starts with the signal mask and ignored signals stepdown
# was started with.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
env --default-signal=INT true 2>/dev/null || skip "needs coreutils env --default-signal"

# The workload records each signal it gets in $0/got; a background member
# of its process group records in $0/got.child.
workload='rec() { trap "echo $2 >> $1" $2; }
  for s in TERM INT HUP USR1 USR2 QUIT; do rec "$0/got" $s; done
  if [ "$1" = group ]; then
    # A background job of a script starts with INT and QUIT ignored, and a
    # shell cannot trap what it started ignoring: restore the defaults.
    env --default-signal=INT,QUIT /bin/sh -c '"'"'
      rec() { trap "echo $2 >> $1" $2; }
      for s in TERM INT HUP USR1 USR2 QUIT; do rec "$0/got.child" $s; done
      touch "$0/child.ready"; while [ ! -e "$0/stop" ]; do sleep 0.05; done'"'"' "$0" &
    while [ ! -e "$0/child.ready" ]; do sleep 0.05; done
  fi
  touch "$0/ready"
  while [ ! -e "$0/stop" ]; do sleep 0.05; done
  exit 0'

# start ARGS...: stepdown as PID 1 in the background; sets PID1 (host pid).
start() {
  rm -rf "$T/out"; mkdir -m 0777 "$T/out"
  # A background job of a script ignores INT and QUIT; give stepdown the
  # defaults so the test sees what a container would.
  env --default-signal=INT,QUIT bash -c 'exec "$@"' sh \
    unshare -m -fp --mount-proc --kill-child -- /bin/sh -c '
      mount --bind "$0/etc/passwd" /etc/passwd && mount --bind "$0/etc/group" /etc/group &&
      exec "$@"' "$T" "$STEPDOWN" -u app "$@" &
  BG=$!
  wait_for "$T/out/ready" || { fail "workload did not start"; return 1; }
  PID1=$(pgrep -f "$SD_RE$STEPDOWN -u app .*$T/out" | head -1)
}

stop() {
  touch "$T/out/stop"
  wait "$BG"; RC=$?
}

# received FILE LINE: wait up to 5 s for LINE in FILE
received() {
  local n=50
  while [ $n -gt 0 ]; do grep -qx "$2" "$1" 2>/dev/null && return 0; sleep 0.1; n=$((n - 1)); done
  return 1
}

start -- /bin/sh -c "$workload" "$T/out" single
for sig in TERM INT HUP USR1 USR2 QUIT; do
  kill -s "$sig" "$PID1"
  received "$T/out/got" "$sig" && pass "SIG$sig reaches the workload" || fail "SIG$sig did not reach the workload"
done
stop
expect_eq "exit status after the signals" 0 "$RC"

# Without --signal-group only the workload gets the signal...
start -- /bin/sh -c "$workload" "$T/out" group
kill -s TERM "$PID1"
received "$T/out/got" TERM && pass "TERM to the workload" || fail "TERM missed the workload"
sleep 0.5
[ ! -e "$T/out/got.child" ] && pass "its group is left alone without --signal-group" \
  || fail "group member got: $(cat "$T/out/got.child")"
stop

# ...with it, every member of its process group does.
start --signal-group -- /bin/sh -c "$workload" "$T/out" group
for sig in TERM INT HUP USR1 USR2 QUIT; do
  kill -s "$sig" "$PID1"
  received "$T/out/got" "$sig" && pass "--signal-group: $sig to the workload" || fail "--signal-group: $sig missed the workload"
  received "$T/out/got.child" "$sig" && pass "--signal-group: $sig to the group member" || fail "--signal-group: $sig missed the group member"
done
stop

# --rewrite TERM:QUIT delivers QUIT, not TERM; the twin does the same.
start --rewrite TERM:QUIT -- /bin/sh -c "$workload" "$T/out" single
kill -s TERM "$PID1"
received "$T/out/got" QUIT && pass "--rewrite TERM:QUIT delivers QUIT" || fail "QUIT not delivered"
grep -qx TERM "$T/out/got" && fail "TERM was delivered despite --rewrite" || pass "TERM itself not delivered"
stop
STEPDOWN_REWRITE=USR1:USR2,HUP:INT start -- /bin/sh -c "$workload" "$T/out" single
kill -s USR1 "$PID1"; received "$T/out/got" USR2 && pass "STEPDOWN_REWRITE USR1:USR2" || fail "USR1:USR2"
kill -s HUP "$PID1"; received "$T/out/got" INT && pass "STEPDOWN_REWRITE HUP:INT" || fail "HUP:INT"
stop

# The workload inherits stepdown's starting mask and ignored signals, not
# stepdown's own everything-blocked state.
rm -rf "$T/out"; mkdir -m 0777 "$T/out"
in_ns env --default-signal=INT,QUIT --ignore-signal=USR1 --block-signal=USR2 \
  "$STEPDOWN" -u app -- /bin/cat /proc/self/status > "$T/out/status"
# USR1 = bit 9 (0x200), USR2 = bit 11 (0x800).
expect_eq "SigBlk is the starting mask (USR2 only)" 0000000000000800 "$(status_field "$T/out/status" SigBlk)"
ign=$(status_field "$T/out/status" SigIgn)
[ $(( 0x$ign & 0x200 )) -ne 0 ] && pass "ignored USR1 stays ignored" || fail "SigIgn $ign lacks USR1"
[ $(( 0x$ign & 0x6 )) -eq 0 ] && pass "INT and QUIT not ignored" || fail "SigIgn $ign has INT or QUIT"

# Started with SIGCHLD ignored: stepdown still sees its workload's status
# (it restores the default for itself), and the workload gets CHLD ignored.
rm -rf "$T/out"; mkdir -m 0777 "$T/out"
in_ns env --ignore-signal=CHLD "$STEPDOWN" -u app -- /bin/cat /proc/self/status > "$T/out/status"
expect_eq "SIGCHLD ignored at start: exit status still comes through" 0 "$?"
in_ns env --ignore-signal=CHLD "$STEPDOWN" -u app -- /bin/sh -c 'exit 9'
expect_eq "  and a non-zero one" 9 "$?"
ign=$(status_field "$T/out/status" SigIgn)
# CHLD is signal 17: bit 16 (0x10000).
[ $(( 0x$ign & 0x10000 )) -ne 0 ] && pass "  the workload starts with CHLD ignored" \
  || fail "  SigIgn $ign lacks CHLD"
finish
