#!/bin/bash
# Lifecycle in a real container, stopped the way runtimes stop it:
# `podman stop -t 5` sends SIGTERM to PID 1 (stepdown), which forwards it to
# the workload; the workload's handler runs and the container exits with the
# workload's status well before the 5 s after which podman would SIGKILL
# (137). Orphans are reaped (checked from the host, in the container's PID
# namespace); a background process the workload leaves behind gets its
# grace period, and one that ignores TERM is killed when it ends. With
# --term-delay the TERM is held inside podman's stop timeout; a workload
# stopped by SIGTSTP still stops on podman stop (SIGCONT follows the TERM).
. "$(dirname "$0")/lib.sh"

cat > "$T/Containerfile" <<EOF
FROM $BASE_IMAGE
ENTRYPOINT ["/usr/local/bin/stepdown", "--user", "app", "--"]
EOF
build_image localhost/sd-life:test "$T"

# stop_ms CONTAINER [TIMEOUT]: podman stop -t TIMEOUT (default 5); sets
# STOP_MS to how long it took.
stop_ms() {
  local t0
  t0=$(now_ms)
  pm stop -t "${2:-5}" "$1" >/dev/null
  STOP_MS=$(( $(now_ms) - t0 ))
}

# ---- SIGTERM reaches the workload's handler ------------------------------
work='for s in INT HUP QUIT USR1 USR2 WINCH; do trap "echo $s >> /out/signals" $s; done
  trap "echo TERM >> /out/signals; exit 42" TERM
  touch /out/ready; while :; do sleep 0.1; done'
c=$(name); new_out
prun -d --name "$c" "${CAPS[@]}" -v "$T/out:/out" localhost/sd-life:test sh -c "$work" >/dev/null
wait_for "$T/out/ready" || fail "the workload did not start"
stop_ms "$c"
expect_eq "podman stop -t 5: the workload's status" 42 "$(exit_code "$c")"
expect_eq "  its TERM handler ran, and it got nothing else" TERM "$(cat "$T/out/signals" 2>&1)"
expect_between "  well before podman's 5 s (ms)" 0 3000 "$STOP_MS"
pm rm -f -t 0 "$c" >/dev/null

# ---- orphans are reaped ----------------------------------------------------
# 30 orphans: each parent exits at once, so each child is reparented to
# PID 1. They all live until the test releases them, then exit together and
# must not stay zombies.
work='trap "exit 0" TERM
  i=0; while [ $i -lt 30 ]; do
    sh -c "(while [ ! -e /out/release ]; do sleep 0.05; done) & exit 0"; i=$((i + 1))
  done
  touch /out/spawned; while :; do sleep 0.1; done'
c=$(name); new_out
prun -d --name "$c" "${CAPS[@]}" -v "$T/out:/out" localhost/sd-life:test sh -c "$work" >/dev/null
wait_for "$T/out/spawned" 300 || fail "the workload did not spawn"
hp=$(host_pid "$c")
orphans() { ns_status "$hp" | awk -v p="$hp" '$3 == p && $4 == "sh"' | wc -l; }
# The workload itself is the one other child of PID 1 named sh.
expect_eq "30 orphans, reparented to PID 1 (stepdown, host pid $hp)" 31 "$(orphans)"
touch "$T/out/release"
n=100
while [ "$(orphans)" != 1 ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
expect_eq "  once they exited, none left under PID 1" 1 "$(orphans)"
expect_eq "  no zombie in the container" "" "$(ns_status "$hp" | awk '$2 == "Z"')"
stop_ms "$c"
expect_eq "  stopped: exit 0" 0 "$(exit_code "$c")"
pm rm -f -t 0 "$c" >/dev/null

# ---- a leftover gets its grace period --------------------------------------
# The workload exits on TERM and leaves a background process that needs 1 s
# to clean up when it gets TERM (from stepdown, once the workload is gone).
work='( trap "sleep 1; echo cleaned > /out/cleaned; exit 0" TERM
        touch /out/bg; while :; do sleep 0.1; done ) &
  trap "exit 42" TERM
  while [ ! -e /out/bg ]; do sleep 0.05; done; touch /out/ready
  while :; do sleep 0.1; done'
c=$(name); new_out
prun -d --name "$c" "${CAPS[@]}" -v "$T/out:/out" localhost/sd-life:test sh -c "$work" >/dev/null
wait_for "$T/out/ready" || fail "the workload did not start"
stop_ms "$c"
expect_eq "leftover with a 1 s cleanup: the workload's status" 42 "$(exit_code "$c")"
expect_eq "  the leftover finished its cleanup" cleaned "$(cat "$T/out/cleaned" 2>&1)"
expect_between "  stop took the cleanup's time, not podman's 5 s (ms)" 1000 4000 "$STOP_MS"
pm rm -f -t 0 "$c" >/dev/null

# A leftover that ignores TERM is killed at the end of --grace 1.
work='( trap "" TERM; touch /out/bg; exec sleep 600 ) &
  trap "exit 42" TERM
  while [ ! -e /out/bg ]; do sleep 0.05; done; touch /out/ready
  while :; do sleep 0.1; done'
c=$(name); new_out
prun -d --name "$c" "${CAPS[@]}" -v "$T/out:/out" \
  --entrypoint '["/usr/local/bin/stepdown", "--user", "app", "--grace", "1", "--"]' \
  localhost/sd-life:test sh -c "$work" >/dev/null
wait_for "$T/out/ready" || fail "the workload did not start"
stop_ms "$c"
expect_eq "leftover ignoring TERM, --grace 1: the workload's status (not 137)" 42 "$(exit_code "$c")"
expect_between "  killed at the deadline, before podman's 5 s (ms)" 900 4000 "$STOP_MS"
pm rm -f -t 0 "$c" >/dev/null

# A workload that dies of the signal: 128+15.
c=$(name); new_out
prun -d --name "$c" "${CAPS[@]}" -v "$T/out:/out" localhost/sd-life:test \
  sh -c 'touch /out/ready; exec sleep 600' >/dev/null
wait_for "$T/out/ready" || fail "the workload did not start"
stop_ms "$c"
expect_eq "a workload killed by the TERM: 143" 143 "$(exit_code "$c")"
expect_between "  at once (ms)" 0 3000 "$STOP_MS"
pm rm -f -t 0 "$c" >/dev/null

# ---- --term-delay: the TERM is held, inside podman's stop timeout -----------
# As a preStop sleep would: podman stop -t 10 sends TERM at once; stepdown
# holds it 2 s, then the workload's handler runs and its status is the
# container's, well before podman's SIGKILL at 10 s (137).
work='trap "echo TERM >> /out/signals; exit 42" TERM
  touch /out/ready; while :; do sleep 0.1; done'
c=$(name); new_out
prun -d --name "$c" "${CAPS[@]}" -v "$T/out:/out" \
  --entrypoint '["/usr/local/bin/stepdown", "--user", "app", "--term-delay", "2", "--"]' \
  localhost/sd-life:test sh -c "$work" >/dev/null
wait_for "$T/out/ready" || fail "the workload did not start"
stop_ms "$c" 10
expect_eq "--term-delay 2, podman stop -t 10: the workload's status" 42 "$(exit_code "$c")"
expect_eq "  its TERM handler ran once" TERM "$(cat "$T/out/signals" 2>&1)"
expect_between "  stop took the delay, not podman's 10 s (ms)" 2000 8000 "$STOP_MS"
pm rm -f -t 0 "$c" >/dev/null

# ---- a stopped workload still stops ------------------------------------------
# SIGTSTP sent to the container is forwarded and stops the workload (state
# T). podman stop's TERM is forwarded and followed by SIGCONT, so the
# workload wakes, runs its handler and exits at once, not at podman's
# SIGKILL after 5 s.
work='trap "echo TERM >> /out/signals; exit 42" TERM
  touch /out/ready; while :; do sleep 0.1; done'
c=$(name); new_out
prun -d --name "$c" "${CAPS[@]}" -v "$T/out:/out" localhost/sd-life:test sh -c "$work" >/dev/null
wait_for "$T/out/ready" || fail "the workload did not start"
hp=$(host_pid "$c")
pm kill --signal TSTP "$c" >/dev/null
stopped() { ns_status "$hp" | awk -v p="$hp" '$3 == p && $4 == "sh" { print $2 }'; }
n=50
while [ "$(stopped)" != T ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
expect_eq "SIGTSTP to the container: the workload is stopped" T "$(stopped)"
stop_ms "$c"
expect_eq "  podman stop: the workload's status (not 137)" 42 "$(exit_code "$c")"
expect_eq "  its TERM handler ran once" TERM "$(cat "$T/out/signals" 2>&1)"
expect_between "  at once, before podman's 5 s (ms)" 0 3000 "$STOP_MS"
pm rm -f -t 0 "$c" >/dev/null
finish
