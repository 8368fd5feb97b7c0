#!/bin/bash
# The walk's races, each driven at its exact window: a test-only build of
# stepdown ($HOOKED, with TEST_HOOK points compiled in) stops at the window,
# the attacker's step runs, then the walk goes on. Whatever the attacker
# does there, nothing outside the declared tree changes owner or mode.
#   1. a root-only directory re-owned by someone else (a replica, a root
#      sidecar) while the walk is inside it, and a hard link to an outside
#      file renamed over the entry about to be changed;
#   2. a hard link to an outside file linked in, pinned, and unlinked again
#      before its link count is read;
#   3. a file of the tree moved out of it between the link count and the
#      change (the change is then not made: the file is outside);
#   4. a root 0700 directory renamed onto a declared name that is being
#      created (mkdir then fails with EEXIST).
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
export NS_TIMEOUT=30
: "${HOOKED:?HOOKED must point at stepdown_hooked}"

O=$T/outside
mkdir -p "$O"
as() { # UID CMD...: run CMD as UID:UID with no groups
  local u=$1; shift
  setpriv --reuid "$u" --regid "$u" --clear-groups "$@"
}
state() { stat -c '%u:%g %a' "$@"; }
hooked() { # POINT NAME CMD -- STEPDOWN ARGS...
  local point=$1 name=$2 cmd=$3; shift 3
  STEPDOWN_TEST_HOOK="$point $name" STEPDOWN_TEST_HOOK_CMD="$cmd" in_ns "$HOOKED" "$@"
}

# --- 1: the directory re-owned under the walk ------------------------------
echo 'root:$6$secret' > "$O/shadow"; chmod 0600 "$O/shadow"
W=$T/w1
mkdir -p "$W/att"   # the cache's dirs are root 0755: only root can change them
ln "$O/shadow" "$W/att/h"               # a hard link that is already there
for jobs in 1 4; do
  rm -rf "$W/cache"; mkdir -p "$W/cache/blobs"; echo weights > "$W/cache/blobs/model"
  [ -e "$W/att/h" ] || ln "$O/shadow" "$W/att/h"
  chown -R 0:0 "$W" "$O/shadow"; chown 1000:1000 "$W/att"
  hooked seen model "chown 1000:1000 '$W/cache/blobs' && \
    setpriv --reuid 1000 --regid 1000 --clear-groups mv -f '$W/att/h' '$W/cache/blobs/model'" \
    --jobs $jobs -u app -w "$W" -- true 2>"$T/err"
  rc=$?
  expect_eq "1 (jobs $jobs): the outside file keeps owner and mode" "0:0 600" "$(state "$O/shadow")"
  expect_eq "  the attacker's step ran (the link is in place)" \
    "$(stat -c %i "$O/shadow")" "$(stat -c %i "$W/cache/blobs/model" 2>/dev/null)"
  expect_eq "  the start succeeds: exit 0" 0 "$rc"
  expect_match "  the hard link is reported" "hard link" "$(cat "$T/err")"
  expect_eq "  the rest of the tree is app's" "" \
    "$(find "$W" \( ! -user 1000 -o ! -group 1000 \) ! -samefile "$O/shadow" -print)"
done

# --- 2: link in, pin, unlink -----------------------------------------------
# A dir of another uid (4444) inside the tree, writable by it; a root file
# outside that 4444 may link (0666: fs.protected_hardlinks allows it).
echo public > "$O/pub"; chmod 0666 "$O/pub"
W=$T/w2
mkdir -p "$W/d"; chown 0:0 "$W"; chown 4444:4444 "$W/d"; chmod 0777 "$W/d"
for step in "rm -f '$W/d/n'" \
            "rm -f '$W/d/n' && ln '$O/pub' '$W/d/n'" \
            "rm -f '$W/d/n' && ln '$O/pub' '$W/d/x' && mv '$W/d/x' '$W/d/n'"; do
  rm -f "$W/d/n"; as 4444 ln "$O/pub" "$W/d/n"
  hooked pinned n "setpriv --reuid 4444 --regid 4444 --clear-groups sh -c \"$step\"" \
    -u app -w "$W" -- true 2>"$T/err"
  rc=$?
  expect_eq "2 ($step): the outside file keeps owner and mode" "0:0 666" "$(state "$O/pub")"
  expect_eq "  exit 0" 0 "$rc"
  expect_eq "  the directory is app's" "1000:1000" "$(stat -c %u:%g "$W/d")"
done

# --- 3: moved out between the count and the change -------------------------
# The count through the pin says 1 and the file is the tree's, but before
# the change the attacker moves it to a directory of its own outside the
# tree: it is looked at again (gone) and left alone. Moved away and back,
# it is looked at again and changed.
P3=$T/p3; mkdir -p "$P3"; chown 4444:4444 "$P3"
W=$T/w3
mkdir -p "$W/d"; chown 4444:4444 "$W/d"; chmod 0777 "$W/d"
echo mine > "$W/d/f"; chown 0:0 "$W/d/f"; chmod 0640 "$W/d/f"
hooked counted f "setpriv --reuid 4444 --regid 4444 --clear-groups mv '$W/d/f' '$P3/f'" \
  -u app -w "$W" -- true 2>"$T/err"
rc=$?
[ -e "$P3/f" ] && pass "3: the attacker's step ran (the file is outside)" \
  || fail "3: the attacker's step did not run"
expect_eq "  the moved file keeps owner and mode" "0:0 640" "$(state "$P3/f")"
expect_eq "  exit 0" 0 "$rc"
expect_eq "  the directory is app's" "1000:1000" "$(stat -c %u:%g "$W/d")"
echo mine > "$W/d/g"; chown 0:0 "$W/d/g" "$W/d"
hooked counted g "setpriv --reuid 4444 --regid 4444 --clear-groups sh -c \"mv '$W/d/g' '$P3/g' && mv '$P3/g' '$W/d/g'\"" \
  -u app -w "$W" -- true 2>"$T/err"
expect_eq "3 (moved out and back): exit 0" 0 "$?"
expect_eq "  looked at again and changed" "1000:1000" "$(stat -c %u:%g "$W/d/g")"

# --- 4: a directory renamed onto the name being created --------------------
P=$T/p4
mkdir -p "$P/secret"; echo private > "$P/secret/key"
chown 4444:4444 "$P"; chmod 0755 "$P"    # the attacker can write the parent
chown -R 0:0 "$P/secret"; chmod 0700 "$P/secret"; chmod 0600 "$P/secret/key"
ctime=$(stat -c %.9Z "$P/secret/key")
hooked create cache "setpriv --reuid 4444 --regid 4444 --clear-groups mv '$P/secret' '$P/cache'" \
  -u app -w "$P/cache" -- true 2>"$T/err"
rc=$?
[ -e "$P/cache/key" ] && pass "4: the attacker's step ran (the secret is at the declared name)" \
  || fail "4: the attacker's step did not run"
expect_eq "  the secret keeps owner and mode" "0:0 700" "$(state "$P/cache")"
expect_eq "  its file keeps owner, mode and ctime" "0:0 600 $ctime" \
  "$(stat -c '%u:%g %a %.9Z' "$P/cache/key")"
expect_eq "  stepdown refuses: exit 125" 125 "$rc"
expect_match "  and says why" "appeared while stepdown was creating it" "$(cat "$T/err")"

# The same window where only root can write the parent: another root
# process (a second replica) made the directory; it is used as it is.
P=$T/p4root
mkdir -p "$P"; chmod 0755 "$P"
hooked create cache "mkdir '$P/cache' && touch '$P/cache/made-by-the-replica'" \
  -u app -w "$P/cache" -- true 2>"$T/err"
expect_eq "4 (root-only parent, a replica made it): exit 0" 0 "$?"
expect_eq "  the dir and its file are app's" "1000:1000 1000:1000" \
  "$(stat -c %u:%g "$P/cache" "$P/cache/made-by-the-replica" | xargs)"
# No false alarm: a missing dir made in a setgid parent that others can
# write (it inherits the group and the setgid bit) is ours, created.
P=$T/p4sgid
mkdir -p "$P"; chown 1000:44 "$P"; chmod 2775 "$P"
in_ns "$STEPDOWN" -u app -w "$P/cache" -- true 2>"$T/err"
expect_eq "4 (setgid parent): exit 0" 0 "$?"
expect_eq "  created and app's" "1000:1000" "$(stat -c %u:%g "$P/cache")"
finish
