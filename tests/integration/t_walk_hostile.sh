#!/bin/bash
# Every hostile entry, in every kind of directory that can hold it: a table
# of case x kind. The kind is the directory that holds the hostile entry:
# a dir inside the declared dir, or for (d) the parent in the declared path.
#
#   kind    owner       mode  who plants the hostile entry there
#   root    0:0         0755  root (an image layer)
#   other   4444:4444   0755  uid 4444
#   sticky  0:0         1777  uid 4444 (anyone may add an entry)
#   target  1000:1000   0755  root (a dir app already owns)
#
#   (a) a symlink to an outside root 0600 file: the link is re-owned
#       itself (lstat), the file keeps owner, mode and ctime;
#   (b) a symlink to an outside root dir with a file inside: the same;
#   (c) a hard link to an outside root 0600 file (made by root:
#       fs.protected_hardlinks stops anyone else): left alone, reported;
#   (d) a symlink as a component of the declared path, in the middle and
#       last: refused with 125 naming it, nothing behind it touched;
#   (e) a bind mount (same filesystem) below the declared dir: not
#       entered, its contents untouched;
#   (f) the hard link of (c), once the walk has pinned it, unlinked and a
#       file of one link made under its name ($HOOKED stops the walk at
#       that window; in the kinds a non-root uid can write).
# In every case the exit status is checked and the rest of the tree must
# be app's; "untouched" is owner, group, mode, link count and ctime.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
export NS_TIMEOUT=30

KINDS="root other sticky target"
declare -A OWNER=([root]=0:0 [other]=4444:4444 [sticky]=0:0 [target]=1000:1000)
declare -A MODE=([root]=755 [other]=755 [sticky]=1777 [target]=755)
declare -A PLANTER=([root]=0 [other]=4444 [sticky]=4444 [target]=0)

# state PATH...: what "untouched" compares, links not followed.
state() { stat -c '%u:%g %a %h %.9Z %n' "$@"; }
# not_app DIR: the entries below DIR that are not 1000:1000 (DIR itself: ".").
not_app() { find "$1" \( ! -user 1000 -o ! -group 1000 \) -printf '%P\n' | sed 's|^$|.|' | sort | paste -sd' '; }
# plant KIND CMD...: run CMD as the one who plants entries in a KIND dir.
plant() {
  local u=${PLANTER[$1]}; shift
  if [ "$u" = 0 ]; then "$@"; else setpriv --reuid "$u" --regid "$u" --clear-groups "$@"; fi
}
# inside_ns SCRIPT ARGS...: SCRIPT (sh) runs in in_ns's private namespaces,
# sets up its mounts, then execs the rest of its arguments as PID 1.
inside_ns() { in_ns /bin/sh -c "$1" inside_ns "${@:2}"; }

# tree CASE KIND: a fresh declared dir W (root 0755) holding D, a dir of
# KIND, with ordinary entries around it; O, a root 0755 dir outside.
tree() {
  W=$T/$1-$2 D=$T/$1-$2/d O=$T/outside-$1-$2
  mkdir -p "$W" "$D/sub" "$O"
  echo top > "$W/top"; echo plain > "$D/plain"; echo f > "$D/sub/f"
  chown -R 0:0 "$W" "$O"
  chown "${OWNER[$2]}" "$D"; chmod "${MODE[$2]}" "$D"
}
# rest_is_app CASE KIND LEFT: after a walk, everything but LEFT is app's and
# the holding dir kept its mode (the sticky bit included).
rest_is_app() {
  expect_eq "  ($1, $2) the rest of the tree is app's" "$3" "$(not_app "$W")"
  expect_eq "  ($1, $2) the holding dir keeps mode ${MODE[$2]}" "${MODE[$2]}" "$(stat -c %a "$D")"
}

for kind in $KINDS; do
  # --- (a) symlink to an outside root 0600 file ---------------------------
  tree a "$kind"
  echo secret > "$O/file"; chmod 0600 "$O/file"
  plant "$kind" ln -s "$O/file" "$D/link"
  before=$(state "$O" "$O/file")
  in_ns "$STEPDOWN" -u app -w "$W" -- true 2>"$T/err"
  expect_eq "(a) symlink to an outside file, in a $kind dir: exit 0" 0 "$?"
  expect_eq "  (a, $kind) the outside file untouched" "$before" "$(state "$O" "$O/file")"
  expect_eq "  (a, $kind) the link itself is app's (lstat)" 1000:1000 "$(stat -c %u:%g "$D/link")"
  expect_eq "  (a, $kind) still the same symlink" "$O/file" "$(readlink "$D/link")"
  rest_is_app a "$kind" ""
  expect_eq "  (a, $kind) nothing on stderr" "" "$(cat "$T/err")"

  # --- (b) symlink to an outside root dir with a file inside --------------
  tree b "$kind"
  mkdir "$O/dir"; echo inner > "$O/dir/f"; chmod 0600 "$O/dir/f"
  plant "$kind" ln -s "$O/dir" "$D/link"
  before=$(state "$O/dir" "$O/dir/f")
  in_ns "$STEPDOWN" -u app -w "$W" -- true 2>"$T/err"
  expect_eq "(b) symlink to an outside dir, in a $kind dir: exit 0" 0 "$?"
  expect_eq "  (b, $kind) the outside dir and its file untouched" "$before" "$(state "$O/dir" "$O/dir/f")"
  expect_eq "  (b, $kind) the link itself is app's (lstat)" 1000:1000 "$(stat -c %u:%g "$D/link")"
  [ -L "$D/link" ] && pass "  (b, $kind) still a symlink" || fail "  (b, $kind) no longer a symlink"
  rest_is_app b "$kind" ""
  expect_eq "  (b, $kind) nothing on stderr" "" "$(cat "$T/err")"

  # --- (c) hard link to an outside root 0600 file -------------------------
  tree c "$kind"
  echo 'root:$6$secret' > "$O/shadow"; chmod 0600 "$O/shadow"
  ln "$O/shadow" "$D/hard"
  before=$(state "$O/shadow")
  in_ns "$STEPDOWN" -u app -w "$W" -- touch "$T/out/ran-c-$kind" 2>"$T/err"
  expect_eq "(c) hard link to an outside file, in a $kind dir: exit 0" 0 "$?"
  [ -e "$T/out/ran-c-$kind" ] && pass "  (c, $kind) the workload ran" || fail "  (c, $kind) the workload did not run"
  expect_eq "  (c, $kind) the outside file untouched, still 2 links" "$before" "$(state "$O/shadow")"
  expect_match "  (c, $kind) the hard link reported by name" "hard links? .*'$D/hard'" "$(cat "$T/err")"
  rest_is_app c "$kind" "d/hard"

  # --- (e) a bind mount below the declared dir -----------------------------
  tree e "$kind"
  mkdir -p "$O/src/sub" "$D/mnt"
  echo f > "$O/src/f"; echo g > "$O/src/sub/g"; chmod 0600 "$O/src/f"
  before=$(state "$O/src" "$O/src/f" "$O/src/sub" "$O/src/sub/g")
  inside_ns 'mount --bind "$1" "$2" || exit 92; shift 2; exec "$@"' "$O/src" "$D/mnt" \
    "$STEPDOWN" -v -u app -w "$W" -- true 2>"$T/err"
  expect_eq "(e) bind mount below, in a $kind dir: exit 0" 0 "$?"
  expect_eq "  (e, $kind) the mount's contents untouched" "$before" \
    "$(state "$O/src" "$O/src/f" "$O/src/sub" "$O/src/sub/g")"
  expect_match "  (e, $kind) -v says 1 mount was not entered" "$W: 1 other mount" "$(cat "$T/err")"
  # The mount point's own dir was hidden under the mount: never reached.
  rest_is_app e "$kind" "d/mnt"
done

# --- (d) a symlink as a component of the declared path --------------------
for kind in $KINDS; do
  P=$T/dpath-$kind R=$T/real-$kind
  mkdir -p "$P" "$R/sub"; echo f > "$R/sub/f"; chmod 0600 "$R/sub/f"
  chown -R 0:0 "$R"; chown "${OWNER[$kind]}" "$P"; chmod "${MODE[$kind]}" "$P"
  plant "$kind" ln -s "$R" "$P/link"
  before=$(state "$R" "$R/sub" "$R/sub/f")
  link_before=$(state "$P/link")
  for spec in "middle:$P/link/sub" "last:$P/link"; do
    where=${spec%%:*} path=${spec#*:}
    in_ns "$STEPDOWN" -u app -w "$path" -- touch "$T/out/ran-d-$kind-$where" 2>"$T/err"
    expect_eq "(d) symlink as the $where component, in a $kind parent: 125" 125 "$?"
    expect_match "  (d, $kind, $where) stderr names the symlink" "'$P/link' is a symlink" "$(cat "$T/err")"
    expect_eq "  (d, $kind, $where) nothing behind it touched" "$before" "$(state "$R" "$R/sub" "$R/sub/f")"
    expect_eq "  (d, $kind, $where) the link itself untouched" "$link_before" "$(state "$P/link")"
    [ ! -e "$T/out/ran-d-$kind-$where" ] && pass "  (d, $kind, $where) workload not run" \
      || fail "  (d, $kind, $where) the workload ran"
  done
done

# --- (f) a hard link pinned, then swapped for a file of one link ----------
# Once the walk has pinned the hard link to the outside file ($HOOKED stops
# it there), its name is unlinked and a new file of the attacker's made
# under it. The pinned outside file now has one link,
# and so has what the name shows: only the look by name, which sees another
# inode, tells them apart. Kinds where a non-root uid can write the dir:
# another uid's own dir (4444), app's (1000), and root's sticky dir, where
# the sticky bit refuses 4444 the unlink of root's name.
: "${HOOKED:?HOOKED must point at stepdown_hooked}"
declare -A ATTACKER_UID=([other]=4444 [sticky]=4444 [target]=1000)
for kind in other sticky target; do
  tree f "$kind"
  echo 'root:$6$secret' > "$O/shadow"; chmod 0600 "$O/shadow"
  ln "$O/shadow" "$D/planted"
  ino=$(stat -c %i "$O/shadow")
  u=${ATTACKER_UID[$kind]}
  STEPDOWN_TEST_HOOK="pinned planted" STEPDOWN_TEST_HOOK_CMD="setpriv --reuid $u --regid $u \
    --clear-groups sh -c 'touch \"$T/out/window-f-$kind\"; rm -f \"$D/planted\" && echo mine > \"$D/planted\"'" \
    in_ns "$HOOKED" -u app -w "$W" -- true 2>"$T/err"
  expect_eq "(f) hard link pinned, then swapped for uid $u's file, in a $kind dir: exit 0" 0 "$?"
  [ -e "$T/out/window-f-$kind" ] && pass "  (f, $kind) the attacker's step ran at the window" \
    || fail "  (f, $kind) the walk never reached the window"
  if [ "$kind" = sticky ]; then
    expect_eq "  (f, $kind) the sticky bit refused the unlink: still 2 links, 0:0 600" "0:0 600 2" \
      "$(stat -c '%u:%g %a %h' "$O/shadow")"
    expect_match "  (f, $kind) the hard link reported" "hard links? .*'$D/planted'" "$(cat "$T/err")"
    rest_is_app f "$kind" "d/planted"
  else
    expect_eq "  (f, $kind) the outside file keeps owner and mode (1 link now)" "0:0 600 1" \
      "$(stat -c '%u:%g %a %h' "$O/shadow")"
    [ "$(stat -c %i "$D/planted")" != "$ino" ] && [ "$(stat -c %h "$D/planted")" = 1 ] \
      && [ "$(cat "$D/planted")" = mine ] \
      && pass "  (f, $kind) a new file of one link is under the name" \
      || fail "  (f, $kind) the name is not the attacker's new file"
    rest_is_app f "$kind" ""
  fi
done
finish
