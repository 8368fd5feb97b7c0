#!/bin/bash
# The workload runs in its own process group, and when standard input is a
# terminal that group is the terminal's foreground group (job control and
# Ctrl-C reach the workload, not PID 1). Read from the workload's own
# /proc/<pid>/stat: field 5 (pgrp) and field 8 (tpgid), parsed after the
# last ')' since field 2 may hold spaces or parentheses.
. "$(dirname "$0")/lib.sh"
require_root
command -v script >/dev/null || skip "util-linux script(1) is needed to get a pty"
make_fixture

# Workload: "pid pgrp tpgid" of itself, then the same for PID 1. $$ is the
# shell itself and read is a builtin, so the stat read is the workload's own.
cat > "$T/probe.sh" <<'EOF'
out=$1
stat3() { read -r line < "/proc/$1/stat"; rest=${line##*)}; set -- $rest; echo "$3 $6"; }
echo "$$ $(stat3 $$)" > "$out.tmp"
stat3 1 > "$out.pid1"
mv "$out.tmp" "$out"
EOF
chmod 0644 "$T/probe.sh"

# Wrapper so script(1)'s shell can run the in_ns fixture (functions do not
# cross into it).
cat > "$T/run_in_ns.sh" <<EOF
#!/bin/bash
T='$T'
$(declare -f in_ns)
in_ns "\$@"
EOF
chmod 0755 "$T/run_in_ns.sh"

# With a pty on stdin.
timeout 20 script -qec "$T/run_in_ns.sh $STEPDOWN -u app -- /bin/sh $T/probe.sh $T/out/tty" /dev/null \
  </dev/null >"$T/script.log" 2>&1
expect_eq "exit status under a pty" 0 "$?"
if [ -e "$T/out/tty" ]; then
  read -r pid pgrp tpgid < "$T/out/tty"
  read -r pid1_pgrp _ < "$T/out/tty.pid1"
  expect_match "workload pid read" '^[0-9]+$' "$pid"
  expect_eq "tty: workload leads its own process group (pgrp == pid)" "$pid" "$pgrp"
  expect_eq "tty: the workload's group is the terminal's foreground group (tpgid == pgrp)" "$pgrp" "$tpgid"
  if [ "$pgrp" != "$pid1_pgrp" ] && [ "$pgrp" != 1 ]; then
    pass "tty: workload's group ($pgrp) is not PID 1's ($pid1_pgrp) nor 1"
  else
    fail "tty: workload's group $pgrp is PID 1's group ($pid1_pgrp) or 1"
  fi
else
  fail "tty: the workload wrote nothing; script log: $(cat "$T/script.log")"
fi
rm -f "$T/out"/*

# Ctrl-C typed on the terminal reaches the workload, whose status is then
# stepdown's.
cat > "$T/ctrlc.sh" <<'EOF'
out=$1
trap 'echo INT > "$out/int"; exit 7' INT
touch "$out/ready"
i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "no SIGINT within 10 s" > "$out/int"
EOF
chmod 0644 "$T/ctrlc.sh"
{ wait_for "$T/out/ready" 100; sleep 0.3; printf '\003'; sleep 1; } |
  timeout 20 script -qec "$T/run_in_ns.sh $STEPDOWN -u app -- /bin/sh $T/ctrlc.sh $T/out" /dev/null \
  >"$T/script.log" 2>&1
expect_eq "Ctrl-C: exit status is the workload's INT trap's" 7 "$?"
expect_eq "Ctrl-C: the workload got SIGINT from the terminal" INT "$(cat "$T/out/int" 2>/dev/null)"
rm -f "$T/out"/*

# Without a terminal: still its own process group.
timeout 20 "$T/run_in_ns.sh" "$STEPDOWN" -u app -- /bin/sh "$T/probe.sh" "$T/out/notty" </dev/null
expect_eq "exit status without a tty" 0 "$?"
if [ -e "$T/out/notty" ]; then
  read -r pid pgrp tpgid < "$T/out/notty"
  read -r pid1_pgrp _ < "$T/out/notty.pid1"
  expect_match "workload pid read (no tty)" '^[0-9]+$' "$pid"
  expect_eq "no tty: workload leads its own process group (pgrp == pid)" "$pid" "$pgrp"
  if [ "$pgrp" != "$pid1_pgrp" ] && [ "$pgrp" != 1 ]; then
    pass "no tty: workload's group ($pgrp) is not PID 1's ($pid1_pgrp) nor 1"
  else
    fail "no tty: workload's group $pgrp is PID 1's group ($pid1_pgrp) or 1"
  fi
else
  fail "no tty: the workload wrote nothing"
fi
finish
