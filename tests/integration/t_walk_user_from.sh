#!/bin/bash
# --user-from PATH (situation 4, saving to a host bind mount): the workload
# runs as PATH's owner, even one with no passwd entry, so what it writes
# there is the host user's; the host's files are never chowned. A root-owned
# PATH falls back to --user; with no --user that is an error (125).
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
export NS_TIMEOUT=30

H=$T/host                       # stands for the host bind mount
mkdir -p "$H/sub"
echo old > "$H/pre-existing"    # a root-owned file already there
echo s > "$H/sub/s"
chown 1234:1234 "$H"
chown 0:0 "$H/pre-existing"
chown 4321:4321 "$H/sub" "$H/sub/s"
grep -q '^[^:]*:[^:]*:1234:' "$T/etc/passwd" && fail "setup: 1234 must have no passwd entry"
owners() { find "$H" -printf '%U:%G %C@ %p\n' | sort -k3; }
before=$(owners)

snap='cat /proc/self/status > "$1/status"; touch "$0/written-by-workload"'
in_ns "$STEPDOWN" --user-from "$H" -- /bin/sh -c "$snap" "$H" "$T/out" 2>"$T/err"
expect_eq "--user-from a 1234-owned dir: exit 0" 0 "$?"
expect_eq "workload Uid is 1234 (all four)" "1234 1234 1234 1234" \
  "$(status_field "$T/out/status" Uid | tr -s '\t ' ' ')"
expect_eq "workload Gid is 1234 (all four)" "1234 1234 1234 1234" \
  "$(status_field "$T/out/status" Gid | tr -s '\t ' ' ')"
expect_eq "no supplementary groups" "" "$(status_field "$T/out/status" Groups | xargs)"
expect_eq "the file it created there is 1234:1234" 1234:1234 "$(stat -c %u:%g "$H/written-by-workload" 2>&1)"
rm -f "$H/written-by-workload"
# Creating and removing a file moves the dir's ctime: compare the rest with
# ctimes, the dir by owner.
expect_eq "nothing else below it changed (owners, ctimes)" \
  "$(printf '%s\n' "$before" | grep -v " $H\$")" "$(owners | grep -v " $H\$")"
expect_eq "the dir itself keeps its owner" 1234:1234 "$(stat -c %u:%g "$H")"
expect_eq "the root-owned file in it stays 0:0" 0:0 "$(stat -c %u:%g "$H/pre-existing")"

# With a --writable dir elsewhere, that dir is re-owned to the --user-from
# identity; the --user-from dir itself is still not touched.
mkdir -p "$T/cache/x"; echo c > "$T/cache/x/c"; chown -R 0:0 "$T/cache"
before=$(owners)
in_ns "$STEPDOWN" --user-from "$H" -w "$T/cache" -- true 2>"$T/err"
expect_eq "--user-from with -w elsewhere: exit 0" 0 "$?"
expect_eq "  the writable dir is re-owned to 1234:1234" "1234:1234 1234:1234 1234:1234" \
  "$(stat -c %u:%g "$T/cache" "$T/cache/x" "$T/cache/x/c" | xargs)"
expect_eq "  the --user-from dir untouched" "$before" "$(owners)"

# --user-from wins over --user when the owner is not root.
in_ns "$STEPDOWN" -u app --user-from "$H" -- /bin/sh -c 'id -u > "$0/uid"' "$T/out" 2>"$T/err"
expect_eq "--user-from with --user, 1234-owned: exit 0" 0 "$?"
expect_eq "  runs as the owner, not app" 1234 "$(cat "$T/out/uid")"

# A root-owned PATH falls back to --user.
mkdir -p "$T/rootowned"; echo r > "$T/rootowned/r"; chown -R 0:0 "$T/rootowned"
rbefore=$(find "$T/rootowned" -printf '%U:%G %C@ %p\n' | sort -k3)
rm -f "$T/out/uid"
in_ns "$STEPDOWN" --user-from "$T/rootowned" -u app -- /bin/sh -c 'id -u > "$0/uid"' "$T/out" 2>"$T/err"
expect_eq "--user-from a root-owned dir with -u app: exit 0" 0 "$?"
expect_eq "  falls back to app (uid 1000)" 1000 "$(cat "$T/out/uid" 2>&1)"
expect_eq "  the root-owned dir untouched" "$rbefore" "$(find "$T/rootowned" -printf '%U:%G %C@ %p\n' | sort -k3)"

# ... and with no --user to fall back to: 125, with a message, nothing run.
rm -f "$T/out/uid"
in_ns "$STEPDOWN" --user-from "$T/rootowned" -- /bin/sh -c 'id -u > "$0/uid"' "$T/out" 2>"$T/err"
expect_eq "--user-from a root-owned dir, no --user: 125" 125 "$?"
expect_match "  the message names the path and asks for --user" "$T/rootowned.*owned by root.*--user" "$(cat "$T/err")"
[ ! -e "$T/out/uid" ] && pass "  the workload did not run" || fail "  the workload ran"

# The same through STEPDOWN_USER_FROM.
STEPDOWN_USER_FROM=$H in_ns "$STEPDOWN" -- /bin/sh -c 'id -u > "$0/uid"' "$T/out" 2>"$T/err"
expect_eq "STEPDOWN_USER_FROM: exit 0" 0 "$?"
expect_eq "  runs as the owner" 1234 "$(cat "$T/out/uid" 2>&1)"

# A --writable dir under --user-from is the host's too: never re-owned.
mkdir -p "$H/sub" && touch "$H/sub/hostfile" && chown 1234:1234 "$H/sub" && chown 0:0 "$H/sub/hostfile"
in_ns "$STEPDOWN" --user-from "$H" -w "$H/sub" -- true 2>"$T/err"
expect_eq "--user-from with -w below it: exit 0" 0 "$?"
expect_eq "  a host file below it keeps its owner" 0:0 "$(stat -c %u:%g "$H/sub/hostfile")"
expect_match "  and says why" "under --user-from" "$(cat "$T/err")"

# Compared by identity, not by spelling: doubled slashes, and a --writable
# dir above --user-from on the same filesystem (the walk meets the host dir
# and does not enter it).
for spelling in "/$H/sub" "${H%/*}//host/sub" "$H//sub/"; do
  in_ns "$STEPDOWN" --user-from "$H" -w "$spelling" -- true 2>"$T/err"
  expect_eq "-w $spelling below --user-from: exit 0" 0 "$?"
  expect_eq "  host files keep their owners" 0:0 "$(stat -c %u:%g "$H/sub/hostfile")"
done
for spelling in "/$H" "$H/" "${H%/*}//host"; do
  in_ns "$STEPDOWN" --user-from "$spelling" -w "$H/sub" -- true 2>"$T/err"
  expect_eq "--user-from $spelling, -w below it: exit 0" 0 "$?"
  expect_eq "  host files keep their owners" 0:0 "$(stat -c %u:%g "$H/sub/hostfile")"
done
A=$T/above
mkdir -p "$A/data"
mount_state() { find "$A/data" -printf '%U:%G %m %p
' | sort -k3; }
mv "$H" "$A/data/host"; H=$A/data/host
echo x > "$A/data/other"; chown -R 0:0 "$A"; chown -R 1234:1234 "$H"
chown 0:0 "$H/pre-existing" "$H/sub/hostfile"; chown 4321:4321 "$H/sub/s"
host_before=$(find "$H" -printf '%U:%G %m %p
' | sort -k3)
for spelling in "$A" "$A//data" "/$A/"; do
  chown 0:0 "$A/data" "$A/data/other"
  in_ns "$STEPDOWN" --user-from "$H" -w "$spelling" -- true 2>"$T/err"
  expect_eq "-w $spelling above --user-from: exit 0" 0 "$?"
  expect_eq "  every host file keeps owner and mode" "$host_before" \
    "$(find "$H" -printf '%U:%G %m %p\n' | sort -k3)"
  expect_eq "  the rest of the -w tree is the owner's" "1234:1234 1234:1234" \
    "$(stat -c %u:%g "$A/data" "$A/data/other" | xargs)"
  expect_match "  and says why" "user-from.s directory is below it" "$(cat "$T/err")"
done

# gid 0 is never taken from --user-from: a dir owned uid:0 (what
# `sudo chown user dir` leaves) runs as the owner with its primary group
# (an entry) or gid = uid (none), and says so.
G0=$T/g0; mkdir -p "$G0"
for owner in 1000 1234; do
  chown "$owner:0" "$G0"; rm -f "$T/out/gid" "$T/out/groups"
  in_ns "$STEPDOWN" --user-from "$G0" -- /bin/sh -c 'id -g > "$0/gid"; id -G > "$0/groups"' "$T/out" 2>"$T/err"
  expect_eq "--user-from a $owner:0 dir: exit 0" 0 "$?"
  expect_eq "  gid is $([ $owner = 1000 ] && echo "app's primary, 1000" || echo "the uid, 1234")" \
    "$owner" "$(cat "$T/out/gid")"
  case " $(cat "$T/out/groups") " in *" 0 "*) fail "  group 0 among the groups";; *) pass "  no group 0";; esac
  expect_match "  says why" "has group root \(gid 0\), not taken" "$(cat "$T/err")"
done

# --user-from through a symlink is refused like a declared dir (125).
ln -s "$H" "$T/hostlink"
rm -f "$T/out/uid"
in_ns "$STEPDOWN" -u app --user-from "$T/hostlink" -- /bin/sh -c 'id -u > "$0/uid"' "$T/out" 2>"$T/err"
expect_eq "--user-from a symlink: 125" 125 "$?"
expect_match "  names the symlink" "'$T/hostlink' is a symlink" "$(cat "$T/err")"
[ ! -e "$T/out/uid" ] && pass "  the workload did not run" || fail "  the workload ran"
finish
