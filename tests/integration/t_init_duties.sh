#!/bin/bash
# The init duties tini and dumb-init users rely on:
#   1. every signal kill(2) can send and stepdown can catch reaches the
#      workload once, the fault signals included, to PID 1 from outside its
#      PID namespace and to stepdown as a subreaper; a real fault in
#      stepdown still ends it;
#   2. --remap-exit turns chosen statuses into 0;
#   3. --term-delay holds the first SIGTERM; a second stop signal or the
#      workload's own exit ends the hold at once;
#   4. a --writable dir the user cannot reach stops the start, naming the
#      parent that blocks it (0700: yes; 0711, or a group of the user's:
#      no message);
#   5. a stopped workload still gets its TERM (SIGCONT follows it).
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
command -v python3 >/dev/null || skip "needs python3 (tests/run installs it)"
: "${HOOKED:?HOOKED must point at stepdown_hooked}"

# The workload: handles every catchable signal, writes "NAME SECONDS" per
# signal to $1/got (its number; seconds since it was ready), exits 0 on the first TERM
# unless $2 is "stay", and on its own after $3 seconds (default 30).
cat > "$T/handler.py" <<'PY'
import os, signal, sys, time
out, mode = sys.argv[1], sys.argv[2]
life = float(sys.argv[3]) if len(sys.argv) > 3 else 30
t0 = time.monotonic()
def on(n, _):
    with open(out + "/got", "a") as f:
        f.write("%d %.2f\n" % (n, time.monotonic() - t0))
    if n == signal.SIGTERM and mode != "stay":
        sys.exit(0)
for s in signal.valid_signals():
    if s in (signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD):
        continue
    try:
        signal.signal(s, on)
    except (OSError, ValueError):
        pass
open(out + "/ready", "w").close()
while time.monotonic() - t0 < life and not os.path.exists(out + "/stop"):
    time.sleep(0.02)
PY
chmod 0644 "$T/handler.py"

# start [subreaper] ARGS...: stepdown in the background, as PID 1 of a new
# PID namespace (or, with "subreaper", as a plain child); SD is its host pid.
start() {
  rm -rf "$T/out"; mkdir -m 0777 "$T/out"
  if [ "$1" = subreaper ]; then
    shift
    unshare -m -- /bin/sh -c 'mount --bind "$0/etc/passwd" /etc/passwd &&
      mount --bind "$0/etc/group" /etc/group && mount --bind "$0/home" /home &&
      exec "$@"' "$T" "$STEPDOWN" -u app "$@" 2>>"$T/bg.err" &
  else
    unshare -m -fp --mount-proc --kill-child -- /bin/sh -c '
      mount --bind "$0/etc/passwd" /etc/passwd && mount --bind "$0/etc/group" /etc/group &&
      mount --bind "$0/home" /home && exec "$@"' "$T" "$STEPDOWN" -u app "$@" 2>>"$T/bg.err" &
  fi
  BG=$!
  wait_for "$T/out/ready" || { fail "workload did not start"; return 1; }
  SD=$(pgrep -f "$SD_RE$STEPDOWN -u app .*$T/out" | head -1)
}
finish_run() { touch "$T/out/stop"; wait "$BG"; RC=$?; }
got() { # SIGNAME: how many times the workload recorded it
  local num; num=$(kill -l "${1#SIG}")
  awk -v s="$num" '$1 == s { n++ } END { print n + 0 }' "$T/out/got" 2>/dev/null || echo 0
}
# wait_got SIG [TENTHS]: until the workload has recorded SIG
wait_got() {
  local n=${2:-50}
  while [ "$(got "$1")" = 0 ] && [ "$n" -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
  [ "$(got "$1")" != 0 ]
}

# --- 1: every signal, once ------------------------------------------------
# (RTMIN is 34 here, glibc's first free one; musl keeps 32 to 34 for
# itself, stepdown blocks and reads them anyway)
sigs="ABRT BUS FPE ILL SEGV TRAP SYS USR1 USR2 HUP INT QUIT PIPE ALRM WINCH URG TTIN TTOU XCPU XFSZ VTALRM PROF PWR RTMIN RTMIN+1 RTMIN+2 RTMAX"
for how in pid1 subreaper; do
  if [ $how = pid1 ]; then start -- python3 "$T/handler.py" "$T/out" stay
  else start subreaper -- python3 "$T/handler.py" "$T/out" stay; fi
  for s in $sigs; do
    kill -s "$s" "$SD"
    wait_got "SIG$s" || true
  done
  sleep 0.3
  for s in $sigs; do
    expect_eq "$how: SIG$s reaches the workload's handler once" 1 "$(got "SIG$s")"
  done
  kill -0 "$SD" 2>/dev/null && pass "$how: stepdown is still there" || fail "$how: stepdown died"
  finish_run
  expect_eq "$how: exit 0 after every signal" 0 "$RC"
done

# 32 and 33, which glibc keeps for itself (no glibc program, the handler
# above included, may set a handler for them): the workload is a sleep that
# dies of the signal, so stepdown must exit by itself with 128+N. waited
# prints the status as Python's waitstatus_to_exitcode does: -N for a death
# by signal N (stepdown's, which unshare passes on). As PID 1 a signal lost
# leaves the sleep running: 0 after 20 s.
waited() {
  python3 -c 'import os, sys
pid = os.spawnvp(os.P_NOWAIT, sys.argv[1], sys.argv[1:])
print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))' "$@"
}
for how in pid1 subreaper; do
  for n in 32 33; do
    if [ $how = pid1 ]; then flags=(-m -fp --mount-proc --kill-child); else flags=(-m); fi
    waited unshare "${flags[@]}" -- /bin/sh -c '
      mount --bind "$0/etc/passwd" /etc/passwd && mount --bind "$0/etc/group" /etc/group &&
      mount --bind "$0/home" /home && exec "$@"' "$T" "$STEPDOWN" -u app -- sleep "2$n" \
      >"$T/status" 2>/dev/null &
    bg=$! sd=
    for _ in $(seq 50); do
      sd=$(pgrep -f "$SD_RE$STEPDOWN -u app -- sleep 2$n\$" | head -1)
      [ -n "$sd" ] && [ -n "$(pgrep -P "$sd")" ] && break
      sleep 0.1
    done
    kill -s "$n" "$sd"
    wait "$bg"
    expect_eq "$how: signal $n reaches the workload (it dies of it; stepdown exits 128+$n)" \
      $((128 + n)) "$(cat "$T/status")"
  done
done

# A real fault in stepdown ends it at once (the kernel forces it through
# the blocked mask): it does not hang as a PID 1 that lost its signal.
rm -rf "$T/out"; mkdir -m 0777 "$T/out"
SECONDS=0
STEPDOWN_TEST_HOOK="supervise workload" STEPDOWN_TEST_HOOK_CMD=fault \
  in_ns "$HOOKED" -u app -- sleep 20 2>/dev/null
rc=$?
expect_eq "a real fault in stepdown ends it by SIGSEGV" 139 "$rc"
[ "$SECONDS" -lt 10 ] && pass "  at once, not after the workload" || fail "  it took $SECONDS s"

# --- 2: --remap-exit --------------------------------------------------------
in_ns "$STEPDOWN" --remap-exit 143 -u app -- /bin/sh -c 'kill -TERM $$' 2>/dev/null
expect_eq "--remap-exit 143: death by SIGTERM becomes 0" 0 "$?"
in_ns "$STEPDOWN" -v --remap-exit 143 -u app -- /bin/sh -c 'exit 143' 2>"$T/err"
expect_eq "--remap-exit 143: exit 143 becomes 0" 0 "$?"
expect_match "  -v says so" "exit status 143 becomes 0 \(--remap-exit\)" "$(cat "$T/err")"
in_ns "$STEPDOWN" --remap-exit 143 -u app -- /bin/sh -c 'kill -INT $$' 2>/dev/null
expect_eq "--remap-exit 143: death by SIGINT stays 130" 130 "$?"
STEPDOWN_REMAP_EXIT=3,4 in_ns "$STEPDOWN" -u app -- /bin/sh -c 'exit 4' 2>/dev/null
expect_eq "STEPDOWN_REMAP_EXIT=3,4: exit 4 becomes 0" 0 "$?"
in_ns "$STEPDOWN" --remap-exit 3 -u app -- /bin/sh -c 'exit 5' 2>/dev/null
expect_eq "--remap-exit 3: exit 5 stays 5" 5 "$?"
in_ns "$STEPDOWN" --remap-exit 127 -u app -- /nonexistent/cmd 2>/dev/null
expect_eq "--remap-exit 127: stepdown's own 'not found' stays 127" 127 "$?"
in_ns "$STEPDOWN" --remap-exit 256 -u app -- true 2>"$T/err"
expect_eq "--remap-exit 256: refused before anything: 125" 125 "$?"
expect_match "  and says what is allowed" "0 to 255" "$(cat "$T/err")"
in_ns "$STEPDOWN" --exec --remap-exit 143 -u app -- true 2>"$T/err"
expect_eq "--remap-exit with --exec: refused: 125" 125 "$?"

# --- 3: --term-delay --------------------------------------------------------
in_ns "$STEPDOWN" -v --term-delay 2 -u app -- true 2>"$T/err"
expect_match "-v shows the delay" "the first SIGTERM will be held 2 s \(--term-delay\)" "$(cat "$T/err")"
start --term-delay 2 -- python3 "$T/handler.py" "$T/out" exit
t0=$(date +%s.%N); kill -TERM "$SD"
wait_got SIGTERM 60 || fail "--term-delay 2: TERM never arrived"
finish_run; t1=$(date +%s.%N)
delay=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
awk -v d="$delay" 'BEGIN { exit !(d >= 2.0) }' && pass "--term-delay 2: TERM held ($delay s)" \
  || fail "--term-delay 2: TERM after $delay s"
expect_eq "  the workload's status is the exit status" 0 "$RC"

start --term-delay 20 -- python3 "$T/handler.py" "$T/out" exit
kill -TERM "$SD"; sleep 0.5
expect_eq "--term-delay 20: not yet forwarded after 0.5 s" 0 "$(got SIGTERM)"
kill -TERM "$SD"
wait_got SIGTERM 30 && pass "  a second TERM sends it at once" || fail "  a second TERM did not"
finish_run
expect_eq "  once" 1 "$(got SIGTERM)"

# (the workload stays on TERM here: stepdown sends the held TERM, then the
# INT, and a workload that exits on TERM may be gone before the INT lands)
start --term-delay 20 -- python3 "$T/handler.py" "$T/out" stay
kill -TERM "$SD"; sleep 0.3; kill -INT "$SD"
wait_got SIGINT 30 && pass "--term-delay 20: an INT ends the hold" || fail "  INT not forwarded"
wait_got SIGTERM 30
finish_run
expect_eq "  the held TERM is sent too, once" 1 "$(got SIGTERM)"
expect_eq "  and the INT once" 1 "$(got SIGINT)"

rm -rf "$T/out"; mkdir -m 0777 "$T/out"
(sleep 1; kill -TERM "$(pgrep -f "$SD_RE$STEPDOWN --term-delay 30 -u app" | head -1)") &
SECONDS=0
in_ns "$STEPDOWN" --term-delay 30 -u app -- python3 "$T/handler.py" "$T/out" exit 3 2>/dev/null
rc=$?; wait
expect_eq "--term-delay 30: the workload ending by itself during the hold: its status" 0 "$rc"
[ "$SECONDS" -lt 10 ] && pass "  ends the hold at once ($SECONDS s)" || fail "  took $SECONDS s"
expect_eq "  and the workload never saw the TERM" 0 "$(got SIGTERM)"

in_ns "$STEPDOWN" --dry-run --term-delay 5 --remap-exit 143,0 -u app -- true >"$T/plan" 2>&1
expect_match "--dry-run shows the delay" "term delay: the first SIGTERM is held 5 s" "$(cat "$T/plan")"
expect_match "--dry-run shows the remap" "remap exit: 0,143 become exit 0" "$(cat "$T/plan")"

# --- 4: reachability --------------------------------------------------------
mkdir -p "$T/r"; chmod 0755 "$T" "$T/r"
for row in "0700 0 125 blocks" "0711 0 0 -" "0750 44 0 -" "0750 4242 125 blocks"; do
  read -r mode grp want says <<< "$row"
  rm -rf "$T/r/p"; mkdir -p "$T/r/p/cache"; chown 0:"$grp" "$T/r/p"; chmod "$mode" "$T/r/p"
  in_ns "$STEPDOWN" -u app -w "$T/r/p/cache" -- touch "$T/r/p/cache/ran" 2>"$T/err"
  expect_eq "parent $mode 0:$grp: exit $want" "$want" "$?"
  if [ "$says" = blocks ]; then
    expect_match "  names the parent, its mode and owner" \
      "app cannot use --writable $T/r/p/cache: $T/r/p is mode $mode, owned by 0:$grp \\(no search permission\\)" \
      "$(cat "$T/err")"
    [ ! -e "$T/r/p/cache/ran" ] && pass "  the workload did not run" || fail "  the workload ran"
    in_ns "$STEPDOWN" --dry-run -u app -w "$T/r/p/cache" -- true >"$T/plan" 2>&1
    expect_match "  --dry-run says a real run would stop" \
      "reach: +a real run would stop: app cannot use --writable $T/r/p/cache: $T/r/p is mode $mode" \
      "$(cat "$T/plan")"
  else
    expect_eq "  no message about it" "" "$(grep 'cannot use' "$T/err")"
    expect_eq "  the workload wrote there" 1000 "$(stat -c %u "$T/r/p/cache/ran" 2>&1)"
  fi
done
# --user-from's dir out of reach: a warning, the start goes on.
rm -rf "$T/r/p"; mkdir -p "$T/r/p/src"; chown 1000:1000 "$T/r/p/src"; chmod 0700 "$T/r/p"
in_ns "$STEPDOWN" --user-from "$T/r/p/src" -- true 2>"$T/err"
expect_eq "--user-from under a 0700 parent: exit 0" 0 "$?"
expect_match "  warned, naming the parent" "warning: app cannot reach --user-from $T/r/p/src: $T/r/p is mode 0700" "$(cat "$T/err")"

# --- 5: a stopped workload still stops ---------------------------------------
start -- python3 "$T/handler.py" "$T/out" exit
W=$(pgrep -f "^python3 $T/handler.py $T/out" | head -1)
kill -STOP "$W"
for _ in $(seq 50); do [ "$(awk '{ print $3 }' "/proc/$W/stat" 2>/dev/null)" = T ] && break; sleep 0.05; done
kill -TERM "$SD"
SECONDS=0
for _ in $(seq 100); do kill -0 "$BG" 2>/dev/null || break; sleep 0.1; done
kill -0 "$BG" 2>/dev/null && { fail "the stopped workload is still there after 10 s"; kill -CONT "$W"; }
wait "$BG"; RC=$?
expect_eq "a stopped workload gets TERM and ends: exit 0" 0 "$RC"
[ "$SECONDS" -lt 5 ] && pass "  at once ($SECONDS s)" || fail "  after $SECONDS s"
expect_eq "  it saw TERM" 1 "$(got SIGTERM)"
finish
