#!/bin/bash
# When the workload exits, leftover processes get SIGTERM, --grace seconds
# to finish, then SIGKILL; stepdown exits once none is left, with the
# workload's status.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture

# A leftover that needs 1 s to clean up after TERM.
cleaner='( trap "sleep 1; echo done > \"$0/cleaned\"; exit 0" TERM
           touch "$0/ready"; while :; do sleep 0.1; done ) &
         while [ ! -e "$0/ready" ]; do sleep 0.05; done; exit 3'
# A leftover that ignores TERM.
stubborn='( trap "" TERM; touch "$0/ready"; exec sleep 60 ) &
          while [ ! -e "$0/ready" ]; do sleep 0.05; done; exit 3'

# run GRACE SCRIPT: sets RC and MS (elapsed milliseconds).
run() {
  rm -rf "$T/out"; mkdir -m 0777 "$T/out"
  local t0=$(date +%s%N)
  in_ns "$STEPDOWN" -u app --grace "$1" -- /bin/sh -c "$2" "$T/out"
  RC=$?
  MS=$(( ($(date +%s%N) - t0) / 1000000 ))
}
between() { [ "$MS" -ge "$1" ] && [ "$MS" -le "$2" ]; }

run 3 "$cleaner"
expect_eq "--grace 3: exit status is the workload's" 3 "$RC"
expect_eq "--grace 3: the leftover finished its cleanup" done "$(cat "$T/out/cleaned" 2>/dev/null)"
between 900 2900 && pass "--grace 3: exited once the leftover was gone (${MS} ms)" \
  || fail "--grace 3 with a 1 s cleanup took ${MS} ms"

run 3 "$stubborn"
expect_eq "--grace 3, TERM ignored: exit status is the workload's" 3 "$RC"
between 2900 9000 && pass "--grace 3, TERM ignored: killed at the deadline (${MS} ms)" \
  || fail "--grace 3 with a leftover ignoring TERM took ${MS} ms"

run 0 "$cleaner"
expect_eq "--grace 0: exit status" 3 "$RC"
[ ! -e "$T/out/cleaned" ] && pass "--grace 0: leftover killed without a cleanup" \
  || fail "--grace 0: the leftover still cleaned up"

# Nothing left over: no waiting at all, even with the default grace of 5 s.
rm -rf "$T/out"; mkdir -m 0777 "$T/out"
t0=$(date +%s%N)
in_ns "$STEPDOWN" -u app -- /bin/sh -c 'exit 4'
RC=$?; MS=$(( ($(date +%s%N) - t0) / 1000000 ))
expect_eq "no leftovers: exit status" 4 "$RC"
[ "$MS" -lt 2000 ] && pass "no leftovers: no grace wait (${MS} ms)" || fail "waited ${MS} ms with nothing left"

# A root process that entered the namespace (nsenter, docker exec) and was
# orphaned to PID 1 cannot be killed by the dropped PID 1: stepdown gives up
# on it shortly after the deadline instead of keeping the container up.
rm -rf "$T/out"; mkdir -m 0777 "$T/out"
t0=$(date +%s%N)
# The workload waits until the root process is in (at most 30 s), so a
# loaded machine cannot let it finish first.
in_ns "$STEPDOWN" -u app --grace 1 -- /bin/sh -c 'touch "$0/ready"; i=0
  while [ ! -e "$0/entered" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
  exit 5' "$T/out" 2>"$T/err" &
bg=$!
wait_for "$T/out/ready"
pid1=$(pgrep -f "$SD_RE$STEPDOWN -u app --grace 1 -- /bin/sh -c .* $T/out" | head -1)
nsenter -t "$pid1" -p -m -- /bin/sh -c 'sleep 600 & exit 0'
touch "$T/out/entered"
wait "$bg"; RC=$?; MS=$(( ($(date +%s%N) - t0) / 1000000 ))
expect_eq "unkillable root leftover: exit status is the workload's" 5 "$RC"
[ "$MS" -lt 8000 ] && pass "unkillable root leftover: stepdown exited after ${MS} ms" \
  || fail "unkillable root leftover kept stepdown up for ${MS} ms"
expect_match "  and said why" "cannot kill" "$(cat "$T/err")"

# STEPDOWN_GRACE is the twin.
rm -rf "$T/out"; mkdir -m 0777 "$T/out"
t0=$(date +%s%N)
STEPDOWN_GRACE=1 in_ns "$STEPDOWN" -u app -- /bin/sh -c "$stubborn" "$T/out"
RC=$?; MS=$(( ($(date +%s%N) - t0) / 1000000 ))
expect_eq "STEPDOWN_GRACE=1: exit status" 3 "$RC"
[ "$MS" -ge 900 ] && [ "$MS" -lt 4000 ] && pass "STEPDOWN_GRACE=1: killed after ~1 s (${MS} ms)" \
  || fail "STEPDOWN_GRACE=1 took ${MS} ms"
finish
