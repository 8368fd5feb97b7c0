#!/bin/bash
# The workload and PID 1 itself run as the target user, for good: all four
# uid and gid fields, the group set, every capability set and no_new_privs,
# read from /proc/<pid>/status, not from what stepdown says.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture

snap='cat /proc/self/status > "$0/work.status"; cat /proc/1/status > "$0/pid1.status";
      echo "$HOME|$USER|$LOGNAME|${STEPDOWN_USER-unset}" > "$0/env"; pwd > "$0/cwd"; umask > "$0/umask"'

check_status() { # WHO FILE UID GID GROUPS
  expect_eq "$1 Uid (real, effective, saved, fs)" "$3 $3 $3 $3" "$(status_field "$2" Uid | tr -s '\t ' ' ')"
  expect_eq "$1 Gid (real, effective, saved, fs)" "$4 $4 $4 $4" "$(status_field "$2" Gid | tr -s '\t ' ' ')"
  expect_eq "$1 Groups" "$5" "$(status_field "$2" Groups | xargs)"
  for cap in CapInh CapPrm CapEff CapBnd CapAmb; do
    expect_eq "$1 $cap" 0000000000000000 "$(status_field "$2" $cap)"
  done
  expect_eq "$1 NoNewPrivs" 1 "$(status_field "$2" NoNewPrivs)"
}

# A named user: primary group plus /etc/group memberships.
(cd "$T/home" && STEPDOWN_USER=ignored in_ns "$STEPDOWN" -u app -- /bin/sh -c "$snap" "$T/out")
expect_eq "exit status" 0 "$?"
check_status workload "$T/out/work.status" 1000 1000 "29 44 1000"
check_status "PID 1" "$T/out/pid1.status" 1000 1000 "29 44 1000"
expect_eq "HOME/USER/LOGNAME set, STEPDOWN_* removed" "/home/app|app|app|unset" "$(cat "$T/out/env")"
expect_eq "workload keeps the starting directory" "$T/home" "$(cat "$T/out/cwd")"
rm -f "$T/out"/*

# A numeric uid with no passwd entry: gid = uid, no supplementary groups.
in_ns "$STEPDOWN" -u 4242 -- /bin/sh -c "$snap" "$T/out"
expect_eq "exit status (numeric uid)" 0 "$?"
check_status "workload (numeric uid)" "$T/out/work.status" 4242 4242 ""
check_status "PID 1 (numeric uid)" "$T/out/pid1.status" 4242 4242 ""
# Its default HOME, /, is not writable by 4242: HOME moves to /tmp.
expect_eq "HOME=/tmp (not /) and USER=uid without an entry" "/tmp|4242|4242|unset" "$(cat "$T/out/env")"
rm -f "$T/out"/*

# A numeric uid that has an entry takes the entry; USER:GROUP overrides the gid.
in_ns "$STEPDOWN" -u 1000:staff --umask 0027 --home /tmp -- /bin/sh -c "$snap" "$T/out"
expect_eq "exit status (uid:group)" 0 "$?"
check_status "workload (1000:staff)" "$T/out/work.status" 1000 50 "29 44 50"
expect_eq "--home and USER from the entry" "/tmp|app|app|unset" "$(cat "$T/out/env")"
expect_eq "--umask" 0027 "$(cat "$T/out/umask")"
rm -f "$T/out"/*

# Environment twins: STEPDOWN_USER and STEPDOWN_UMASK when no option is given.
STEPDOWN_USER=other STEPDOWN_UMASK=077 in_ns "$STEPDOWN" -- /bin/sh -c "$snap" "$T/out"
expect_eq "exit status (env twins)" 0 "$?"
check_status "workload (STEPDOWN_USER=other)" "$T/out/work.status" 1001 1001 "44 50 1001"
expect_eq "STEPDOWN_UMASK" 0077 "$(cat "$T/out/umask")"
rm -f "$T/out"/*

# The workload cannot get root back: setuid binaries are inert (no_new_privs).
cp /bin/sh "$T/rootsh" && chmod 4755 "$T/rootsh"
out=$(in_ns "$STEPDOWN" -u app -- "$T/rootsh" -p -c 'id -u' 2>&1)
expect_eq "a setuid-root shell stays uid 1000" 1000 "$out"

# PID 1's working directory is / (it holds no directory busy).
(cd "$T/home" && in_ns "$STEPDOWN" -u app -- /bin/sh -c 'touch "$0/ready"; sleep 5' "$T/out") &
wait_for "$T/out/ready"
# (a seccomp variant's STEPDOWN is a wrapper that execs the real .../stepdown;
# a dist artefact is named stepdown-VERSION-linux-ARCH)
pid1=$(pgrep -f "$SD_RE([^ ]*/stepdown|$STEPDOWN) -u app -- /bin/sh -c .* $T/out" | head -1)
if [ -n "$pid1" ]; then
  expect_eq "PID 1 cwd is /" / "$(readlink /proc/$pid1/cwd)"
  kill -TERM "$pid1"
else
  fail "could not find stepdown's host pid"
fi
wait
# Group root (gid 0) is never silent: a passwd primary gid 0, membership in
# group root, or an explicit :0 each run (they were asked for) with a notice.
echo 'gzero:x:1500:0::/tmp:/bin/sh' >> "$T/etc/passwd"
sed -i 's/^root:x:0:$/root:x:0:member/' "$T/etc/group"
echo 'member:x:1501:1501::/tmp:/bin/sh' >> "$T/etc/passwd"
for spec in gzero member app:0; do
  out=$(in_ns "$STEPDOWN" -u "$spec" -- id -G 2>"$T/err")
  expect_eq "-u $spec: exit 0" 0 "$?"
  case " $out " in *" 0 "*) pass "  group 0 is among its groups ($out)";; *) fail "  no group 0 in [$out]";; esac
  expect_match "  with a notice" "runs with group root \(gid 0\)" "$(cat "$T/err")"
done
out=$(in_ns "$STEPDOWN" -u app -- id -G 2>"$T/err")
expect_eq "-u app: no notice without group 0" "" "$(grep 'group root' "$T/err")"
finish
